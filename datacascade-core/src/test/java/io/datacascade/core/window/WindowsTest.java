package io.datacascade.core.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datacascade.core.DataCascade;
import io.datacascade.core.DeadLetter;
import io.datacascade.core.ErrorPolicy;
import io.datacascade.core.MemorySink;
import io.datacascade.core.MemorySource;
import io.datacascade.core.Pipeline;
import io.datacascade.core.Point;
import io.datacascade.testkit.PipelineTestDriver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Window stages under the test driver's virtual clock: deterministic, no sleeps. */
class WindowsTest {
    /** Event times relative to the driver's default start, so idle timeouts line up with the clock. */
    private static final long T = PipelineTestDriver.DEFAULT_START.toEpochMilli();

    private final MemorySink<Point> out = MemorySink.create();

    private PipelineTestDriver<Point> driver(Windows windows) {
        Pipeline<Point> pipeline = DataCascade.pipeline("w").from(MemorySource.<Point>create())
                .window(windows).to(out).build();
        return PipelineTestDriver.create(pipeline);
    }

    private static Point at(String series, long offset, double value) {
        return Point.of(series, T + offset, value);
    }

    private static Point result(String series, long offset, double value) {
        return Point.of(series, T + offset, value);
    }

    @Test
    void shouldEmitAveragePerSeriesWhenWatermarkPassesWindowEnd() {
        try (PipelineTestDriver<Point> d = driver(Windows.tumbling(Duration.ofSeconds(1)))) {
            d.pushAll(List.of(at("a", 0, 1), at("b", 10, 10), at("a", 500, 3), at("b", 999, 20)));
            assertThat(out.records()).isEmpty();
            d.push(at("a", 1000, 100)); // a's watermark reaches 1000: a's [0, 1000) is complete
            assertThat(out.records()).containsExactly(result("a.avg", 0, 2));
            d.push(at("b", 1200, 100)); // each key has its own watermark
            assertThat(out.records()).containsExactly(result("a.avg", 0, 2), result("b.avg", 0, 15));
        }
    }

    @Test
    void shouldNotTreatPointsAsLateBecauseAnotherKeyIsAhead() {
        // as when a Kafka consumer reads seconds of one partition before the next
        try (PipelineTestDriver<Point> d = driver(Windows.tumbling(Duration.ofSeconds(1)).aggregate(Aggregators.count()))) {
            for (int ms = 0; ms < 5000; ms += 100) {
                d.push(at("a", ms, 1));
            }
            for (int ms = 0; ms < 5000; ms += 100) {
                d.push(at("b", ms, 1));
            }
            assertThat(d.metrics().stages().get(0).late()).isZero();
            assertThat(out.records()).filteredOn(p -> p.series().equals("b.count")).extracting(Point::value)
                    .containsExactly(10.0, 10.0, 10.0, 10.0);
        }
    }

    @Test
    void shouldIncludeOutOfOrderPointsWithinTheBoundAroundWindowBoundaries() {
        Windows w = Windows.tumbling(Duration.ofSeconds(1)).eventTime(Duration.ofMillis(500))
                .aggregate(Aggregators.count(), Aggregators.sum());
        try (PipelineTestDriver<Point> d = driver(w)) {
            d.push(at("a", 999, 1)).push(at("a", 1000, 2)).push(at("a", 1400, 4));
            d.push(at("a", 900, 8)); // watermark 900: [0, 1000) still open
            assertThat(out.records()).isEmpty();
            d.push(at("a", 1499, 16)); // watermark 999
            assertThat(out.records()).isEmpty();
            d.push(at("a", 1500, 32)); // watermark 1000: [0, 1000) complete
            assertThat(out.records()).containsExactly(result("a.count", 0, 2), result("a.sum", 0, 9));
            d.push(at("a", 2500, 0));
            assertThat(out.records()).contains(result("a.count", 1000, 4), result("a.sum", 1000, 54));
        }
    }

    @Test
    void shouldDropAndCountLatePointsByDefault() {
        try (PipelineTestDriver<Point> d = driver(Windows.tumbling(Duration.ofSeconds(1)))) {
            d.push(at("a", 100, 1)).push(at("a", 1000, 1));
            assertThat(out.records()).containsExactly(result("a.avg", 0, 1));
            d.push(at("a", 999, 1_000_000)); // its window is gone
            assertThat(out.records()).hasSize(1);
            assertThat(d.metrics().stages().get(0).late()).isEqualTo(1);
            assertThat(d.metrics().errors()).isZero();
        }
    }

    @Test
    void shouldSendLatePointsUnchangedToTheSideOutput() {
        MemorySink<Point> late = MemorySink.create();
        Windows w = Windows.tumbling(Duration.ofSeconds(1)).lateData(LateData.sideOutput(late));
        try (PipelineTestDriver<Point> d = driver(w)) {
            d.push(at("a", 100, 1)).push(at("a", 1000, 1)).push(at("a", 999, 7));
            assertThat(late.records()).containsExactly(at("a", 999, 7));
            assertThat(d.durableSequence()).isEqualTo(0); // the window [1000, 2000) holds record 1
        }
    }

    @Test
    void shouldDeadLetterLatePointsWithTheReason() {
        MemorySink<DeadLetter> dlq = MemorySink.create();
        Windows w = Windows.tumbling(Duration.ofSeconds(1)).lateData(LateData.deadLetter(dlq));
        try (PipelineTestDriver<Point> d = driver(w)) {
            d.push(at("a", 100, 1)).push(at("a", 1000, 1)).push(at("a", 5, 7));
            assertThat(dlq.records()).hasSize(1);
            DeadLetter letter = dlq.records().get(0);
            assertThat(letter.record()).isEqualTo(at("a", 5, 7));
            assertThat(letter.stage()).isEqualTo("window#1");
            assertThat(letter.reason()).contains("late", "2024-01-01T00:00:00.005Z", "2024-01-01T00:00:01Z",
                    "watermark 2024-01-01T00:00:01Z");
            assertThat(letter.sequence()).isEqualTo(2);
            assertThat(d.metrics().deadLettered()).isEqualTo(1);
        }
    }

    @Test
    void shouldUpdateAndReEmitWindowForLatePointsWithinAllowedLateness() {
        Windows w = Windows.tumbling(Duration.ofSeconds(1)).allowedLateness(Duration.ofSeconds(2))
                .aggregate(Aggregators.sum());
        MemorySink<Point> late = MemorySink.create();
        try (PipelineTestDriver<Point> d = driver(w.lateData(LateData.sideOutput(late)))) {
            d.push(at("a", 100, 1)).push(at("a", 1500, 1));
            assertThat(out.records()).containsExactly(result("a.sum", 0, 1));
            d.push(at("a", 200, 10)); // late by 1.3 s, within 2 s: updated and emitted again
            assertThat(out.records()).containsExactly(result("a.sum", 0, 1), result("a.sum", 0, 11));
            d.push(at("a", 3000, 1)); // watermark 3000 = end + lateness: [0, 1000) is freed
            d.push(at("a", 400, 100));
            assertThat(late.records()).containsExactly(at("a", 400, 100));
            assertThat(out.records()).doesNotContain(result("a.sum", 0, 111));
        }
    }

    @Test
    void shouldAdvanceTheWatermarkOfAnIdleSourceAfterTheIdleTimeout() {
        Windows w = Windows.tumbling(Duration.ofSeconds(1)).idleTimeout(Duration.ofSeconds(5));
        try (PipelineTestDriver<Point> d = driver(w)) {
            d.push(at("a", 200, 4)).push(at("a", 300, 6));
            d.advanceTime(Duration.ofMillis(4_999));
            assertThat(out.records()).isEmpty();
            d.advanceTime(Duration.ofMillis(1));
            assertThat(out.records()).containsExactly(result("a.avg", 0, 5));
            assertThat(d.durableSequence()).isEqualTo(1);
        }
    }

    @Test
    void shouldNeverAdvanceTheWatermarkWhenIdleTimeoutIsOff() {
        Windows w = Windows.tumbling(Duration.ofSeconds(1)).idleTimeout(Duration.ZERO);
        try (PipelineTestDriver<Point> d = driver(w)) {
            d.push(at("a", 200, 4));
            d.advanceTime(Duration.ofDays(1));
            assertThat(out.records()).isEmpty();
            assertThat(d.durableSequence()).isEqualTo(-1);
        }
    }

    @Test
    void shouldCloseSessionsAfterTheGapAndMergeSessionsABridgingPointJoins() {
        Windows w = Windows.session(Duration.ofSeconds(1)).eventTime(Duration.ofSeconds(3))
                .aggregate(Aggregators.count(), Aggregators.first(), Aggregators.last());
        try (PipelineTestDriver<Point> d = driver(w)) {
            d.push(at("a", 0, 1)).push(at("a", 500, 2)).push(at("a", 1400, 3)); // one session [0, 2400)
            d.push(at("a", 3000, 4)); // a new session [3000, 4000)
            d.push(at("a", 2100, 5)); // touches both: merged into [0, 4000)
            d.push(at("a", 7000, 6)); // watermark 4000: the merged session is complete
            assertThat(out.records()).containsExactly(result("a.count", 0, 5), result("a.first", 0, 1),
                    result("a.last", 0, 4));
            d.push(at("a", 11_000, 7)); // watermark 8000: [7000, 8000) complete
            assertThat(out.records()).contains(result("a.count", 7000, 1));
        }
    }

    @Test
    void shouldRejectSessionWindowsWithAggregatorsThatCannotMerge() {
        Aggregator<double[]> noMerge = Aggregator.of("x", () -> new double[1], (a, p) -> a, a -> a[0]);
        assertThatThrownBy(() -> DataCascade.pipeline("w").from(MemorySource.<Point>create())
                .window(Windows.session(Duration.ofSeconds(1)).aggregate(noMerge)).to(out).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aggregator 'x' of a session window must implement merge()");
    }

    @Test
    void shouldEmitProcessingTimeWindowsWhenTheClockPassesTheirEnd() {
        Windows w = Windows.tumbling(Duration.ofSeconds(1)).processingTime().aggregate(Aggregators.count());
        try (PipelineTestDriver<Point> d = driver(w)) {
            d.push(Point.of("a", 0, 1)); // timestamps are ignored
            d.advanceTime(Duration.ofMillis(400));
            d.push(Point.of("a", 0, 1));
            assertThat(out.records()).isEmpty();
            d.advanceTime(Duration.ofMillis(600));
            assertThat(out.records()).containsExactly(result("a.count", 0, 2));
            d.push(Point.of("a", 0, 1));
            d.advanceTime(Duration.ofSeconds(5));
            assertThat(out.records()).containsExactly(result("a.count", 0, 2), result("a.count", 1000, 1));
        }
    }

    @Test
    void shouldPutEachPointIntoEverySlidingWindowCoveringIt() {
        Windows w = Windows.sliding(Duration.ofSeconds(1), Duration.ofMillis(500)).aggregate(Aggregators.sum());
        try (PipelineTestDriver<Point> d = driver(w)) {
            d.push(at("a", 0, 1)).push(at("a", 600, 2)).push(at("a", 1100, 4)).push(at("a", 3000, 0));
            assertThat(out.records()).containsExactly(result("a.sum", -500, 1), result("a.sum", 0, 3),
                    result("a.sum", 500, 6), result("a.sum", 1000, 4));
        }
    }

    @Test
    void shouldEmitEveryOpenWindowWhenTheInputEnds() {
        MemorySource<Point> source = MemorySource.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("w").from(source)
                .window(Windows.tumbling(Duration.ofSeconds(1)).aggregate(Aggregators.max())).to(out).build();
        try (PipelineTestDriver<Point> d = PipelineTestDriver.create(pipeline)) {
            source.offer(at("a", 0, 1)).offer(at("a", 1200, 5)).offer(at("b", 1300, 7));
            source.complete();
            assertThat(d.advanceTime(Duration.ZERO)).isTrue();
            assertThat(out.records()).containsExactlyInAnyOrder(result("a.max", 0, 1), result("a.max", 1000, 5),
                    result("b.max", 1000, 7));
            assertThat(d.durableSequence()).isEqualTo(2);
        }
    }

    @Test
    void shouldHoldAcknowledgementsUntilTheWindowOfARecordIsEmitted() {
        try (PipelineTestDriver<Point> d = driver(Windows.tumbling(Duration.ofSeconds(1)))) {
            d.push(at("a", 0, 1)).push(at("a", 10, 1));
            assertThat(d.durableSequence()).isEqualTo(-1);
            d.push(at("a", 1000, 1)); // [0, 1000) emitted and freed; [1000, 2000) opened by record 2
            assertThat(d.durableSequence()).isEqualTo(1);
            d.push(at("b", 2000, 1)).push(at("a", 2500, 1)); // b's window opened by record 3 is still open
            assertThat(d.durableSequence()).isEqualTo(2);
        }
    }

    @Test
    void shouldUseCustomAggregatorsKeysAndNaming() {
        Aggregator<double[]> range = new Aggregator<>() {
            @Override
            public String name() {
                return "range";
            }

            @Override
            public double[] create() {
                return new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
            }

            @Override
            public double[] add(double[] acc, Point p) {
                acc[0] = Math.min(acc[0], p.value());
                acc[1] = Math.max(acc[1], p.value());
                return acc;
            }

            @Override
            public double result(double[] acc) {
                return acc[1] - acc[0];
            }
        };
        Windows w = Windows.tumbling(Duration.ofSeconds(1)).keyBy(p -> p.tags().get("host"))
                .aggregate(range, Aggregators.count()).naming((key, aggregate) -> "host." + key + ":" + aggregate);
        try (PipelineTestDriver<Point> d = driver(w)) {
            d.push(new Point("cpu", T, 10, Map.of("host", "h1"))).push(new Point("mem", T + 1, 40, Map.of("host", "h1")));
            d.push(new Point("cpu", T + 1000, 1, Map.of("host", "h2")));
            assertThat(out.records()).isEmpty(); // h2 is ahead, h1 is not
            d.push(new Point("cpu", T + 1000, 1, Map.of("host", "h1")));
            assertThat(out.records()).containsExactly(new Point("host.h1:range", T, 30, Map.of("host", "h1")),
                    new Point("host.h1:count", T, 2, Map.of("host", "h1")));
        }
    }

    @Test
    void shouldCountAKeyFunctionFailureAsAStageErrorAndGoOn() {
        Windows w = Windows.tumbling(Duration.ofSeconds(1)).keyBy(p -> p.tags().get("host"));
        Pipeline<Point> pipeline = DataCascade.pipeline("w").from(MemorySource.<Point>create())
                .window(w).onError(ErrorPolicy.skip()).to(out).build();
        try (PipelineTestDriver<Point> d = PipelineTestDriver.create(pipeline)) {
            d.push(at("no-host-tag", 0, 1));
            d.push(new Point("cpu", T, 3, Map.of("host", "h"))).push(new Point("cpu", T + 1000, 3, Map.of("host", "h")));
            assertThat(d.metrics().stages().get(0).errors()).isEqualTo(1);
            assertThat(out.records()).containsExactly(new Point("h.avg", T, 3, Map.of("host", "h")));
        }
    }

    @Test
    void shouldRefuseAPointFromTheFarFutureAsABadRecordWithoutSpoilingItsSeries() {
        MemorySink<DeadLetter> dlq = MemorySink.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("future").from(MemorySource.<Point>create())
                .window(Windows.tumbling(Duration.ofSeconds(1))).onError(ErrorPolicy.deadLetter(dlq)).to(out).build();
        try (PipelineTestDriver<Point> d = PipelineTestDriver.create(pipeline)) {
            d.push(at("a", 100, 1)).push(Point.of("a", T * 1000, 2)).push(at("a", 1000, 3)); // microseconds by mistake
            assertThat(dlq.records()).hasSize(1);
            assertThat(dlq.records().get(0).reason()).contains("more than a day ahead of the pipeline clock");
            assertThat(out.records()).containsExactly(result("a.avg", 0, 1));
        }
    }

    @Test
    void shouldRejectInvalidWindowSettingsNamingTheArgument() {
        assertThatThrownBy(() -> Windows.tumbling(Duration.ZERO)).hasMessage("size must be at least 1 ms, was PT0S");
        assertThatThrownBy(() -> Windows.sliding(Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .hasMessage("advance must not exceed size (PT1S), was PT2S");
        assertThatThrownBy(() -> Windows.tumbling(Duration.ofSeconds(1)).eventTime(Duration.ofSeconds(-1)))
                .hasMessage("maxOutOfOrderness must not be negative, was PT-1S");
        assertThatThrownBy(() -> Windows.tumbling(Duration.ofSeconds(1)).aggregate(Aggregators.avg(), Aggregators.avg()))
                .hasMessageContaining("two aggregators are named 'avg'");
        assertThatThrownBy(() -> Windows.tumbling(Duration.ofSeconds(1)).aggregate())
                .hasMessage("aggregate needs at least one aggregator, was none");
        assertThatThrownBy(() -> Aggregators.named("median")).hasMessageContaining("unknown aggregate 'median'");
    }
}
