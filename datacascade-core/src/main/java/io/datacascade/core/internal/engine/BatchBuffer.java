package io.datacascade.core.internal.engine;

import io.datacascade.core.Batch;
import java.util.Arrays;

/**
 * A growable, reusable array behind the {@link Batch} view handed to sinks. Beside each record it
 * keeps the sequence and origin of the source record it came from, so a record a sink fails on
 * can be dead-lettered naming where it came from.
 */
final class BatchBuffer<T> implements Batch<T> {
    private Object[] items;
    private long[] sequences;
    private Object[] origins;
    private int size;
    private long sequence = -1;

    BatchBuffer(int initialCapacity) {
        int capacity = Math.max(1, initialCapacity);
        this.items = new Object[capacity];
        this.sequences = new long[capacity];
        this.origins = new Object[capacity];
    }

    void add(Object item, long sourceSequence, Object origin) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
            sequences = Arrays.copyOf(sequences, size * 2);
            origins = Arrays.copyOf(origins, size * 2);
        }
        items[size] = item;
        sequences[size] = sourceSequence;
        origins[size] = origin;
        size++;
    }

    /** The sequence of the source record that record {@code index} came from. */
    long sourceSequence(int index) {
        return sequences[index];
    }

    @Override
    public Object origin(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " out of batch of " + size);
        }
        return origins[index];
    }

    void seal(long batchSequence) {
        this.sequence = batchSequence;
    }

    void clear() {
        Arrays.fill(items, 0, size, null);
        Arrays.fill(origins, 0, size, null);
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
