package io.datacascade.core;

/** The lifecycle of a {@link Pipeline}. */
public enum PipelineState {
    /** Built, not started. */
    CREATED,
    /** Sources and processor are running. */
    RUNNING,
    /** Shutting down after {@link Pipeline#close()} or a failure: draining and flushing. */
    STOPPING,
    /** Every source ended and everything was processed and flushed. */
    COMPLETED,
    /** Closed on request. */
    CLOSED,
    /** Stopped by an error; see {@link Pipeline#failure()}. */
    FAILED;

    /** Whether the pipeline has stopped for good. */
    public boolean isTerminal() {
        return this == COMPLETED || this == CLOSED || this == FAILED;
    }
}
