package com.example.datacascade.csv;

import static com.example.datacascade.csv.CsvTestFiles.TIMEOUT;
import static com.example.datacascade.csv.CsvTestFiles.append;
import static com.example.datacascade.csv.CsvTestFiles.awaitTrue;
import static com.example.datacascade.csv.CsvTestFiles.lines;
import static com.example.datacascade.csv.CsvTestFiles.points;
import static com.example.datacascade.csv.CsvTestFiles.runToCompletion;
import static com.example.datacascade.csv.CsvTestFiles.savedOffset;
import static com.example.datacascade.csv.CsvTestFiles.uri;
import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.Batch;
import io.datacascade.core.DataCascade;
import io.datacascade.core.MemorySink;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineState;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import io.datacascade.core.SinkContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code resume=true}: across restarts no point twice and none lost; the saved offset never runs ahead of the sinks. */
class CsvResumeTest {

    @TempDir
    Path dir;

    private static List<Point> readAll(String uri) throws InterruptedException {
        MemorySink<Point> sink = MemorySink.create();
        runToCompletion(DataCascade.pipeline("read").from(DataCascade.source(uri)).to(sink).build());
        return sink.records();
    }

    @Test
    void shouldNeitherRepeatNorLosePointsAcrossRestarts() throws Exception {
        Path file = dir.resolve("readings.csv");
        Files.writeString(file, lines(points("s", 1, 5)));

        MemorySink<Point> first = MemorySink.create();
        try (Pipeline<Point> pipeline = DataCascade.pipeline("run-1")
                .from(DataCascade.source(uri(file, "?follow=true&resume=true"))).to(first).build()) {
            pipeline.start();
            assertThat(first.await(5, TIMEOUT)).isTrue();
        } // close: the last onDurable, then close() saves the final offset
        assertThat(first.records()).containsExactlyElementsOf(points("s", 1, 5));
        assertThat(savedOffset(file)).isEqualTo(Files.size(file));

        append(file, lines(points("s", 6, 3)) + "9000,s,"); // and half a line: left for the run after it is finished
        assertThat(readAll(uri(file, "?follow=false&resume=true"))).containsExactlyElementsOf(points("s", 6, 3));
        long afterSecondRun = savedOffset(file);
        assertThat(afterSecondRun).isEqualTo(Files.size(file) - "9000,s,".length());

        append(file, "9\n");
        assertThat(readAll(uri(file, "?resume=true"))).containsExactly(Point.of("s", 9000, 9));
        assertThat(readAll(uri(file, "?resume=true"))).isEmpty();
        assertThat(savedOffset(file)).isEqualTo(Files.size(file));
    }

    @Test
    void shouldSaveOnlyTheOffsetUpToWhichTheSinksConfirmedDurability() throws Exception {
        Path file = dir.resolve("readings.csv");
        List<Point> all = points("s", 1, 10);
        Files.writeString(file, lines(all));
        SlowSink slow = new SlowSink();
        Pipeline<Point> pipeline = DataCascade.pipeline("partial")
                .from(DataCascade.source(uri(file, "?follow=true&resume=true"))).to(slow)
                .maxBatchSize(3) // several batches, so the sink can confirm some of them
                .closeTimeout(Duration.ofSeconds(2))
                .build();
        pipeline.start();
        awaitTrue("all points reached the sink", () -> slow.received() == all.size());
        assertThat(savedOffset(file)).as("nothing is confirmed yet").isZero();

        SlowSink.Written firstBatch = slow.batches.get(0);
        assertThat(firstBatch.count()).isBetween(1, 3);
        slow.confirm(firstBatch.sequence());
        long expected = lines(all.subList(0, firstBatch.count())).getBytes(StandardCharsets.UTF_8).length;
        awaitTrue("the confirmed offset " + expected + " was saved", () -> savedOffset(file) == expected);

        pipeline.close(); // the sink never confirms the rest: its flush says no
        assertThat(pipeline.state()).isEqualTo(PipelineState.CLOSED);
        assertThat(savedOffset(file)).isEqualTo(expected);

        assertThat(readAll(uri(file, "?resume=true"))).containsExactlyElementsOf(all.subList(firstBatch.count(), 10));
    }

    @Test
    void shouldReadFromTheStartWhenTheFileWasReplacedSinceTheOffsetWasSaved() throws Exception {
        Path file = dir.resolve("readings.csv");
        Files.writeString(file, lines(points("old", 1, 3)));
        assertThat(readAll(uri(file, "?resume=true"))).hasSize(3);

        Path next = dir.resolve("next.csv");
        Files.writeString(next, lines(points("new", 1, 20)));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        assertThat(readAll(uri(file, "?resume=true"))).containsExactlyElementsOf(points("new", 1, 20));
    }

    @Test
    void shouldReadFromTheStartWhenTheFileIsShorterThanTheSavedOffset() throws Exception {
        Path file = dir.resolve("readings.csv");
        Files.writeString(file, lines(points("old", 1, 30)));
        assertThat(readAll(uri(file, "?resume=true"))).hasSize(30);

        Files.writeString(file, lines(points("new", 1, 2)));

        assertThat(readAll(uri(file, "?resume=true"))).containsExactlyElementsOf(points("new", 1, 2));
    }

    @Test
    void shouldStartWhereFromSaysWhenThereIsNoSavedOffsetYet() throws Exception {
        Path file = dir.resolve("readings.csv");
        Files.writeString(file, lines(points("old", 1, 3)) + "4000,old,"); // ends mid-line

        assertThat(readAll(uri(file, "?resume=true&from=end"))).isEmpty();
        append(file, "4\n" + lines(points("new", 1, 2)));

        MemorySink<Point> sink = MemorySink.create();
        CsvSource source = (CsvSource) DataCascade.source(uri(file, "?resume=true&from=end"));
        runToCompletion(DataCascade.pipeline("resume").from(source).to(sink).build());
        assertThat(sink.records()).containsExactlyElementsOf(points("new", 1, 2));
        assertThat(source.badLines()).as("the rest of the line that was unfinished at the start is skipped quietly")
                .isZero();
    }

    @Test
    void shouldFailNamingTheOffsetFileWhenItIsUnreadable() throws Exception {
        Path file = dir.resolve("readings.csv");
        Files.writeString(file, lines(points("s", 1, 3)));
        Path offsetFile = dir.resolve("readings.csv.offset");
        Files.writeString(offsetFile, "offset=banana\n");

        Pipeline<Point> pipeline = DataCascade.pipeline("corrupt").from(DataCascade.source(uri(file, "?resume=true")))
                .to(MemorySink.create()).build();
        pipeline.start();
        assertThat(pipeline.awaitTermination(TIMEOUT)).isTrue();

        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
        assertThat(pipeline.failure().get().getMessage()).contains("offset file " + offsetFile,
                "has no valid 'offset=<bytes>' line; fix or delete it");
        assertThat(Files.readString(offsetFile)).as("left alone for the user to inspect").isEqualTo("offset=banana\n");
    }

    /** An asynchronous sink that confirms durability only when the test says so. */
    private static final class SlowSink implements Sink<Point> {
        record Written(long sequence, int count) {
        }

        final List<Written> batches = new CopyOnWriteArrayList<>();
        private final List<Point> points = new CopyOnWriteArrayList<>();
        private volatile SinkContext context;

        @Override
        public void open(SinkContext sinkContext) {
            this.context = sinkContext;
        }

        @Override
        public boolean reportsDurability() {
            return true;
        }

        @Override
        public void write(Batch<Point> batch) {
            if (batch.isEmpty()) {
                return;
            }
            List<Point> copy = new ArrayList<>();
            batch.forEach(copy::add);
            points.addAll(copy);
            batches.add(new Written(batch.sequence(), copy.size()));
        }

        @Override
        public boolean flush(Duration timeout) {
            return false; // the rest is never confirmed
        }

        int received() {
            return points.size();
        }

        void confirm(long sequence) {
            context.durable(sequence);
        }
    }
}
