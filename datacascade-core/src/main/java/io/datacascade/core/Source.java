package io.datacascade.core;

/**
 * Where a pipeline's records come from: a Kafka topic, the simulator, your own feed.
 *
 * <p>The pipeline calls {@link #poll} again and again on one thread of its own; each call emits
 * whatever is available now through the context and says whether more may follow. Every method
 * of a source is called from that same thread, so a source needs no locking of its own state (a
 * Kafka consumer, for one, is not thread-safe).
 *
 * <pre>{@code
 * Source<Point> counter = ctx -> {
 *     for (int i = 0; i < 10; i++) {
 *         ctx.emit(Point.of("demo", ctx.currentTimeMillis(), i));
 *     }
 *     return Source.Poll.END;    // a bounded source: the pipeline completes after draining
 * };
 * }</pre>
 *
 * @param <T> the record type the source emits
 */
@FunctionalInterface
public interface Source<T> {

    /** What a {@link #poll} call tells the pipeline about the next one. */
    enum Poll {
        /** More records are ready: poll again at once. */
        MORE,
        /** Nothing to emit right now: poll again after a short pause. */
        IDLE,
        /** This source is finished and will never emit again. */
        END
    }

    /**
     * Emits the records available now through {@code context} and returns whether to poll again.
     * A poll should not block much longer than about 100 ms, so the pipeline can stop it promptly.
     *
     * @throws Exception any failure: the pipeline fails with it and reports it through its
     *                   {@linkplain Pipeline#failure() handle} and listeners
     */
    Poll poll(SourceContext<T> context) throws Exception;

    /** Called once on the source thread before the first poll. */
    default void open(SourceContext<T> context) throws Exception {
    }

    /**
     * Everything emitted up to and including {@code sequence} has been made durable by every sink
     * (or was filtered out or handled by an error policy). Called on the source's own thread
     * between polls, and once more during close; sequences only grow. A source that can
     * acknowledge (Kafka commits offsets) does it here; the default ignores it.
     */
    default void onDurable(long sequence) throws Exception {
    }

    /** Releases resources; called once on the source thread, after the last {@code onDurable}. */
    default void close() throws Exception {
    }
}
