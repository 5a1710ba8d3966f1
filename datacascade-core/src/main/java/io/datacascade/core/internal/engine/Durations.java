package io.datacascade.core.internal.engine;

import java.time.Duration;
import java.util.Objects;

/** Argument checks for durations, with messages that name the argument and its value. */
final class Durations {
    private Durations() {
    }

    static Duration requireNonNegative(Duration value, String name) {
        Objects.requireNonNull(value, name + " can't be null");
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        return value;
    }
}
