package io.datacascade.core.internal.ring;

import io.datacascade.core.WaitStrategy;
import java.util.function.Supplier;

/** Producer-local state, padded away from the shared cursor and gating sequences. */
@SuppressWarnings("unused")
abstract class SingleProducerPadLeft<E> extends RingBuffer<E> {
    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;

    SingleProducerPadLeft(Supplier<? extends E> factory, int capacity, WaitStrategy waitStrategy) {
        super(factory, capacity, waitStrategy);
    }
}

abstract class SingleProducerFields<E> extends SingleProducerPadLeft<E> {
    static final java.lang.invoke.VarHandle NEXT_VALUE;

    static {
        try {
            NEXT_VALUE = java.lang.invoke.MethodHandles.lookup()
                    .findVarHandle(SingleProducerFields.class, "nextValue", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Highest sequence claimed so far; written by the one producer thread only, with an opaque
     * store (a plain move on x86) so that {@link #claimed()} can read it from other threads.
     */
    long nextValue = -1;
    /** Last gating value the producer read; saves a shared read on most claims. */
    long cachedGating = -1;

    SingleProducerFields(Supplier<? extends E> factory, int capacity, WaitStrategy waitStrategy) {
        super(factory, capacity, waitStrategy);
    }
}

/**
 * The single-producer fast path: claiming is two plain field updates and, once per lap of the
 * ring at most, an acquire read of the consumer's position; publishing is one release store.
 */
@SuppressWarnings("unused")
final class SingleProducerRingBuffer<E> extends SingleProducerFields<E> {
    long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

    SingleProducerRingBuffer(Supplier<? extends E> factory, int capacity, WaitStrategy waitStrategy) {
        super(factory, capacity, waitStrategy);
    }

    @Override
    public long next(int n) {
        checkBatch(n);
        long next = nextValue + n;
        long wrapPoint = next - capacity;
        if (wrapPoint > cachedGating) {
            long consumerAt;
            int round = 0;
            while (wrapPoint > (consumerAt = gating.getAcquire())) {
                if (isHalted()) {
                    throw RingHaltedException.INSTANCE;
                }
                waiter.idleProducer(round++);
            }
            cachedGating = consumerAt;
        }
        NEXT_VALUE.setOpaque(this, next);
        return next;
    }

    @Override
    public long tryNext(int n) {
        checkBatch(n);
        long next = nextValue + n;
        long wrapPoint = next - capacity;
        if (wrapPoint > cachedGating) {
            long consumerAt = gating.getAcquire();
            if (wrapPoint > consumerAt) {
                return -1;
            }
            cachedGating = consumerAt;
        }
        NEXT_VALUE.setOpaque(this, next);
        return next;
    }

    @Override
    public long claimed() {
        return (long) NEXT_VALUE.getOpaque(this);
    }

    @Override
    public void publish(long lo, long hi) {
        cursor.setRelease(hi);
        waiter.signalPublished();
    }

    @Override
    long highestPublished(long lo, long available) {
        return available;
    }
}
