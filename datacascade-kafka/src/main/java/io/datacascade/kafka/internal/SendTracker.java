package io.datacascade.kafka.internal;

import io.datacascade.core.SinkContext;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Turns producer callbacks, which arrive per record and across partitions in any order, into the
 * in-order "durable up to sequence" reports the pipeline needs. One {@link Pending} per batch
 * (not per record) counts the batch's outstanding sends; a batch is reported only when it and
 * every batch before it have no send outstanding. A failed send (the producer has already retried
 * it until its delivery timeout) fails the pipeline and blocks every later report: nothing after
 * a lost record is ever acknowledged.
 */
public final class SendTracker {
    private final SinkContext context;
    private final Function<Exception, Throwable> describeFailure;
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final ReentrantLock reporting = new ReentrantLock();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public SendTracker(SinkContext context, Function<Exception, Throwable> describeFailure) {
        this.context = context;
        this.describeFailure = describeFailure;
    }

    /** Starts tracking the batch completing {@code sequence}; pass the result to each send, then {@link #seal} it. */
    public Pending open(long sequence) {
        Pending p = new Pending(sequence);
        pending.add(p);
        return p;
    }

    /** No more sends will be added to {@code batch}. */
    public void seal(Pending batch) {
        batch.done();
    }

    /** The first send failure, if any. */
    public Throwable failure() {
        return failure.get();
    }

    /** Waits until every tracked batch is reported durable; false on timeout or failure. */
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
            Pending head;
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

    /** One batch's outstanding sends; also the producer callback for each of them. */
    public final class Pending implements Callback {
        final long sequence;
        /** Sends not yet completed, plus one until the batch is sealed. */
        final AtomicInteger remaining = new AtomicInteger(1);

        Pending(long sequence) {
            this.sequence = sequence;
        }

        /** Call before each send that uses this as its callback. */
        public void add() {
            remaining.incrementAndGet();
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception != null) {
                Throwable error = describeFailure.apply(exception);
                if (failure.compareAndSet(null, error)) {
                    context.fail(error);
                }
                return; // never completes: no later batch is reported durable
            }
            done();
        }

        void done() {
            if (remaining.decrementAndGet() == 0) {
                report();
            }
        }
    }
}
