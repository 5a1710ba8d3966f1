package io.datacascade.kafka.internal;

import io.datacascade.kafka.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Builds dead-letter records in the one format both the source and the dead-letter sink write. */
public final class DeadLetterRecords {
    /** Reasons are cut here: a header is not a place for a whole stack trace or payload. */
    static final int MAX_REASON_CHARS = 2000;

    private DeadLetterRecords() {
    }

    /** A dead letter for a consumed record: its original key, value and headers, plus ours. */
    public static ProducerRecord<byte[], byte[]> of(String topic, ConsumerRecord<byte[], byte[]> failed, String pipeline,
            String stage, String reason, Throwable error, long failedAt) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : failed.headers()) {
            headers.add(h);
        }
        headers.add(DeadLetterHeaders.SOURCE_TOPIC, utf8(failed.topic()));
        headers.add(DeadLetterHeaders.SOURCE_PARTITION, utf8(Integer.toString(failed.partition())));
        headers.add(DeadLetterHeaders.SOURCE_OFFSET, utf8(Long.toString(failed.offset())));
        addFailure(headers, pipeline, stage, reason, error, failedAt);
        return new ProducerRecord<>(topic, null, null, failed.key(), failed.value(), headers);
    }

    /** A dead letter for a record that did not come from Kafka: its text form as the value. */
    public static ProducerRecord<byte[], byte[]> of(String topic, byte[] key, byte[] value, String pipeline, String stage,
            String reason, Throwable error, long failedAt) {
        RecordHeaders headers = new RecordHeaders();
        addFailure(headers, pipeline, stage, reason, error, failedAt);
        return new ProducerRecord<>(topic, null, null, key, value, headers);
    }

    private static void addFailure(RecordHeaders headers, String pipeline, String stage, String reason, Throwable error,
            long failedAt) {
        headers.add(DeadLetterHeaders.REASON, utf8(cut(reason)));
        headers.add(DeadLetterHeaders.STAGE, utf8(stage));
        headers.add(DeadLetterHeaders.PIPELINE, utf8(pipeline));
        headers.add(DeadLetterHeaders.EXCEPTION, utf8(error == null ? "" : error.getClass().getName()));
        headers.add(DeadLetterHeaders.FAILED_AT, utf8(Long.toString(failedAt)));
    }

    /** The reason text: the exception's message (or class when it has none), cut to a sane length. */
    public static String reason(Throwable error) {
        if (error == null) {
            return "unknown";
        }
        return cut(error.getMessage() == null ? error.getClass().getName() : error.getMessage());
    }

    private static String cut(String reason) {
        return reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS) + "…";
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
