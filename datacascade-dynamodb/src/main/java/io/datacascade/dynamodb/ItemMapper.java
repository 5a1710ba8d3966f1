package io.datacascade.dynamodb;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Turns a pipeline record into a DynamoDB item for {@link DynamoDbSink}. The item must carry the
 * table's keys, {@value PointItems#PARTITION_KEY} (S) and {@value PointItems#SORT_KEY} (N): equal
 * keys mean the same item, so writing a record again overwrites it instead of adding a copy.
 *
 * @param <T> the record type
 */
@FunctionalInterface
public interface ItemMapper<T> {
    /**
     * The item for {@code record}.
     *
     * @throws IllegalArgumentException if the record cannot be stored (the sink hands it to the
     *                                  pipeline's error policy with this message)
     */
    Map<String, AttributeValue> toItem(T record);
}
