package io.datacascade.examples.lambda;

import com.amazonaws.services.lambda.runtime.events.KafkaEvent;
import com.amazonaws.services.lambda.runtime.events.KafkaEvent.KafkaEventRecord;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * One record of an MSK event as Lambda delivered it (base64 key and value, headers as byte arrays),
 * with its position. {@link #toConsumerRecord()} turns it into the {@link ConsumerRecord} a Kafka
 * consumer would have seen, so the same {@code PointJsonCodec} reads it.
 *
 * @param position where it came from
 * @param record   the record from the event
 */
record MskRecord(SourcePosition position, KafkaEventRecord record) {

    /**
     * The records of {@code event}, partition by partition in the order Lambda lists them (offsets
     * ascending within a partition); none for a null event or one without records.
     */
    static List<MskRecord> of(KafkaEvent event) {
        List<MskRecord> out = new ArrayList<>();
        if (event == null || event.getRecords() == null) {
            return out;
        }
        for (Map.Entry<String, List<KafkaEventRecord>> partition : event.getRecords().entrySet()) {
            if (partition.getValue() == null) {
                continue;
            }
            for (KafkaEventRecord r : partition.getValue()) {
                if (r != null) {
                    out.add(new MskRecord(positionOf(partition.getKey(), r), r));
                }
            }
        }
        return out;
    }

    private static SourcePosition positionOf(String partitionKey, KafkaEventRecord r) {
        String topic = r.getTopic();
        if (topic == null || topic.isEmpty()) {
            // the map key is "topic-partition"; a topic name may itself contain '-'
            int dash = partitionKey == null ? -1 : partitionKey.lastIndexOf('-');
            topic = dash > 0 ? partitionKey.substring(0, dash) : String.valueOf(partitionKey);
        }
        return new SourcePosition(topic, r.getPartition(), r.getOffset(), r.getTimestamp(), r.getValue());
    }

    /**
     * The record as a Kafka consumer would have received it: key and value base64-decoded, the
     * headers, timestamp and timestamp type carried over.
     *
     * @throws IllegalArgumentException if the key or value is not valid base64
     */
    ConsumerRecord<byte[], byte[]> toConsumerRecord() {
        byte[] key = base64(record.getKey(), "key");
        byte[] value = base64(record.getValue(), "value");
        List<Header> headers = new ArrayList<>();
        if (record.getHeaders() != null) {
            for (Map<String, byte[]> header : record.getHeaders()) {
                if (header != null) {
                    header.forEach((name, bytes) -> headers.add(new RecordHeader(name, bytes)));
                }
            }
        }
        return new ConsumerRecord<>(position.topic(), position.partition(), position.offset(), record.getTimestamp(),
                timestampType(record.getTimestampType()),
                key == null ? ConsumerRecord.NULL_SIZE : key.length,
                value == null ? ConsumerRecord.NULL_SIZE : value.length,
                key, value, new RecordHeaders(headers), Optional.empty());
    }

    private static byte[] base64(String text, String what) {
        if (text == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("record " + what + " is not valid base64 (" + e.getMessage() + ")", e);
        }
    }

    private static TimestampType timestampType(String name) {
        if (name == null) {
            return TimestampType.NO_TIMESTAMP_TYPE;
        }
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "CREATE_TIME" -> TimestampType.CREATE_TIME;
            case "LOG_APPEND_TIME" -> TimestampType.LOG_APPEND_TIME;
            default -> TimestampType.NO_TIMESTAMP_TYPE;
        };
    }
}
