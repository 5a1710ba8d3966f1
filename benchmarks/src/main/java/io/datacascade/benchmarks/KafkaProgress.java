package io.datacascade.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The records a consuming contender has counted, and the main thread's wait for them. Contenders
 * add from their own threads (per poll, per sink batch or per record: a {@link LongAdder} does
 * not contend); the main thread looks once a millisecond, so every contender's end is noticed the
 * same way, at most about a millisecond late, while leaving both cores to the flow.
 */
final class KafkaProgress {
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final LongAdder counted = new LongAdder();

    /** Counts {@code n} records that passed the filter. */
    void add(long n) {
        counted.add(n);
    }

    /** Counts one record that passed the filter. */
    void increment() {
        counted.increment();
    }

    /** Records counted so far. */
    long counted() {
        return counted.sum();
    }

    /**
     * Waits until {@code target} records were counted.
     *
     * @param records    the input records of the pass, for the result
     * @param startNanos when the pass started ({@link System#nanoTime()})
     * @param health     throws if the contender died, so a dead flow fails the run instead of hanging it
     * @throws IllegalStateException if nothing was counted for 60 s
     */
    KafkaContender.Pass await(String who, long target, long records, long startNanos, Runnable health) {
        long first = -1;
        long lastCount = 0;
        long lastProgress = startNanos;
        while (true) {
            long count = counted.sum();
            long now = System.nanoTime();
            if (first < 0 && count > 0) {
                first = now - startNanos;
            }
            if (count >= target) {
                return new KafkaContender.Pass(records, now - startNanos, first, "");
            }
            health.run();
            if (count != lastCount) {
                lastCount = count;
                lastProgress = now;
            } else if (now - lastProgress > STALL_NANOS) {
                throw new IllegalStateException(who + " stalled: counted " + count + " of " + target + " records, none in the last "
                        + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS) + " s");
            }
            LockSupport.parkNanos(PARK_NANOS);
        }
    }

    /** Fails unless exactly {@code expected} records were counted (call after the contender stopped). */
    void verifyExactly(String who, long expected) {
        long count = counted.sum();
        if (count != expected) {
            throw new IllegalStateException(who + " counted " + count + " records after the filter, expected exactly " + expected
                    + (count > expected ? " (duplicates: records were delivered twice)" : ""));
        }
    }
}
