package io.datacascade.core.internal.ring;

import io.datacascade.core.WaitStrategy;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The multi-producer path: producers claim by CAS on the cursor and mark each slot available
 * with the lap number it was written in, so the consumer can tell a published slot from one that
 * is claimed but not yet written, and stops its batch at the first gap.
 */
final class MultiProducerRingBuffer<E> extends RingBuffer<E> {
    private static final VarHandle AVAILABLE = MethodHandles.arrayElementVarHandle(int[].class);

    /** Lap number ({@code sequence >>> indexShift}) of the last publication of each slot. */
    private final int[] available;
    private final int indexShift;
    /** Shared cache of the consumer's position; stale values only cost an extra read. */
    private final Sequence gatingCache = new Sequence(-1);

    MultiProducerRingBuffer(Supplier<? extends E> factory, int capacity, WaitStrategy waitStrategy) {
        super(factory, capacity, waitStrategy);
        this.available = new int[capacity];
        Arrays.fill(available, -1);
        this.indexShift = Integer.numberOfTrailingZeros(capacity);
        VarHandle.releaseFence();
    }

    @Override
    public long next(int n) {
        checkBatch(n);
        int round = 0;
        while (true) {
            long current = cursor.getAcquire();
            long next = current + n;
            long wrapPoint = next - capacity;
            long cached = gatingCache.getOpaque();
            if (wrapPoint > cached || cached > current) {
                long consumerAt = gating.getAcquire();
                if (wrapPoint > consumerAt) {
                    if (isHalted()) {
                        throw RingHaltedException.INSTANCE;
                    }
                    waiter.idleProducer(round++);
                    continue;
                }
                gatingCache.setOpaque(consumerAt);
            } else if (cursor.compareAndSet(current, next)) {
                return next;
            }
        }
    }

    @Override
    public long tryNext(int n) {
        checkBatch(n);
        while (true) {
            long current = cursor.getAcquire();
            long next = current + n;
            long wrapPoint = next - capacity;
            long cached = gatingCache.getOpaque();
            if (wrapPoint > cached || cached > current) {
                long consumerAt = gating.getAcquire();
                if (wrapPoint > consumerAt) {
                    return -1;
                }
                gatingCache.setOpaque(consumerAt);
            } else if (cursor.compareAndSet(current, next)) {
                return next;
            }
        }
    }

    @Override
    public long claimed() {
        return cursor.getAcquire();
    }

    @Override
    public void publish(long lo, long hi) {
        for (long s = lo; s <= hi; s++) {
            AVAILABLE.setRelease(available, (int) (s & mask), (int) (s >>> indexShift));
        }
        waiter.signalPublished();
    }

    @Override
    long highestPublished(long lo, long availableUpTo) {
        for (long s = lo; s <= availableUpTo; s++) {
            if ((int) AVAILABLE.getAcquire(available, (int) (s & mask)) != (int) (s >>> indexShift)) {
                return s - 1;
            }
        }
        return availableUpTo;
    }
}
