package io.datacascade.core.internal.engine;

import io.datacascade.core.ErrorPolicy;

/**
 * One stage as the builder recorded it: its kind, name, user function and optional own policy.
 *
 * @param kind     what the function is
 * @param name     the stage's name in metrics and errors
 * @param function a Function, Predicate or Consumer, {@code Windows} or {@code AlertRules}, by kind
 * @param policy   the stage's own error policy, or null for the pipeline's
 */
public record StageSpec(Kind kind, String name, Object function, ErrorPolicy policy) {

    /** The stage kinds the builder offers. */
    public enum Kind {
        MAP("map"), FILTER("filter"), FLAT_MAP("flatMap"), PEEK("peek"), WINDOW("window"), ALERTS("alerts");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The builder method's name, used in default stage names. */
        public String label() {
            return label;
        }
    }

    public StageSpec withName(String newName) {
        return new StageSpec(kind, newName, function, policy);
    }

    public StageSpec withPolicy(ErrorPolicy newPolicy) {
        return new StageSpec(kind, name, function, newPolicy);
    }
}
