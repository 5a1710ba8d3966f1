package io.datacascade.core.internal.engine;

import io.datacascade.core.PipelineException;
import io.datacascade.core.PipelineMetrics;
import io.datacascade.core.Source;
import io.datacascade.core.SourceContext;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Runs a pipeline definition on the calling thread, without a ring or threads: the engine of the
 * public test driver. Records pushed or polled from sources are queued, then processed in order
 * and handed to the sinks in batches of at most {@code maxBatchSize}, one run per push or poll.
 */
public final class SynchronousRunner<T> {
    private final PipelineDefinition<T> definition;
    private final LongSupplier clock;
    private final Chain chain;
    private final List<Context<?>> sources = new ArrayList<>();
    private final ArrayDeque<Object[]> queue = new ArrayDeque<>();
    private final AtomicReference<Throwable> asyncFailure = new AtomicReference<>();
    private long nextSequence;
    private boolean finished;
    private long emitted;
    private RuntimeException failure;

    @SuppressWarnings({"unchecked", "rawtypes"})
    public SynchronousRunner(PipelineDefinition<T> definition, LongSupplier clock) {
        this.definition = definition;
        this.clock = clock;
        this.chain = new Chain(definition, clock, e -> asyncFailure.compareAndSet(null, e));
        for (Source<?> s : definition.sources()) {
            sources.add(new Context(s));
        }
    }

    /** Opens the sinks, then the sources. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void open() throws Exception {
        chain.open();
        for (Context c : sources) {
            c.source.open(c);
        }
    }

    /** Processes {@code records} as one batch. */
    public void push(List<? extends T> records) throws Exception {
        checkNotFailed();
        for (T r : records) {
            Objects.requireNonNull(r, "record can't be null");
            enqueue(r, null);
        }
        drain();
    }

    /**
     * Polls every source until none has more to emit at the current time, processing what they
     * emit; returns whether every source has ended. A source that always has more (an unbounded
     * simulator) is polled until it has emitted a ring's worth of records in this call.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public boolean pollSources() throws Exception {
        checkNotFailed();
        boolean allEnded = true;
        for (Context c : sources) {
            long before = emitted;
            while (!c.ended && emitted - before < definition.ringSize()) {
                Source.Poll poll = c.source.poll(c);
                drain();
                if (poll == Source.Poll.END) {
                    c.ended = true;
                } else if (poll != Source.Poll.MORE) {
                    break;
                }
            }
            allEnded &= c.ended;
        }
        if (allEnded && !sources.isEmpty() && !finished) {
            finished = true;
            chain.finish(); // the input ended: emit every open window
            deliverDurable();
        }
        return allEnded;
    }

    /** Lets the stages that keep time (windows, absence rules) see the clock, and delivers what they emit. */
    public void tick() throws Exception {
        checkNotFailed();
        if (chain.keepsTime()) {
            try {
                chain.tick(clock.getAsLong());
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
            deliverDurable();
            rethrowAsync();
        }
    }

    private void enqueue(Object record, Object origin) {
        queue.add(new Object[] {record, origin});
        emitted++;
    }

    private long drain() throws Exception {
        rethrowAsync();
        if (queue.isEmpty()) {
            deliverDurable();
            return nextSequence - 1;
        }
        long last = -1;
        long batchStart = nextSequence;
        Object[] entry;
        while ((entry = queue.poll()) != null) {
            long sequence = nextSequence++;
            try {
                chain.process(entry[0], sequence, entry[1]);
            } catch (RuntimeException e) {
                // as the threaded runtime does: the records before the failing one go to the sinks,
                // the failing one and everything queued after it are never acknowledged
                queue.clear();
                failure = e;
                chain.completeBefore(sequence, batchStart, e);
                try {
                    deliverDurable();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            last = sequence;
            if (last - batchStart + 1 == definition.maxBatchSize() && !queue.isEmpty()) {
                chain.completeBatch(last); // sinks see batches no larger than in the threaded runtime
                batchStart = last + 1;
            }
        }
        chain.completeBatch(last);
        deliverDurable();
        rethrowAsync();
        return last;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void deliverDurable() throws Exception {
        chain.refreshDurable();
        chain.confirmTickOutput(Duration.ZERO); // virtual time: a sink that has confirmed says so at once
        long durable = chain.durable();
        for (Context c : sources) {
            if (durable > c.acknowledged) {
                c.source.onDurable(durable);
                c.acknowledged = durable;
            }
        }
    }

    private void checkNotFailed() {
        rethrowAsync();
        if (failure != null) {
            throw new IllegalStateException("pipeline '" + definition.name() + "' failed earlier and takes no more "
                    + "records: " + failure.getMessage(), failure);
        }
    }

    private void rethrowAsync() {
        Throwable t = asyncFailure.get();
        if (t != null) {
            throw t instanceof RuntimeException re ? re
                    : new PipelineException("pipeline '" + definition.name() + "' failed: " + t, t);
        }
    }

    /** The highest sequence durable in every sink. */
    public long durable() {
        return chain.durable();
    }

    public PipelineMetrics metrics() {
        return new PipelineMetrics(definition.name(), emitted, chain.eventsOut(), chain.errors(), chain.deadLettered(),
                chain.durable(), definition.ringSize(), definition.ringSize(), chain.stageMetrics());
    }

    /** Flushes sinks, acknowledges sources, closes everything. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void close() throws Exception {
        Exception first = null;
        try {
            if (chain.flush(definition.closeTimeout()) && failure == null && asyncFailure.get() == null) {
                chain.flushConfirmed();
            }
            deliverDurable();
        } catch (Exception e) {
            first = e;
        }
        for (Context c : sources) {
            try {
                c.source.close();
            } catch (Exception e) {
                first = Failures.collect(first, e);
            }
        }
        try {
            chain.close();
        } catch (Exception e) {
            first = Failures.collect(first, e);
        }
        if (first != null) {
            throw first;
        }
    }

    private final class Context<S> implements SourceContext<S> {
        final Source<S> source;
        boolean ended;
        long acknowledged = -1;

        Context(Source<S> source) {
            this.source = source;
        }

        @Override
        public long emit(S record, Object origin) {
            Objects.requireNonNull(record, "record can't be null");
            enqueue(record, origin);
            return nextSequence + queue.size() - 1;
        }

        @Override
        public long tryEmit(S record, Object origin) {
            return queue.size() >= definition.ringSize() ? -1 : emit(record, origin);
        }

        @Override
        public long remainingCapacity() {
            return Math.max(0, definition.ringSize() - queue.size());
        }

        @Override
        public long currentTimeMillis() {
            return clock.getAsLong();
        }

        @Override
        public String pipelineName() {
            return definition.name();
        }

        @Override
        public boolean isStopping() {
            return false;
        }

        /** Virtual time does not pass while a source waits: answers what is durable now. */
        @Override
        public boolean awaitDurable(long sequence, java.time.Duration timeout) {
            Durations.requireNonNegative(timeout, "timeout");
            return chain.durable() >= sequence;
        }
    }
}
