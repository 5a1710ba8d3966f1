package io.datacascade.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns a consumed Kafka record into a pipeline record. A decoder that throws marks the record as
 * a poison pill: the {@link KafkaSource} sends its original bytes to the dead-letter topic with the
 * exception's message as the reason, counts it, and goes on with the next record.
 *
 * @param <T> the pipeline's record type
 */
@FunctionalInterface
public interface KafkaDecoder<T> {
    /**
     * Decodes one record; never returns null.
     *
     * @throws Exception with a message a person can act on (it becomes the dead letter's reason)
     */
    T decode(ConsumerRecord<byte[], byte[]> record) throws Exception;
}
