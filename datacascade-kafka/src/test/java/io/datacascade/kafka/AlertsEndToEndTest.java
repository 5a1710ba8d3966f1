package io.datacascade.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.Alert;
import io.datacascade.core.DataCascade;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineState;
import io.datacascade.core.Point;
import io.datacascade.core.SimulatorSource;
import io.datacascade.core.alert.AlertRule;
import io.datacascade.core.alert.AlertRules;
import io.datacascade.core.alert.Signal;
import io.datacascade.core.window.Aggregators;
import io.datacascade.core.window.Windows;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The whole alert path on the real broker: the simulator writes to {@code data-stream} with one
 * spike; a second pipeline reads it, averages each series per second, evaluates a rule on the
 * averages and writes alerts to {@code alerts} and averages to {@code data-processed}.
 */
class AlertsEndToEndTest extends WithBroker {
    private static final long START = 1_700_000_000_000L; // a whole second, so spikes line up with windows
    private static final int SERIES = 4;
    private static final int SECONDS = 6;

    @Test
    void shouldWriteExactlyOneFiringAndOneResolvedAlertForOneSpike() throws Exception {
        kafka.createTopic("data-stream", 3);
        kafka.createTopic("alerts", 1);
        kafka.createTopic("data-processed", 3);

        // 4 series of noise around 50, one point per series per ms of event time; series 0 jumps by
        // 200 for one second from 3 s on (spikes come every 3 s, and the data ends before the next)
        SimulatorSource sim = SimulatorSource.builder().series(SERIES).ratePerSecond(0).shape(SimulatorSource.Shape.NOISE)
                .spikes(Duration.ofSeconds(3), Duration.ofSeconds(1), 200).startMillis(START)
                .limit((long) SERIES * SECONDS * 1000).build();
        Pipeline<Point> producer = DataCascade.pipeline("producer").from(sim)
                .to(KafkaSink.points(kafka.bootstrapServers(), "data-stream")).build();
        producer.start();
        assertThat(producer.awaitTermination(Duration.ofSeconds(60))).isTrue();
        assertThat(producer.state()).isEqualTo(PipelineState.COMPLETED);

        AlertRule spike = AlertRule.builder("avg-spike").series("*.avg")
                .when(Signal.value().above(150).resolveAt(100)).severity("critical").label("team", "ops").build();
        Pipeline<Point> consumer = DataCascade.pipeline("alerting")
                .from(KafkaSource.points(kafka.bootstrapServers(), "data-stream", "alerting"))
                .window(Windows.tumbling(Duration.ofSeconds(1)).eventTime(Duration.ofMillis(500)))
                .alerts(AlertRules.of(spike))
                .alertsTo(KafkaSink.alerts(kafka.bootstrapServers(), "alerts"))
                .to(KafkaSink.points(kafka.bootstrapServers(), "data-processed"))
                .build();
        consumer.start();
        try {
            List<ConsumerRecord<byte[], byte[]>> records = KafkaTestData.readUntil(kafka, "alerts", false,
                    Duration.ofSeconds(60), r -> r.size() >= 2);
            List<Alert> alerts = records.stream().map(r -> AlertJsonCodec.create().decode(r.value())).toList();
            assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
            Alert firing = alerts.get(0);
            assertThat(firing.rule()).isEqualTo("avg-spike");
            assertThat(firing.series()).isEqualTo("sim-0.avg");
            assertThat(firing.eventTime()).isEqualTo(START + 3000);
            assertThat(firing.value()).isBetween(240.0, 260.0);
            assertThat(firing.severity()).isEqualTo("critical");
            assertThat(firing.labels()).containsEntry("team", "ops");
            assertThat(firing.condition()).isEqualTo("value > 150 (resolves <= 100)");
            assertThat(alerts.get(1).eventTime()).isEqualTo(START + 4000);
            assertThat(alerts.get(1).firedAt()).isEqualTo(START + 3000);
            assertThat(records.get(0).key()).isEqualTo("sim-0.avg".getBytes(java.nio.charset.StandardCharsets.UTF_8));

            // the averages went on to data-processed: series 0..3 for seconds 0..4 at least
            List<ConsumerRecord<byte[], byte[]>> processed = KafkaTestData.readUntil(kafka, "data-processed", false,
                    Duration.ofSeconds(30), r -> r.size() >= SERIES * 5);
            assertThat(processed.stream().map(KafkaTestData::decode).map(Point::series).distinct())
                    .containsExactlyInAnyOrder("sim-0.avg", "sim-1.avg", "sim-2.avg", "sim-3.avg");
        } finally {
            consumer.close();
        }
        assertThat(consumer.state()).isEqualTo(PipelineState.CLOSED);
        // offsets are committed only up to records whose windows were emitted: the last second's window is
        // still open (no watermark past it), so its records stay uncommitted and a restart recomputes it
        long committed = kafka.committedOffsets("alerting", "data-stream").values().stream().mapToLong(Long::longValue).sum();
        assertThat(committed).isLessThan(kafka.endOffsetSum("data-stream"));
        assertThat(committed).isGreaterThan(0);
    }

    @Test
    void shouldRefuseExactlyOnceWithAWindowStageNamingTheReason() throws Exception {
        KafkaSource<Point> source = KafkaSource.points(kafka.bootstrapServers(), "eos-in", "eos");
        Pipeline<Point> pipeline = DataCascade.pipeline("eos-windows").from(source)
                .window(Windows.tumbling(Duration.ofSeconds(1)))
                .to(KafkaSink.builder(PointJsonCodec.create()).bootstrapServers(kafka.bootstrapServers()).topic("eos-out")
                        .exactlyOnce("eos-windows", source).build())
                .build();
        pipeline.start();
        try {
            assertThat(pipeline.awaitTermination(Duration.ofSeconds(30))).isTrue();
        } finally {
            pipeline.close();
        }
        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
        assertThat(pipeline.failure()).get().asString().contains("can't write exactly once", "window stage");
    }
}
