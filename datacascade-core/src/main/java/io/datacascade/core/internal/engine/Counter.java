package io.datacascade.core.internal.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A counter with one writing thread and any number of readers: increments are an opaque store
 * (no fence, no lock, no CAS), reads are opaque loads, so a metrics poller sees a recent value.
 */
final class Counter {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long value;

    /** Adds one; writer thread only. */
    void increment() {
        VALUE.setOpaque(this, value + 1);
    }

    /** Adds {@code n}; writer thread only. */
    void add(long n) {
        VALUE.setOpaque(this, value + n);
    }

    /** The current value, from any thread. */
    long get() {
        return (long) VALUE.getOpaque(this);
    }
}
