package io.datacascade.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A sink that keeps every record in memory, for tests, examples and small dashboards. Records
 * are appended a batch at a time; readers on other threads see whole batches.
 *
 * <p>{@code memory://name} URIs resolve to the sink {@link #named(String)} returns, so a test can
 * build a pipeline from URIs and read the result back by name.
 *
 * @param <T> the record type
 */
public final class MemorySink<T> implements Sink<T> {
    private static final Map<String, MemorySink<?>> NAMED = new ConcurrentHashMap<>();

    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition grown = lock.newCondition();
    private final List<T> records = new ArrayList<>();

    private MemorySink(String name) {
        this.name = name;
    }

    /** A new, unnamed sink. */
    public static <T> MemorySink<T> create() {
        return new MemorySink<>(null);
    }

    /**
     * The sink registered under {@code name} (created on first use), shared with
     * {@code memory://name} URIs.
     */
    @SuppressWarnings("unchecked")
    public static <T> MemorySink<T> named(String name) {
        Objects.requireNonNull(name, "name can't be null");
        return (MemorySink<T>) NAMED.computeIfAbsent(name, MemorySink::new);
    }

    /** Forgets the sink registered under {@code name}; the next {@link #named} creates a new one. */
    public static void remove(String name) {
        NAMED.remove(name);
    }

    @Override
    public void write(Batch<T> batch) {
        lock.lock();
        try {
            for (int i = 0, n = batch.size(); i < n; i++) {
                records.add(batch.get(i));
            }
            grown.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A copy of everything received so far, in order. */
    public List<T> records() {
        lock.lock();
        try {
            return List.copyOf(records);
        } finally {
            lock.unlock();
        }
    }

    /** How many records were received so far. */
    public int size() {
        lock.lock();
        try {
            return records.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until at least {@code count} records have arrived; returns false if {@code timeout}
     * passed first.
     */
    public boolean await(int count, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (records.size() < count) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = grown.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Drops everything received so far. */
    public void clear() {
        lock.lock();
        try {
            records.clear();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return name == null ? "memory" : "memory://" + name;
    }
}
