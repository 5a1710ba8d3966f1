package io.datacascade.core.internal.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Left-hand padding: 120 bytes, so the value never shares a cache line (or an adjacent-line prefetch pair) with what lies before. */
@SuppressWarnings("unused")
abstract class SequenceLhsPadding {
    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

abstract class SequenceValue extends SequenceLhsPadding {
    long value;
}

/** Right-hand padding: 120 bytes after the value. */
@SuppressWarnings("unused")
abstract class SequenceRhsPadding extends SequenceValue {
    long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;
}

/**
 * A padded {@code long} counter with explicit memory semantics, used for the ring's cursor and the
 * consumer's gating sequence. Accessor names follow {@link VarHandle}: {@code getAcquire} pairs
 * with {@code setRelease}; {@code getVolatile}/{@code setVolatile} are sequentially consistent.
 */
public final class Sequence extends SequenceRhsPadding {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(SequenceValue.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public Sequence(long initial) {
        VALUE.setRelease(this, initial);
    }

    public long getPlain() {
        return value;
    }

    public long getOpaque() {
        return (long) VALUE.getOpaque(this);
    }

    public long getAcquire() {
        return (long) VALUE.getAcquire(this);
    }

    public long getVolatile() {
        return (long) VALUE.getVolatile(this);
    }

    public void setOpaque(long v) {
        VALUE.setOpaque(this, v);
    }

    public void setRelease(long v) {
        VALUE.setRelease(this, v);
    }

    public void setVolatile(long v) {
        VALUE.setVolatile(this, v);
    }

    public boolean compareAndSet(long expected, long v) {
        return VALUE.compareAndSet(this, expected, v);
    }

    @Override
    public String toString() {
        return Long.toString(getVolatile());
    }
}
