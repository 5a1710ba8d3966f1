package io.datacascade.kafka.internal;

import io.datacascade.core.OrderedAcks;
import io.datacascade.core.SinkContext;
import java.time.Duration;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Core's {@link OrderedAcks} in producer-callback form: one {@link Pending} per batch (not per
 * record) is the callback of every send of that batch. A send that fails after the producer's own
 * retries fails the pipeline and blocks every later durable report.
 */
public final class SendTracker {
    private final OrderedAcks acks;

    public SendTracker(SinkContext context, Function<Exception, Throwable> describeFailure) {
        this.acks = new OrderedAcks(context, e -> describeFailure.apply(e instanceof Exception ex ? ex : new Exception(e)));
    }

    /** Starts tracking the batch completing {@code sequence}; pass the result to each send, then {@link #seal} it. */
    public Pending open(long sequence) {
        return new Pending(acks.open(sequence));
    }

    /** No more sends will be added to {@code batch}. */
    public void seal(Pending batch) {
        acks.seal(batch.ticket);
    }

    /** The first send failure, if any. */
    public Throwable failure() {
        return acks.failure();
    }

    /** Waits until every tracked batch is reported durable; false on timeout or failure. */
    public boolean awaitAll(Duration timeout) {
        return acks.awaitAll(timeout);
    }

    /** Batches not yet reported durable. */
    public int outstanding() {
        return acks.outstanding();
    }

    /** One batch's outstanding sends; also the producer callback for each of them. */
    public static final class Pending implements Callback {
        private final OrderedAcks.Ticket ticket;

        Pending(OrderedAcks.Ticket ticket) {
            this.ticket = ticket;
        }

        /** Call before each send that uses this as its callback. */
        public void add() {
            ticket.add();
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception != null) {
                ticket.fail(exception);
            } else {
                ticket.done();
            }
        }
    }
}
