package io.datacascade.core;

/**
 * What a {@link Source} uses to hand records to its pipeline. Only the source's own thread may
 * call it.
 *
 * @param <T> the record type
 */
public interface SourceContext<T> {

    /**
     * Puts a record into the pipeline, waiting while the ring is full (backpressure), and returns
     * its sequence number. Sequences grow strictly per source; {@link Source#onDurable} reports
     * them back once the record is durable in every sink. Records reach the processor in small
     * runs, at the latest when {@link Source#poll} returns, so don't block inside a poll after
     * emitting.
     *
     * @throws NullPointerException if {@code record} is null
     * @throws IllegalStateException if the pipeline has stopped processing (it failed, or its
     *                               close timed out) while this call waited for room
     */
    default long emit(T record) {
        return emit(record, null);
    }

    /**
     * Like {@link #emit(Object)}, and attaches {@code origin} (for example a topic, partition and
     * offset) that dead letters and error messages of this record will name.
     */
    long emit(T record, Object origin);

    /**
     * Puts a record into the pipeline only if there is room now; returns its sequence, or -1 when
     * the ring is full. Sources that must keep a session alive while the pipeline is behind (the
     * Kafka source pauses its partitions) use this instead of waiting in {@link #emit}.
     */
    default long tryEmit(T record) {
        return tryEmit(record, null);
    }

    /** Like {@link #tryEmit(Object)}, and attaches {@code origin} as {@link #emit(Object, Object)} does. */
    long tryEmit(T record, Object origin);

    /** Free slots in the ring right now; a hint for sources that batch. */
    long remainingCapacity();

    /**
     * The pipeline's clock in epoch milliseconds: wall-clock time in a running pipeline, virtual
     * time under {@code PipelineTestDriver}. Sources that pace or timestamp records use it so
     * tests stay deterministic.
     */
    long currentTimeMillis();

    /** The pipeline's name, for thread names, logs and metrics. */
    String pipelineName();

    /** Whether the pipeline has asked its sources to stop; long polls should return early. */
    boolean isStopping();

    /**
     * Waits until every record this pipeline's sources emitted up to {@code sequence} is durable
     * in every sink, at most {@code timeout}; returns whether it is. A source that must settle
     * its books before it gives work away (the Kafka source when the group revokes partitions)
     * uses it; {@link Source#onDurable} still follows on the next poll. Returns false at once if
     * the pipeline has stopped processing, and as soon as everything emitted so far is processed
     * while an open window still holds the record: only later records can release it.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws InterruptedException if the source's thread is interrupted while waiting
     */
    boolean awaitDurable(long sequence, java.time.Duration timeout) throws InterruptedException;
}
