package io.datacascade.websocket.internal;

import io.datacascade.websocket.HistoryStore;
import java.time.Duration;
import java.util.Set;

/** The chart server's configuration, checked by the public builder. */
public record Settings(
        int maxFrameRate,
        int defaultMaxPoints,
        int historyCapacity,
        int maxSeries,
        int maxSeriesPerClient,
        HistoryStore history,
        Duration historyLimit,
        int historyPoints,
        int maxClients,
        int maxMessageBytes,
        long sendBufferBytes,
        Duration stallTimeout,
        Set<String> allowedOrigins,
        Set<String> allowedHosts,
        String token,
        Duration authTimeout,
        Duration historyTimeout,
        boolean compression) {

    /** Largest {@code maxPoints} a client may ask for per series and frame. */
    public static final int MAX_POINTS_LIMIT = 2048;
    /** Largest {@code historyPoints} a client may ask for per series. */
    public static final int HISTORY_POINTS_LIMIT = 10_000;
    /** Most points read from a {@link HistoryStore} per series and request. */
    public static final int STORE_POINTS_LIMIT = 100_000;
    /** Most connections waiting to send their token at once. */
    public static final int MAX_PENDING_AUTH = 16;
}
