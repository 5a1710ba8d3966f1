package io.datacascade.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.alert.AlertRule;
import io.datacascade.core.alert.AlertRules;
import io.datacascade.core.window.Aggregators;
import io.datacascade.core.window.Windows;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Window and alert stages in the threaded runtime: several sources, a tiny ring, the wall clock. */
class WindowedPipelineTest {

    private static MemorySource<Point> filled(String series, int count) {
        MemorySource<Point> source = MemorySource.create();
        for (int i = 0; i < count; i++) {
            source.offer(Point.of(series, i, 1));
        }
        source.complete();
        return source;
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldCountEveryPointOfSeveralSourcesInExactlyOneWindow(WaitStrategy strategy) throws Exception {
        MemorySink<Point> sink = MemorySink.create();
        int perSource = 50_000;
        Pipeline<Point> pipeline = DataCascade.pipeline("windows")
                .from(filled("a", perSource)).from(filled("b", perSource))
                .from(filled("c", perSource)).from(filled("d", perSource))
                .window(Windows.tumbling(Duration.ofMillis(100)).aggregate(Aggregators.count(), Aggregators.last()))
                .to(sink).ringSize(8).maxBatchSize(3).waitStrategy(strategy).build();
        pipeline.start();
        assertThat(pipeline.awaitTermination(Duration.ofSeconds(60))).isTrue();
        assertThat(pipeline.state()).isEqualTo(PipelineState.COMPLETED);

        Map<String, Long> nextStart = new HashMap<>();
        for (Point p : sink.records()) {
            if (!p.series().endsWith(".count")) {
                continue;
            }
            long expected = nextStart.getOrDefault(p.series(), 0L);
            assertThat(p.timestamp()).as("next window of %s", p.series()).isEqualTo(expected);
            assertThat(p.value()).as("count of %s at %d", p.series(), p.timestamp()).isEqualTo(100);
            nextStart.put(p.series(), expected + 100);
        }
        assertThat(nextStart).containsOnlyKeys("a.count", "b.count", "c.count", "d.count")
                .allSatisfy((k, v) -> assertThat(v).isEqualTo(perSource));
        assertThat(pipeline.metrics().durableSequence()).isEqualTo(4L * perSource - 1);
        assertThat(pipeline.metrics().stages().get(0).late()).isZero();
    }

    @Test
    void shouldEmitTheLastWindowOfAPausedSeriesAfterTheIdleTimeout() throws Exception {
        MemorySink<Point> sink = MemorySink.create();
        MemorySource<Point> source = MemorySource.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("idle").from(source)
                .window(Windows.tumbling(Duration.ofSeconds(1)).idleTimeout(Duration.ofMillis(200)))
                .to(sink).build();
        pipeline.start();
        try {
            source.offer(Point.of("cpu", 100, 2)).offer(Point.of("cpu", 200, 4));
            assertThat(sink.await(1, Duration.ofSeconds(10))).isTrue();
            assertThat(sink.records()).containsExactly(Point.of("cpu.avg", 0, 3));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (pipeline.metrics().durableSequence() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(pipeline.metrics().durableSequence()).isEqualTo(1);
        } finally {
            pipeline.close();
        }
    }

    /** With an asynchronous sink and input gone quiet, the records of a window the idle timeout closed still get acknowledged. */
    @Test
    void shouldAcknowledgeAnIdleWindowsRecordsWithAnAsynchronousSinkWhileTheInputStaysQuiet() throws Exception {
        WindowAckStressTest.SlowConfirmingSink sink = new WindowAckStressTest.SlowConfirmingSink();
        MemorySource<Point> source = MemorySource.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("idle-async").from(source)
                .window(Windows.tumbling(Duration.ofSeconds(1)).idleTimeout(Duration.ofMillis(100))).to(sink).build();
        pipeline.start();
        try {
            for (int i = 0; i < 10; i++) {
                source.offer(Point.of("cpu", 100 + i, 1));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (pipeline.metrics().durableSequence() < 9 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(sink.confirmed).contains("cpu.avg@0");
            assertThat(pipeline.metrics().durableSequence()).isEqualTo(9);
        } finally {
            pipeline.close();
        }
    }

    @Test
    void shouldNotEmitOpenWindowsOnCloseAndKeepTheirRecordsUnacknowledged() throws Exception {
        MemorySink<Point> sink = MemorySink.create();
        MemorySource<Point> source = MemorySource.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("close").from(source)
                .window(Windows.tumbling(Duration.ofSeconds(1)).idleTimeout(Duration.ZERO)).to(sink).build();
        pipeline.start();
        source.offer(Point.of("cpu", 100, 1)).offer(Point.of("cpu", 1100, 1)).offer(Point.of("cpu", 1200, 1));
        assertThat(sink.await(1, Duration.ofSeconds(10))).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pipeline.metrics().eventsIn() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        pipeline.close();
        assertThat(pipeline.state()).isEqualTo(PipelineState.CLOSED);
        assertThat(sink.records()).containsExactly(Point.of("cpu.avg", 0, 1));
        assertThat(pipeline.metrics().durableSequence()).as("record 1 opened the window still open").isEqualTo(0);
    }

    /** A source settling its books (a Kafka rebalance) must not wait its whole timeout for a record no later input will release. */
    @Test
    @org.junit.jupiter.api.Timeout(30)
    void shouldNotWaitInVainForARecordAnOpenWindowHolds() throws Exception {
        java.util.concurrent.CompletableFuture<Boolean> answer = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Boolean> released = new java.util.concurrent.CompletableFuture<>();
        Source<Point> source = new Source<>() {
            private int step;

            @Override
            public Poll poll(SourceContext<Point> ctx) throws Exception {
                switch (step++) {
                    case 0 -> {
                        long first = ctx.emit(Point.of("cpu", 100, 1));
                        answer.complete(ctx.awaitDurable(first, Duration.ofMinutes(5))); // held by [0, 1000)
                    }
                    case 1 -> {
                        long closing = ctx.emit(Point.of("cpu", 1000, 1)); // closes [0, 1000), opens [1000, 2000)
                        released.complete(ctx.awaitDurable(closing - 1, Duration.ofMinutes(5)));
                    }
                    default -> {
                        return Poll.END;
                    }
                }
                return Poll.MORE;
            }
        };
        Pipeline<Point> pipeline = DataCascade.pipeline("revoke").from(source)
                .window(Windows.tumbling(Duration.ofSeconds(1)).idleTimeout(Duration.ZERO)).to(MemorySink.create()).build();
        pipeline.start();
        try {
            assertThat(answer.get()).isFalse();
            assertThat(released.get()).isTrue();
        } finally {
            pipeline.close();
        }
    }

    @RepeatedTest(3)
    void shouldFireAnAbsenceRuleOnTheWallClock() throws Exception {
        MemorySink<Alert> alerts = MemorySink.create();
        MemorySource<Point> source = MemorySource.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("absence").from(source)
                .alerts(AlertRules.of(AlertRule.builder("silent").series("sensor.x").absentFor(Duration.ofMillis(300)).build()))
                .alertsTo(alerts).to(MemorySink.create()).build();
        long started = System.nanoTime();
        pipeline.start();
        try {
            assertThat(alerts.await(1, Duration.ofSeconds(10))).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(alerts.records().get(0).state()).isEqualTo(Alert.State.FIRING);
            source.offer(Point.of("sensor.x", System.currentTimeMillis(), 1));
            assertThat(alerts.await(2, Duration.ofSeconds(10))).isTrue();
            assertThat(alerts.records().get(1).state()).isEqualTo(Alert.State.RESOLVED);
        } finally {
            pipeline.close();
        }
    }
}
