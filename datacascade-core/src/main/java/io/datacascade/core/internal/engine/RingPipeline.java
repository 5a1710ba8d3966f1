package io.datacascade.core.internal.engine;

import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineException;
import io.datacascade.core.PipelineListener;
import io.datacascade.core.PipelineMetrics;
import io.datacascade.core.PipelineState;
import io.datacascade.core.Source;
import io.datacascade.core.internal.ring.RingBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threaded runtime of a pipeline: one thread per source publishing into the ring, one
 * processor thread running the {@link Chain} over batches read from the ring.
 *
 * <p>Shutdown, whatever started it (close, every source ending, a failure): sources stop
 * emitting; the processor drains the ring (unless it failed itself), flushes the sinks and
 * releases the {@code flushed} latch; each source thread, still alive and waiting for that, takes
 * the final durable point, acknowledges it and closes its source, so every source method runs on
 * the source's own thread; last, the processor closes the sinks and sets the terminal state.
 */
public final class RingPipeline<T> implements Pipeline<T> {
    private static final Logger LOG = LoggerFactory.getLogger(RingPipeline.class);
    private static final long PROCESSOR_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long SOURCE_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SOURCE_CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often stages that keep time (windows, absence rules) hear the clock. */
    private static final long TICK_MILLIS = 10;
    /**
     * While idle after a tick emitted window results, the processor flushes the sinks so those
     * results are confirmed and their records can be acknowledged: this long at most per try.
     */
    private static final Duration TICK_FLUSH_TIMEOUT = Duration.ofMillis(100);
    private static final long TICK_FLUSH_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final ThreadLocal<Boolean> IN_LISTENER = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private final PipelineDefinition<T> definition;
    private final RingBuffer<Slot> ring;
    private final Chain chain;
    private final List<SourceRunner<?>> sources = new ArrayList<>();
    private volatile List<Thread> threads = List.of();
    private final AtomicReference<PipelineState> state = new AtomicReference<>(PipelineState.CREATED);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicInteger activeEmitters;
    private final CountDownLatch flushed = new CountDownLatch(1);
    private final CountDownLatch sourcesClosed;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean closeRequested;
    private volatile long shutdownDeadline;
    private volatile Runnable meters;
    /** Orders state changes, failure and listener calls; never held on the hot path. */
    private final ReentrantLock events = new ReentrantLock();
    /** Set under {@link #events} once the terminal state is being decided. */
    private boolean ending;

    @SuppressWarnings({"unchecked", "rawtypes"})
    public RingPipeline(PipelineDefinition<T> definition) {
        this.definition = definition;
        int sourceCount = definition.sources().size();
        this.ring = sourceCount == 1
                ? RingBuffer.singleProducer(Slot::new, definition.ringSize(), definition.waitStrategy())
                : RingBuffer.multiProducer(Slot::new, definition.ringSize(), definition.waitStrategy());
        this.chain = new Chain(definition, System::currentTimeMillis, this::fail);
        for (int i = 0; i < sourceCount; i++) {
            Source<?> source = definition.sources().get(i);
            sources.add(new SourceRunner(source, Names.of(source, "source#" + (i + 1)), ring, this, sourceCount == 1));
        }
        this.activeEmitters = new AtomicInteger(sourceCount);
        this.sourcesClosed = new CountDownLatch(sourceCount);
    }

    /** What the builder recorded; the test driver runs it without threads. */
    public PipelineDefinition<T> definition() {
        return definition;
    }

    @Override
    public String name() {
        return definition.name();
    }

    @Override
    public void start() {
        if (!transition(PipelineState.CREATED, PipelineState.RUNNING)) {
            throw new IllegalStateException("pipeline '" + name() + "' can only be started once; it is " + state.get());
        }
        try {
            meters = MeterSupport.bind(this);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Pipeline '{}': could not register Micrometer meters ({}); running without them", name(), e.toString());
        }
        List<Thread> all = new ArrayList<>();
        all.add(new Thread(this::runProcessor, "datacascade-" + name() + "-processor"));
        for (int i = 0; i < sources.size(); i++) {
            SourceRunner<?> runner = sources.get(i);
            all.add(new Thread(() -> runSource(runner), "datacascade-" + name() + "-source-" + (i + 1)));
        }
        threads = List.copyOf(all);
        for (Thread t : threads) {
            t.start();
        }
        LOG.info("Pipeline '{}' started: {} source(s), {} stage(s), {} sink(s), ring of {} slots, {} wait",
                name(), sources.size(), definition.stages().size(), definition.sinks().size(), ring.capacity(),
                definition.waitStrategy());
    }

    private void runProcessor() {
        long next = 0;
        try {
            chain.open();
            int maxBatch = definition.maxBatchSize();
            boolean keepsTime = chain.keepsTime();
            long nextTick = 0;
            long nextTickFlush = System.nanoTime();
            while (!ring.isHalted()) {
                long available = ring.waitFor(next, next + maxBatch - 1, PROCESSOR_IDLE_NANOS);
                boolean idle = available < next;
                if (!idle) {
                    processBatch(next, available);
                    next = available + 1;
                } else if (activeEmitters.get() == 0 && ring.claimed() < next) {
                    if (!closeRequested && failure.get() == null) {
                        chain.finish(); // the input ended: emit every open window
                    }
                    break;
                }
                if (keepsTime) {
                    long now = System.currentTimeMillis();
                    if (now >= nextTick) {
                        chain.tick(now);
                        nextTick = now + TICK_MILLIS;
                    }
                }
                chain.refreshDurable(); // asynchronous sinks confirm between batches too
                if (idle && chain.awaitsTickConfirmation()) {
                    long now = System.nanoTime();
                    if (now - nextTickFlush >= 0 && !chain.confirmTickOutput(TICK_FLUSH_TIMEOUT)) {
                        nextTickFlush = now + TICK_FLUSH_RETRY_NANOS; // a slow sink: don't spend every idle moment flushing
                    }
                }
            }
        } catch (Throwable t) {
            try {
                fail(t);
            } finally {
                ring.halt();
            }
        } finally {
            endgame();
        }
    }

    private void processBatch(long lo, long hi) throws Exception {
        long s = lo;
        try {
            for (; s <= hi; s++) {
                Slot slot = ring.get(s);
                Object item = slot.item;
                Object origin = slot.origin;
                slot.item = null;
                slot.origin = null;
                chain.process(item, s, origin);
            }
        } catch (RuntimeException e) {
            chain.completeBefore(s, lo, e);
            throw e;
        }
        ring.release(hi);
        chain.completeBatch(hi);
    }

    private void endgame() {
        try {
            if (shutdownDeadline == 0) {
                shutdownDeadline = System.nanoTime() + definition.closeTimeout().toNanos();
            }
            try {
                boolean confirmed = chain.flush(remaining());
                if (confirmed && failure.get() == null) {
                    chain.flushConfirmed(); // after a failure, only what sinks confirmed batch by batch counts
                }
                long unconfirmed = ring.consumed() - chain.durable();
                if (!confirmed) {
                    LOG.warn("Pipeline '{}': sinks did not confirm {} record(s) durable within the close timeout {}; "
                            + "they stay unacknowledged and a replaying source delivers them again", name(),
                            Math.max(unconfirmed, 0), definition.closeTimeout());
                } else if (unconfirmed > 0) {
                    LOG.info("Pipeline '{}': {} record(s) in windows still open stay unacknowledged; a restarted "
                            + "pipeline reads them again and computes those windows afresh", name(), unconfirmed);
                }
            } catch (Throwable t) {
                fail(new PipelineException("flushing the sinks of pipeline '" + name() + "' failed: " + t, t));
            }
            flushed.countDown();
            awaitSourcesClosed();
            try {
                chain.close();
            } catch (Throwable t) {
                LOG.warn("Pipeline '{}': closing a sink failed: {}", name(), t.toString(), t);
            }
            if (meters != null) {
                try {
                    meters.run();
                } catch (Throwable t) {
                    LOG.warn("Pipeline '{}': removing its meters failed: {}", name(), t.toString());
                }
            }
            PipelineState end;
            events.lock();
            try {
                ending = true;
                end = failure.get() != null ? PipelineState.FAILED
                        : closeRequested ? PipelineState.CLOSED : PipelineState.COMPLETED;
                PipelineState from = state.getAndSet(end);
                notifyState(from, end);
            } finally {
                events.unlock();
            }
            LOG.info("Pipeline '{}' {}: {} in, {} out, {} errors, {} dead-lettered", name(), end.name().toLowerCase(),
                    eventsIn(), chain.eventsOut(), chain.errors(), chain.deadLettered());
        } finally {
            flushed.countDown();
            terminated.countDown();
        }
    }

    /** Waits for the sources' final acknowledgement and close: what is left of the timeout, at least a second. */
    private void awaitSourcesClosed() {
        long waitNanos = Math.max(remaining().toNanos(), SOURCE_CLOSE_GRACE_NANOS);
        try {
            if (!sourcesClosed.await(waitNanos, TimeUnit.NANOSECONDS)) {
                LOG.warn("Pipeline '{}': sources did not close within the close timeout {}", name(),
                        definition.closeTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Duration remaining() {
        return Duration.ofNanos(Math.max(0, shutdownDeadline - System.nanoTime()));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void runSource(SourceRunner runner) {
        Source source = runner.source;
        long acknowledged = -1;
        try {
            source.open(runner);
            while (!stopping) {
                acknowledged = deliverDurable(source, acknowledged);
                Source.Poll poll = source.poll(runner);
                runner.publishPending();
                if (poll == null) {
                    throw new IllegalStateException("poll() returned null; return MORE, IDLE or END");
                }
                if (poll == Source.Poll.END) {
                    LOG.debug("Pipeline '{}': source '{}' ended", name(), runner.name);
                    break;
                }
                if (poll == Source.Poll.IDLE) {
                    LockSupport.parkNanos(SOURCE_IDLE_NANOS);
                }
            }
        } catch (SourceRunner.StoppedException stopped) {
            LOG.debug("Pipeline '{}': source '{}' stopped while waiting for room in the ring", name(), runner.name);
        } catch (Throwable t) {
            fail(new PipelineException("source '" + runner.name + "' of pipeline '" + name() + "' failed: " + t, t));
        } finally {
            runner.publishPending(); // records filled before a failure are good records
            if (activeEmitters.decrementAndGet() == 0) {
                ring.alert();
            }
            try {
                while (!flushed.await(10, TimeUnit.MILLISECONDS)) {
                    acknowledged = deliverDurable(source, acknowledged);
                }
                deliverDurable(source, acknowledged);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                fail(new PipelineException("source '" + runner.name + "' of pipeline '" + name()
                        + "' failed to acknowledge: " + t, t));
            }
            try {
                source.close();
            } catch (Throwable t) {
                LOG.warn("Pipeline '{}': closing source '{}' failed: {}", name(), runner.name, t.toString(), t);
            }
            sourcesClosed.countDown();
        }
    }

    private long deliverDurable(Source<?> source, long acknowledged) throws Exception {
        long durable = chain.durable();
        if (durable > acknowledged) {
            source.onDurable(durable);
            return durable;
        }
        return acknowledged;
    }

    /**
     * Fails the pipeline with {@code error} and starts the shutdown. The first failure wins; later
     * ones are logged and attached to it as suppressed exceptions.
     */
    void fail(Throwable error) {
        events.lock();
        try {
            if (ending) {
                LOG.error("Pipeline '{}' had already stopped ({}) when this failure was reported: {}", name(),
                        state.get(), error.getMessage(), error);
                return;
            }
            Throwable first = failure.get();
            if (first != null) {
                if (first != error) {
                    first.addSuppressed(error);
                    LOG.warn("Pipeline '{}': another failure while stopping: {}", name(), error.toString());
                }
            } else {
                failure.set(error);
                LOG.error("Pipeline '{}' failed: {}", name(), error.getMessage(), error);
                for (PipelineListener l : definition.listeners()) {
                    callListener(l, () -> l.onFailure(this, error));
                }
            }
        } finally {
            events.unlock();
        }
        requestStop();
    }

    private void requestStop() {
        if (shutdownDeadline == 0) {
            shutdownDeadline = System.nanoTime() + definition.closeTimeout().toNanos();
        }
        stopping = true;
        transition(PipelineState.RUNNING, PipelineState.STOPPING);
    }

    boolean isStopping() {
        return stopping;
    }

    /** Whether the processor has flushed its sinks for good: the durable point will not move any more. */
    boolean isFlushed() {
        return flushed.getCount() == 0;
    }

    /** Whether an open window holds the record at {@code sequence}: only later records can release it. */
    boolean heldByWindow(long sequence) {
        return chain.holds(sequence);
    }

    /** The last sequence whose batch went to the sinks. */
    long completedThrough() {
        return chain.completedThrough();
    }

    /** The pipeline's durable point, for sources waiting on it. */
    long durable() {
        return chain.durable();
    }

    @Override
    public void close() {
        if (transition(PipelineState.CREATED, PipelineState.CLOSED)) {
            terminated.countDown();
            return;
        }
        closeRequested = true;
        requestStop();
        if (threads.contains(Thread.currentThread()) || IN_LISTENER.get()) {
            return; // from a stage, a source or a listener: the shutdown goes on without waiting for it
        }
        try {
            long waitNanos = definition.closeTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
            if (!terminated.await(waitNanos, TimeUnit.NANOSECONDS)) {
                long unprocessed = ring.claimed() - ring.consumed();
                LOG.warn("Pipeline '{}' did not stop within {}; halting with {} record(s) unprocessed (they stay "
                        + "unacknowledged)", name(), definition.closeTimeout(), unprocessed);
                ring.halt();
                threads.forEach(Thread::interrupt);
                terminated.await(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public PipelineState state() {
        return state.get();
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private long eventsIn() {
        long n = 0;
        for (SourceRunner<?> r : sources) {
            n += r.emitted.get();
        }
        return n;
    }

    @Override
    public PipelineMetrics metrics() {
        return new PipelineMetrics(name(), eventsIn(), chain.eventsOut(), chain.errors(), chain.deadLettered(),
                chain.durable(), ring.capacity(), ring.remainingCapacity(), chain.stageMetrics());
    }

    private boolean transition(PipelineState from, PipelineState to) {
        events.lock();
        try {
            if (state.compareAndSet(from, to)) {
                notifyState(from, to);
                return true;
            }
            return false;
        } finally {
            events.unlock();
        }
    }

    /** Tells the listeners; callers hold {@link #events}, so listeners hear changes one at a time and in order. */
    private void notifyState(PipelineState from, PipelineState to) {
        for (PipelineListener l : definition.listeners()) {
            callListener(l, () -> l.onStateChange(this, from, to));
        }
    }

    private void callListener(PipelineListener listener, Runnable call) {
        IN_LISTENER.set(Boolean.TRUE);
        try {
            call.run();
        } catch (Throwable t) {
            LOG.warn("Pipeline '{}': listener {} threw: {}", name(), listener, t.toString(), t);
        } finally {
            IN_LISTENER.set(Boolean.FALSE);
        }
    }

    @Override
    public String toString() {
        return "Pipeline[" + name() + ", " + state.get() + "]";
    }
}
