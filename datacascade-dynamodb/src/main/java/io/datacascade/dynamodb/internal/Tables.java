package io.datacascade.dynamodb.internal;

import io.datacascade.dynamodb.PointItems;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** Creates the points table when it is missing, or checks that an existing one has the right keys. */
public final class Tables {
    private static final Logger LOG = LoggerFactory.getLogger(Tables.class);

    private Tables() {
    }

    /**
     * Makes sure {@code table} exists with {@code series} (S, partition key) and {@code ts} (N,
     * sort key): creates it on demand (pay per request) and waits until it is active, or fails
     * naming what the existing table has instead.
     */
    public static void ensure(DynamoDbClient client, String table, boolean create, Duration wait) {
        TableDescription description;
        try {
            description = client.describeTable(r -> r.tableName(table)).table();
        } catch (ResourceNotFoundException missing) {
            if (!create) {
                throw new IllegalStateException("DynamoDB table '" + table + "' does not exist (and creating it is off)");
            }
            LOG.info("DynamoDB table '{}' does not exist; creating it (on-demand billing, keys {} S + {} N)", table,
                    PointItems.PARTITION_KEY, PointItems.SORT_KEY);
            try {
                client.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(
                                AttributeDefinition.builder().attributeName(PointItems.PARTITION_KEY)
                                        .attributeType(ScalarAttributeType.S).build(),
                                AttributeDefinition.builder().attributeName(PointItems.SORT_KEY)
                                        .attributeType(ScalarAttributeType.N).build())
                        .keySchema(
                                KeySchemaElement.builder().attributeName(PointItems.PARTITION_KEY).keyType(KeyType.HASH).build(),
                                KeySchemaElement.builder().attributeName(PointItems.SORT_KEY).keyType(KeyType.RANGE).build()));
            } catch (DynamoDbException e) {
                if (!"ResourceInUseException".equals(e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode())) {
                    throw e;
                }
                // created meanwhile by another instance: fall through to the wait and the check
            }
            client.waiter().waitUntilTableExists(r -> r.tableName(table), w -> w.waitTimeout(wait));
            description = client.describeTable(r -> r.tableName(table)).table();
        }
        verify(table, description);
    }

    static void verify(String table, TableDescription description) {
        String hash = null;
        String range = null;
        for (KeySchemaElement k : description.keySchema()) {
            if (k.keyType() == KeyType.HASH) {
                hash = k.attributeName() + " " + typeOf(k.attributeName(), description.attributeDefinitions());
            } else {
                range = k.attributeName() + " " + typeOf(k.attributeName(), description.attributeDefinitions());
            }
        }
        String wantHash = PointItems.PARTITION_KEY + " S";
        String wantRange = PointItems.SORT_KEY + " N";
        if (!wantHash.equals(hash) || !wantRange.equals(range)) {
            throw new IllegalStateException("DynamoDB table '" + table + "' has partition key [" + hash + "] and sort key ["
                    + range + "], but DataCascade stores points under partition key [" + wantHash + "] and sort key ["
                    + wantRange + "]; use another table name or a table with these keys");
        }
    }

    private static String typeOf(String attribute, List<AttributeDefinition> definitions) {
        for (AttributeDefinition d : definitions) {
            if (d.attributeName().equals(attribute)) {
                return d.attributeTypeAsString();
            }
        }
        return "?";
    }
}
