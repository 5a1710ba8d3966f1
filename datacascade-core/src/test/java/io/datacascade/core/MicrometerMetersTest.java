package io.datacascade.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MicrometerMetersTest {

    @Test
    void shouldPublishCountersToTheGlobalRegistryWhileRunning() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.addRegistry(registry);
        try {
            MemorySource<Point> source = MemorySource.create();
            MemorySink<Point> sink = MemorySink.create();
            MemorySink<DeadLetter> dlq = MemorySink.create();
            Pipeline<Point> pipeline = DataCascade.pipeline("metered").from(source)
                    .map(p -> {
                        if (p.value() < 0) {
                            throw new IllegalArgumentException("negative");
                        }
                        return p;
                    }).named("check").onError(ErrorPolicy.deadLetter(dlq))
                    .to(sink).build();
            pipeline.start();
            for (int i = -5; i < 20; i++) {
                source.offer(Point.of("m", i, i));
            }
            assertThat(sink.await(20, Duration.ofSeconds(10))).isTrue();
            assertThat(dlq.await(5, Duration.ofSeconds(10))).isTrue();

            assertThat(registry.get("datacascade.events.in").tag("pipeline", "metered").functionCounter().count()).isEqualTo(25);
            assertThat(registry.get("datacascade.events.out").functionCounter().count()).isEqualTo(20);
            assertThat(registry.get("datacascade.dead.lettered").functionCounter().count()).isEqualTo(5);
            assertThat(registry.get("datacascade.stage.errors").tag("stage", "check").functionCounter().count()).isEqualTo(5);
            assertThat(registry.get("datacascade.ring.remaining").gauge().value()).isEqualTo(pipeline.metrics().ringCapacity());

            source.complete();
            assertThat(pipeline.awaitTermination(Duration.ofSeconds(10))).isTrue();
            assertThat(registry.find("datacascade.events.in").meters()).as("meters removed on close").isEmpty();
        } finally {
            Metrics.removeRegistry(registry);
        }
    }

    @Test
    void shouldBindToAnyRegistryAndUnbindAgain() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Pipeline<Point> pipeline = DataCascade.pipeline("explicit").from(MemorySource.<Point>create())
                .filter(p -> true).named("keep-all").to(MemorySink.create()).build();
        io.datacascade.core.micrometer.PipelineMeterBinder binder =
                new io.datacascade.core.micrometer.PipelineMeterBinder(pipeline);
        binder.bindTo(registry);
        assertThat(registry.get("datacascade.stage.events.in").tag("pipeline", "explicit").tag("stage", "keep-all")
                .functionCounter().count()).isZero();
        assertThat(registry.get("datacascade.ring.remaining").gauge().value()).isEqualTo(PipelineBuilder.DEFAULT_RING_SIZE);
        binder.unbindFrom(registry);
        assertThat(registry.getMeters()).isEmpty();
        pipeline.close();
    }
}
