package io.datacascade.examples;

import io.datacascade.core.Batch;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sink for the console: remembers the latest value per series (bounded by the number of
 * series) so the status line can show live data next to the throughput.
 */
final class ConsoleStatsSink implements Sink<Point> {
    private static final int SHOWN = 4;
    private final Map<String, Point> latest = new ConcurrentHashMap<>();

    @Override
    public void write(Batch<Point> batch) {
        for (Point p : batch) {
            latest.put(p.series(), p);
        }
    }

    /** The latest values of the first few series, e.g. {@code sensor-0=120.4 sensor-1=98.2}. */
    String latest() {
        StringBuilder text = new StringBuilder();
        int shown = 0;
        for (Map.Entry<String, Point> e : new TreeMap<>(latest).entrySet()) {
            if (shown++ == SHOWN) {
                text.append("...");
                break;
            }
            text.append(e.getKey()).append('=').append(String.format("%.1f", e.getValue().value())).append(' ');
        }
        return text.toString().trim();
    }

    @Override
    public String toString() {
        return "console";
    }
}
