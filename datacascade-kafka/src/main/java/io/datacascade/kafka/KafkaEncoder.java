package io.datacascade.kafka;

/**
 * Turns a pipeline record into the key and value of a Kafka record. The key decides the
 * partition: records with equal keys keep their order.
 *
 * @param <T> the pipeline's record type
 */
public interface KafkaEncoder<T> {
    /** The record's key bytes, or null for round-robin partitioning. */
    byte[] key(T record);

    /** The record's value bytes. */
    byte[] value(T record);
}
