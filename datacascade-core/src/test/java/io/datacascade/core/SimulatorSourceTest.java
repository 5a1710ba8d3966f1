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
    void shouldAddSpikesToOneSeriesAtATimeInTurn() {
        // 2 series of noise around 50, 100 points per second: spikes of +500 for 200 ms every second
        List<Point> points = run(SimulatorSource.builder().series(2).ratePerSecond(100).shape(SimulatorSource.Shape.NOISE)
                .spikes(Duration.ofSeconds(1), Duration.ofMillis(200), 500).build(), Duration.ofMillis(3999));
        long start = PipelineTestDriver.DEFAULT_START.toEpochMilli();
        for (Point p : points) {
            long offset = p.timestamp() - start;
            long k = offset / 1000;
            boolean spiking = k >= 1 && offset % 1000 < 200 && (k - 1) % 2 == Integer.parseInt(p.series().substring(4));
            assertThat(p.value() > 300).as("%s at %d ms", p.series(), offset).isEqualTo(spiking);
        }
        assertThat(points.stream().filter(p -> p.value() > 300)).hasSize(30); // 3 spikes of 10 points
        assertThat(DataCascade.source("sim://?spikeEvery=1&spikeLength=0.2&spikeHeight=500").toString())
                .contains("spikeEvery=1.0", "spikeLength=0.2", "spikeHeight=500.0");
        assertThatThrownBy(() -> SimulatorSource.builder().spikes(Duration.ofSeconds(1), Duration.ofSeconds(2), 1))
                .hasMessage("spike length must be between 1 ms and the interval PT1S, was PT2S");
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
