package io.datacascade.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.Alert;
import io.datacascade.core.DataCascade;
import io.datacascade.core.MemorySink;
import io.datacascade.core.Pipeline;
import io.datacascade.core.Point;
import io.datacascade.core.alert.AlertLogSink;
import io.datacascade.core.alert.AlertRule;
import io.datacascade.core.alert.AlertRules;
import io.datacascade.core.alert.Signal;
import io.datacascade.core.window.Windows;
import io.datacascade.kafka.AlertJsonCodec;
import io.datacascade.kafka.KafkaSink;
import io.datacascade.kafka.KafkaSource;
import io.datacascade.testsupport.EmbeddedKafka;
import io.datacascade.websocket.ChartServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pipeline at the top of docs/alerts.md, verbatim but for the broker address (an embedded
 * broker) and the dashboard port (a free one), so the snippet keeps compiling and working.
 */
@Timeout(120)
class DocsAlertsSnippetTest {

    @Test
    void shouldRunTheAlertsPageSnippet() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String servers = kafka.bootstrapServers();
            kafka.createTopic("data-stream", 1);
            kafka.createTopic("alerts", 1);

            AlertRules rules = AlertRules.of(
                    AlertRule.builder("cpu-high")
                            .series("cpu.*.avg")
                            .when(Signal.value().above(90).resolveAt(80))
                            .forDuration(Duration.ofSeconds(30))
                            .severity("critical")
                            .build(),
                    AlertRule.builder("sensor-silent").series("sensor.a.avg").absentFor(Duration.ofMinutes(2)).build());

            ChartServer chart = ChartServer.builder().port(0).start();
            MemorySink<Alert> seen = MemorySink.create();
            Pipeline<Point> pipeline = DataCascade.pipeline("watch")
                    .from(KafkaSource.points(servers, "data-stream", "watcher"))
                    .window(Windows.tumbling(Duration.ofSeconds(1)))                // per-second averages...
                    .alerts(rules)                                                  // ...and rules on them
                    .alertsTo(KafkaSink.alerts(servers, "alerts"))                  // JSON, keyed by series
                    .alertsTo(chart.sink().alerts())                                // the dashboard's panel and markers
                    .alertsTo(AlertLogSink.create())                                // one log line per change
                    .alertsTo(seen)
                    .to(chart.sink())
                    .build();
            pipeline.start();
            try {
                // cpu.load at 95 for 40 s of event time (10 points a second), then at 10
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerConfig(),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
                    long start = 1_700_000_000_000L;
                    for (int i = 0; i < 500; i++) {
                        double value = i < 400 ? 95 : 10;
                        String json = "{\"series\":\"cpu.load\",\"time\":" + (start + i * 100L) + ",\"value\":" + value + "}";
                        producer.send(new ProducerRecord<>("data-stream", "cpu.load".getBytes(), json.getBytes()));
                    }
                }
                assertThat(seen.await(3, Duration.ofSeconds(60))).isTrue();
                assertThat(seen.records()).extracting(Alert::state)
                        .containsExactly(Alert.State.PENDING, Alert.State.FIRING, Alert.State.RESOLVED);
                assertThat(seen.records().get(1).eventTime()).isEqualTo(1_700_000_000_000L + 30_000);
                assertThat(readAlerts(kafka)).extracting(Alert::state)
                        .containsExactly(Alert.State.PENDING, Alert.State.FIRING, Alert.State.RESOLVED);
                assertThat(chart.metrics().alerts()).isEqualTo(3);
            } finally {
                pipeline.close();
                chart.close();
            }
        }
    }

    private static List<Alert> readAlerts(EmbeddedKafka kafka) {
        Map<String, Object> config = new java.util.HashMap<>(kafka.consumerConfig("docs-check"));
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<Alert> alerts = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("alerts"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (alerts.size() < 3 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    alerts.add(AlertJsonCodec.create().decode(r.value()));
                }
            }
        }
        return alerts;
    }
}
