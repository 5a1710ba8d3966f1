package io.datacascade.websocket;

import io.datacascade.core.Alert;
import io.datacascade.core.Batch;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import io.datacascade.websocket.internal.Hub;

/**
 * The sink that puts a pipeline's points on the dashboard of a {@link ChartServer}.
 *
 * <p>Writing is cheap and never blocks: each point is copied into its series' buffer in memory,
 * and the server's own thread sends frames to the browsers. A slow browser therefore never slows
 * the pipeline. Points with NaN or infinite values cannot be drawn and are skipped (counted in
 * {@link ChartMetrics#pointsSkipped()}).
 *
 * <p>Use {@link #alerts()} as the sink of an alert stream to show alerts in the dashboard's panel
 * and as markers on the chart.
 */
public final class ChartSink implements Sink<Point> {

    private final Hub hub;
    private final Sink<Alert> alerts;

    ChartSink(Hub hub) {
        this.hub = hub;
        this.alerts = batch -> {
            for (int i = 0, n = batch.size(); i < n; i++) {
                hub.publish(batch.get(i));
            }
        };
    }

    @Override
    public void write(Batch<Point> batch) {
        hub.append(batch);
    }

    /** A sink for alert events: each one goes to every connected dashboard. */
    public Sink<Alert> alerts() {
        return alerts;
    }

    @Override
    public String toString() {
        return "ChartSink";
    }
}
