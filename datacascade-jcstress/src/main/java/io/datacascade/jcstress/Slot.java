package io.datacascade.jcstress;

/**
 * A ring slot with two plain fields, written by a producer before it publishes. A consumer that
 * sees a sequence published must see both fields; reading one field's new value and the other's
 * old one is exactly what a broken publication lets through.
 */
final class Slot {
    int a;
    int b;

    /** Writes the slot the way every test's producers do: both fields carry {@code value}. */
    void write(int value) {
        a = value;
        b = value;
    }

    /**
     * Both fields as one number, {@code 10 * a + b}: {@code 11} for a slot fully written with 1,
     * {@code 10} or {@code 1} for a half-written one, {@code 0} for an unwritten one.
     */
    int code() {
        return 10 * a + b;
    }
}
