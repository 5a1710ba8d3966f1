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

    /** The pipeline's name, for thread names, logs and metrics. */
    String pipelineName();

    /** The sink's name in this pipeline, for logs and metrics. */
    String sinkName();
}
