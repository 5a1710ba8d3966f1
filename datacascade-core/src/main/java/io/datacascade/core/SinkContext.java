package io.datacascade.core;

/** What a {@link Sink} uses to talk back to its pipeline. Safe to call from any thread. */
public interface SinkContext {

    /**
     * Reports that every batch up to and including the one with {@link Batch#sequence()}
     * {@code sequence} is durable in this sink. Calls with a lower value than before are ignored.
     */
    void durable(long sequence);

    /**
     * Reports a failure that happened off the processor thread (in a callback, say) and cannot be
     * retried: the pipeline fails with it, so nothing is lost silently.
     */
    void fail(Throwable error);

    /**
     * Declines one record of the batch being written because this sink can never write it (an
     * item over the store's size limit, a value the store cannot represent): the pipeline applies
     * its error policy to that record alone — skip and count, dead-letter with {@code reason}, or
     * fail — while the sink writes the rest. Only from inside {@link Sink#write}, on the calling
     * thread; an asynchronous sink still reports the whole batch's sequence durable once the
     * records it kept are.
     *
     * @param index the record's index in the batch
     * @throws IllegalStateException if called outside {@code write}
     * @throws IndexOutOfBoundsException if {@code index} is not in the batch
     */
    default void reject(int index, String reason, Throwable error) {
        throw new UnsupportedOperationException("this context cannot reject single records");
    }

    /**
     * Whether a stage of this pipeline emits results after the records they summarise were
     * processed (a window stage). A batch's {@linkplain Batch#origin origins} then name the record
     * that triggered a result, not all the input it covers, so a sink that commits input positions
     * from origins (a transactional Kafka sink) can't be exact and should refuse to open.
     */
    default boolean hasDeferredResults() {
        return false;
    }

    /** The pipeline's name, for thread names, logs and metrics. */
    String pipelineName();

    /** The sink's name in this pipeline, for logs and metrics. */
    String sinkName();
}
