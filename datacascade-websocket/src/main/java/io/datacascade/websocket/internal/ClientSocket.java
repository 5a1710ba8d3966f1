package io.datacascade.websocket.internal;

import io.datacascade.core.Point;
import io.datacascade.websocket.HistoryStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connected dashboard: its subscriptions, its unsent bytes and its gap bookkeeping.
 *
 * <p>Every send to the session happens under this client's lock, so the order a client sees is
 * the order decided here: a series' {@code history} always comes before its first live points.
 * (Public only because Jetty requires WebSocket endpoints to be public classes.)
 */
public final class ClientSocket implements Session.Listener.AutoDemanding {

    private static final Logger LOG = LoggerFactory.getLogger(ClientSocket.class);
    /** Live frames held per series while its history is on the way (about 10 s at 30 frames/s). */
    private static final int MAX_HELD = 300;
    /** The client is closed after this many bad messages: it is not a dashboard. */
    private static final int MAX_BAD_MESSAGES = 50;
    static final int CLOSE_TOO_SLOW = 4001;
    private static final long CLOSE_GRACE_MILLIS = 5_000;

    private final Hub hub;
    private final String remote;
    private final Object lock = new Object();
    private final AtomicLong unsentBytes = new AtomicLong();
    private volatile Session session;
    private volatile boolean authenticated;
    private volatile boolean closed;

    // guarded by lock
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private boolean everything;
    /** Series unsubscribed one by one while {@link #everything} is on: not re-added. */
    private final java.util.Set<String> excluded = new java.util.HashSet<>();
    private boolean capReported;
    private int maxPoints;
    private int historyPoints;
    private long overSince;
    private boolean closing;
    private boolean statusDue;
    private boolean alertsMissed;
    private final Gap gap = new Gap();
    private int badMessages;

    ClientSocket(Hub hub, boolean authenticated, String remote) {
        this.hub = hub;
        this.authenticated = authenticated;
        this.remote = remote;
        this.maxPoints = hub.settings.defaultMaxPoints();
        this.historyPoints = hub.settings.historyPoints();
    }

    // ---------------------------------------------------------------- Jetty callbacks

    @Override
    public void onWebSocketOpen(Session s) {
        this.session = s;
        synchronized (lock) {
            // registered and greeted under the lock: no tick can send this client anything before its status
            if (!hub.register(this, authenticated)) {
                closeLater(StatusCode.TRY_AGAIN_LATER, "the chart server is full, try again later");
                return;
            }
            send(hub.status(authenticated));
            if (authenticated) {
                hub.recentAlerts().forEach(this::send);
            }
        }
        if (!authenticated) {
            hub.schedule(() -> {
                if (!authenticated) {
                    close(StatusCode.POLICY_VIOLATION, "no token within "
                            + hub.settings.authTimeout().toSeconds() + " s: send {\"type\":\"auth\",\"token\":\"…\"} first");
                }
            }, hub.settings.authTimeout().toMillis());
        }
    }

    @Override
    public void onWebSocketText(String text) {
        Map<String, Object> message;
        try {
            message = Json.parseObject(text);
        } catch (IllegalArgumentException e) {
            bad("bad-request", e.getMessage());
            return;
        }
        Object type = message.get("type");
        if (!(type instanceof String)) {
            bad("bad-request", "a message needs a \"type\": auth, subscribe or unsubscribe");
            return;
        }
        switch ((String) type) {
            case "auth" -> onAuth(message);
            case "subscribe" -> {
                if (requireAuth()) {
                    onSubscribe(message);
                }
            }
            case "unsubscribe" -> {
                if (requireAuth()) {
                    onUnsubscribe(message);
                }
            }
            default -> bad("unknown-type", "unknown message type '" + type + "'; expected auth, subscribe or unsubscribe");
        }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
        callback.succeed();
        bad("bad-request", "binary messages are not part of the protocol; send JSON text");
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        closed = true;
        hub.unregister(this);
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("Dashboard connection from {} failed", remote, cause);
        closed = true;
        hub.unregister(this);
    }

    // ---------------------------------------------------------------- messages

    private void onAuth(Map<String, Object> message) {
        if (authenticated) {
            return;
        }
        Object token = message.get("token");
        if (!(token instanceof String) || !hub.tokenMatches((String) token)) {
            hub.rejected.increment();
            synchronized (lock) {
                send(Json.error("unauthorized", "that token is not valid"));
            }
            close(StatusCode.POLICY_VIOLATION, "invalid token");
            return;
        }
        synchronized (lock) {
            if (!hub.promote(this)) {
                closeLater(StatusCode.TRY_AGAIN_LATER, "the chart server is full, try again later");
                return;
            }
            authenticated = true;
            send(hub.status(true));
            hub.recentAlerts().forEach(this::send);
        }
    }

    private boolean requireAuth() {
        if (!authenticated) {
            bad("unauthorized", "send {\"type\":\"auth\",\"token\":\"…\"} before anything else");
        }
        return authenticated;
    }

    private void onSubscribe(Map<String, Object> message) {
        List<String> names = seriesList(message);
        if (names == null) {
            return;
        }
        Settings settings = hub.settings;
        long history = 0;
        if (message.containsKey("history")) {
            Double h = number(message, "history", 0, settings.historyLimit().toMillis());
            if (h == null) {
                return;
            }
            history = h.longValue();
        }
        Integer points = integer(message, "maxPoints", 3, Settings.MAX_POINTS_LIMIT);
        Integer wanted = integer(message, "historyPoints", 3, Settings.HISTORY_POINTS_LIMIT);
        if ((message.containsKey("maxPoints") && points == null) || (message.containsKey("historyPoints") && wanted == null)) {
            return;
        }
        List<Subscription> fresh = new ArrayList<>();
        synchronized (lock) {
            if (points != null) {
                maxPoints = points;
            }
            if (wanted != null) {
                historyPoints = wanted;
            }
            if (names.contains("*")) {
                everything = true;
                excluded.clear();
                names = hub.seriesNames();
            } else {
                names.forEach(excluded::remove);
            }
            int room = settings.maxSeriesPerClient() - subscriptions.size();
            for (String name : names) {
                if (!subscriptions.containsKey(name) && room-- <= 0) {
                    send(Json.error("too-many-series", "a client may watch at most " + settings.maxSeriesPerClient()
                            + " series; '" + name + "' and later ones were not added"));
                    break;
                }
                Subscription sub = new Subscription(name);
                subscriptions.put(name, sub); // replaces an earlier one: its history is sent again
                fresh.add(sub);
            }
        }
        for (Subscription sub : fresh) {
            long span = history;
            if (!hub.submitHistory(() -> sendHistory(sub, span))) {
                synchronized (lock) {
                    send(Json.error("busy", "the server is answering too many history requests; '" + sub.name
                            + "' streams live without history"));
                    sub.live = true;
                    sub.held.clear();
                }
            }
        }
    }

    private void onUnsubscribe(Map<String, Object> message) {
        List<String> names = seriesList(message);
        if (names == null) {
            return;
        }
        synchronized (lock) {
            if (names.contains("*")) {
                everything = false;
                excluded.clear();
                subscriptions.clear();
            } else {
                names.forEach(subscriptions::remove);
                if (everything) {
                    excluded.addAll(names);
                }
            }
        }
    }

    private List<String> seriesList(Map<String, Object> message) {
        Object value = message.get("series");
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            bad("bad-request", "\"series\" must be a non-empty array of series names, or [\"*\"] for all");
            return null;
        }
        List<String> names = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s) || s.isEmpty()) {
                bad("bad-request", "\"series\" must contain only non-empty strings, found " + o);
                return null;
            }
            names.add(s);
        }
        return names;
    }

    private Double number(Map<String, Object> message, String field, double min, double max) {
        Object value = message.get(field);
        if (!(value instanceof Double d) || d < min || d > max) {
            bad("bad-request", "\"" + field + "\" must be a number from " + (long) min + " to " + (long) max
                    + ", was " + value);
            return null;
        }
        return d;
    }

    private Integer integer(Map<String, Object> message, String field, int min, int max) {
        if (!message.containsKey(field)) {
            return null;
        }
        Double d = number(message, field, min, max);
        return d == null ? null : d.intValue();
    }

    private void bad(String code, String text) {
        hub.badMessages.increment();
        boolean tooMany;
        synchronized (lock) {
            send(Json.error(code, text));
            tooMany = ++badMessages > MAX_BAD_MESSAGES;
        }
        if (tooMany) {
            close(StatusCode.POLICY_VIOLATION, "too many bad messages");
        }
    }

    // ---------------------------------------------------------------- history

    private void sendHistory(Subscription sub, long span) {
        SeriesBuffer buffer = hub.find(sub.name);
        long now = System.currentTimeMillis();
        long newest = buffer == null ? Long.MIN_VALUE : buffer.lastTime();
        long to = Math.max(now, newest);
        long from = span == 0 ? to : to - span;
        SeriesBuffer.Snapshot snap = buffer == null
                ? new SeriesBuffer.Snapshot(new long[0], new double[0], 0, false, Long.MAX_VALUE)
                : buffer.snapshot(from);
        long[] t = snap.t();
        double[] v = snap.v();
        HistoryStore store = hub.historyStore();
        int limit;
        synchronized (lock) {
            limit = historyPoints;
        }
        // the store only for the part of the window memory does not cover
        long olderThan = Math.min(snap.oldest(), to + 1);
        if (store != null && span > 0 && olderThan > from) {
            try {
                List<Point> older = hub.readHistory(store, sub.name, from, olderThan);
                long[] mt = new long[older.size() + t.length];
                double[] mv = new double[mt.length];
                int n = 0;
                for (Point p : older) {
                    if (p.timestamp() >= from && p.timestamp() < olderThan && Double.isFinite(p.value())) {
                        mt[n] = p.timestamp();
                        mv[n++] = p.value();
                    }
                }
                System.arraycopy(t, 0, mt, n, t.length);
                System.arraycopy(v, 0, mv, n, v.length);
                n += t.length;
                t = java.util.Arrays.copyOf(mt, n);
                v = java.util.Arrays.copyOf(mv, n);
            } catch (Exception e) {
                LOG.warn("Could not read the history of '{}' from {}: {}", sub.name, store, e.toString());
                synchronized (lock) {
                    send(Json.error("history-unavailable", "older history of '" + sub.name
                            + "' could not be read: " + e.getMessage()));
                }
            }
        }
        String history = Json.history(sub.name, from, to, MinMax.ofPoints(t, v, limit));
        Hub.Encoded held;
        synchronized (lock) {
            if (subscriptions.get(sub.name) != sub) {
                return; // unsubscribed or re-subscribed meanwhile
            }
            sub.fromIndex = snap.endIndex();
            held = sub.heldSince(snap.endIndex(), maxPoints);
            send(history);
            if (sub.missed.dropped > 0) {
                send(Json.gap(List.of(sub.name), sub.missed.from, sub.missed.to, sub.missed.dropped,
                        "history took too long"));
                hub.gaps.increment();
            }
            if (held != null) {
                send(Json.points(sub.heldSeq, held));
                hub.framesSent.increment();
                hub.pointsSent.add(held.size());
            }
            sub.live = true;
        }
    }

    // ---------------------------------------------------------------- frames (frame thread)

    void onTick(Hub.Tick tick) {
        if (closed || !authenticated || session == null) {
            return;
        }
        synchronized (lock) {
            if (closing) {
                return;
            }
            if (everything) {
                for (String name : tick.frames.keySet()) {
                    if (subscriptions.containsKey(name) || excluded.contains(name)) {
                        continue;
                    }
                    if (subscriptions.size() >= hub.settings.maxSeriesPerClient()) {
                        if (!capReported) {
                            capReported = true;
                            send(Json.error("too-many-series", "a client may watch at most "
                                    + hub.settings.maxSeriesPerClient() + " series; '" + name
                                    + "' and later new series are not added"));
                        }
                        continue;
                    }
                    Subscription sub = new Subscription(name);
                    sub.live = true; // new since the subscription: no history to wait for
                    subscriptions.put(name, sub);
                }
            }
            List<Hub.Encoded> parts = null;
            for (Subscription sub : subscriptions.values()) {
                PendingFrame pending = tick.frames.get(sub.name);
                if (pending == null) {
                    continue;
                }
                if (!sub.live) {
                    sub.hold(pending, tick.seq);
                    continue;
                }
                boolean shared = true;
                if (sub.fromIndex > 0) {
                    if (pending.start()[0] < sub.fromIndex) {
                        pending = pending.from(sub.fromIndex);
                        shared = false;
                        if (pending == null) {
                            continue;
                        }
                    } else {
                        sub.fromIndex = 0; // past the history seam for good
                    }
                }
                if (parts == null) {
                    parts = new ArrayList<>();
                }
                parts.add(tick.encode(pending, maxPoints, shared));
            }
            if (unsentBytes.get() > hub.settings.sendBufferBytes()) {
                behind(tick, parts);
                return;
            }
            overSince = 0;
            if (statusDue || tick.status != null) {
                send(tick.status != null ? tick.status : hub.status(true));
                statusDue = false;
            }
            if (alertsMissed) {
                hub.recentAlerts().forEach(this::send); // replayed: the page drops what it already has
                alertsMissed = false;
            } else {
                tick.alerts.forEach(this::send);
            }
            if (parts == null) {
                return;
            }
            if (!gap.isEmpty()) {
                send(Json.gap(gap.series, gap.from, gap.to, gap.dropped, "client too slow"));
                gap.clear();
            }
            send(tick.frame(parts));
            hub.framesSent.increment();
            long sent = 0;
            for (Hub.Encoded part : parts) {
                sent += part.size();
            }
            hub.pointsSent.add(sent);
        }
    }

    /** Over its send buffer: remember what this client misses, and cut it off when it stays behind. */
    private void behind(Hub.Tick tick, List<Hub.Encoded> parts) {
        statusDue |= tick.status != null;
        alertsMissed |= !tick.alerts.isEmpty();
        if (parts != null) {
            for (Hub.Encoded part : parts) {
                gap.add(part.series(), part.from(), part.to(), part.points());
            }
        }
        long nowNanos = System.nanoTime();
        if (overSince == 0) {
            overSince = nowNanos;
            hub.gaps.increment();
        } else if (nowNanos - overSince > hub.settings.stallTimeout().toNanos()) {
            closing = true;
            hub.slowDisconnects.increment();
            LOG.info("Disconnected dashboard {}: it fell {} s behind ({} bytes unsent)", remote,
                    hub.settings.stallTimeout().toSeconds(), unsentBytes.get());
            closeLater(CLOSE_TOO_SLOW, "client too slow: fell behind for "
                    + hub.settings.stallTimeout().toSeconds() + " s");
        }
    }

    // ---------------------------------------------------------------- sending

    /** Sends a text frame without waiting; counts its bytes as unsent until Jetty has written them. */
    private void send(String text) {
        Session s = session;
        if (s == null || closed) {
            return;
        }
        long bytes = text.length();
        unsentBytes.addAndGet(bytes);
        s.sendText(text, Callback.from(() -> unsentBytes.addAndGet(-bytes), failure -> unsentBytes.addAndGet(-bytes)));
    }

    void ping() {
        Session s = session;
        if (s != null && !closed) {
            s.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
        }
    }

    /** Closes from outside the client's lock (a close may call back into this object). */
    private void closeLater(int code, String reason) {
        hub.schedule(() -> close(code, reason), 0);
    }

    /**
     * Sends a close frame and drops the connection if the client has not completed the close
     * within {@link #CLOSE_GRACE_MILLIS}: a stalled client never reads the close frame queued behind
     * its unread data.
     */
    void close(int code, String reason) {
        Session s = session;
        closed = true;
        hub.unregister(this);
        if (s != null && s.isOpen()) {
            s.close(code, reason, Callback.from(() -> { }, failure -> s.disconnect()));
            hub.schedule(() -> {
                if (s.isOpen()) {
                    s.disconnect();
                }
            }, CLOSE_GRACE_MILLIS);
        }
    }

    /** A series this client watches. */
    private static final class Subscription {
        final String name;
        /** Write index where live points start (0 = no filtering). */
        long fromIndex;
        boolean live;
        /** Live frames that arrived while the history was on the way, oldest first. */
        final List<PendingFrame> held = new ArrayList<>();
        long heldSeq;
        /** Frames beyond {@link #MAX_HELD}: told to the client as a gap. */
        final Gap missed = new Gap();

        Subscription(String name) {
            this.name = name;
        }

        void hold(PendingFrame frame, long seq) {
            heldSeq = seq;
            if (held.size() < MAX_HELD) {
                held.add(frame);
                return;
            }
            missed.add(name, frame.minTime(), frame.maxTime(), frame.points());
        }

        /** The held frames after write index {@code from}, merged into one entry; null if none. */
        Hub.Encoded heldSince(long from, int maxPoints) {
            List<PendingFrame> rest = new ArrayList<>(held.size());
            for (PendingFrame f : held) {
                PendingFrame r = f.from(from);
                if (r != null) {
                    rest.add(r);
                }
            }
            held.clear();
            return rest.isEmpty() ? null : Hub.Encoded.of(PendingFrame.concat(rest), maxPoints);
        }
    }

    /** What a slow client missed since it last received a frame. */
    private static final class Gap {
        final List<String> series = new ArrayList<>();
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        long dropped;

        void add(String name, long f, long t, long points) {
            if (!series.contains(name)) {
                series.add(name);
            }
            from = Math.min(from, f);
            to = Math.max(to, t);
            dropped += points;
        }

        boolean isEmpty() {
            return dropped == 0 && series.isEmpty();
        }

        void clear() {
            series.clear();
            from = Long.MAX_VALUE;
            to = Long.MIN_VALUE;
            dropped = 0;
        }
    }
}
