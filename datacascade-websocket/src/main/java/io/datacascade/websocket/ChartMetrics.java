package io.datacascade.websocket;

/**
 * A snapshot of what a {@link ChartServer} has done since it started.
 *
 * @param clients             dashboards connected now
 * @param series              series the server keeps
 * @param pointsIn            points received from sinks
 * @param pointsSkipped       points not shown: NaN or infinite values, or series beyond {@code maxSeries}
 * @param framesSent          {@code points} frames sent, over all clients
 * @param pointsSent          points in those frames (after downsampling)
 * @param gaps                times a client fell behind and started losing frames
 * @param slowDisconnects     clients disconnected for staying behind
 * @param rejectedConnections upgrades refused (origin, token, capacity) and failed {@code auth} messages
 * @param badMessages         malformed client messages answered with an error frame
 * @param alerts              alerts published
 * @param alertsDropped       alerts dropped because 10,000 were already waiting to be sent
 */
public record ChartMetrics(int clients, int series, long pointsIn, long pointsSkipped, long framesSent,
                           long pointsSent, long gaps, long slowDisconnects, long rejectedConnections,
                           long badMessages, long alerts, long alertsDropped) {
}
