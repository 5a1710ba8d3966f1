package io.datacascade.core;

/**
 * Why a pipeline failed: names the pipeline, the stage, source or sink at fault and, where known,
 * the record's sequence and origin. The cause is the user's exception.
 */
public class PipelineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message naming what failed. */
    public PipelineException(String message, Throwable cause) {
        super(message, cause);
    }
}
