package io.datacascade.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datacascade.testkit.PipelineTestDriver;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SimulatorSourceTest {

    private static List<Point> run(SimulatorSource source, Duration time) {
        MemorySink<Point> sink = MemorySink.create();
        try (PipelineTestDriver<Point> driver = PipelineTestDriver.create(
                DataCascade.pipeline("sim").from(source).to(sink).build())) {
            driver.advanceTime(time);
        }
        return sink.records();
    }

    @ParameterizedTest
    @EnumSource(SimulatorSource.Shape.class)
    void shouldProduceTheSamePointsForTheSameSeed(SimulatorSource.Shape shape) {
        List<Point> first = run(SimulatorSource.builder().shape(shape).seed(9).ratePerSecond(100).build(), Duration.ofSeconds(2));
        List<Point> second = run(SimulatorSource.builder().shape(shape).seed(9).ratePerSecond(100).build(), Duration.ofSeconds(2));
        List<Point> other = run(SimulatorSource.builder().shape(shape).seed(10).ratePerSecond(100).build(), Duration.ofSeconds(2));
        assertThat(first).hasSize(201).isEqualTo(second).isNotEqualTo(other);
        assertThat(first).allSatisfy(p -> assertThat(p.value()).isFinite());
    }

    @Test
    void shouldPaceByRateAndSpreadEventTimeEvenly() {
        List<Point> points = run(SimulatorSource.builder().series(4).ratePerSecond(1000).build(), Duration.ofMillis(1500));
        assertThat(points).hasSize(1501);
        assertThat(points.get(0).series()).isEqualTo("sim-0");
        assertThat(points.get(5).series()).isEqualTo("sim-1");
        long start = PipelineTestDriver.DEFAULT_START.toEpochMilli();
        assertThat(points.get(1000).timestamp()).isEqualTo(start + 1000);
    }

    @Test
    void shouldStopAtLimit() {
        MemorySink<Point> sink = MemorySink.create();
        try (PipelineTestDriver<Point> driver = PipelineTestDriver.create(DataCascade.pipeline("sim")
                .from(SimulatorSource.builder().ratePerSecond(0).limit(10_000).build()).to(sink).build())) {
            assertThat(driver.advanceTime(Duration.ZERO)).as("ended").isTrue();
        }
        assertThat(sink.size()).isEqualTo(10_000);
    }

    @Test
    void shouldRejectInvalidSettingsNamingThem() {
        assertThatThrownBy(() -> SimulatorSource.builder().series(0))
                .hasMessage("series must be between 1 and 1000000, was 0");
        assertThatThrownBy(() -> SimulatorSource.builder().ratePerSecond(Double.NaN))
                .hasMessage("ratePerSecond must be a finite number >= 0, was NaN");
        assertThatThrownBy(() -> SimulatorSource.builder().limit(-1))
                .hasMessage("limit must be >= 0, was -1");
    }
}
