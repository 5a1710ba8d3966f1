package io.datacascade.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A dashboard viewer for tests, speaking the dashboard's WebSocket protocol with the JDK's own
 * client: subscribes to every series and records what arrives.
 */
final class DashboardClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final Set<String> seriesWithPoints = ConcurrentHashMap.newKeySet();
    private final List<JsonNode> alerts = new CopyOnWriteArrayList<>();
    private final List<JsonNode> histories = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    private DashboardClient(URI dashboard) {
        URI ws = URI.create("ws://" + dashboard.getHost() + ":" + dashboard.getPort() + "/ws");
        socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public void onOpen(WebSocket webSocket) {
                webSocket.sendText("{\"type\":\"subscribe\",\"series\":[\"*\"],\"history\":300000}", true);
                webSocket.request(1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    handle(text.toString());
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                errors.add(error.toString());
            }
        }).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Connects to the dashboard at {@code url} (as printed by the demo) and subscribes to everything. */
    static DashboardClient connect(URI url) {
        return new DashboardClient(url);
    }

    private void handle(String message) {
        try {
            JsonNode m = JSON.readTree(message);
            switch (m.path("type").asText()) {
                case "points" -> m.path("data").forEach(d -> {
                    if (d.path("t").size() > 0) {
                        seriesWithPoints.add(d.path("series").asText());
                    }
                });
                case "alert" -> alerts.add(m);
                case "history" -> histories.add(m);
                case "error" -> errors.add(message);
                default -> { }
            }
        } catch (Exception e) {
            errors.add("unreadable frame " + message + ": " + e);
        }
    }

    /** Waits until live points of every one of {@code series} arrived; returns whether they did. */
    boolean awaitSeries(Set<String> series, long deadlineNanos) throws InterruptedException {
        return await(() -> seriesWithPoints.containsAll(series), deadlineNanos);
    }

    /** Waits for an alert frame matching {@code match}; returns it, or null at the deadline. */
    JsonNode awaitAlert(Predicate<JsonNode> match, long deadlineNanos) throws InterruptedException {
        await(() -> alerts.stream().anyMatch(match), deadlineNanos);
        return alerts.stream().filter(match).findFirst().orElse(null);
    }

    /** Waits for a history answer for {@code series}; returns it, or null at the deadline. */
    JsonNode awaitHistory(String series, long deadlineNanos) throws InterruptedException {
        Predicate<JsonNode> match = h -> h.path("series").asText().equals(series);
        await(() -> histories.stream().anyMatch(match), deadlineNanos);
        return histories.stream().filter(match).findFirst().orElse(null);
    }

    Set<String> seriesWithPoints() {
        return Set.copyOf(seriesWithPoints);
    }

    List<String> errors() {
        return new ArrayList<>(errors);
    }

    /** A deadline {@code d} from now, in {@link System#nanoTime()} terms. */
    static long deadline(Duration d) {
        return System.nanoTime() + d.toNanos();
    }

    static boolean await(java.util.function.BooleanSupplier condition, long deadlineNanos) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        socket.abort();
    }
}
