package io.datacascade.benchmarks;

/**
 * The pre-allocated, mutable slot of the ring contenders: the producer writes {@link #value}, the
 * consumer reads it. 24 bytes on a 64-bit JVM with compressed class pointers (12-byte header,
 * 4-byte gap to align the long, 8-byte long), allocated once per slot when the ring is built.
 */
public final class LongEvent {
    /** The payload written by the producer. */
    public long value;
}
