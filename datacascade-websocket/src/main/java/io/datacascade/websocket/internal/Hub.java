package io.datacascade.websocket.internal;

import io.datacascade.core.Alert;
import io.datacascade.core.Batch;
import io.datacascade.core.Point;
import io.datacascade.websocket.ChartMetrics;
import io.datacascade.websocket.HistoryStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the chart server: series buffers written by sinks, the connected clients, and the
 * frame thread that, at most {@code maxFrameRate} times a second, turns what arrived into one
 * {@code points} frame per client.
 *
 * <p>Nothing here ever waits on a client: sends are asynchronous and each client's unsent bytes
 * are counted, so a slow client only loses its own frames (and gets a gap marker) and is
 * disconnected when it stays behind.
 */
public final class Hub extends AbstractLifeCycle {

    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
    private static final int RECENT_ALERTS = 100;
    static final int LISTED_SERIES = 1_000;
    private static final int ALERT_QUEUE = 10_000;
    private static final long STATUS_MIN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long PING_INTERVAL_SECONDS = 20;

    final Settings settings;
    private final ConcurrentHashMap<String, SeriesBuffer> series = new ConcurrentHashMap<>();
    private final Set<ClientSocket> clients = ConcurrentHashMap.newKeySet();
    /** Connections that still have to send the token: counted apart, so they cannot crowd out real users. */
    private final Set<ClientSocket> pending = ConcurrentHashMap.newKeySet();
    private final ArrayBlockingQueue<Alert> alertQueue = new ArrayBlockingQueue<>(ALERT_QUEUE);
    private final ArrayDeque<Alert> recentAlerts = new ArrayDeque<>();
    private volatile boolean seriesChanged;
    private volatile boolean refusalLogged;

    final LongAdder pointsIn = new LongAdder();
    final LongAdder pointsSkipped = new LongAdder();
    final LongAdder framesSent = new LongAdder();
    final LongAdder pointsSent = new LongAdder();
    final LongAdder gaps = new LongAdder();
    final LongAdder slowDisconnects = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder badMessages = new LongAdder();
    final LongAdder alertsIn = new LongAdder();
    final LongAdder alertsDropped = new LongAdder();

    private volatile Thread frameThread;
    private volatile boolean running;
    private ScheduledExecutorService scheduler;
    private ExecutorService historyPool;
    private ExecutorService storePool;
    private long seq;

    public Hub(Settings settings) {
        this.settings = settings;
    }

    // ---------------------------------------------------------------- input (sink threads)

    /** Stores a batch of points; called by {@code ChartSink} on a pipeline's processor thread. */
    public void append(Batch<Point> batch) {
        int stored = 0;
        int skipped = 0;
        SeriesBuffer buffer = null;
        for (int i = 0, n = batch.size(); i < n; i++) {
            Point p = batch.get(i);
            double v = p.value();
            if (!Double.isFinite(v)) {
                skipped++;
                continue;
            }
            if (buffer == null || !buffer.name().equals(p.series())) {
                buffer = buffer(p.series());
                if (buffer == null) {
                    continue;
                }
            }
            buffer.append(p.timestamp(), v);
            stored++;
        }
        pointsIn.add(stored);
        if (skipped > 0) {
            pointsSkipped.add(skipped);
        }
    }

    private SeriesBuffer buffer(String name) {
        SeriesBuffer buffer = series.get(name);
        if (buffer != null) {
            return buffer;
        }
        if (series.size() >= settings.maxSeries()) {
            pointsSkipped.increment();
            if (!refusalLogged) {
                refusalLogged = true;
                LOG.warn("The chart keeps at most {} series; points of new series such as '{}' are not shown "
                        + "(raise ChartServer.builder().maxSeries(…) if you need more)", settings.maxSeries(), name);
            }
            return null;
        }
        return series.computeIfAbsent(name, n -> {
            seriesChanged = true;
            return new SeriesBuffer(n, settings.historyCapacity());
        });
    }

    /** Queues an alert for every client; never blocks (drops and counts when 10,000 are queued). */
    public void publish(Alert alert) {
        alertsIn.increment();
        if (!alertQueue.offer(alert)) {
            alertsDropped.increment();
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    protected void doStart() {
        running = true;
        scheduler = Executors.newSingleThreadScheduledExecutor(daemon("datacascade-chart-timer"));
        scheduler.scheduleWithFixedDelay(this::ping, PING_INTERVAL_SECONDS, PING_INTERVAL_SECONDS, TimeUnit.SECONDS);
        historyPool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1_000),
                daemon("datacascade-chart-history"));
        storePool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(100),
                daemon("datacascade-chart-store"));
        Thread t = new Thread(this::frameLoop, "datacascade-chart-frames");
        t.setDaemon(true);
        frameThread = t;
        t.start();
    }

    @Override
    protected void doStop() throws InterruptedException {
        running = false;
        Thread t = frameThread;
        if (t != null) {
            LockSupport.unpark(t);
            t.join(5_000);
        }
        for (ClientSocket client : clients) {
            client.close(1001, "the chart server is shutting down");
        }
        for (ClientSocket client : pending) {
            client.close(1001, "the chart server is shutting down");
        }
        scheduler.shutdownNow();
        historyPool.shutdownNow();
        storePool.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---------------------------------------------------------------- connections

    /** Decides on a WebSocket upgrade: origin, capacity and token, then a new client endpoint. */
    public Object accept(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        if (!hostAllowed(request)) {
            rejected.increment();
            Response.writeError(request, response, callback, 403, "unknown host name");
            return null;
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (!originAllowed(origin, request)) {
            rejected.increment();
            LOG.warn("Refused a dashboard connection from origin '{}' (allowed: {}); add it with "
                    + "ChartServer.builder().allowedOrigins(…)", origin,
                    settings.allowedOrigins().isEmpty() ? "same origin only" : settings.allowedOrigins());
            Response.writeError(request, response, callback, 403, "origin not allowed: " + origin);
            return null;
        }
        boolean authenticated = settings.token() == null;
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (!authenticated && authorization != null) {
            if (!tokenMatches(bearer(authorization))) {
                rejected.increment();
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
                Response.writeError(request, response, callback, 401, "invalid bearer token");
                return null;
            }
            authenticated = true;
        }
        if (authenticated ? clients.size() >= settings.maxClients() : pending.size() >= Settings.MAX_PENDING_AUTH) {
            rejected.increment();
            Response.writeError(request, response, callback, 503, authenticated
                    ? "the chart server has its maximum of " + settings.maxClients() + " clients"
                    : "too many connections are waiting to send their token");
            return null;
        }
        if (!settings.compression()) {
            // per-message deflate would run once per client on the frame thread: the shared frame
            // string could no longer be shared, and CPU would grow with the number of clients
            response.setExtensions(List.of());
        }
        return new ClientSocket(this, authenticated, Request.getRemoteAddr(request));
    }

    static String bearer(String authorization) {
        return authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : "";
    }

    boolean tokenMatches(String candidate) {
        String token = settings.token();
        return token == null || candidate != null && MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    private boolean originAllowed(String origin, Request request) {
        if (origin == null) {
            return true; // not a browser: browsers always send Origin on WebSocket upgrades
        }
        Set<String> allowed = settings.allowedOrigins();
        if (allowed.contains("*")) {
            return true;
        }
        String normalized = normalizeOrigin(origin);
        if (normalized == null) {
            return false;
        }
        if (allowed.contains(normalized)) {
            return true;
        }
        String host = request.getHeaders().get(HttpHeader.HOST); // same origin: the page this server served
        String scheme = normalized.startsWith("https:") ? "https" : "http";
        return host != null && normalized.equals(normalizeOrigin(scheme + "://" + host));
    }

    /**
     * Whether the request names a host this server answers to. A dashboard bound to loopback
     * answers only to loopback names, so a web page whose own name was re-pointed to 127.0.0.1
     * (DNS rebinding) cannot read it.
     */
    boolean hostAllowed(Request request) {
        Set<String> hosts = settings.allowedHosts();
        if (hosts.isEmpty()) {
            return true;
        }
        String host = Request.getServerName(request);
        return host != null && hosts.contains(host.toLowerCase(Locale.ROOT));
    }

    /** {@code scheme://host:port} in lower case with the default port made explicit, or null if unreadable. */
    public static String normalizeOrigin(String origin) {
        try {
            URI uri = new URI(origin.trim());
            String scheme = uri.getScheme();
            String host = uri.getHost();
            int port = uri.getPort();
            if (host == null && uri.getRawAuthority() != null) {
                // names like docker-compose's chart_server are not RFC 2396 host names: split by hand
                String authority = uri.getRawAuthority();
                int colon = authority.lastIndexOf(':');
                host = colon < 0 ? authority : authority.substring(0, colon);
                port = colon < 0 ? -1 : Integer.parseInt(authority.substring(colon + 1));
            }
            if (scheme == null || host == null || host.isEmpty()) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            if (port < 0) {
                port = scheme.equals("https") ? 443 : 80;
            }
            return scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port;
        } catch (java.net.URISyntaxException | NumberFormatException e) {
            return null;
        }
    }

    /** Adds a client that just connected; false when the server is stopping or full. */
    synchronized boolean register(ClientSocket client, boolean authenticated) {
        if (!running) {
            return false;
        }
        if (!authenticated) {
            return pending.size() < Settings.MAX_PENDING_AUTH && pending.add(client);
        }
        return clients.size() < settings.maxClients() && clients.add(client);
    }

    /** Moves a client that sent the right token from waiting to connected; false when full. */
    synchronized boolean promote(ClientSocket client) {
        pending.remove(client);
        return running && clients.size() < settings.maxClients() && clients.add(client);
    }

    void unregister(ClientSocket client) {
        clients.remove(client);
        pending.remove(client);
    }

    /** Reads older history from the store on its own threads, giving up after {@code historyTimeout}. */
    List<Point> readHistory(HistoryStore store, String name, long from, long to) throws Exception {
        java.util.concurrent.Future<List<Point>> answer =
                storePool.submit(() -> store.range(name, from, to, Settings.STORE_POINTS_LIMIT));
        try {
            return answer.get(settings.historyTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            answer.cancel(true);
            throw new java.util.concurrent.TimeoutException("no answer within " + settings.historyTimeout().toSeconds() + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    void schedule(Runnable task, long delayMillis) {
        try {
            scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // the server is stopping; the client is closed anyway
        }
    }

    boolean submitHistory(Runnable task) {
        try {
            historyPool.execute(task);
            return true;
        } catch (RejectedExecutionException busy) {
            return false;
        }
    }

    private void ping() {
        for (ClientSocket client : clients) {
            client.ping();
        }
    }

    // ---------------------------------------------------------------- queries

    SeriesBuffer find(String name) {
        return series.get(name);
    }

    List<String> seriesNames() {
        List<String> names = new ArrayList<>(series.keySet());
        names.sort(null);
        return names;
    }

    HistoryStore historyStore() {
        return settings.history();
    }

    /**
     * {@code "series":[{"name":…,"t":…,"v":…,"points":…},…],"seriesTotal":n}: the first
     * {@value #LISTED_SERIES} series by name (a status goes to every client, so it stays small).
     */
    StringBuilder seriesJson(StringBuilder out) {
        out.append("\"series\":[");
        int listed = 0;
        TreeMap<String, SeriesBuffer> sorted = new TreeMap<>(series);
        for (Map.Entry<String, SeriesBuffer> e : sorted.entrySet()) {
            if (listed == LISTED_SERIES) {
                break;
            }
            if (listed++ > 0) {
                out.append(',');
            }
            SeriesBuffer b = e.getValue();
            Json.string(out.append("{\"name\":"), e.getKey());
            long t = b.lastTime();
            if (t != Long.MIN_VALUE) {
                out.append(",\"t\":").append(t);
                Json.number(out.append(",\"v\":"), b.lastValue());
            }
            out.append(",\"points\":").append(b.stored()).append('}');
        }
        return out.append("],\"seriesTotal\":").append(sorted.size());
    }

    String status(boolean authenticated) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"type\":\"status\",\"protocol\":1,\"auth\":\"").append(authenticated ? "ok" : "required")
                .append("\",");
        if (authenticated) {
            seriesJson(out).append(',');
        } else {
            out.append("\"series\":[],");
        }
        return out.append("\"maxFrameRate\":").append(settings.maxFrameRate())
                .append(",\"historyLimit\":").append(settings.historyLimit().toMillis())
                .append(",\"serverTime\":").append(System.currentTimeMillis()).append('}').toString();
    }

    List<String> recentAlerts() {
        synchronized (recentAlerts) {
            List<String> out = new ArrayList<>(recentAlerts.size());
            for (Alert a : recentAlerts) {
                out.add(Json.alert(a, true));
            }
            return out;
        }
    }

    public ChartMetrics metrics() {
        return new ChartMetrics(clients.size(), series.size(), pointsIn.sum(), pointsSkipped.sum(),
                framesSent.sum(), pointsSent.sum(), gaps.sum(), slowDisconnects.sum(), rejected.sum(),
                badMessages.sum(), alertsIn.sum(), alertsDropped.sum());
    }

    // ---------------------------------------------------------------- the frame thread

    private void frameLoop() {
        long interval = TimeUnit.SECONDS.toNanos(1) / settings.maxFrameRate();
        long next = System.nanoTime() + interval;
        long lastStatus = 0;
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            next += interval;
            long now = System.nanoTime();
            if (next < now) {
                next = now + interval; // fell behind: do not burst to catch up
            }
            try {
                String status = null;
                if (seriesChanged && now - lastStatus >= STATUS_MIN_INTERVAL_NANOS) {
                    seriesChanged = false;
                    lastStatus = now;
                    status = status(true);
                }
                tick(status);
            } catch (RuntimeException | Error e) {
                LOG.error("The chart's frame thread hit a bug; it keeps running", e);
            }
        }
    }

    private void tick(String status) {
        Map<String, PendingFrame> frames = new HashMap<>();
        for (SeriesBuffer buffer : series.values()) {
            PendingFrame frame = buffer.takePending();
            if (frame != null) {
                frames.put(frame.series(), frame);
            }
        }
        List<String> alerts = drainAlerts();
        if (frames.isEmpty() && alerts.isEmpty() && status == null) {
            return;
        }
        Tick tick = new Tick(++seq, frames, alerts, status);
        for (ClientSocket client : clients) {
            try {
                client.onTick(tick);
            } catch (RuntimeException e) {
                LOG.error("Sending a frame to one dashboard failed; the others still get theirs", e);
            }
        }
    }

    private List<String> drainAlerts() {
        if (alertQueue.isEmpty()) {
            return List.of();
        }
        List<Alert> drained = new ArrayList<>();
        alertQueue.drainTo(drained);
        List<String> out = new ArrayList<>(drained.size());
        synchronized (recentAlerts) {
            for (Alert a : drained) {
                out.add(Json.alert(a, false));
                recentAlerts.addLast(a);
                if (recentAlerts.size() > RECENT_ALERTS) {
                    recentAlerts.removeFirst();
                }
            }
        }
        return out;
    }

    /** What one frame tick hands to every client; encodes each series once per distinct {@code maxPoints}. */
    final class Tick {
        final long seq;
        final Map<String, PendingFrame> frames;
        final List<String> alerts;
        final String status;
        private final Map<Integer, IdentityHashMap<PendingFrame, Encoded>> cache = new HashMap<>();
        private final Map<PartsKey, String> frameTexts = new HashMap<>();

        Tick(long seq, Map<String, PendingFrame> frames, List<String> alerts, String status) {
            this.seq = seq;
            this.frames = frames;
            this.alerts = alerts;
            this.status = status;
        }

        /** The {@code points} message of these parts; clients watching the same series share one string. */
        String frame(List<Encoded> parts) {
            return frameTexts.computeIfAbsent(new PartsKey(parts.toArray(new Encoded[0])),
                    key -> Json.points(seq, key.parts));
        }

        Encoded encode(PendingFrame frame, int maxPoints, boolean shared) {
            if (!shared) {
                return Encoded.of(frame, maxPoints);
            }
            return cache.computeIfAbsent(maxPoints, k -> new IdentityHashMap<>())
                    .computeIfAbsent(frame, f -> Encoded.of(f, maxPoints));
        }
    }

    /** A list of encoded parts compared by identity: equal when the same cached fragments, in order. */
    private static final class PartsKey {
        final Encoded[] parts;
        private final int hash;

        PartsKey(Encoded[] parts) {
            this.parts = parts;
            int h = 1;
            for (Encoded e : parts) {
                h = 31 * h + System.identityHashCode(e);
            }
            this.hash = h;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof PartsKey other) || other.parts.length != parts.length) {
                return false;
            }
            for (int i = 0; i < parts.length; i++) {
                if (parts[i] != other.parts[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** One series' encoded fragment and what it covers (for gap markers when it is dropped). */
    record Encoded(String series, String json, int size, long points, long from, long to) {
        static Encoded of(PendingFrame frame, int maxPoints) {
            MinMax.Columns c = MinMax.ofFrame(frame, maxPoints);
            return new Encoded(frame.series(), Json.fragment(frame.series(), c), c.size(), c.points(),
                    frame.minTime(), frame.maxTime());
        }
    }
}
