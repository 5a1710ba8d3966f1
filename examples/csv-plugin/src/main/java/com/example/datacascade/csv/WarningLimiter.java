package com.example.datacascade.csv;

import java.util.concurrent.TimeUnit;

/**
 * Decides which bad-line warnings reach the log, so a garbage file can't flood it: the first
 * {@value #FREE} are logged, after that at most one every {@link #INTERVAL_NANOS} (10 s), carrying
 * the number suppressed since the previous one. Owned by one thread.
 */
final class WarningLimiter {
    /** Warnings logged before the limit applies. */
    static final int FREE = 10;
    /** Least time between two warnings once the limit applies. */
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private long logged;
    private long lastNanos;
    private long suppressed;

    /** Whether to log a warning at {@code nowNanos} ({@link System#nanoTime()}); if not, it counts as suppressed. */
    boolean tryLog(long nowNanos) {
        if (logged < FREE || nowNanos - lastNanos >= INTERVAL_NANOS) {
            logged++;
            lastNanos = nowNanos;
            return true;
        }
        suppressed++;
        return false;
    }

    /** Whether the warning just allowed was the last before the limit applies. */
    boolean limitStartsNow() {
        return logged == FREE;
    }

    /** Warnings suppressed since the last logged one; resets the count. */
    long takeSuppressed() {
        long n = suppressed;
        suppressed = 0;
        return n;
    }
}
