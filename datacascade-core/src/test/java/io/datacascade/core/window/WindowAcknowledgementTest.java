package io.datacascade.core.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datacascade.core.Batch;
import io.datacascade.core.DataCascade;
import io.datacascade.core.ErrorPolicy;
import io.datacascade.core.MemorySink;
import io.datacascade.core.MemorySource;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineException;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import io.datacascade.core.SinkContext;
import io.datacascade.testkit.PipelineTestDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What sources are told is durable when window stages hold records, and what a window stage does
 * when user code around it fails. Regression tests for review findings.
 */
class WindowAcknowledgementTest {
    private static final long T = PipelineTestDriver.DEFAULT_START.toEpochMilli();

    /** An asynchronous sink that confirms only when the test says so. */
    static final class ConfirmLater implements Sink<Point> {
        final List<Long> written = new ArrayList<>();
        final List<Point> points = new ArrayList<>();
        SinkContext context;

        @Override
        public void open(SinkContext ctx) {
            this.context = ctx;
        }

        @Override
        public boolean reportsDurability() {
            return true;
        }

        @Override
        public void write(Batch<Point> batch) {
            written.add(batch.sequence());
            batch.forEach(points::add);
        }

        long confirmedUpTo = Long.MIN_VALUE;

        void confirmAll() {
            confirmedWrites = written.size();
            confirmedUpTo = written.get(written.size() - 1);
            context.durable(confirmedUpTo);
        }

        /** As the contract says: true only once everything written is confirmed. */
        @Override
        public boolean flush(Duration timeout) {
            return written.isEmpty() || confirmedUpTo >= written.get(written.size() - 1) && confirmedWrites == written.size();
        }

        int confirmedWrites;

        @Override
        public String toString() {
            return "ConfirmLater";
        }
    }

    @Test
    void shouldNotAcknowledgeRecordsOfAWindowAnIdleTickEmittedUntilTheSinkConfirmsItsResult() {
        ConfirmLater sink = new ConfirmLater();
        Pipeline<Point> pipeline = DataCascade.pipeline("ack").from(MemorySource.<Point>create())
                .window(Windows.tumbling(Duration.ofSeconds(1)).idleTimeout(Duration.ofSeconds(1))).to(sink).build();
        try (PipelineTestDriver<Point> d = PipelineTestDriver.create(pipeline)) {
            d.push(Point.of("k", T + 100, 1)).push(Point.of("k", T + 101, 1)).push(Point.of("k", T + 102, 1));
            sink.confirmAll(); // the sink has everything so far: batches up to sequence 2, all empty
            assertThat(d.durableSequence()).isEqualTo(-1);
            d.advanceTime(Duration.ofSeconds(2)); // idle: the window is emitted in a batch that repeats sequence 2
            assertThat(sink.points).extracting(Point::series).containsExactly("k.avg");
            assertThat(d.durableSequence()).as("the result is not confirmed yet").isEqualTo(-1);
            d.push(Point.of("j", T + 5000, 1)); // the next batch (sequence 3) comes after the result
            sink.confirmAll();
            d.push(Point.of("j", T + 5001, 1));
            assertThat(d.durableSequence()).as("result confirmed; j's window holds 3").isEqualTo(2);
        }
    }

    @Test
    void shouldAcknowledgeAnIdleTicksWindowOnceAFlushConfirmsItsResultWithoutNewInput() {
        ConfirmLater sink = new ConfirmLater();
        Pipeline<Point> pipeline = DataCascade.pipeline("ack").from(MemorySource.<Point>create())
                .window(Windows.tumbling(Duration.ofSeconds(1)).idleTimeout(Duration.ofSeconds(1))).to(sink).build();
        try (PipelineTestDriver<Point> d = PipelineTestDriver.create(pipeline)) {
            d.push(Point.of("k", T + 100, 1)).push(Point.of("k", T + 101, 1));
            sink.confirmAll();
            d.advanceTime(Duration.ofSeconds(2)); // the window's result goes out on the tick
            assertThat(d.durableSequence()).isEqualTo(-1);
            sink.confirmAll(); // the sink confirms it; no more input comes
            d.advanceTime(Duration.ofMillis(10));
            assertThat(d.durableSequence()).as("a flush while idle confirmed the result").isEqualTo(1);
        }
    }

    /** A sink that fails the batch carrying a window's result must not let that window's records be acknowledged. */
    @Test
    void shouldNotAcknowledgeAWindowsRecordsWhenTheBatchCarryingItsResultFails() {
        List<Long> acks = new ArrayList<>();
        io.datacascade.core.Source<Point> source = new io.datacascade.core.Source<>() {
            @Override
            public Poll poll(io.datacascade.core.SourceContext<Point> ctx) {
                return Poll.IDLE;
            }

            @Override
            public void onDurable(long sequence) {
                acks.add(sequence);
            }
        };
        Sink<Point> failsOnResults = batch -> {
            if (!batch.isEmpty()) {
                throw new IllegalStateException("store down");
            }
        };
        Pipeline<Point> pipeline = DataCascade.pipeline("fail").from(source)
                .window(Windows.tumbling(Duration.ofMillis(50))).to(failsOnResults).build();
        PipelineTestDriver<Point> d = PipelineTestDriver.create(pipeline);
        List<Point> first = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            first.add(Point.of("k", T + i, 1));
        }
        d.pushAll(first);
        assertThatThrownBy(() -> d.push(Point.of("k", T + 60, 1))).isInstanceOf(PipelineException.class);
        d.close();
        assertThat(acks).as("records 0-9 fed a result that was never written").allSatisfy(a -> assertThat(a).isLessThan(0));
    }

    @Test
    void shouldNotAcknowledgeTheRecordsOfAWindowWhoseResultIsUnconfirmed() {
        ConfirmLater sink = new ConfirmLater();
        Pipeline<Point> pipeline = DataCascade.pipeline("ack").from(MemorySource.<Point>create())
                .window(Windows.tumbling(Duration.ofSeconds(1)).idleTimeout(Duration.ZERO)).to(sink).build();
        try (PipelineTestDriver<Point> d = PipelineTestDriver.create(pipeline)) {
            d.push(Point.of("k", T + 100, 1)).push(Point.of("k", T + 101, 1)).push(Point.of("k", T + 102, 1));
            d.push(Point.of("j", T + 103, 1)).push(Point.of("j", T + 104, 1));
            sink.confirmAll();
            assertThat(d.durableSequence()).isEqualTo(-1);
            d.push(Point.of("k", T + 5000, 1)); // k's window emitted in batch 5, not confirmed
            assertThat(d.durableSequence()).isEqualTo(-1);
            sink.confirmAll();
            d.push(Point.of("j", T + 5000, 1)); // j's window emitted in batch 6
            assertThat(d.durableSequence()).as("k's records are done, j's window (from 3) not confirmed").isEqualTo(2);
        }
    }

    @Test
    void shouldHoldTheRecordsOfAnUpstreamWindowInTheDownstreamWindowItsResultJoins() {
        MemorySink<Point> out = MemorySink.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("chained").from(MemorySource.<Point>create())
                .window(Windows.tumbling(Duration.ofSeconds(1)).idleTimeout(Duration.ZERO).naming((k, a) -> k))
                .window(Windows.tumbling(Duration.ofSeconds(10)).idleTimeout(Duration.ZERO).naming((k, a) -> k + ".10s"))
                .to(out).build();
        try (PipelineTestDriver<Point> d = PipelineTestDriver.create(pipeline)) {
            d.push(Point.of("k", T + 100, 1)).push(Point.of("k", T + 200, 1)).push(Point.of("k", T + 300, 1));
            d.push(Point.of("k", T + 1000, 1)); // the 1 s window [0, 1 s) goes into the 10 s window
            assertThat(d.durableSequence()).as("records 0-2 live on in the 10 s window").isEqualTo(-1);
            d.push(Point.of("k", T + 12_000, 1)); // [1 s, 2 s) closes: its result (at 1 s) goes into [0, 10 s) too
            assertThat(d.durableSequence()).isEqualTo(-1);
            d.push(Point.of("k", T + 13_000, 1)); // [12 s, 13 s) closes; its result at 12 s closes [0, 10 s)
            assertThat(out.records()).extracting(Point::series).containsExactly("k.10s");
            assertThat(d.durableSequence()).as("[10 s, 20 s) holds record 4, its 1 s window's first").isEqualTo(3);
        }
    }

    @Test
    void shouldLetAFailureOfALaterStageFailThePipelineRatherThanCountItAsTheWindows() {
        Pipeline<Point> pipeline = DataCascade.pipeline("downstream").from(MemorySource.<Point>create())
                .window(Windows.tumbling(Duration.ofSeconds(1))).onError(ErrorPolicy.skip())
                .map(p -> {
                    throw new IllegalStateException("boom on " + p.series());
                }).named("explode")
                .to(MemorySink.create()).build();
        try (PipelineTestDriver<Point> d = PipelineTestDriver.create(pipeline)) {
            d.push(Point.of("k", T, 1));
            assertThatThrownBy(() -> d.push(Point.of("k", T + 1000, 1)))
                    .isInstanceOf(PipelineException.class).hasMessageContaining("stage 'explode'");
            assertThat(d.metrics().stages().get(0).errors()).isZero();
        }
    }

    @Test
    void shouldCountANamingFailureAndStillEmitOtherKeys() {
        MemorySink<Point> out = MemorySink.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("naming").from(MemorySource.<Point>create())
                .window(Windows.tumbling(Duration.ofSeconds(1)).naming((k, a) -> {
                    if (k.equals("bad")) {
                        throw new IllegalArgumentException("no name for " + k);
                    }
                    return k + "." + a;
                })).onError(ErrorPolicy.skip())
                .to(out).build();
        try (PipelineTestDriver<Point> d = PipelineTestDriver.create(pipeline)) {
            d.push(Point.of("bad", T, 1)).push(Point.of("good", T, 1));
            d.push(Point.of("bad", T + 1000, 1)).push(Point.of("good", T + 1000, 1));
            assertThat(out.records()).containsExactly(Point.of("good.avg", T, 1));
            assertThat(d.metrics().stages().get(0).errors()).isEqualTo(1);
        }
    }

    @Test
    void shouldNotEmitAnEmptyWindowWhenACustomAggregatorFailsOnItsFirstPoint() {
        Aggregator<double[]> picky = Aggregator.of("picky", () -> new double[1], (acc, p) -> {
            if (p.value() < 0) {
                throw new IllegalArgumentException("negative: " + p.value());
            }
            acc[0] += p.value();
            return acc;
        }, acc -> acc[0]);
        MemorySink<Point> out = MemorySink.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("picky").from(MemorySource.<Point>create())
                .window(Windows.tumbling(Duration.ofSeconds(1)).aggregate(picky, Aggregators.count()))
                .onError(ErrorPolicy.skip()).to(out).build();
        try (PipelineTestDriver<Point> d = PipelineTestDriver.create(pipeline)) {
            d.push(Point.of("k", T, -1)); // fails on the window's first point: the window is dropped
            d.push(Point.of("k", T + 1000, 2)).push(Point.of("k", T + 2000, 3));
            assertThat(out.records()).containsExactly(Point.of("k.picky", T + 1000, 2), Point.of("k.count", T + 1000, 1));
            assertThat(d.metrics().stages().get(0).errors()).isEqualTo(1);
        }
    }
}
