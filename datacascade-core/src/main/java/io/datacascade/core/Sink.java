package io.datacascade.core;

import java.time.Duration;

/**
 * Where a pipeline's results go: a Kafka topic, a DynamoDB table, the live chart, memory.
 *
 * <p>The pipeline's processor thread calls {@link #write} with each batch of results, in order.
 * A sink that is done with a batch when {@code write} returns (memory, the chart) needs nothing
 * more. A sink whose writes complete later (a producer callback, an HTTP response) overrides
 * {@link #reportsDurability()} to return {@code true} and calls
 * {@link SinkContext#durable(long)} with {@link Batch#sequence()} once that batch and every batch
 * before it are durable; only then may the source acknowledge its input (at-least-once).
 *
 * <pre>{@code
 * Sink<Point> printer = batch -> batch.forEach(System.out::println);
 * }</pre>
 *
 * @param <T> the record type the sink accepts
 */
@FunctionalInterface
public interface Sink<T> {

    /**
     * Writes one batch. The batch object is reused after this call returns: copy what you need to
     * keep. An exception applies the pipeline's error policy to every record of the batch.
     *
     * @throws Exception when the batch could not be written
     */
    void write(Batch<T> batch) throws Exception;

    /** Called once on the processor thread before the first batch. */
    default void open(SinkContext context) throws Exception {
    }

    /**
     * Whether this sink reports durability itself through {@link SinkContext#durable(long)}. If
     * {@code true}, {@link #write} is also called with empty batches, whose sequence the sink must
     * report in order like any other.
     */
    default boolean reportsDurability() {
        return false;
    }

    /**
     * Waits until everything written so far is durable, at most {@code timeout}; returns false if
     * the time ran out. Called when the pipeline closes, and, briefly, while it is idle after a
     * window stage emitted results on the clock, so the records behind them can be acknowledged:
     * it must not end anything, and must not return true before the writes are confirmed.
     */
    default boolean flush(Duration timeout) throws Exception {
        return true;
    }

    /** Releases resources; called once, after the final flush. */
    default void close() throws Exception {
    }
}
