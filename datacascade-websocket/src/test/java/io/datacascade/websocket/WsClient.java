package io.datacascade.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A real Jetty WebSocket client for tests: records every server message (parsed), can stop
 * reading to play a stalled browser, and reports how the connection closed.
 */
public final class WsClient implements Session.Listener, AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocketClient client;
    private final LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final List<JsonNode> all = java.util.Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final AtomicBoolean reading = new AtomicBoolean(true);
    private volatile String closeReason;
    private volatile Session session;

    private WsClient(WebSocketClient client) {
        this.client = client;
    }

    static WsClient connect(URI ws, Map<String, String> headers) throws Exception {
        return connect(ws, headers, List.of());
    }

    /** Connects asking for these WebSocket extensions, such as {@code permessage-deflate}. */
    static WsClient connect(URI ws, Map<String, String> headers, List<String> extensions) throws Exception {
        WebSocketClient jetty = new WebSocketClient();
        jetty.setMaxTextMessageSize(16 << 20);
        jetty.start();
        WsClient c = new WsClient(jetty);
        ClientUpgradeRequest request = new ClientUpgradeRequest(ws);
        headers.forEach(request::setHeader);
        extensions.forEach(e -> request.addExtensions(e));
        try {
            c.session = jetty.connect(c, request).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            jetty.stop();
            throw e;
        }
        return c;
    }

    static WsClient connect(ChartServer server) throws Exception {
        return connect(wsUri(server), Map.of());
    }

    static URI wsUri(ChartServer server) {
        return URI.create("ws://127.0.0.1:" + server.port() + "/ws");
    }

    @Override
    public void onWebSocketOpen(Session s) {
        this.session = s;
        s.demand();
    }

    @Override
    public void onWebSocketText(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            all.add(node);
            inbox.add(node);
        } catch (Exception e) {
            throw new AssertionError("server sent invalid JSON: " + text, e);
        }
        if (reading.get()) {
            session.demand();
        }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        session.demand();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        closeReason = reason;
        closed.complete(statusCode);
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        closeReason = "error: " + cause;
        closed.complete(-1);
    }

    /** The extensions the server agreed to. */
    List<String> extensions() {
        return session.getUpgradeResponse().getExtensions().stream().map(e -> e.getName()).toList();
    }

    /** Stops reading: the server's bytes pile up in TCP buffers, like a frozen browser tab. */
    void stall() {
        reading.set(false);
    }

    /** Reads again after {@link #stall()}. */
    void resume() {
        if (!reading.getAndSet(true)) {
            session.demand();
        }
    }

    void send(Object message) throws Exception {
        String text = message instanceof String s ? s : JSON.writeValueAsString(message);
        CompletableFuture<Void> done = new CompletableFuture<>();
        session.sendText(text, Callback.from(() -> done.complete(null), done::completeExceptionally));
        done.get(10, TimeUnit.SECONDS);
    }

    void sendBinary(byte[] bytes) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        session.sendBinary(ByteBuffer.wrap(bytes), Callback.from(() -> done.complete(null), done::completeExceptionally));
        done.get(10, TimeUnit.SECONDS);
    }

    /** The next message of {@code type} that matches, skipping others; fails after {@code timeout}. */
    JsonNode await(String type, Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode next = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                throw new AssertionError("no '" + type + "' message within " + timeout + "; received " + summary());
            }
            if (next.path("type").asText().equals(type) && match.test(next)) {
                return next;
            }
        }
    }

    JsonNode await(String type) throws InterruptedException {
        return await(type, m -> true, Duration.ofSeconds(10));
    }

    /** Waits until some message received so far (not only new ones) is of {@code type} and matches. */
    JsonNode awaitReceived(String type, Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (JsonNode m : received(type)) {
                if (match.test(m)) {
                    return m;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching '" + type + "' message within " + timeout + "; received " + summary());
            }
            Thread.sleep(10);
        }
    }

    /** Every message received so far, in order. */
    List<JsonNode> received() {
        synchronized (all) {
            return new ArrayList<>(all);
        }
    }

    List<JsonNode> received(String type) {
        return received().stream().filter(m -> m.path("type").asText().equals(type)).toList();
    }

    int awaitClose(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isClosed() {
        return closed.isDone();
    }

    String closeReason() {
        return closeReason;
    }

    private String summary() {
        List<JsonNode> got = received();
        StringBuilder s = new StringBuilder().append(got.size()).append(" messages");
        got.stream().skip(Math.max(0, got.size() - 5)).forEach(m -> {
            String text = m.toString();
            s.append("\n  ").append(text.length() > 300 ? text.substring(0, 300) + "…" : text);
        });
        return s.toString();
    }

    @Override
    public void close() {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close();
        }
        try {
            client.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the test WebSocket client", e);
        }
    }
}
