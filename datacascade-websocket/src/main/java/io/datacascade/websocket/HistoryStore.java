package io.datacascade.websocket;

import io.datacascade.core.Point;
import java.util.List;

/**
 * Where the dashboard finds history older than what the chart server keeps in memory, for a
 * client that opens a window of, say, an hour: typically the DynamoDB table the pipeline writes.
 *
 * <pre>{@code
 * DynamoDbTimeSeriesStore table = DynamoDbTimeSeriesStore.create("points", "eu-west-1", null);
 * ChartServer chart = ChartServer.builder()
 *         .history((series, from, to, limit) -> {
 *             List<Point> newestFirst = table.range(series, from, to - 1, false, limit);
 *             Collections.reverse(newestFirst);
 *             return newestFirst;
 *         })
 *         .start();
 * }</pre>
 *
 * <p>The server asks only for the part of a window its memory does not cover, on a background
 * thread, never on the pipeline's thread, for at most 100,000 points, and waits at most
 * {@code historyTimeout} (10 s); a failing or slow store costs the client that history, not the
 * connection.
 */
@FunctionalInterface
public interface HistoryStore {

    /**
     * The points of {@code series} with {@code from <= timestamp < to}, oldest first, at most
     * {@code limit} of them (the newest when there are more).
     *
     * @throws Exception when the store cannot be read; the client gets an error frame
     */
    List<Point> range(String series, long from, long to, int limit) throws Exception;
}
