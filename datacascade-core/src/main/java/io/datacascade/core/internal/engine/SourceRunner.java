package io.datacascade.core.internal.engine;

import io.datacascade.core.Source;
import io.datacascade.core.SourceContext;
import io.datacascade.core.internal.ring.RingBuffer;
import io.datacascade.core.internal.ring.RingHaltedException;
import java.util.Objects;

/**
 * The {@link SourceContext} of one source in a running pipeline: claims ring slots, fills and
 * publishes them, and counts. Used only from that source's thread.
 */
final class SourceRunner<T> implements SourceContext<T> {
    final Source<T> source;
    final String name;
    private final RingBuffer<Slot> ring;
    private final RingPipeline<?> pipeline;
    final Counter emitted = new Counter();

    SourceRunner(Source<T> source, String name, RingBuffer<Slot> ring, RingPipeline<?> pipeline) {
        this.source = source;
        this.name = name;
        this.ring = ring;
        this.pipeline = pipeline;
    }

    @Override
    public long emit(T record) {
        return emit(record, null);
    }

    @Override
    public long emit(T record, Object origin) {
        Objects.requireNonNull(record, "record can't be null");
        long sequence;
        try {
            sequence = ring.next();
        } catch (RingHaltedException e) {
            throw new IllegalStateException("pipeline '" + pipeline.name() + "' is stopping; source '" + name
                    + "' can't emit more records");
        }
        fill(sequence, record, origin);
        return sequence;
    }

    @Override
    public long tryEmit(T record, Object origin) {
        Objects.requireNonNull(record, "record can't be null");
        long sequence = ring.tryNext(1);
        if (sequence >= 0) {
            fill(sequence, record, origin);
        }
        return sequence;
    }

    private void fill(long sequence, T record, Object origin) {
        Slot slot = ring.get(sequence);
        slot.item = record;
        slot.origin = origin;
        ring.publish(sequence);
        emitted.increment();
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
        return pipeline.name();
    }

    @Override
    public boolean isStopping() {
        return pipeline.isStopping();
    }
}
