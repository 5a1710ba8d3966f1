package io.datacascade.core.micrometer;

import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a pipeline's counters as Micrometer meters, tagged {@code pipeline=<name>} (and
 * {@code stage=<name>} per stage). A running pipeline binds itself to
 * {@code Metrics.globalRegistry} automatically when Micrometer is on the classpath (Spring Boot
 * adds its registries there by default); bind this to any other registry yourself:
 *
 * <pre>{@code
 * new PipelineMeterBinder(pipeline).bindTo(prometheusRegistry);
 * }</pre>
 *
 * <p>Meters: {@code datacascade.events.in}, {@code datacascade.events.out},
 * {@code datacascade.errors}, {@code datacascade.dead.lettered} (counters),
 * {@code datacascade.ring.remaining}, {@code datacascade.durable.sequence} (gauges),
 * {@code datacascade.stage.events.in}, {@code datacascade.stage.events.out},
 * {@code datacascade.stage.errors}, {@code datacascade.stage.late} (counters per stage). They read the pipeline's own counters
 * when scraped; the hot path never touches Micrometer.
 */
public final class PipelineMeterBinder implements MeterBinder {
    private final Pipeline<?> pipeline;
    private final List<Meter.Id> ids = new ArrayList<>();

    /** A binder for {@code pipeline}'s meters. */
    public PipelineMeterBinder(Pipeline<?> pipeline) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline can't be null");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags tags = Tags.of("pipeline", pipeline.name());
        counter(registry, "datacascade.events.in", "Records the sources put into the ring", tags, PipelineMetrics::eventsIn);
        counter(registry, "datacascade.events.out", "Records handed to the sinks", tags, PipelineMetrics::eventsOut);
        counter(registry, "datacascade.errors", "Records a stage or sink failed on", tags, PipelineMetrics::errors);
        counter(registry, "datacascade.dead.lettered", "Records sent to a dead-letter sink", tags, PipelineMetrics::deadLettered);
        gauge(registry, "datacascade.ring.remaining", "Free slots in the ring", tags, PipelineMetrics::ringRemaining);
        gauge(registry, "datacascade.durable.sequence", "Highest sequence durable in every sink", tags,
                PipelineMetrics::durableSequence);
        List<PipelineMetrics.StageMetrics> stages = pipeline.metrics().stages();
        for (int i = 0; i < stages.size(); i++) {
            int index = i;
            Tags stageTags = tags.and("stage", stages.get(i).stage());
            counter(registry, "datacascade.stage.events.in", "Records a stage received", stageTags,
                    m -> m.stages().get(index).in());
            counter(registry, "datacascade.stage.events.out", "Records a stage passed on", stageTags,
                    m -> m.stages().get(index).out());
            counter(registry, "datacascade.stage.errors", "Records a stage threw on", stageTags,
                    m -> m.stages().get(index).errors());
            counter(registry, "datacascade.stage.late", "Points that arrived after their window was gone", stageTags,
                    m -> m.stages().get(index).late());
        }
    }

    /** Removes the meters this binder registered in {@code registry}. */
    public void unbindFrom(MeterRegistry registry) {
        ids.forEach(registry::remove);
        ids.clear();
    }

    private void counter(MeterRegistry registry, String name, String description, Tags tags,
                         ToDoubleFunction<PipelineMetrics> value) {
        ids.add(FunctionCounter.builder(name, pipeline, p -> value.applyAsDouble(p.metrics()))
                .description(description).tags(tags).register(registry).getId());
    }

    private void gauge(MeterRegistry registry, String name, String description, Tags tags,
                       ToDoubleFunction<PipelineMetrics> value) {
        ids.add(Gauge.builder(name, pipeline, p -> value.applyAsDouble(p.metrics()))
                .description(description).tags(tags).register(registry).getId());
    }
}
