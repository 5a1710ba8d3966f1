package io.datacascade.benchmarks;

import io.datacascade.core.WaitStrategy;
import io.datacascade.core.internal.ring.RingBuffer;
import java.util.concurrent.TimeUnit;

/**
 * DataCascade's {@link RingBuffer} of pre-allocated {@link LongEvent} slots. Producer, per event:
 * {@code tryNext(1)}, a plain write of the long into the slot, {@code publish(s)}. Consumer: one
 * {@code waitFor} per batch (all that is published, capped at the invocation's end), a plain read
 * per slot, one {@code release} per batch. The consumer idles inside {@code waitFor} with the
 * ring's own wait strategy (YIELDING or BUSY_SPIN).
 */
final class DataCascadeContender extends RingContender {
    /** waitFor returns at least this often when nothing arrives, so the stall check can run. */
    private static final long WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final RingBuffer<LongEvent> ring;
    private long next;

    DataCascadeContender(int producers, int capacity, boolean yielding) {
        super("datacascade", producers, yielding);
        WaitStrategy strategy = yielding ? WaitStrategy.YIELDING : WaitStrategy.BUSY_SPIN;
        this.ring = producers == 1
                ? RingBuffer.singleProducer(LongEvent::new, capacity, strategy)
                : RingBuffer.multiProducer(LongEvent::new, capacity, strategy);
    }

    @Override
    boolean tryPublish(long value) {
        long s = ring.tryNext(1);
        if (s < 0) {
            return false;
        }
        ring.get(s).value = value;
        ring.publish(s);
        return true;
    }

    @Override
    long consume(int n) {
        long sum = 0;
        long end = next + n;
        int round = 0;
        while (next < end) {
            long available = ring.waitFor(next, WAIT_NANOS);
            if (available < next) {
                // Timed out, or (several producers) the next slot is claimed but not yet published.
                if (ring.isHalted()) {
                    throw failed("the datacascade ring was halted", null);
                }
                round = idleConsumer(round);
                continue;
            }
            round = 0;
            long hi = Math.min(available, end - 1);
            for (long s = next; s <= hi; s++) {
                sum += ring.get(s).value;
            }
            ring.release(hi);
            next = hi + 1;
        }
        return sum;
    }

    @Override
    void close() {
        try {
            super.close();
        } finally {
            ring.halt();
        }
    }
}
