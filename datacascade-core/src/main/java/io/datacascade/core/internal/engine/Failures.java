package io.datacascade.core.internal.engine;

/** Helpers for reporting every failure of a multi-step cleanup, not just the first. */
final class Failures {
    private Failures() {
    }

    /** Returns {@code first}, with {@code next} attached as suppressed; or {@code next} if there was no first. */
    static <E extends Throwable> E collect(E first, E next) {
        if (first == null) {
            return next;
        }
        if (first != next) {
            first.addSuppressed(next);
        }
        return first;
    }
}
