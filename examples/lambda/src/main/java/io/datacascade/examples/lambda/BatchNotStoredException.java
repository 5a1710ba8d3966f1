package io.datacascade.examples.lambda;

/**
 * The batch could not be stored completely (DynamoDB unreachable or refusing writes, or not done
 * in time). Thrown out of the handler on purpose: Lambda then reports the invocation as failed and
 * the MSK event source mapping delivers the same batch again, which is safe because every item is
 * keyed by its source (series and time, or source position) and a replay overwrites it.
 */
public final class BatchNotStoredException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code message} says what failed and that the batch will be retried. */
    public BatchNotStoredException(String message, Throwable cause) {
        super(message, cause);
    }
}
