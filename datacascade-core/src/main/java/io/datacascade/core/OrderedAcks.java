package io.datacascade.core;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * For sinks whose writes complete later and in any order (producer callbacks, HTTP responses from
 * a pool of requests): turns per-write completions into the in-order
 * {@link SinkContext#durable(long)} reports the pipeline needs. Open a {@link Ticket} per batch,
 * {@link Ticket#add() add} one count per write started for it, call {@link Ticket#done()} when a
 * write succeeds and {@link Ticket#fail} when it is lost for good, and {@link #seal} the ticket
 * when the batch has handed out all its writes. A batch is reported durable only when it and
 * every batch before it are complete. The first failure fails the pipeline and stops all later
 * reports, so nothing after a lost write is ever acknowledged.
 *
 * <pre>{@code
 * public void write(Batch<Point> batch) {
 *     OrderedAcks.Ticket ticket = acks.open(batch.sequence());
 *     for (Point p : batch) {
 *         ticket.add();
 *         client.sendAsync(p).whenComplete((ok, error) -> {
 *             if (error == null) ticket.done(); else ticket.fail(error);
 *         });
 *     }
 *     acks.seal(ticket);
 * }
 * }</pre>
 *
 * Thread-safe: tickets complete from any thread; open and seal from the writing thread.
 */
public final class OrderedAcks {
    private final SinkContext context;
    private final Function<Throwable, Throwable> describeFailure;
    private final ConcurrentLinkedQueue<Ticket> pending = new ConcurrentLinkedQueue<>();
    private final ReentrantLock reporting = new ReentrantLock();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /**
     * Reports to {@code context}; a failure is passed through {@code describeFailure} (to say which
     * sink and target lost the write) before it fails the pipeline.
     */
    public OrderedAcks(SinkContext context, Function<Throwable, Throwable> describeFailure) {
        this.context = Objects.requireNonNull(context, "context can't be null");
        this.describeFailure = Objects.requireNonNull(describeFailure, "describeFailure can't be null");
    }

    /** Starts tracking the batch that completes {@code sequence}. */
    public Ticket open(long sequence) {
        Ticket ticket = new Ticket(sequence);
        pending.add(ticket);
        return ticket;
    }

    /** The batch behind {@code ticket} will start no more writes. */
    public void seal(Ticket ticket) {
        ticket.done();
    }

    /** The first failure, if any; a sink checks it to stop writing behind a lost write. */
    public Throwable failure() {
        return failure.get();
    }

    /** Waits until every batch opened so far is reported durable; false on timeout or failure. */
    public boolean awaitAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pending.isEmpty()) {
            if (failure.get() != null || System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return failure.get() == null;
    }

    /** Batches not yet reported durable. */
    public int outstanding() {
        return pending.size();
    }

    private void report() {
        reporting.lock();
        try {
            Ticket head;
            long last = -1;
            while ((head = pending.peek()) != null && head.remaining.get() == 0) {
                pending.poll();
                last = head.sequence;
            }
            if (last >= 0) {
                context.durable(last);
            }
        } finally {
            reporting.unlock();
        }
    }

    /** One batch's writes in flight. */
    public final class Ticket {
        private final long sequence;
        /** Writes not yet completed, plus one until the batch is sealed. */
        private final AtomicInteger remaining = new AtomicInteger(1);

        private Ticket(long sequence) {
            this.sequence = sequence;
        }

        /** Counts one more write for this batch; call before starting it. */
        public void add() {
            remaining.incrementAndGet();
        }

        /** One write of this batch succeeded. */
        public void done() {
            if (remaining.decrementAndGet() == 0) {
                report();
            }
        }

        /** One write of this batch is lost for good: fails the pipeline (once) and blocks every later report. */
        public void fail(Throwable error) {
            Throwable described = describeFailure.apply(error);
            if (failure.compareAndSet(null, described)) {
                context.fail(described);
            }
        }

        /** The sequence this batch completes. */
        public long sequence() {
            return sequence;
        }
    }
}
