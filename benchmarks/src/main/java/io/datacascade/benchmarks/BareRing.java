package io.datacascade.benchmarks;

import io.datacascade.core.Point;
import io.datacascade.core.SimulatorSource;
import io.datacascade.core.SourceContext;
import io.datacascade.core.WaitStrategy;
import io.datacascade.core.internal.ring.RingBuffer;
import io.datacascade.core.internal.ring.RingHaltedException;
import java.util.concurrent.TimeUnit;

/**
 * The "bare ring" contender of {@link PipelineThroughput}: the pipeline's ring and nothing else.
 * A producer thread polls the same unbounded random-walk {@link SimulatorSource} as the pipeline
 * benchmark, through a context that puts each point straight into a single-producer
 * {@link RingBuffer}, publishing in runs of 64 and after each poll as the pipeline's source runner
 * does; a consumer
 * thread reads batches of up to 1,024 like the pipeline's processor, takes each point out of its
 * slot, adds its value to a sum, releases the batch and counts it. Both loops call a method per
 * chunk, as the pipeline does, so the JIT compiles the same shapes.
 */
final class BareRing {
    private static final int MAX_BATCH = 1024;
    private static final long WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** A reusable ring slot holding one point. */
    static final class Slot {
        Point item;
    }

    /**
     * Publishes what the simulator emits straight into the bare ring: the same generator as the
     * pipeline's source, without the pipeline.
     */
    private final class RingContext implements SourceContext<Point> {
        private static final int PUBLISH_BATCH = 64;
        private long unpublishedFrom = -1;
        private long unpublishedTo = -1;

        @Override
        public long emit(Point record) {
            long sequence = ring.tryNext(1);
            if (sequence < 0) {
                publishPending();
                sequence = ring.next();
            }
            ring.get(sequence).item = record;
            if (unpublishedFrom < 0) {
                unpublishedFrom = sequence;
            }
            unpublishedTo = sequence;
            if (sequence - unpublishedFrom + 1 >= PUBLISH_BATCH) {
                publishPending();
            }
            return sequence;
        }

        /** Publishes the filled slots, like the pipeline's source runner. */
        void publishPending() {
            if (unpublishedFrom >= 0) {
                ring.publish(unpublishedFrom, unpublishedTo);
                unpublishedFrom = -1;
            }
        }

        @Override
        public long emit(Point record, Object origin) {
            return emit(record);
        }

        @Override
        public long tryEmit(Point record, Object origin) {
            return emit(record);
        }

        @Override
        public long remainingCapacity() {
            return ring.remainingCapacity();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public String pipelineName() {
            return "bare-ring";
        }

        @Override
        public boolean isStopping() {
            return ring.isHalted();
        }

        /** Not used: the simulator never waits for durability (the bare ring has no sinks). */
        @Override
        public boolean awaitDurable(long sequence, java.time.Duration timeout) {
            throw new UnsupportedOperationException("the bare ring tracks no durability");
        }
    }

    final EventCounter counter = new EventCounter();
    private final RingBuffer<Slot> ring;
    private final SimulatorSource simulator;
    private final RingContext context = new RingContext();
    private final Thread producer;
    private final Thread consumer;
    private volatile Throwable failure;
    private double sum;
    /** The consumer's sum of values, published when it stops so the reads are not dead code. */
    volatile double checksum;

    BareRing(int ringSize, WaitStrategy waitStrategy, int series) {
        this.ring = RingBuffer.singleProducer(Slot::new, ringSize, waitStrategy);
        this.simulator = SimulatorSource.builder().series(series).ratePerSecond(0).seed(42).build();
        this.producer = new Thread(this::produce, "bench-bare-ring-producer");
        this.consumer = new Thread(this::consume, "bench-bare-ring-consumer");
        producer.setDaemon(true);
        consumer.setDaemon(true);
    }

    void start() {
        consumer.start();
        producer.start();
    }

    private void produce() {
        try {
            simulator.open(context);
            while (!ring.isHalted()) {
                simulator.poll(context);
                context.publishPending();
            }
        } catch (RingHaltedException stopped) {
            // tear-down
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void consume() {
        long next = 0;
        try {
            while (true) {
                long available = ring.waitFor(next, WAIT_NANOS);
                if (available >= next) {
                    next = consumeBatch(next, Math.min(available, next + MAX_BATCH - 1));
                } else if (ring.isHalted()) {
                    break;
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
        checksum = sum;
    }

    private long consumeBatch(long lo, long hi) {
        double s = sum;
        for (long seq = lo; seq <= hi; seq++) {
            Slot slot = ring.get(seq);
            s += slot.item.value();
            slot.item = null;
        }
        sum = s;
        ring.release(hi);
        counter.add(hi - lo + 1);
        return hi + 1;
    }

    /** Throws if a thread of this contender failed. */
    void checkHealthy() {
        Throwable t = failure;
        if (t != null) {
            throw new IllegalStateException("the bare ring failed: " + t, t);
        }
    }

    /** Halts the ring and joins both threads. */
    void close() {
        ring.halt();
        for (Thread t : new Thread[] {producer, consumer}) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the bare ring", e);
            }
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not stop within 10 s");
            }
        }
        checkHealthy();
    }
}
