package io.datacascade.core.internal.engine;

import io.datacascade.core.Batch;
import java.util.Arrays;

/** A growable, reusable array behind the {@link Batch} view handed to sinks. */
final class BatchBuffer<T> implements Batch<T> {
    private Object[] items;
    private int size;
    private long sequence = -1;

    BatchBuffer(int initialCapacity) {
        this.items = new Object[Math.max(1, initialCapacity)];
    }

    void add(Object item) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = item;
    }

    void seal(long batchSequence) {
        this.sequence = batchSequence;
    }

    void clear() {
        Arrays.fill(items, 0, size, null);
        size = 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " out of batch of " + size);
        }
        return (T) items[index];
    }

    @Override
    public long sequence() {
        return sequence;
    }

    @Override
    public String toString() {
        return "Batch[size=" + size + ", sequence=" + sequence + "]";
    }
}
