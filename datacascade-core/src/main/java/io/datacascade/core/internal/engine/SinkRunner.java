package io.datacascade.core.internal.engine;

import io.datacascade.core.PipelineException;
import io.datacascade.core.Sink;
import io.datacascade.core.SinkContext;
import java.util.function.Consumer;

/** A sink in a running pipeline: its name, its slot in the {@link AckTracker}, its error count. */
final class SinkRunner implements SinkContext {
    final Sink<Object> sink;
    final String name;
    final boolean reportsDurability;
    private final int index;
    private final AckTracker tracker;
    private final String pipeline;
    private final Consumer<Throwable> failer;
    final Counter errors = new Counter();
    /** The batch inside {@link #deliver}, and what the sink declined of it; processor thread only. */
    private BatchBuffer<Object> writing;
    private final java.util.List<Rejection> rejections = new java.util.ArrayList<>();

    /** A record the sink declined: its index in the batch, and why. */
    record Rejection(int index, String reason, Throwable error) {
    }

    @SuppressWarnings("unchecked")
    SinkRunner(Sink<?> sink, String name, int index, AckTracker tracker, String pipeline, Consumer<Throwable> failer) {
        this.sink = (Sink<Object>) sink;
        this.name = name;
        this.index = index;
        this.tracker = tracker;
        this.pipeline = pipeline;
        this.failer = failer;
        this.reportsDurability = sink.reportsDurability();
    }

    /**
     * Writes {@code batch}, or, when it is empty and the sink does not track durability itself,
     * just marks its sequence durable without a call.
     */
    void deliver(BatchBuffer<Object> batch) throws Exception {
        rejections.clear();
        if (!batch.isEmpty() || reportsDurability) {
            writing = batch;
            try {
                sink.write(batch);
            } finally {
                writing = null;
            }
        }
        if (!reportsDurability) {
            tracker.durable(index, batch.sequence());
        }
    }

    /** Marks a batch this sink did not need to see (nothing for it, or handled by the error policy). */
    void skip(long sequence) {
        tracker.durable(index, sequence);
    }

    /** What the sink declined during the last {@link #deliver}, in call order. */
    java.util.List<Rejection> rejections() {
        return rejections;
    }

    @Override
    public void reject(int index, String reason, Throwable error) {
        BatchBuffer<Object> batch = writing;
        if (batch == null) {
            throw new IllegalStateException("sink '" + name + "' may reject records only inside write(), on its thread");
        }
        if (index < 0 || index >= batch.size()) {
            throw new IndexOutOfBoundsException("index " + index + " out of batch of " + batch.size());
        }
        rejections.add(new Rejection(index, java.util.Objects.requireNonNull(reason, "reason"), error));
    }

    @Override
    public void durable(long sequence) {
        tracker.durable(index, sequence);
    }

    @Override
    public void fail(Throwable error) {
        failer.accept(new PipelineException("sink '" + name + "' of pipeline '" + pipeline + "' failed: " + error, error));
    }

    /** Set by the chain before sinks open. */
    boolean deferredResults;

    @Override
    public boolean hasDeferredResults() {
        return deferredResults;
    }

    @Override
    public String pipelineName() {
        return pipeline;
    }

    @Override
    public String sinkName() {
        return name;
    }
}
