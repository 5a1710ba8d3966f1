package io.datacascade.testkit;

import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineMetrics;
import io.datacascade.core.PipelineState;
import io.datacascade.core.internal.engine.RingPipeline;
import io.datacascade.core.internal.engine.SynchronousRunner;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Runs a pipeline in your test, on the test's thread, with a virtual clock: deterministic, no
 * sleeps, no ring, no background threads. The role of Kafka Streams' {@code TopologyTestDriver}.
 *
 * <p>Build the pipeline exactly as in production, but don't start it; hand it to the driver. Push
 * records, or let its sources emit by {@linkplain #advanceTime advancing time}; read what arrived
 * in your sinks (a {@link io.datacascade.core.MemorySink} is handy). A failure with the fail policy
 * is thrown from the call that caused it.
 *
 * <pre>{@code
 * MemorySink<Point> out = MemorySink.create();
 * Pipeline<Point> pipeline = DataCascade.pipeline("test")
 *         .from(SimulatorSource.builder().series(2).ratePerSecond(10).build())
 *         .filter(p -> p.value() > 0)
 *         .to(out)
 *         .build();
 * try (PipelineTestDriver<Point> driver = PipelineTestDriver.create(pipeline)) {
 *     driver.advanceTime(Duration.ofSeconds(1));   // the simulator emits its first second: 11 points
 *     driver.push(Point.of("manual", driver.currentTimeMillis(), 1.0));
 *     assertEquals(12, out.size());
 * }
 * }</pre>
 *
 * @param <T> the pipeline's input record type
 */
public final class PipelineTestDriver<T> implements AutoCloseable {
    /** The virtual clock's default start: 2024-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2024-01-01T00:00:00Z");

    private final SynchronousRunner<T> runner;
    private long now;
    private long subMillisNanos;
    private boolean closed;

    private PipelineTestDriver(Pipeline<T> pipeline, Instant start) {
        Objects.requireNonNull(pipeline, "pipeline can't be null");
        Objects.requireNonNull(start, "start can't be null");
        if (!(pipeline instanceof RingPipeline<T> ring)) {
            throw new IllegalArgumentException("pipeline must be built with DataCascade.pipeline(...), was "
                    + pipeline.getClass().getName());
        }
        if (pipeline.state() != PipelineState.CREATED) {
            throw new IllegalArgumentException("pipeline '" + pipeline.name() + "' must not be started, was "
                    + pipeline.state());
        }
        this.now = start.toEpochMilli();
        this.runner = new SynchronousRunner<>(ring.definition(), () -> now);
        try {
            runner.open();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("opening pipeline '" + pipeline.name() + "' failed: " + e, e);
        }
    }

    /** A driver whose virtual clock starts at {@link #DEFAULT_START}; opens sinks and sources. */
    public static <T> PipelineTestDriver<T> create(Pipeline<T> pipeline) {
        return new PipelineTestDriver<>(pipeline, DEFAULT_START);
    }

    /** A driver whose virtual clock starts at {@code start}. */
    public static <T> PipelineTestDriver<T> create(Pipeline<T> pipeline, Instant start) {
        return new PipelineTestDriver<>(pipeline, start);
    }

    /**
     * Runs one record through the stages and hands the result to the sinks as a batch.
     *
     * @throws io.datacascade.core.PipelineException if a stage or sink fails under the fail policy;
     *         the driver then refuses further records, like a failed pipeline
     */
    public PipelineTestDriver<T> push(T record) {
        return pushAll(List.of(Objects.requireNonNull(record, "record can't be null")));
    }

    /**
     * Runs the records through the stages in order and hands the results to the sinks in batches of
     * at most the pipeline's {@code maxBatchSize} source records, as the running pipeline would.
     */
    public PipelineTestDriver<T> pushAll(List<? extends T> records) {
        checkOpen();
        run(() -> runner.push(records));
        return this;
    }

    /**
     * Moves the virtual clock forward by {@code duration}, then lets every source emit what it
     * has at the new time (at most a ring's worth per source and call, for sources that always
     * have more), then lets the stages that keep time see the new time: processing-time windows
     * end, idle watermarks advance, absence rules fire. Returns whether every source has ended;
     * when they all have, every open window is emitted, as in a running pipeline. Sub-millisecond
     * steps add up.
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public boolean advanceTime(Duration duration) {
        Objects.requireNonNull(duration, "duration can't be null");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, was " + duration);
        }
        checkOpen();
        long nanos = subMillisNanos + duration.toNanos();
        now += nanos / 1_000_000;
        subMillisNanos = nanos % 1_000_000;
        boolean[] ended = new boolean[1];
        run(() -> {
            ended[0] = runner.pollSources();
            runner.tick();
        });
        return ended[0];
    }

    /** The virtual clock, epoch milliseconds. */
    public long currentTimeMillis() {
        return now;
    }

    /** The highest sequence every sink has made durable (what the sources were told). */
    public long durableSequence() {
        return runner.durable();
    }

    /** The pipeline's counters. */
    public PipelineMetrics metrics() {
        return runner.metrics();
    }

    /** Flushes the sinks, acknowledges the sources and closes them all. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        run(runner::close);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the driver is closed");
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void run(Step step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }
}
