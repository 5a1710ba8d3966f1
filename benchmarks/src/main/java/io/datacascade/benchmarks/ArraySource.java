package io.datacascade.benchmarks;

import io.datacascade.core.Source;
import io.datacascade.core.SourceContext;

/**
 * A bounded source emitting pre-built records from an array, up to 4,096 per poll (as
 * {@code MemorySource} does, without its queue), then {@link Poll#END}: the pipeline completes
 * once everything was written and flushed.
 *
 * @param <T> the record type
 */
final class ArraySource<T> implements Source<T> {
    private static final int MAX_PER_POLL = 4096;

    private final T[] records;
    private int next;

    ArraySource(T[] records) {
        this.records = records;
    }

    @Override
    public Poll poll(SourceContext<T> context) {
        int end = Math.min(records.length, next + MAX_PER_POLL);
        for (int i = next; i < end; i++) {
            context.emit(records[i]);
        }
        next = end;
        return next == records.length ? Poll.END : Poll.MORE;
    }

    @Override
    public String toString() {
        return "array[" + records.length + "]";
    }
}
