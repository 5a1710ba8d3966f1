package io.datacascade.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Events seen at the end of a running flow (a pipeline's sink, the bare ring's consumer), and the
 * JMH side of waiting for them. The flow runs on its own threads and never pauses; each benchmark
 * invocation waits until the count passes the previous target plus {@code n}. Because targets
 * accumulate, an invocation that returns late (the waiting thread parks between checks, to leave
 * both cores to the flow) only makes the next one return early, and the score is the flow's
 * steady rate. {@link #resync()} before each iteration drops what flowed while JMH was not
 * measuring.
 */
final class EventCounter {
    /** How long the JMH thread parks between checks: short against an invocation, long against a wake-up. */
    private static final long PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** Written by the one counting thread (release), read by the JMH thread (acquire). */
    private final AtomicLong seen = new AtomicLong();
    private long target;

    /** Adds {@code n} events; one counting thread only. */
    void add(long n) {
        seen.setRelease(seen.getPlain() + n);
    }

    /** Events counted so far. */
    long get() {
        return seen.getAcquire();
    }

    /** Starts the next targets from the current count. */
    void resync() {
        target = Math.max(target, get());
    }

    /**
     * Waits until {@code n} more events than the previous target were counted; returns the count.
     *
     * @param health throws if the flow stopped, so a dead flow fails the run instead of hanging it
     */
    long awaitNext(int n, Runnable health) {
        target += n;
        long count = get();
        if (count >= target) {
            return count;
        }
        long lastCount = count;
        long lastProgress = System.nanoTime();
        while (true) {
            LockSupport.parkNanos(PARK_NANOS);
            count = get();
            if (count >= target) {
                return count;
            }
            health.run();
            long now = System.nanoTime();
            if (count != lastCount) {
                lastCount = count;
                lastProgress = now;
            } else if (now - lastProgress > STALL_NANOS) {
                throw new IllegalStateException("no event counted for 30 s; stuck at " + count + ", waiting for " + target);
            }
        }
    }
}
