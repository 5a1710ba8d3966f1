package io.datacascade.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party plug-in (module examples/csv-plugin, on the class path here as it would be with
 * {@code java -cp demo.jar:plugin.jar}) used from the demo by URI scheme alone: its source feeds
 * {@code data-stream} instead of the simulator, its sink receives the averages.
 */
@Timeout(180)
class DemoPluginTest {
    @TempDir
    Path dir;

    @Test
    void shouldRunTheDemoFromAPluginSourceIntoAPluginSink() throws Exception {
        Path readings = dir.resolve("readings.csv");
        Path averages = dir.resolve("averages.csv");
        long start = System.currentTimeMillis() - 10_000;
        StringBuilder csv = new StringBuilder("time,series,value\n");
        for (int i = 0; i < 40; i++) { // 10 s of two series, 4 readings a second
            csv.append(start + i * 250L).append(",kitchen,").append(20 + i % 4).append('\n');
            csv.append(start + i * 250L).append(",garage,").append(10).append('\n');
        }
        Files.writeString(readings, csv);

        try (DemoRunner demo = DemoRunner.start("--source", "csv://" + readings + "?follow=true", "--sink", "csv://" + averages,
                "--http-port", "0", "--status-every", "1")) {
            long deadline = DashboardClient.deadline(Duration.ofSeconds(90));
            try (DashboardClient viewer = DashboardClient.connect(demo.url(deadline))) {
                assertThat(viewer.awaitSeries(Set.of("kitchen.avg", "garage.avg"), deadline))
                        .as("plug-in readings averaged on the dashboard: %s", viewer.seriesWithPoints()).isTrue();
                // followed like tail -f: a reading appended now arrives too, and closes the earlier windows
                Files.writeString(readings, (start + 20_000) + ",kitchen,99\n" + (start + 20_000) + ",garage,99\n",
                        java.nio.file.StandardOpenOption.APPEND);
                long lastWindow = (start + 39 * 250L) / 1000 * 1000; // open until a later reading moves kitchen's time on
                assertThat(DashboardClient.await(() -> lines(averages).stream().anyMatch(l -> l.startsWith(lastWindow + ",kitchen.avg,")),
                        deadline)).as("averages.csv: %s", lines(averages)).isTrue();
            }
            List<String> written = lines(averages);
            assertThat(written.get(0)).startsWith("time,series,value");
            // one average per series per second: a whole second of kitchen is (20 + 21 + 22 + 23) / 4
            assertThat(written).anyMatch(l -> l.contains(",kitchen.avg,21.5,"));
            assertThat(written).anyMatch(l -> l.contains(",garage.avg,10.0,"));
            assertThat(demo.output()).contains("DataCascade demo: publishing csv://" + readings);
        }
    }

    /** A source that runs out (a file, not followed) has done its job; the pipeline and the dashboard go on. */
    @Test
    void shouldKeepRunningWhenAFiniteSourceIsDone() throws Exception {
        Path readings = dir.resolve("once.csv");
        long start = System.currentTimeMillis() - 5_000;
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            csv.append(start + i * 250L).append(",attic,").append(i).append('\n');
        }
        Files.writeString(readings, csv);
        try (DemoRunner demo = DemoRunner.start("--source", "csv://" + readings, "--http-port", "0", "--status-every", "1")) {
            long deadline = DashboardClient.deadline(Duration.ofSeconds(90));
            try (DashboardClient viewer = DashboardClient.connect(demo.url(deadline))) {
                assertThat(viewer.awaitSeries(Set.of("attic.avg"), deadline)).isTrue();
            }
            Thread.sleep(1_500); // a few more status periods after the file was read to its end
            assertThat(demo.stack().hasEnded()).as(demo.output()).isFalse();
            assertThat(demo.output()).doesNotContain("Stopped.");
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
