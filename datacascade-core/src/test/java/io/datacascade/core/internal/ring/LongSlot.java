package io.datacascade.core.internal.ring;

/**
 * A pre-allocated, mutable ring slot for the ring tests: one {@code long} that encodes which
 * producer wrote it and that producer's running counter, so a consumer can detect lost,
 * duplicated, reordered and unwritten events.
 */
final class LongSlot {
    /** What a slot holds before any producer wrote it, and after a consumer cleared it. */
    static final long EMPTY = -1;

    private static final int COUNTER_BITS = 40;
    private static final long COUNTER_MASK = (1L << COUNTER_BITS) - 1;

    long value = EMPTY;

    static long encode(int producer, long counter) {
        return ((long) producer << COUNTER_BITS) | counter;
    }

    static int producerOf(long value) {
        return (int) (value >>> COUNTER_BITS);
    }

    static long counterOf(long value) {
        return value & COUNTER_MASK;
    }

    static String describe(long value) {
        return value == EMPTY ? "EMPTY" : "producer " + producerOf(value) + " #" + counterOf(value);
    }
}
