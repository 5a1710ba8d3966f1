package io.datacascade.core.alert;

import io.datacascade.core.Point;
import io.datacascade.core.internal.alert.RangeStats;

/**
 * A {@link Signal} compared with a level, with an optional separate level to resolve at
 * (hysteresis): {@code Signal.value().above(90).resolveAt(80)} fires when the value goes above 90
 * and resolves only once it drops to 80 or below, so a value wobbling around 90 doesn't flap.
 * Immutable.
 */
public final class Threshold implements AlertCondition {
    private final Signal signal;
    private final boolean above;
    private final double level;
    private final double resolveLevel;

    Threshold(Signal signal, boolean above, double level, double resolveLevel) {
        this.signal = signal;
        this.above = above;
        this.level = level;
        this.resolveLevel = resolveLevel;
    }

    /**
     * Resolves a firing alert only when the signal is back at or beyond {@code resolve}: at or below
     * it for an {@code above} threshold, at or above it for a {@code below} one. A pending alert
     * still needs the firing level to become firing.
     *
     * @throws IllegalArgumentException if {@code level} is not finite or lies on the firing side
     */
    public Threshold resolveAt(double resolve) {
        Signal.requireFinite(resolve, "resolve level");
        if (above ? resolve > level : resolve < level) {
            throw new IllegalArgumentException("resolve level must be " + (above ? "at or below" : "at or above")
                    + " the firing level " + level + ", was " + resolve);
        }
        return new Threshold(signal, above, level, resolve);
    }

    /** The signal compared. */
    public Signal signal() {
        return signal;
    }

    /** Whether the condition holds above the level (else below). */
    public boolean isAbove() {
        return above;
    }

    /** The firing level. */
    public double level() {
        return level;
    }

    /** The resolve level (equal to the firing level without hysteresis). */
    public double resolveLevel() {
        return resolveLevel;
    }

    @Override
    public String describe() {
        String op = above ? " > " : " < ";
        String text = signal + op + number(level);
        if (resolveLevel != level) {
            text += " (resolves " + (above ? "<= " : ">= ") + number(resolveLevel) + ")";
        }
        return text;
    }

    @Override
    public Evaluator evaluator(String series) {
        RangeStats state = signal.newState();
        if (state == null) {
            return (point, active) -> holdsAt(point.value(), active);
        }
        return new Evaluator() {
            private double last = Double.NaN;

            @Override
            public boolean test(Point point, boolean active) {
                state.add(point.timestamp(), point.value());
                last = state.read(signal.kind());
                return holdsAt(last, active);
            }

            @Override
            public double value(Point point) {
                return last;
            }
        };
    }

    /**
     * Whether the condition holds for a signal value of {@code v}: beyond the firing level, or,
     * for an alert already {@code firing}, not yet back at the resolve level. NaN never holds.
     */
    public boolean holdsAt(double v, boolean firing) {
        if (Double.isNaN(v)) {
            return false;
        }
        double at = firing ? resolveLevel : level;
        return above ? v > at : v < at;
    }

    @Override
    public String toString() {
        return describe();
    }

    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    static String duration(long ms) {
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
