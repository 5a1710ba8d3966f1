package io.datacascade.websocket;

import io.datacascade.core.DataCascade;
import io.datacascade.core.MemorySource;
import io.datacascade.core.Pipeline;
import io.datacascade.core.Point;

/** A real pipeline from a test-fed memory source into a chart server's sink. */
final class Feed implements AutoCloseable {

    final MemorySource<Point> source = MemorySource.create();
    final Pipeline<Point> pipeline;

    Feed(ChartServer chart) {
        pipeline = DataCascade.pipeline("chart-test").from(source).to(chart.sink()).build();
        pipeline.start();
    }

    void offer(String series, long t, double v) {
        source.offer(Point.of(series, t, v));
    }

    /** Waits until the chart has taken {@code count} points in total. */
    static void awaitPointsIn(ChartServer chart, long count) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (chart.metrics().pointsIn() + chart.metrics().pointsSkipped() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the chart took " + chart.metrics() + " of " + count + " points");
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        source.complete();
        pipeline.close();
    }
}
