package io.datacascade.examples.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KafkaEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** MSK event records, loaded as the Lambda Java runtime loads them, turned into Kafka consumer records. */
class MskRecordTest {
    private final KafkaEvent event = EventLoader.loadKafkaEvent("msk-event.json");

    @Test
    void shouldListTheRecordsPartitionByPartitionInOffsetOrder() {
        List<MskRecord> records = MskRecord.of(event);

        assertThat(records).extracting(r -> r.position().key()).containsExactly(
                "sensors-0-100", "sensors-0-101", "sensors-0-102", "sensors-0-103", "sensors-0-104", "sensors-0-105",
                "sensors-0-106", "sensors-1-7", "sensors-1-8");
    }

    @Test
    void shouldDecodeKeyValueHeadersAndTimestampLikeAKafkaConsumer() {
        ConsumerRecord<byte[], byte[]> record = MskRecord.of(event).get(0).toConsumerRecord();

        assertThat(record.topic()).isEqualTo("sensors");
        assertThat(record.partition()).isZero();
        assertThat(record.offset()).isEqualTo(100);
        assertThat(record.timestamp()).isEqualTo(1732822000010L);
        assertThat(record.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("sensor.temp");
        assertThat(new String(record.value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"series\":\"sensor.temp\",\"time\":1732822000000,\"value\":21.5,\"tags\":{\"site\":\"lab\"}}");
        assertThat(record.serializedValueSize()).isEqualTo(record.value().length);
        assertThat(record.headers().toArray()).extracting(Header::key).containsExactly("producer", "content-type");
        assertThat(new String(record.headers().lastHeader("producer").value(), StandardCharsets.UTF_8))
                .isEqualTo("sensor-gateway");
    }

    @Test
    void shouldKeepANullKeyAndTheLogAppendTimestampType() {
        ConsumerRecord<byte[], byte[]> record = MskRecord.of(event).get(7).toConsumerRecord();

        assertThat(record.key()).isNull();
        assertThat(record.serializedKeySize()).isEqualTo(ConsumerRecord.NULL_SIZE);
        assertThat(record.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(record.headers().toArray()).isEmpty();
    }

    @Test
    void shouldTakeTheTopicFromThePartitionKeyWhenARecordHasNone() {
        KafkaEvent.KafkaEventRecord r = event.getRecords().get("sensors-1").get(0);
        r.setTopic(null);

        assertThat(MskRecord.of(event).get(7).position().topic()).isEqualTo("sensors");
    }

    @Test
    void shouldHaveNoRecordsForANullOrEmptyEvent() {
        assertThat(MskRecord.of(null)).isEmpty();
        assertThat(MskRecord.of(new KafkaEvent())).isEmpty();
    }
}
