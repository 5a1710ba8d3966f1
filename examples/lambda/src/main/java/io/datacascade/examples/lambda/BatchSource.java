package io.datacascade.examples.lambda;

import io.datacascade.core.Source;
import io.datacascade.core.SourceContext;
import java.util.List;

/**
 * A bounded source over one invocation's records: emits them in runs, each with its
 * {@link SourcePosition} as origin, then ends, so the pipeline completes once everything is
 * processed and flushed. It remembers how far the pipeline confirmed the records durable, which is
 * what the handler checks before it reports success.
 */
final class BatchSource implements Source<MskRecord> {
    /** Records emitted per poll, so each poll returns promptly. */
    private static final int RUN = 256;

    private final List<MskRecord> records;
    private int next;
    private volatile long lastSequence = -1;
    private volatile long durableSequence = -1;

    BatchSource(List<MskRecord> records) {
        this.records = List.copyOf(records);
    }

    @Override
    public Poll poll(SourceContext<MskRecord> context) {
        int end = Math.min(records.size(), next + RUN);
        long last = lastSequence;
        for (; next < end; next++) {
            MskRecord record = records.get(next);
            last = context.emit(record, record.position());
        }
        lastSequence = last;
        return next < records.size() ? Poll.MORE : Poll.END;
    }

    @Override
    public void onDurable(long sequence) {
        durableSequence = sequence;
    }

    /** Whether every record emitted so far was confirmed durable in every sink (or dead-lettered there). */
    boolean allDurable() {
        return durableSequence >= lastSequence;
    }

    @Override
    public String toString() {
        return "BatchSource[" + records.size() + " record(s)]";
    }
}
