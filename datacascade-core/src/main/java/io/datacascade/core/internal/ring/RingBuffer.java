package io.datacascade.core.internal.ring;

import io.datacascade.core.WaitStrategy;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A bounded, lock-free ring of pre-allocated, reused slots between any number of producers and one
 * consumer: the hot path of every pipeline.
 *
 * <p>Protocol. A producer claims a range of sequences ({@link #next}, or {@link #tryNext} which
 * never waits), fills the slots returned by {@link #get}, then {@link #publish publishes} the
 * range. The consumer asks {@link #waitFor} for the highest sequence published without gaps, reads
 * that whole batch, and hands the slots back with {@link #release}. A producer never overtakes the
 * consumer by more than {@link #capacity()} sequences.
 *
 * <p>Memory ordering. Slot contents are written with plain stores before a release store of the
 * cursor (single producer) or of the slot's availability flag (several producers); the consumer
 * reads them after an acquire load of the same word. The consumer's release of its gating sequence
 * is read with acquire by producers before they overwrite a slot. No locks, no allocation after
 * construction.
 *
 * @param <E> the slot type; slots are created once by the factory and reused forever
 */
public abstract class RingBuffer<E> {
    /** Extra array elements on each side so that slot references never share a line with neighbours. */
    private static final int BUFFER_PAD = 32;

    final Object[] entries;
    final int mask;
    final int capacity;
    final Sequence cursor = new Sequence(-1);
    final Sequence gating = new Sequence(-1);
    final Waiter waiter;
    private volatile boolean halted;
    private volatile boolean alerted;

    RingBuffer(Supplier<? extends E> factory, int capacity, WaitStrategy waitStrategy) {
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(waitStrategy, "waitStrategy");
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 1, was " + capacity);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.waiter = Waiter.of(waitStrategy);
        this.entries = new Object[capacity + 2 * BUFFER_PAD];
        for (int i = 0; i < capacity; i++) {
            entries[BUFFER_PAD + i] = Objects.requireNonNull(factory.get(), "factory returned null");
        }
    }

    /** A ring for exactly one producer thread: claims need no CAS. */
    public static <E> RingBuffer<E> singleProducer(Supplier<? extends E> factory, int capacity, WaitStrategy waitStrategy) {
        return new SingleProducerRingBuffer<>(factory, capacity, waitStrategy);
    }

    /** A ring for any number of producer threads: claims use CAS on the cursor. */
    public static <E> RingBuffer<E> multiProducer(Supplier<? extends E> factory, int capacity, WaitStrategy waitStrategy) {
        return new MultiProducerRingBuffer<>(factory, capacity, waitStrategy);
    }

    /** The number of slots. */
    public final int capacity() {
        return capacity;
    }

    /** The slot for a claimed or published sequence. */
    @SuppressWarnings("unchecked")
    public final E get(long sequence) {
        return (E) entries[BUFFER_PAD + (int) (sequence & mask)];
    }

    /** Claims the next sequence, waiting while the ring is full. */
    public final long next() {
        return next(1);
    }

    /**
     * Claims {@code n} consecutive sequences and returns the highest, waiting while the ring is
     * full.
     *
     * @throws RingHaltedException if the ring is halted while waiting
     */
    public abstract long next(int n);

    /** Claims {@code n} consecutive sequences and returns the highest, or -1 if there is no room now. */
    public abstract long tryNext(int n);

    /** Makes one claimed sequence visible to the consumer. */
    public final void publish(long sequence) {
        publish(sequence, sequence);
    }

    /** Makes the claimed sequences {@code lo..hi} visible to the consumer. */
    public abstract void publish(long lo, long hi);

    /**
     * Waits until {@code sequence} is published and returns the highest sequence published without
     * gaps, which may be far beyond it: the consumer processes everything up to there as one batch.
     * A sequence that a producer has claimed but not yet published is waited for like any other.
     * Returns a value below {@code sequence} only when {@code timeoutNanos} passed, the ring was
     * {@linkplain #alert() alerted} or {@linkplain #halt() halted}; callers check why.
     */
    public final long waitFor(long sequence, long timeoutNanos) {
        return waitFor(sequence, Long.MAX_VALUE, timeoutNanos);
    }

    /**
     * Like {@link #waitFor(long, long)}, but never looks beyond {@code limit}: a consumer that takes
     * at most a batch at a time scans only that batch's availability, not the whole backlog.
     */
    public final long waitFor(long sequence, long limit, long timeoutNanos) {
        long available = Math.min(cursor.getAcquire(), limit);
        if (available >= sequence) {
            long highest = highestPublished(sequence, available);
            if (highest >= sequence) {
                return highest;
            }
            // claimed but not yet published by its producer: wait for it like for anything else
        }
        return awaitPublished(sequence, limit, timeoutNanos);
    }

    /** The waiting half of {@link #waitFor}, kept out of line so the fast path above stays small enough to inline. */
    private long awaitPublished(long sequence, long limit, long timeoutNanos) {
        long deadline = 0;
        int round = 0;
        while (true) {
            if (alerted || halted) {
                return sequence - 1;
            }
            long remaining = timeoutNanos;
            if (round >= Waiter.SPIN_TRIES || (round & 0x3f) == 0x3f) {
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + timeoutNanos;
                }
                remaining = deadline - now;
                if (remaining <= 0) {
                    return sequence - 1;
                }
            }
            waiter.idleConsumer(round, remaining, this, sequence);
            round = round == Integer.MAX_VALUE ? Waiter.SPIN_TRIES + Waiter.YIELD_TRIES : round + 1;
            long available = Math.min(cursor.getAcquire(), limit);
            if (available >= sequence) {
                long highest = highestPublished(sequence, available);
                if (highest >= sequence) {
                    return highest;
                }
            }
        }
    }

    /** Gives the slots up to {@code sequence} back to producers. Consumer thread only. */
    public final void release(long sequence) {
        gating.setRelease(sequence);
    }

    /** The highest sequence the consumer has released. */
    public final long consumed() {
        return gating.getAcquire();
    }

    /** The highest sequence claimed by a producer (published or about to be). */
    public abstract long claimed();

    /** Free slots right now, as producers see them; a snapshot for metrics. */
    public final long remainingCapacity() {
        return capacity - (claimed() - gating.getAcquire());
    }

    /**
     * Makes a waiting or future {@link #waitFor} return at once until {@link #clearAlert()}; used to
     * make the consumer look at its flags (stop, drain) without waiting for data.
     */
    public final void alert() {
        alerted = true;
        waiter.wakeConsumer();
    }

    /** Lets {@link #waitFor} wait again. */
    public final void clearAlert() {
        alerted = false;
    }

    final boolean isAlerted() {
        return alerted || halted;
    }

    /** Stops the ring for good: every producer waiting for room, now or later, gets {@link RingHaltedException}. */
    public final void halt() {
        halted = true;
        waiter.wakeConsumer();
    }

    /** Whether {@link #halt()} was called. */
    public final boolean isHalted() {
        return halted;
    }

    /** Whether {@code sequence} is published, read with full ordering (for the blocking waiter's handshake). */
    final boolean isPublishedVolatile(long sequence) {
        long available = cursor.getVolatile();
        return available >= sequence && highestPublished(sequence, sequence) >= sequence;
    }

    /** Highest sequence in {@code lo..available} published without a gap, or {@code lo - 1}. */
    abstract long highestPublished(long lo, long available);

    final void checkBatch(int n) {
        if (n < 1 || n > capacity) {
            throw new IllegalArgumentException("n must be between 1 and the capacity " + capacity + ", was " + n);
        }
    }
}
