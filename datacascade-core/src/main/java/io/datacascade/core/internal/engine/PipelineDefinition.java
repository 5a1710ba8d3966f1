package io.datacascade.core.internal.engine;

import io.datacascade.core.ErrorPolicy;
import io.datacascade.core.PipelineListener;
import io.datacascade.core.Sink;
import io.datacascade.core.Source;
import io.datacascade.core.WaitStrategy;
import java.time.Duration;
import java.util.List;

/**
 * Everything the builder collected, validated and immutable: shared by the threaded runtime
 * ({@link RingPipeline}) and the deterministic test driver.
 */
public record PipelineDefinition<I>(String name, List<Source<? extends I>> sources, List<StageSpec> stages,
                                    List<Sink<?>> sinks, int ringSize, int maxBatchSize, WaitStrategy waitStrategy,
                                    ErrorPolicy errorPolicy, Duration closeTimeout, List<PipelineListener> listeners,
                                    List<Sink<?>> alertSinks) {
}
