package io.datacascade.examples.lambda;

import io.datacascade.core.Batch;
import io.datacascade.core.DeadLetter;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import io.datacascade.core.SinkContext;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one invocation's dead letters go: each is logged as one line (stage, position, reason) and
 * counted, then handed to the dead-letter table's sink if one is configured. Durability is that
 * sink's: a dead letter counts as handled only once it is stored, so a failing dead-letter table
 * fails the invocation like a failing points table.
 */
final class DeadLetterSink implements Sink<DeadLetter> {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterSink.class);
    private static final Set<String> STAGES =
            Set.of(PointStages.PARSE, PointStages.VALIDATE, PointStages.ENRICH, PointStages.ALERTS);

    /** Null when dead letters are only logged and counted. */
    private final Sink<DeadLetter> table;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong pointsRejectedBySinks = new AtomicLong();

    DeadLetterSink(Sink<DeadLetter> table) {
        this.table = table;
    }

    @Override
    public void open(SinkContext context) throws Exception {
        if (table != null) {
            table.open(context);
        }
    }

    @Override
    public boolean reportsDurability() {
        return table != null && table.reportsDurability();
    }

    @Override
    public void write(Batch<DeadLetter> batch) throws Exception {
        for (int i = 0, n = batch.size(); i < n; i++) {
            DeadLetter letter = batch.get(i);
            count.incrementAndGet();
            if (letter.record() instanceof Point && !STAGES.contains(letter.stage())) {
                pointsRejectedBySinks.incrementAndGet();
            }
            LOG.warn("dead letter from {} at stage '{}': {}", letter.origin() != null ? letter.origin()
                    : "sequence " + letter.sequence(), letter.stage(), DeadLetterItems.reasonOf(letter));
        }
        if (table != null) {
            table.write(batch);
        }
    }

    @Override
    public boolean flush(Duration timeout) throws Exception {
        return table == null || table.flush(timeout);
    }

    @Override
    public void close() throws Exception {
        if (table != null) {
            table.close();
        }
    }

    /** Dead letters received so far. */
    long count() {
        return count.get();
    }

    /** Points a sink declined (they reached a sink but were not written). */
    long pointsRejectedBySinks() {
        return pointsRejectedBySinks.get();
    }

    @Override
    public String toString() {
        return "DeadLetterSink[" + (table == null ? "log only" : table) + "]";
    }
}
