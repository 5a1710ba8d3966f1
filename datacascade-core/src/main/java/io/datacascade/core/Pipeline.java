package io.datacascade.core;

import java.time.Duration;
import java.util.Optional;

/**
 * A built pipeline: sources feeding a ring buffer, a chain of stages on one processor thread,
 * and sinks. Create one with {@link DataCascade#pipeline(String)}; it is thread-safe.
 *
 * <pre>{@code
 * try (Pipeline<Point> p = DataCascade.pipeline("cpu").from(source).to(sink).build()) {
 *     p.start();
 *     p.awaitTermination(Duration.ofMinutes(1));
 * }
 * }</pre>
 *
 * @param <T> the record type its sources emit
 */
public interface Pipeline<T> extends AutoCloseable {

    /** The name given to {@link DataCascade#pipeline(String)}. */
    String name();

    /**
     * Starts the sources and the processor thread.
     *
     * @throws IllegalStateException if already started or closed
     */
    void start();

    /** The current lifecycle state. */
    PipelineState state();

    /** The error that failed the pipeline, if it failed. */
    Optional<Throwable> failure();

    /**
     * Waits until the pipeline has stopped: all sources ended and the ring drained, a failure, or
     * {@link #close()}. Returns false if {@code timeout} passed first.
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException;

    /** A consistent-enough snapshot of the counters, cheap to take once a second. */
    PipelineMetrics metrics();

    /**
     * Stops the sources, processes what is already in the ring, flushes the sinks, acknowledges
     * the sources and closes everything, within the builder's {@code closeTimeout}. Records not
     * processed by then stay unacknowledged (a restart replays them). Safe to call more than once.
     */
    @Override
    void close();
}
