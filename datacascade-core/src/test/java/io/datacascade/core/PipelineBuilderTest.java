package io.datacascade.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PipelineBuilderTest {

    private final MemorySource<Point> source = MemorySource.create();
    private final MemorySink<Point> sink = MemorySink.create();

    @Test
    void shouldRejectRingSizeThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> DataCascade.pipeline("cpu").from(source).to(sink).ringSize(1000).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid pipeline 'cpu': ringSize must be a power of two, was 1000");
    }

    @Test
    void shouldRejectZeroAndNegativeRingSizes() {
        assertThatThrownBy(() -> DataCascade.pipeline("cpu").from(source).to(sink).ringSize(0).build())
                .hasMessageContaining("ringSize must be a power of two, was 0");
        assertThatThrownBy(() -> DataCascade.pipeline("cpu").from(source).to(sink).ringSize(-8).build())
                .hasMessageContaining("ringSize must be a power of two, was -8");
    }

    @Test
    void shouldRejectPipelineWithoutSink() {
        assertThatThrownBy(() -> DataCascade.pipeline("cpu").from(source).build())
                .hasMessage("invalid pipeline 'cpu': no sink: call to(sink)");
    }

    @Test
    void shouldRejectNullSource() {
        assertThatThrownBy(() -> DataCascade.pipeline("cpu").from((Source<Point>) null).to(sink).build())
                .hasMessageContaining("source #1 is null")
                .hasMessageContaining("no source: call from(source)");
    }

    @Test
    void shouldRejectNullStageNamingIt() {
        assertThatThrownBy(() -> DataCascade.pipeline("cpu").from(source)
                .filter(p -> true)
                .map((Function<Point, Point>) null)
                .to(sink).build())
                .hasMessage("invalid pipeline 'cpu': stage map#2 is null");
    }

    @Test
    void shouldRejectNegativeCloseTimeout() {
        assertThatThrownBy(() -> DataCascade.pipeline("cpu").from(source).to(sink)
                .closeTimeout(Duration.ofSeconds(-1)).build())
                .hasMessage("invalid pipeline 'cpu': closeTimeout must not be negative, was PT-1S");
    }

    @Test
    void shouldReportEveryInvalidSettingAtOnce() {
        assertThatThrownBy(() -> DataCascade.pipeline("cpu").from(source)
                .ringSize(3).maxBatchSize(0).waitStrategy(null).build())
                .hasMessageContaining("no sink")
                .hasMessageContaining("ringSize must be a power of two, was 3")
                .hasMessageContaining("maxBatchSize must be at least 1, was 0")
                .hasMessageContaining("waitStrategy is null");
    }

    @Test
    void shouldRejectOnErrorBeforeAnyStage() {
        assertThatThrownBy(() -> DataCascade.pipeline("cpu").from(source).onError(ErrorPolicy.skip()).to(sink).build())
                .hasMessageContaining("onError(skip) must follow a stage (map, filter, flatMap, peek, window, alerts)");
    }

    @Test
    void shouldRejectBlankNames() {
        assertThatThrownBy(() -> DataCascade.pipeline(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pipeline name must not be blank, was \" \"");
        assertThatThrownBy(() -> DataCascade.pipeline(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("pipeline name can't be null");
        assertThatThrownBy(() -> DataCascade.pipeline("p").from(source).map(p -> p).named("").to(sink).build())
                .hasMessageContaining("stage name of map#1 must not be blank, was \"\"");
    }

    @Test
    void shouldBuildWithDefaultsAndNamedStages() {
        Pipeline<Point> pipeline = DataCascade.pipeline("cpu").from(source)
                .map(p -> p.withValue(p.value() * 2)).named("double")
                .filter(p -> p.value() > 0)
                .to(sink).build();
        assertThat(pipeline.state()).isEqualTo(PipelineState.CREATED);
        assertThat(pipeline.metrics().ringCapacity()).isEqualTo(PipelineBuilder.DEFAULT_RING_SIZE);
        assertThat(pipeline.metrics().stages()).extracting(PipelineMetrics.StageMetrics::stage)
                .containsExactly("double", "filter#2");
        pipeline.close();
        assertThat(pipeline.state()).isEqualTo(PipelineState.CLOSED);
    }

    @Test
    void shouldNotStartTwice() {
        Pipeline<Point> pipeline = DataCascade.pipeline("cpu").from(source).to(sink).build();
        pipeline.start();
        try {
            assertThatThrownBy(pipeline::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("pipeline 'cpu' can only be started once");
        } finally {
            pipeline.close();
        }
    }
}
