package io.datacascade.examples.lambda;

import java.util.Objects;

/**
 * Where a record of an MSK event came from, attached to it as its pipeline origin so that dead
 * letters and error messages name it, and carrying the raw value (base64, as Lambda delivered it)
 * for the dead-letter table.
 *
 * @param topic          the Kafka topic
 * @param partition      the partition
 * @param offset         the offset in the partition
 * @param kafkaTimestamp the record's Kafka timestamp, epoch milliseconds
 * @param rawValue       the record value as base64 text, exactly as in the event; null if it had none
 */
record SourcePosition(String topic, int partition, long offset, long kafkaTimestamp, String rawValue) {

    SourcePosition {
        Objects.requireNonNull(topic, "topic can't be null");
    }

    /** {@code topic-partition-offset}: the key of a dead letter, unique per source record. */
    String key() {
        return topic + "-" + partition + "-" + offset;
    }

    /** Like {@link #key()}: short, since the engine quotes it in error messages. */
    @Override
    public String toString() {
        return key();
    }
}
