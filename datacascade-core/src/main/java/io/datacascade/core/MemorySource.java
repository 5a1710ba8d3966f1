package io.datacascade.core;

import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A source fed from code: {@link #offer} records from any thread and {@link #complete()} it to
 * let the pipeline finish. For tests, examples and bridging callback-style APIs.
 *
 * <p>{@code memory://name} source URIs resolve to the source {@link #named(String)} returns.
 *
 * @param <T> the record type
 */
public final class MemorySource<T> implements Source<T> {
    private static final Map<String, MemorySource<?>> NAMED = new ConcurrentHashMap<>();
    private static final int MAX_PER_POLL = 4096;

    private final String name;
    private final Queue<T> queue = new ConcurrentLinkedQueue<>();
    private volatile boolean completed;

    private MemorySource(String name) {
        this.name = name;
    }

    /** A new, unnamed source. */
    public static <T> MemorySource<T> create() {
        return new MemorySource<>(null);
    }

    /** The source registered under {@code name} (created on first use), shared with {@code memory://name}. */
    @SuppressWarnings("unchecked")
    public static <T> MemorySource<T> named(String name) {
        Objects.requireNonNull(name, "name can't be null");
        return (MemorySource<T>) NAMED.computeIfAbsent(name, MemorySource::new);
    }

    /** Forgets the source registered under {@code name}. */
    public static void remove(String name) {
        NAMED.remove(name);
    }

    /**
     * Queues a record for the pipeline.
     *
     * @throws IllegalStateException if the source was completed
     */
    public MemorySource<T> offer(T record) {
        Objects.requireNonNull(record, "record can't be null");
        if (completed) {
            throw new IllegalStateException(this + " is completed and takes no more records");
        }
        queue.add(record);
        return this;
    }

    /** No more records will come: the pipeline completes once it has taken the queued ones. */
    public void complete() {
        completed = true;
    }

    @Override
    public Poll poll(SourceContext<T> context) {
        boolean done = completed; // read before draining, so nothing offered before complete() is missed
        int n = 0;
        T record;
        while (n < MAX_PER_POLL && (record = queue.poll()) != null) {
            context.emit(record);
            n++;
        }
        if (n == MAX_PER_POLL) {
            return Poll.MORE;
        }
        if (done && queue.isEmpty()) {
            return Poll.END;
        }
        return n > 0 ? Poll.MORE : Poll.IDLE;
    }

    @Override
    public String toString() {
        return name == null ? "memory" : "memory://" + name;
    }
}
