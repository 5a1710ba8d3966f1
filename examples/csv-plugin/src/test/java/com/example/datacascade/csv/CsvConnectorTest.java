package com.example.datacascade.csv;

import static com.example.datacascade.csv.CsvTestFiles.TIMEOUT;
import static com.example.datacascade.csv.CsvTestFiles.runToCompletion;
import static com.example.datacascade.csv.CsvTestFiles.uri;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datacascade.core.DataCascade;
import io.datacascade.core.ErrorPolicy;
import io.datacascade.core.MemorySink;
import io.datacascade.core.MemorySource;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineState;
import io.datacascade.core.Point;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plug-in as an application sees it: found by scheme, in real pipelines, with its URI errors. */
class CsvConnectorTest {

    @TempDir
    Path dir;

    @Test
    void shouldBeFoundByServiceLoaderUnderSchemeCsv() {
        assertThat(DataCascade.schemes()).contains("csv", "memory", "sim");
        assertThat(DataCascade.source(uri(dir.resolve("in.csv"), "?follow=true"))).isInstanceOf(CsvSource.class)
                .hasToString(uri(dir.resolve("in.csv"), "?follow=true"));
        assertThat(DataCascade.sink(uri(dir.resolve("out.csv"), ""))).isInstanceOf(CsvSink.class);
    }

    @Test
    void shouldRoundTripSeriesTimeValueAndTagsThroughSinkAndSource() throws Exception {
        List<Point> points = new ArrayList<>(List.of(
                Point.of("cpu.load", 1_714_564_800_000L, 0.73),
                new Point("cpu.load", 1_714_564_801_000L, -1.5e-7, Map.of("host", "a", "dc", "eu-1")),
                new Point("odd, name; with=all%", -5, Double.NaN, Map.of("k;=,%", "v\nwith\r\nbreaks", "", "")),
                new Point(" padded ", 0, Double.POSITIVE_INFINITY, Map.of(" key ", " value ", "tab", "\t")),
                new Point("ünïcødé ✓", Long.MAX_VALUE, -0.0, Map.of("emoji", "\uD83D\uDE00", "empty", "")),
                Point.of("%2C already encoded?", Long.MIN_VALUE, Double.MIN_VALUE)));
        points.addAll(CsvTestFiles.points("bulk", 1, 2000));
        Path out = dir.resolve("new/sub/dir/out.csv");
        MemorySource<Point> input = MemorySource.create();
        points.forEach(input::offer);
        input.complete();

        runToCompletion(DataCascade.pipeline("write").from(input).to(DataCascade.sink(uri(out, ""))).build());
        assertThat(Files.readAllLines(out, StandardCharsets.UTF_8)).hasSize(points.size() + 1)
                .startsWith(CsvFormat.HEADER, "1714564800000,cpu.load,0.73");

        MemorySink<Point> read = MemorySink.create();
        CsvSource source = (CsvSource) DataCascade.source(uri(out, "?follow=false"));
        Pipeline<Point> pipeline = DataCascade.pipeline("read").from(source).to(read).build();
        runToCompletion(pipeline);
        assertThat(pipeline.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(read.records()).containsExactlyElementsOf(points);
        assertThat(source.badLines()).isZero();
    }

    @Test
    void shouldCopyAFileFromCsvSourceToCsvSinkInOnePipeline() throws Exception {
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "time,series,value,tags\n1000,a,1\n2000,b,2,host=x\n");
        Path out = dir.resolve("out.csv");

        runToCompletion(DataCascade.pipeline("copy").from(DataCascade.source(uri(in, ""))).to(DataCascade.sink(uri(out, "")))
                .build());

        assertThat(Files.readString(out)).isEqualTo("time,series,value,tags\n1000,a,1.0\n2000,b,2.0,host=x\n");
    }

    @Test
    void shouldAppendToAnExistingFileAndEndAnUnfinishedLastLineFirst() throws Exception {
        Path out = dir.resolve("out.csv");
        Files.writeString(out, "1000,a,1\n2000,a,2");   // a writer died mid-line
        MemorySource<Point> input = MemorySource.create();
        input.offer(Point.of("b", 3000, 3)).complete();

        runToCompletion(DataCascade.pipeline("append").from(input).to(DataCascade.sink(uri(out, ""))).build());

        assertThat(Files.readString(out)).isEqualTo("1000,a,1\n2000,a,2\n3000,b,3.0\n");
    }

    @Test
    void shouldRejectAPointWhoseTextIsNotValidUtf16AndWriteTheRest() throws Exception {
        Path out = dir.resolve("out.csv");
        MemorySource<Point> input = MemorySource.create();
        input.offer(Point.of("ok-1", 1, 1)).offer(Point.of("lone \uD800 surrogate", 2, 2)).offer(Point.of("ok-2", 3, 3))
                .complete();
        Pipeline<Point> pipeline = DataCascade.pipeline("reject").from(input).to(DataCascade.sink(uri(out, "")))
                .errorPolicy(ErrorPolicy.skip()).build();

        runToCompletion(pipeline);

        assertThat(Files.readString(out)).isEqualTo(CsvFormat.HEADER + "\n1,ok-1,1.0\n3,ok-2,3.0\n");
        assertThat(pipeline.metrics().errors()).isEqualTo(1);
    }

    @Test
    void shouldFailThePipelineNamingTheFileWhenItIsMissingAndNotFollowed() throws Exception {
        Path missing = dir.resolve("missing.csv");
        Pipeline<Point> pipeline = DataCascade.pipeline("missing").from(DataCascade.source(uri(missing, "")))
                .to(MemorySink.create()).build();
        pipeline.start();
        assertThat(pipeline.awaitTermination(TIMEOUT)).isTrue();
        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
        assertThat(pipeline.failure()).get().extracting(Throwable::getCause).isInstanceOf(NoSuchFileException.class);
        assertThat(pipeline.failure().get().getMessage()).contains(missing.toString(),
                "no such file for csv source", "with follow=true it would wait for the file");
    }

    @Test
    void shouldRejectInvalidParameterValuesNamingParameterValueAndAllowedValues() {
        String base = uri(dir.resolve("in.csv"), "");
        assertThatThrownBy(() -> DataCascade.source(base + "?follow=yes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parameter 'follow' in '" + base + "?follow=yes' must be one of [true, false], was 'yes'");
        assertThatThrownBy(() -> DataCascade.source(base + "?resume=1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parameter 'resume' in '" + base + "?resume=1' must be one of [true, false], was '1'");
        assertThatThrownBy(() -> DataCascade.source(base + "?follow=true&from=middle"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parameter 'from' in '" + base + "?follow=true&from=middle' must be one of [beginning, end],"
                        + " was 'middle'");
        assertThatThrownBy(() -> DataCascade.source(base + "?folow=true")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown parameter 'folow' in '" + base + "?folow=true'; allowed: [follow, from, resume]");
        assertThatThrownBy(() -> DataCascade.sink(base + "?follow=true")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown parameter 'follow' in '" + base + "?follow=true'; allowed: []");
    }

    @Test
    void shouldAcceptParameterValuesInAnyCase() {
        assertThat(DataCascade.source(uri(dir.resolve("in.csv"), "?follow=TRUE&from=End&resume=False")))
                .isInstanceOf(CsvSource.class);
    }

    @Test
    void shouldExplainAMissingOrMisplacedPath() {
        assertThatThrownBy(() -> DataCascade.source("csv://")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("csv source uri 'csv:///' has no file path; give an absolute path, for example"
                        + " csv:///var/data/readings.csv");
        assertThatThrownBy(() -> DataCascade.sink("csv:///?follow=true")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown parameter 'follow'");
        assertThatThrownBy(() -> DataCascade.sink("csv:///")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("csv sink uri 'csv:///' has no file path; give an absolute path, for example"
                        + " csv:///var/data/readings.csv");
        assertThatThrownBy(() -> DataCascade.source("csv://tmp/readings.csv")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("csv source uri 'csv://tmp/readings.csv' names host 'tmp', but csv files are local: use three"
                        + " slashes, for example csv:///tmp/readings.csv");
        assertThatThrownBy(() -> DataCascade.source("csv:readings.csv")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("csv source uri 'csv:readings.csv' needs an absolute file path after csv:// (three slashes),"
                        + " for example csv:///var/data/readings.csv");
        assertThatThrownBy(() -> DataCascade.sink("csv:///var/data/")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("csv sink uri 'csv:///var/data/' names a directory ('/var/data/'); give a file, for example"
                        + " csv:///var/data/readings.csv");
    }

    @Test
    void shouldDecodePercentEncodedPaths() {
        CsvSource source = new CsvConnector().createSource(java.net.URI.create("csv:///tmp/my%20data/readings.csv"));
        assertThat(source.file()).isEqualTo(Path.of("/tmp/my data/readings.csv"));
    }
}
