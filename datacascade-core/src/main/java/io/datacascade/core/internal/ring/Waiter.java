package io.datacascade.core.internal.ring;

import io.datacascade.core.WaitStrategy;
import java.util.concurrent.locks.LockSupport;

/**
 * The behaviour behind a {@link WaitStrategy}: how the single consumer idles while the ring is
 * empty, and how producers idle while it is full. Only {@link WaitStrategy#BLOCKING} needs
 * producers to signal; the others poll.
 */
abstract class Waiter {
    static final int SPIN_TRIES = 100;
    static final int YIELD_TRIES = 100;
    static final long PARK_NANOS = 50_000;

    static Waiter of(WaitStrategy strategy) {
        return switch (strategy) {
            case BUSY_SPIN -> new BusySpin();
            case YIELDING -> new Yielding();
            case PARKING -> new Parking();
            case BLOCKING -> new Blocking();
        };
    }

    /**
     * Idles the consumer once; {@code round} counts the calls since the consumer started waiting
     * and {@code maxParkNanos} is what is left of its timeout, never to be overshot by much.
     * Returns without having to wait the whole period: callers re-check their condition.
     */
    abstract void idleConsumer(int round, long maxParkNanos, RingBuffer<?> ring, long wanted);

    /** Idles a producer that found the ring full. */
    void idleProducer(int round) {
        if (round < SPIN_TRIES) {
            Thread.onSpinWait();
        } else if (round < SPIN_TRIES + YIELD_TRIES) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(1_000);
        }
    }

    /** Called by producers after publishing; wakes a blocked consumer where needed. */
    void signalPublished() {
        // polling strategies need no signal
    }

    /** Wakes the consumer whatever it is doing: used on halt and on explicit wake-up. */
    void wakeConsumer() {
        // polling strategies notice flags on their next round
    }

    static final class BusySpin extends Waiter {
        /** Empty checks between two offers of the core to other threads (mask, power of two minus one). */
        static final int YIELD_EVERY_MASK = 1023;

        @Override
        void idleConsumer(int round, long maxParkNanos, RingBuffer<?> ring, long wanted) {
            if ((round & YIELD_EVERY_MASK) == YIELD_EVERY_MASK) {
                Thread.yield(); // on an oversubscribed core, lets the producer we wait for run
            } else {
                Thread.onSpinWait();
            }
        }
        // producers that find the ring full back off as in the other strategies: spinning them
        // forever would starve the consumer they wait for whenever threads outnumber cores
    }

    static final class Yielding extends Waiter {
        @Override
        void idleConsumer(int round, long maxParkNanos, RingBuffer<?> ring, long wanted) {
            if (round < SPIN_TRIES) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }

        @Override
        void idleProducer(int round) {
            if (round < SPIN_TRIES) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    static final class Parking extends Waiter {
        @Override
        void idleConsumer(int round, long maxParkNanos, RingBuffer<?> ring, long wanted) {
            if (round < SPIN_TRIES) {
                Thread.onSpinWait();
            } else if (round < SPIN_TRIES + YIELD_TRIES) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(Math.min(PARK_NANOS, maxParkNanos));
            }
        }
    }

    /**
     * Parks the consumer until a producer signals. Lost wake-ups are prevented Dekker-style: the
     * consumer announces itself (volatile write) and re-checks the cursor; a producer publishes
     * (release), issues a full fence and then reads the announcement. At least one of them sees
     * the other's write.
     */
    static final class Blocking extends Waiter {
        private volatile Thread parked;

        @Override
        void idleConsumer(int round, long maxParkNanos, RingBuffer<?> ring, long wanted) {
            if (round < SPIN_TRIES) {
                Thread.onSpinWait();
                return;
            }
            parked = Thread.currentThread();
            try {
                if (!ring.isPublishedVolatile(wanted) && !ring.isAlerted()) {
                    LockSupport.parkNanos(this, maxParkNanos);
                }
            } finally {
                parked = null;
            }
        }

        @Override
        void signalPublished() {
            java.lang.invoke.VarHandle.fullFence();
            Thread t = parked;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }

        @Override
        void wakeConsumer() {
            Thread t = parked;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }
}
