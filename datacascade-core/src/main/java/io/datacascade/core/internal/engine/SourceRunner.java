package io.datacascade.core.internal.engine;

import io.datacascade.core.Source;
import io.datacascade.core.SourceContext;
import io.datacascade.core.internal.ring.RingBuffer;
import io.datacascade.core.internal.ring.RingHaltedException;
import java.util.Objects;

/**
 * The {@link SourceContext} of one source in a running pipeline: claims ring slots, fills them and
 * publishes them, and counts. The only source of a pipeline publishes in runs of up to
 * {@value #PUBLISH_BATCH}: that saves the processor a cache miss on the cursor per record; a run is
 * published early when the ring is full (so the processor can free room) and always when a
 * {@code poll} returns, so records never wait on a source that has gone quiet. With several
 * sources every record is published as soon as it is filled: the processor stops at the first
 * claimed but unpublished slot, so a run held back by one source (or a source thread the OS
 * descheduled mid-run) would stall every other source. Used only from that source's thread.
 */
final class SourceRunner<T> implements SourceContext<T> {
    static final int PUBLISH_BATCH = 64;
    private static final long AWAIT_DURABLE_POLL_NANOS = 200_000;

    final Source<T> source;
    final String name;
    private final RingBuffer<Slot> ring;
    private final RingPipeline<?> pipeline;
    private final int publishBatch;
    final Counter emitted = new Counter();
    private long unpublishedFrom = -1;
    private long unpublishedTo = -1;

    SourceRunner(Source<T> source, String name, RingBuffer<Slot> ring, RingPipeline<?> pipeline, boolean onlySource) {
        this.source = source;
        this.publishBatch = onlySource ? PUBLISH_BATCH : 1;
        this.name = name;
        this.ring = ring;
        this.pipeline = pipeline;
    }

    @Override
    public long emit(T record, Object origin) {
        Objects.requireNonNull(record, "record can't be null");
        long sequence = ring.tryNext(1);
        if (sequence < 0) {
            publishPending();
            try {
                sequence = ring.next();
            } catch (RingHaltedException e) {
                throw new StoppedException("pipeline '" + pipeline.name() + "' has stopped processing; source '"
                        + name + "' can't emit more records");
            }
        }
        fill(sequence, record, origin);
        return sequence;
    }

    @Override
    public long tryEmit(T record, Object origin) {
        Objects.requireNonNull(record, "record can't be null");
        long sequence = ring.tryNext(1);
        if (sequence < 0) {
            publishPending();
            return -1;
        }
        fill(sequence, record, origin);
        return sequence;
    }

    private void fill(long sequence, T record, Object origin) {
        Slot slot = ring.get(sequence);
        slot.item = record;
        slot.origin = origin;
        emitted.increment();
        if (unpublishedFrom < 0) {
            unpublishedFrom = sequence;
        }
        unpublishedTo = sequence;
        if (sequence - unpublishedFrom + 1 >= publishBatch) {
            publishPending();
        }
    }

    /** Makes every filled slot visible to the processor. */
    void publishPending() {
        if (unpublishedFrom >= 0) {
            ring.publish(unpublishedFrom, unpublishedTo);
            unpublishedFrom = -1;
        }
    }

    @Override
    public long remainingCapacity() {
        publishPending(); // a source waiting for room must not wait on its own unpublished records
        return ring.remainingCapacity();
    }

    /** Thrown from {@link #emit} when the ring was halted: the pipeline failed or its close timed out. */
    static final class StoppedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        StoppedException(String message) {
            super(message);
        }
    }

    @Override
    public long currentTimeMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public String pipelineName() {
        return pipeline.name();
    }

    @Override
    public boolean isStopping() {
        return pipeline.isStopping();
    }

    @Override
    public boolean awaitDurable(long sequence, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + Durations.requireNonNegative(timeout, "timeout").toNanos();
        publishPending(); // the records waited for may be among this source's unpublished run
        long claimed = ring.claimed();
        int heldChecks = 0;
        while (pipeline.durable() < sequence) {
            if (ring.isHalted() || pipeline.isFlushed() || System.nanoTime() - deadline >= 0) {
                return false;
            }
            // everything emitted so far went to the sinks and a window still holds the record: only
            // later records can release it (seen twice, a poll apart, to let a tick run)
            heldChecks = pipeline.completedThrough() >= claimed && pipeline.heldByWindow(sequence) ? heldChecks + 1 : 0;
            if (heldChecks >= 2) {
                return false;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for sequence " + sequence + " to become durable");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(AWAIT_DURABLE_POLL_NANOS);
        }
        return true;
    }
}
