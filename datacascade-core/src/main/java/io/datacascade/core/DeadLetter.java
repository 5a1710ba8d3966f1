package io.datacascade.core;

import java.util.Objects;

/**
 * A record that a stage or sink could not handle, with the reason, on its way to a dead-letter
 * sink (see {@link ErrorPolicy#deadLetter(Sink)}).
 *
 * @param pipeline  the pipeline's name
 * @param stage     the stage or sink that failed, for example {@code "map#1"} or {@code "parse"}
 * @param record    the record as that stage received it
 * @param origin    what the source attached to the record (topic, partition, offset...), or null
 * @param reason    a human-readable reason: the exception's class and message
 * @param error     the exception itself, or null when the reason is a validation message
 * @param sequence  the pipeline sequence of the source record
 * @param timestamp when it failed, epoch milliseconds (pipeline clock)
 */
public record DeadLetter(String pipeline, String stage, Object record, Object origin, String reason,
                         Throwable error, long sequence, long timestamp) {

    /** Creates a dead letter; {@code pipeline}, {@code stage} and {@code reason} must not be null. */
    public DeadLetter {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(reason, "reason");
    }
}
