package io.datacascade.core;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * A read-only, ordered run of records handed to a {@link Sink}. It is reused by the pipeline
 * after {@link Sink#write} returns, so sinks copy what they keep.
 *
 * @param <T> the record type
 */
public interface Batch<T> extends Iterable<T> {

    /** The number of records; may be 0 for sinks that {@linkplain Sink#reportsDurability() report durability}. */
    int size();

    /** The record at {@code index}, from 0 to {@code size() - 1}. */
    T get(int index);

    /**
     * The pipeline sequence this batch completes: once it is durable, so is everything the
     * pipeline's sources emitted up to this sequence, as far as this sink is concerned.
     */
    long sequence();

    /**
     * What the source attached to the record at {@code index} when it emitted the record it came
     * from (see {@link SourceContext#emit(Object, Object)}), or null. A sink that writes back to
     * where the data came from uses it, e.g. a transactional Kafka sink committing the consumed
     * offsets with its output; records a stage expanded share their source record's origin.
     */
    default Object origin(int index) {
        return null;
    }

    /** Whether the batch has no records. */
    default boolean isEmpty() {
        return size() == 0;
    }

    @Override
    default void forEach(Consumer<? super T> action) {
        for (int i = 0, n = size(); i < n; i++) {
            action.accept(get(i));
        }
    }

    @Override
    default Iterator<T> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < size();
            }

            @Override
            public T next() {
                if (next >= size()) {
                    throw new NoSuchElementException();
                }
                return get(next++);
            }
        };
    }
}
