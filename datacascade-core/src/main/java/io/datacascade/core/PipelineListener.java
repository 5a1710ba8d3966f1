package io.datacascade.core;

/**
 * Hears about a pipeline's lifecycle, so failures on its background threads are never silent.
 * Called from the pipeline's threads: keep it quick and don't throw.
 */
public interface PipelineListener {

    /** The pipeline moved from {@code from} to {@code to}. */
    default void onStateChange(Pipeline<?> pipeline, PipelineState from, PipelineState to) {
    }

    /** The pipeline failed with {@code error}; {@link #onStateChange} to FAILED follows. */
    default void onFailure(Pipeline<?> pipeline, Throwable error) {
    }
}
