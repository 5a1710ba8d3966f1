package io.datacascade.core;

/**
 * Hears about a pipeline's lifecycle, so failures on its background threads are never silent.
 * Calls come one at a time and in order, from whichever thread caused the change (a pipeline
 * thread, a sink's callback thread, the caller of {@code close()}): keep them quick. What a
 * listener throws is logged and otherwise ignored. Calling {@link Pipeline#close()} from a
 * listener starts the shutdown and returns without waiting for it.
 */
public interface PipelineListener {

    /** The pipeline moved from {@code from} to {@code to}. */
    default void onStateChange(Pipeline<?> pipeline, PipelineState from, PipelineState to) {
    }

    /** The pipeline failed with {@code error}; {@link #onStateChange} to FAILED follows. */
    default void onFailure(Pipeline<?> pipeline, Throwable error) {
    }
}
