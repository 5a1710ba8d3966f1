package io.datacascade.kafka.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Argument checks shared by the Kafka builders, with messages naming the setting and its value. */
public final class KafkaSettings {
    private KafkaSettings() {
    }

    public static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank, was " + (value == null ? "null" : "\"" + value + "\""));
        }
        return value;
    }

    public static Duration requireNonNegative(Duration value, String name) {
        Objects.requireNonNull(value, name + " can't be null");
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        return value;
    }

    public static Duration requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name + " can't be null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }

    /** Collects every problem of a builder so {@code build()} reports them all at once. */
    public static final class Problems {
        private final String what;
        private final List<String> problems = new ArrayList<>();

        public Problems(String what) {
            this.what = what;
        }

        public void requireSet(Object value, String name) {
            if (value == null) {
                problems.add(name + " is not set");
            }
        }

        public void add(String problem) {
            problems.add(problem);
        }

        public void throwIfAny() {
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid " + what + ": " + String.join("; ", problems));
            }
        }
    }
}
