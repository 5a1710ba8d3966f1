package io.datacascade.benchmarks;

import java.util.concurrent.TimeUnit;

/**
 * One ring or queue under test in {@link RingThroughput}: its producer threads, started once per
 * trial and running until {@link #close()}, and the consumer side, driven by the JMH thread
 * through {@link #consume(int)}.
 *
 * <p>Every implementation does the same per event: the producer claims or offers without blocking
 * ({@link #tryPublish}), and when there is no room backs off with the same policy as the consumer
 * ({@link #SPIN_TRIES} {@link Thread#onSpinWait()} rounds, then {@link Thread#yield()} when
 * yielding, or spinning for ever when busy-spinning) while watching the stop flag, so a producer
 * never hangs at the end of a trial whatever the consumer did.
 */
abstract class RingContender {
    /** Spin rounds before yielding: the same as Disruptor's YieldingWaitStrategy and DataCascade's YIELDING. */
    static final int SPIN_TRIES = 100;
    /** How long a consumer may see no event at all before the benchmark fails instead of hanging. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Producers check the stop flag every this many events even when the ring never fills. */
    private static final int CHECK_EVERY = 1 << 12;
    private static final int CHECK_IDLE = 0x3ff;

    final boolean yielding;
    private final String name;
    private final Thread[] producers;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private long idleSince;

    RingContender(String name, int producerCount, boolean yielding) {
        if (producerCount < 1) {
            throw new IllegalArgumentException("producers must be at least 1, was " + producerCount);
        }
        this.name = name;
        this.yielding = yielding;
        this.producers = new Thread[producerCount];
        for (int i = 0; i < producerCount; i++) {
            producers[i] = new Thread(this::produce, "bench-" + name + "-producer-" + (i + 1));
            producers[i].setDaemon(true);
        }
    }

    /** Starts the producer threads; call once, after construction. */
    final void start() {
        for (Thread t : producers) {
            t.start();
        }
    }

    /** Publishes one event carrying {@code value} if there is room now; producer threads only. */
    abstract boolean tryPublish(long value);

    /** Consumes exactly {@code n} events and returns the sum of their values; one consumer thread only. */
    abstract long consume(int n);

    /** Called on a producer thread that failed, so a consumer blocked inside a library can notice. */
    void wakeConsumer() {
    }

    private void produce() {
        long value = 0;
        try {
            while (value >= 0) {
                value = produceSome(value);
            }
        } catch (Throwable t) {
            failure = t;
            wakeConsumer();
        }
    }

    /**
     * Publishes {@value #CHECK_EVERY} events from {@code value} on; returns the next value, or -1
     * once stopped. A method of its own, called again and again, so the JIT compiles it whole
     * rather than only as an on-stack replacement of one endless loop.
     */
    private long produceSome(long value) {
        if (!running) {
            return -1;
        }
        long v = value;
        for (int i = 0; i < CHECK_EVERY; i++) {
            int round = 0;
            while (!tryPublish(v)) {
                if (!running) {
                    return -1;
                }
                round = backOff(round);
            }
            v++;
        }
        return v;
    }

    private int backOff(int round) {
        if (yielding && round >= SPIN_TRIES) {
            Thread.yield();
        } else {
            Thread.onSpinWait();
        }
        return round == Integer.MAX_VALUE ? SPIN_TRIES : round + 1;
    }

    /**
     * Idles the consumer once after it found nothing to read and returns the next round; fails
     * instead of waiting for ever when a producer died or nothing arrived for 30 s.
     */
    final int idleConsumer(int round) {
        if (yielding && round >= SPIN_TRIES) {
            Thread.yield();
        } else {
            Thread.onSpinWait();
        }
        if ((round & CHECK_IDLE) == CHECK_IDLE) {
            checkProgress(round == CHECK_IDLE);
        }
        return round == Integer.MAX_VALUE ? CHECK_IDLE + 1 : round + 1;
    }

    private void checkProgress(boolean firstCheck) {
        Throwable t = failure;
        if (t != null) {
            throw failed("a producer of " + name + " failed: " + t, t);
        }
        long now = System.nanoTime();
        if (firstCheck) {
            idleSince = now;
        } else if (now - idleSince > STALL_NANOS) {
            throw failed("the consumer of " + name + " saw no event for 30 s", null);
        }
    }

    /** An exception for the consumer to throw, with a producer's failure attached if there is one. */
    final IllegalStateException failed(String message, Throwable cause) {
        return new IllegalStateException(message, cause != null ? cause : failure);
    }

    /** Stops and joins the producers; throws if one failed or did not stop within 10 s. */
    void close() {
        running = false;
        for (Thread t : producers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the producers of " + name, e);
            }
            if (t.isAlive()) {
                t.interrupt();
                throw new IllegalStateException(t.getName() + " did not stop within 10 s");
            }
        }
        Throwable t = failure;
        if (t != null) {
            throw new IllegalStateException("a producer of " + name + " failed: " + t, t);
        }
    }
}
