package io.datacascade.core.window;

import io.datacascade.core.DeadLetter;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import java.util.Objects;

/**
 * What a window stage does with a point that arrives after its window is gone: after the
 * watermark passed the window's end plus the {@linkplain Windows#allowedLateness allowed
 * lateness}. (A point late by less than the allowed lateness is not "late data": it updates its
 * window, which fires again with the corrected result.)
 *
 * <p>Late points are always counted in the stage's {@code late} metric.
 */
public final class LateData {
    /** The three reactions. */
    public enum Action {
        /** Count and drop. */
        DROP,
        /** Count and send the point unchanged to a side-output sink. */
        SIDE_OUTPUT,
        /** Count and send the point to a dead-letter sink, wrapped in a {@link DeadLetter} with the reason. */
        DEAD_LETTER
    }

    private static final LateData DROP = new LateData(Action.DROP, null);

    private final Action action;
    private final Sink<?> sink;

    private LateData(Action action, Sink<?> sink) {
        this.action = action;
        this.sink = sink;
    }

    /** Count and drop late points (the default). */
    public static LateData drop() {
        return DROP;
    }

    /**
     * Count late points and send them, unchanged, to {@code sink}: to store them elsewhere or to
     * recompute the windows later in a batch job. They are acknowledged once that sink has them.
     *
     * @throws NullPointerException if {@code sink} is null
     */
    public static LateData sideOutput(Sink<? super Point> sink) {
        return new LateData(Action.SIDE_OUTPUT, Objects.requireNonNull(sink, "late-data sink can't be null"));
    }

    /**
     * Count late points and send them to {@code sink} as {@link DeadLetter}s whose reason names the
     * point's window and the watermark, like any other record the pipeline could not handle.
     *
     * @throws NullPointerException if {@code sink} is null
     */
    public static LateData deadLetter(Sink<? super DeadLetter> sink) {
        return new LateData(Action.DEAD_LETTER, Objects.requireNonNull(sink, "dead-letter sink can't be null"));
    }

    /** The reaction. */
    public Action action() {
        return action;
    }

    /** The sink late points go to, or null for {@link Action#DROP}. */
    public Sink<?> sink() {
        return sink;
    }

    @Override
    public String toString() {
        return action == Action.DROP ? "drop" : action.name().toLowerCase(java.util.Locale.ROOT) + "(" + sink + ")";
    }
}
