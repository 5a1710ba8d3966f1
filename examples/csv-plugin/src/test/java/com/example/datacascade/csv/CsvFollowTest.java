package com.example.datacascade.csv;

import static com.example.datacascade.csv.CsvTestFiles.TIMEOUT;
import static com.example.datacascade.csv.CsvTestFiles.append;
import static com.example.datacascade.csv.CsvTestFiles.awaitTrue;
import static com.example.datacascade.csv.CsvTestFiles.lines;
import static com.example.datacascade.csv.CsvTestFiles.points;
import static com.example.datacascade.csv.CsvTestFiles.uri;
import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.DataCascade;
import io.datacascade.core.MemorySink;
import io.datacascade.core.Pipeline;
import io.datacascade.core.Point;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code follow=true}: lines appended while the pipeline runs arrive once and in order, halves of
 * a line wait for each other, truncation and replacement start over. "Nothing more arrives" is
 * shown with a sentinel line appended last: anything repeated would arrive before it.
 */
class CsvFollowTest {

    @TempDir
    Path dir;

    private Pipeline<Point> pipeline;
    private final MemorySink<Point> sink = MemorySink.create();

    @AfterEach
    void closePipeline() {
        if (pipeline != null) {
            pipeline.close();
            assertThat(pipeline.failure()).isEmpty();
        }
    }

    private CsvSource follow(Path file, String extra) {
        CsvSource source = (CsvSource) DataCascade.source(uri(file, "?follow=true" + extra));
        pipeline = DataCascade.pipeline("follow").from(source).to(sink).build();
        pipeline.start();
        return source;
    }

    private void awaitCount(int count) throws InterruptedException {
        assertThat(sink.await(count, TIMEOUT)).as("%s points arrived within %s; have %s", count, TIMEOUT, sink.records())
                .isTrue();
    }

    @Test
    void shouldDeliverAppendedLinesExactlyOnceAndInOrder() throws Exception {
        Path file = dir.resolve("readings.csv");
        List<Point> expected = new ArrayList<>(points("s", 1, 2));
        Files.writeString(file, "time,series,value\n" + lines(expected));
        CsvSource source = follow(file, "");
        awaitCount(2);

        List<Point> more = points("s", 3, 3);
        append(file, lines(more));
        expected.addAll(more);
        awaitCount(5);

        // One line written in two halves: the first half alone would be a bad line ("6000,s," has no value).
        append(file, "6000,s,");
        Thread.sleep(50); // give the source many polls in which it could wrongly take the half line
        append(file, "6\n");
        expected.add(Point.of("s", 6000, 6));
        for (int i = 7; i <= 200; i++) { // many small appends racing with the reader
            append(file, i * 1000L + ",s," + i + "\n");
            expected.add(Point.of("s", i * 1000L, i));
        }
        append(file, "999999,sentinel,0\n");
        expected.add(Point.of("sentinel", 999_999, 0));

        awaitCount(expected.size());
        assertThat(sink.records()).containsExactlyElementsOf(expected);
        assertThat(source.badLines()).isZero();
    }

    @Test
    void shouldStartOverFromTheStartWhenTheFileIsTruncated() throws Exception {
        Path file = dir.resolve("readings.csv");
        Files.writeString(file, lines(points("old", 1, 3)));
        follow(file, "");
        awaitCount(3);

        Files.writeString(file, "1,new,1\n"); // shorter than what was read: truncated and rewritten
        awaitCount(4);
        append(file, "2,new,2\n");
        awaitCount(5);

        List<Point> expected = new ArrayList<>(points("old", 1, 3));
        expected.addAll(List.of(Point.of("new", 1, 1), Point.of("new", 2, 2)));
        assertThat(sink.records()).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldStartOverWhenTheFileIsReplacedByANewOne() throws Exception {
        Path file = dir.resolve("readings.csv");
        Files.writeString(file, lines(points("old", 1, 2)));
        follow(file, "");
        awaitCount(2);

        Path next = dir.resolve("readings.csv.next");
        Files.writeString(next, lines(points("new", 1, 50))); // longer than the old file: only its identity changed
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        awaitCount(52);

        List<Point> expected = new ArrayList<>(points("old", 1, 2));
        expected.addAll(points("new", 1, 50));
        assertThat(sink.records()).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldWaitForAFileThatDoesNotExistYet() throws Exception {
        Path file = dir.resolve("later.csv");
        follow(file, "");
        Files.writeString(file, lines(points("s", 1, 3)));
        awaitCount(3);
        assertThat(sink.records()).containsExactlyElementsOf(points("s", 1, 3));
    }

    @Test
    void shouldReadOnlyWhatIsAppendedWithFromEnd() throws Exception {
        Path file = dir.resolve("readings.csv");
        Files.writeString(file, lines(points("old", 1, 3)) + "4000,old,"); // ends mid-line
        follow(file, "&from=end&resume=true");
        // The source saves its starting offset when it opens the file (resume=true): our sign that it has started.
        awaitTrue("the source opened the file", () -> CsvTestFiles.savedOffset(file) >= 0);

        append(file, "4\n5000,new,5\n6000,new,6\n");
        awaitCount(2);
        assertThat(sink.records()).containsExactly(Point.of("new", 5000, 5), Point.of("new", 6000, 6));
    }
}
