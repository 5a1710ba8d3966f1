package io.datacascade.core.alert;

import io.datacascade.core.Point;

/**
 * When an alert rule's condition holds: the SPI behind the built-in {@link Signal} thresholds.
 * Implement it for a condition the built-ins can't express; the rule around it supplies the
 * state machine (pending, firing, resolved, {@code for}, {@code keep_firing_for}, repeats).
 *
 * <pre>{@code
 * // fires while a point's "status" tag says "error"
 * AlertCondition errorStatus = AlertCondition.of("status == error",
 *         (point, active) -> "error".equals(point.tags().get("status")));
 * }</pre>
 */
public interface AlertCondition {

    /** The condition in words, shown in alerts: for example {@code "value > 90"}. */
    String describe();

    /**
     * The evaluator for one series; called once per series the rule watches, on the pipeline's
     * processor thread. Return a new object if the condition keeps per-series state (a moving
     * average), or a shared one if it does not.
     */
    Evaluator evaluator(String series);

    /** Evaluates one series' points in order; used on the processor thread only. */
    interface Evaluator {
        /**
         * Whether the condition holds after {@code point}.
         *
         * @param active whether the rule's alert for this series is pending or firing now, so a
         *               condition can resolve at a different level than it fires (hysteresis)
         */
        boolean test(Point point, boolean active);

        /** The value reported in alerts after {@link #test}: by default the point's own value. */
        default double value(Point point) {
            return point.value();
        }
    }

    /**
     * A stateless condition from a predicate.
     *
     * @throws NullPointerException if an argument is null
     */
    static AlertCondition of(String description, Evaluator evaluator) {
        java.util.Objects.requireNonNull(description, "description can't be null");
        java.util.Objects.requireNonNull(evaluator, "evaluator can't be null");
        return new AlertCondition() {
            @Override
            public String describe() {
                return description;
            }

            @Override
            public Evaluator evaluator(String series) {
                return evaluator;
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }
}
