package io.datacascade.core.internal.engine;

import io.datacascade.core.internal.ring.Sequence;

/**
 * The pipeline's durable point: for each sink the highest sequence it reported durable, and the
 * minimum over them all. Sinks report from any thread; sources read the minimum on their own
 * thread. Each sink's value lives in its own padded {@link Sequence}, so callbacks of different
 * sinks never contend.
 */
final class AckTracker {
    private final Sequence[] durable;

    AckTracker(int sinks) {
        durable = new Sequence[sinks];
        for (int i = 0; i < sinks; i++) {
            durable[i] = new Sequence(-1);
        }
    }

    /** Raises sink {@code sink}'s durable point to {@code sequence}; lower values are ignored. */
    void durable(int sink, long sequence) {
        Sequence s = durable[sink];
        long current;
        while ((current = s.getAcquire()) < sequence) {
            if (s.compareAndSet(current, sequence)) {
                return;
            }
        }
    }

    /** The highest sequence durable in every sink, -1 if none yet. */
    long durable() {
        long min = Long.MAX_VALUE;
        for (Sequence s : durable) {
            min = Math.min(min, s.getAcquire());
        }
        return min;
    }
}
