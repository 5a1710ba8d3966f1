package com.example.datacascade.csv;

import static org.assertj.core.api.Assertions.fail;

import io.datacascade.core.Pipeline;
import io.datacascade.core.Point;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Helpers shared by the tests: URIs for temp files, appending, waiting with a deadline. */
final class CsvTestFiles {
    /** Generous: a deadline, not an expected duration. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private CsvTestFiles() {
    }

    /** {@code csv:///...path...} plus {@code query} (which starts with {@code ?} or is empty). */
    static String uri(Path file, String query) {
        return file.toUri().toString().replaceFirst("^file:", "csv:") + query;
    }

    static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    /** Waits until {@code condition} holds, failing with {@code what} at the deadline. */
    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + TIMEOUT + " waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    /** Runs {@code pipeline} until it completes on its own, failing the test if it does not or fails. */
    static void runToCompletion(Pipeline<?> pipeline) throws InterruptedException {
        pipeline.start();
        if (!pipeline.awaitTermination(TIMEOUT)) {
            pipeline.close();
            fail("pipeline " + pipeline.name() + " did not complete within " + TIMEOUT + "; state " + pipeline.state());
        }
        pipeline.failure().ifPresent(t -> fail("pipeline " + pipeline.name() + " failed", t));
    }

    /** The saved offset in {@code <file>.offset}, or -1 if there is none (or it is being replaced right now). */
    static long savedOffset(Path file) {
        try {
            OffsetFile.Saved saved = new OffsetFile(file).load();
            return saved == null ? -1 : saved.offset();
        } catch (IOException e) {
            return -1;
        }
    }

    /** {@code count} points of series {@code series} at times 1000, 2000, ... with values 1, 2, ... */
    static List<Point> points(String series, int first, int count) {
        List<Point> points = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            points.add(Point.of(series, i * 1000L, i));
        }
        return points;
    }

    /** The lines for {@code points}, in the sink's format, each with its line break. */
    static String lines(List<Point> points) {
        StringBuilder text = new StringBuilder();
        for (Point p : points) {
            CsvFormat.append(text, p);
            text.append('\n');
        }
        return text.toString();
    }
}
