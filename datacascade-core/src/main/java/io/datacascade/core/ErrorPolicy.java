package io.datacascade.core;

import java.util.Objects;

/**
 * What happens to a record when a stage or sink throws on it. Set one for the whole pipeline with
 * {@link PipelineBuilder#errorPolicy} and override it for a stage with
 * {@link PipelineBuilder#onError}.
 *
 * <ul>
 *   <li>{@link #fail()} (the default): the pipeline stops and reports the error; the record and
 *       everything after it stay unacknowledged, so a restart replays them.</li>
 *   <li>{@link #skip()}: the record is dropped and counted; the pipeline goes on.</li>
 *   <li>{@link #deadLetter(Sink)}: the record goes to the given sink wrapped in a
 *       {@link DeadLetter} naming the stage and the reason, is counted, and the pipeline goes on.
 *       It is acknowledged only once the dead-letter sink has made it durable.</li>
 * </ul>
 */
public final class ErrorPolicy {

    /** The three reactions to a failed record. */
    public enum Action {
        /** Stop the pipeline. */
        FAIL,
        /** Count and drop the record. */
        SKIP,
        /** Count and route the record to a dead-letter sink. */
        DEAD_LETTER
    }

    private static final ErrorPolicy FAIL = new ErrorPolicy(Action.FAIL, null);
    private static final ErrorPolicy SKIP = new ErrorPolicy(Action.SKIP, null);

    private final Action action;
    private final Sink<? super DeadLetter> deadLetterSink;

    private ErrorPolicy(Action action, Sink<? super DeadLetter> deadLetterSink) {
        this.action = action;
        this.deadLetterSink = deadLetterSink;
    }

    /** Stop the pipeline on the first failed record. */
    public static ErrorPolicy fail() {
        return FAIL;
    }

    /** Count and drop failed records. */
    public static ErrorPolicy skip() {
        return SKIP;
    }

    /**
     * Count failed records and send them to {@code sink}, wrapped in a {@link DeadLetter}.
     *
     * @throws NullPointerException if {@code sink} is null
     */
    public static ErrorPolicy deadLetter(Sink<? super DeadLetter> sink) {
        return new ErrorPolicy(Action.DEAD_LETTER, Objects.requireNonNull(sink, "dead-letter sink can't be null"));
    }

    /** The reaction. */
    public Action action() {
        return action;
    }

    /** The dead-letter sink, or null unless {@link #action()} is {@link Action#DEAD_LETTER}. */
    public Sink<? super DeadLetter> deadLetterSink() {
        return deadLetterSink;
    }

    @Override
    public String toString() {
        return action == Action.DEAD_LETTER ? "deadLetter(" + deadLetterSink + ")" : action.name().toLowerCase(java.util.Locale.ROOT);
    }
}
