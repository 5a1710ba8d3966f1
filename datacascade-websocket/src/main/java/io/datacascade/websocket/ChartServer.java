package io.datacascade.websocket;

import io.datacascade.core.Alert;
import io.datacascade.websocket.internal.DashboardHandler;
import io.datacascade.websocket.internal.Hub;
import io.datacascade.websocket.internal.Settings;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live dashboard for any pipeline: a web page with a line chart of the series you send to its
 * {@link #sink()}, fed over a WebSocket, with history, alerts and zoom.
 *
 * <pre>{@code
 * try (ChartServer chart = ChartServer.start(8080)) {
 *     DataCascade.pipeline("demo").from(DataCascade.source("sim://?series=4")).to(chart.sink()).build().start();
 *     System.out.println("Dashboard: " + chart.url());
 *     ...
 * }
 * }</pre>
 *
 * <p>By default the server listens on {@code 127.0.0.1} only, accepts WebSocket connections only
 * from pages it served itself (same origin), and keeps {@value #DEFAULT_HISTORY_CAPACITY} recent
 * points per series in memory (16 bytes each). Every client gets at most
 * {@value #DEFAULT_MAX_FRAME_RATE} frames a second; when more points arrive than a frame should
 * carry, they are reduced to the minimum and maximum of equal buckets, and the frame says so. A
 * client that cannot keep up loses frames (and is told where), then is disconnected; it never
 * slows the pipeline or the other clients.
 *
 * <p>The server can also {@linkplain Builder#mount(Server) live inside an application's own Jetty}.
 */
public final class ChartServer implements AutoCloseable {

    /** Frames per second per client unless {@link Builder#maxFrameRate(int)} says otherwise. */
    public static final int DEFAULT_MAX_FRAME_RATE = 30;
    /**
     * Points per series per frame before min/max downsampling, for clients that do not say: a
     * 1,920-pixel chart of the last minute moves about one pixel per frame, so 50 leaves room for
     * zooming in on the last seconds. The dashboard page asks for what its width needs.
     */
    public static final int DEFAULT_MAX_POINTS = 50;
    /** Recent points kept in memory per series. */
    public static final int DEFAULT_HISTORY_CAPACITY = 20_000;
    /** Unsent bytes per client before its frames are dropped. */
    public static final long DEFAULT_SEND_BUFFER_BYTES = 256 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ChartServer.class);

    private final Hub hub;
    private final ChartSink sink;
    private final ContextHandler context;
    private final Server ownServer;
    private final String host;

    private ChartServer(Hub hub, ContextHandler context, Server ownServer, String host) {
        this.hub = hub;
        this.sink = new ChartSink(hub);
        this.context = context;
        this.ownServer = ownServer;
        this.host = host;
    }

    /** Starts a dashboard with default settings on {@code 127.0.0.1:port} (0 picks a free port). */
    public static ChartServer start(int port) {
        return builder().port(port).start();
    }

    /** Settings for a dashboard; finish with {@link Builder#start()} or {@link Builder#mount(Server)}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The sink that puts points on the chart; the same object every time, shareable by pipelines. */
    public ChartSink sink() {
        return sink;
    }

    /** Shows an alert on every connected dashboard (panel and chart marker); never blocks. */
    public void publish(Alert alert) {
        hub.publish(Objects.requireNonNull(alert, "alert can't be null"));
    }

    /** The port the dashboard listens on. */
    public int port() {
        if (ownServer == null) {
            throw new IllegalStateException("this dashboard is mounted in another Jetty server; ask that server");
        }
        return ((ServerConnector) ownServer.getConnectors()[0]).getLocalPort();
    }

    /** The dashboard's address to open in a browser, such as {@code http://localhost:8080/}. */
    public URI url() {
        String shown = host.equals("127.0.0.1") || host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        if (shown.contains(":")) {
            shown = "[" + shown + "]";
        }
        return URI.create("http://" + shown + ":" + port() + "/");
    }

    /** The handler to add to the host server when {@linkplain Builder#mount(Server) mounted}. */
    public ContextHandler handler() {
        return context;
    }

    /** Counters since start: clients, points in and out, gaps, disconnects, rejections. */
    public ChartMetrics metrics() {
        return hub.metrics();
    }

    /** Stops the server (or, when mounted, the dashboard's own threads) and disconnects every client. */
    @Override
    public void close() {
        try {
            if (ownServer != null) {
                ownServer.stop();
            } else {
                context.stop();
            }
        } catch (Exception e) {
            LOG.warn("The dashboard did not stop cleanly", e);
        }
    }

    /** Settings of a {@link ChartServer}. Every setting has a default that suits a local dashboard. */
    public static final class Builder {
        private String bind = "127.0.0.1";
        private int port = 8080;
        private String contextPath = "/";
        private int maxFrameRate = DEFAULT_MAX_FRAME_RATE;
        private int maxPoints = DEFAULT_MAX_POINTS;
        private int historyCapacity = DEFAULT_HISTORY_CAPACITY;
        private int maxSeries = 10_000;
        private int maxSeriesPerClient = 64;
        private HistoryStore history;
        private Duration historyLimit = Duration.ofHours(1);
        private int historyPoints = 2_000;
        private int maxClients = 100;
        private int maxMessageBytes = 4096;
        private long sendBufferBytes = DEFAULT_SEND_BUFFER_BYTES;
        private Duration stallTimeout = Duration.ofSeconds(5);
        private final Set<String> allowedOrigins = new LinkedHashSet<>();
        private final Set<String> allowedHosts = new LinkedHashSet<>();
        private Duration historyTimeout = Duration.ofSeconds(10);
        private boolean compression;
        private String token;
        private Duration authTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /** The address to listen on: {@code 127.0.0.1} (default, this machine only) or {@code 0.0.0.0} (everyone). */
        public Builder bind(String address) {
            Objects.requireNonNull(address, "bind address can't be null");
            if (address.isBlank()) {
                throw new IllegalArgumentException("bind address can't be blank");
            }
            this.bind = address;
            return this;
        }

        /** The port to listen on (default 8080); 0 picks a free one, see {@link ChartServer#port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** Where the dashboard lives when mounted, such as {@code /charts} (default {@code /}). */
        public Builder contextPath(String path) {
            Objects.requireNonNull(path, "contextPath can't be null");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("contextPath must start with '/', was '" + path + "'");
            }
            this.contextPath = path;
            return this;
        }

        /** Most frames per second sent to one client, 1 to 120 (default 30). */
        public Builder maxFrameRate(int framesPerSecond) {
            this.maxFrameRate = check("maxFrameRate", framesPerSecond, 1, 120);
            return this;
        }

        /** Points per series per frame above which a frame is downsampled, 3 to 2048 (default 50). */
        public Builder maxPointsPerFrame(int points) {
            this.maxPoints = check("maxPointsPerFrame", points, 3, Settings.MAX_POINTS_LIMIT);
            return this;
        }

        /** Recent points kept in memory per series, at least 16 (default 20,000: 320 KB per full series). */
        public Builder historyCapacity(int points) {
            this.historyCapacity = check("historyCapacity", points, 16, Integer.MAX_VALUE);
            return this;
        }

        /** Most series kept; points of further series are skipped and counted (default 10,000). */
        public Builder maxSeries(int series) {
            this.maxSeries = check("maxSeries", series, 1, Integer.MAX_VALUE);
            return this;
        }

        /** Most series one client may watch (default 64). */
        public Builder maxSeriesPerClient(int series) {
            this.maxSeriesPerClient = check("maxSeriesPerClient", series, 1, 100_000);
            return this;
        }

        /** A store for history older than what memory keeps, such as a DynamoDB table. */
        public Builder history(HistoryStore store) {
            this.history = Objects.requireNonNull(store, "history store can't be null");
            return this;
        }

        /** The longest history a client may ask for (default 1 hour). */
        public Builder historyLimit(Duration limit) {
            this.historyLimit = positive("historyLimit", limit);
            return this;
        }

        /** Points per series in a history answer before downsampling, 3 to 10,000 (default 2,000). */
        public Builder historyPoints(int points) {
            this.historyPoints = check("historyPoints", points, 3, Settings.HISTORY_POINTS_LIMIT);
            return this;
        }

        /** Most clients connected at once; further ones get HTTP 503 (default 100). */
        public Builder maxClients(int clients) {
            this.maxClients = check("maxClients", clients, 1, 1_000_000);
            return this;
        }

        /** Largest message a client may send, in bytes; larger ones close the connection (default 4096). */
        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = check("maxMessageBytes", bytes, 256, 1 << 20);
            return this;
        }

        /**
         * Unsent bytes one client may have before its frames are dropped and a gap is marked
         * (default 256 KiB).
         */
        public Builder sendBufferBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("sendBufferBytes must be at least 1024, was " + bytes);
            }
            this.sendBufferBytes = bytes;
            return this;
        }

        /** How long a client may stay over its send buffer before it is disconnected (default 5 s). */
        public Builder stallTimeout(Duration timeout) {
            this.stallTimeout = positive("stallTimeout", timeout);
            return this;
        }

        /**
         * Browser origins allowed to connect besides pages served by this server itself, such as
         * {@code https://ops.example.com}; {@code "*"} allows any.
         */
        public Builder allowedOrigins(String... origins) {
            for (String origin : origins) {
                Objects.requireNonNull(origin, "origin can't be null");
                if (origin.equals("*")) {
                    allowedOrigins.add(origin);
                    continue;
                }
                String normalized = Hub.normalizeOrigin(origin);
                if (normalized == null) {
                    throw new IllegalArgumentException("origin must look like https://host[:port], was '" + origin + "'");
                }
                allowedOrigins.add(normalized);
            }
            return this;
        }

        /**
         * Requires this bearer token from every client: in the {@code Authorization} header of the
         * upgrade request, or as the first message {@code {"type":"auth","token":"…"}} (browsers).
         */
        public Builder token(String bearerToken) {
            Objects.requireNonNull(bearerToken, "token can't be null");
            if (bearerToken.length() < 8) {
                throw new IllegalArgumentException("token must be at least 8 characters, was " + bearerToken.length());
            }
            this.token = bearerToken;
            return this;
        }

        /**
         * Host names this server answers to, such as {@code charts.example.com}; requests naming
         * another host get 403. By default a server bound to loopback answers only to
         * {@code localhost}, {@code 127.0.0.1} and {@code [::1]} (so a web page whose own name was
         * re-pointed to 127.0.0.1, DNS rebinding, cannot read it), and one bound elsewhere to any name.
         */
        public Builder allowedHosts(String... hosts) {
            for (String host : hosts) {
                Objects.requireNonNull(host, "host can't be null");
                if (host.isBlank() || host.contains("/") || host.contains(" ")) {
                    throw new IllegalArgumentException("host must be a bare host name such as charts.example.com, was '"
                            + host + "'");
                }
                allowedHosts.add(host.toLowerCase(java.util.Locale.ROOT));
            }
            return this;
        }

        /** How long a {@link HistoryStore} may take to answer before the client gets an error (default 10 s). */
        public Builder historyTimeout(Duration timeout) {
            this.historyTimeout = positive("historyTimeout", timeout);
            return this;
        }

        /**
         * Whether browsers may compress frames (WebSocket per-message deflate; default off). It
         * saves about three quarters of the bytes, which matters over slow links, but costs CPU on
         * the server for every client and frame.
         */
        public Builder compression(boolean enabled) {
            this.compression = enabled;
            return this;
        }

        /** How long a client has to send its token before it is disconnected (default 10 s). */
        public Builder authTimeout(Duration timeout) {
            this.authTimeout = positive("authTimeout", timeout);
            return this;
        }

        /**
         * Starts a Jetty server of its own on {@link #bind}:{@link #port}.
         *
         * @throws IllegalStateException when the port cannot be opened, for example because it is in use
         */
        public ChartServer start() {
            QueuedThreadPool threads = new QueuedThreadPool(32, 4);
            threads.setName("datacascade-chart-http");
            threads.setDaemon(true);
            Server server = new Server(threads);
            ServerConnector connector = new ServerConnector(server, 1, 1);
            connector.setHost(bind);
            connector.setPort(port);
            server.addConnector(connector);
            ChartServer chart = assemble(server, "/", true);
            server.setHandler(chart.context);
            server.setStopAtShutdown(false);
            try {
                server.start();
            } catch (IOException e) {
                stopQuietly(server);
                throw new IllegalStateException("could not open the dashboard on " + bind + ":" + port + " ("
                        + e.getMessage() + "); is the port in use? Choose another with port(…), or 0 for any free port", e);
            } catch (Exception e) {
                stopQuietly(server);
                throw new IllegalStateException("could not start the dashboard on " + bind + ":" + port + ": " + e, e);
            }
            LOG.info("Dashboard listening on {}", chart.url());
            return chart;
        }

        /**
         * Prepares the dashboard for an application's own Jetty {@code host}: add
         * {@link ChartServer#handler()} to its handlers (for example a
         * {@code ContextHandlerCollection}) before starting it; the dashboard starts and stops with it.
         */
        public ChartServer mount(Server host) {
            Objects.requireNonNull(host, "host server can't be null");
            return assemble(host, contextPath, false);
        }

        private ChartServer assemble(Server server, String path, boolean owned) {
            Hub hub = new Hub(settings(owned));
            ContextHandler context = new ContextHandler(path);
            WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, context, container -> {
                container.setMaxTextMessageSize(maxMessageBytes);
                container.setMaxBinaryMessageSize(maxMessageBytes);
                container.setIdleTimeout(Duration.ofSeconds(60));
                container.addMapping("/ws", hub::accept);
            });
            ws.setHandler(new DashboardHandler(hub));
            context.setHandler(ws);
            context.addBean(hub, true);
            return new ChartServer(hub, context, owned ? server : null, bind);
        }

        private Settings settings(boolean owned) {
            Set<String> hosts = allowedHosts;
            if (hosts.isEmpty() && owned && LOOPBACK.contains(bind)) {
                hosts = LOOPBACK;
            }
            return new Settings(maxFrameRate, maxPoints, historyCapacity, maxSeries, maxSeriesPerClient, history,
                    historyLimit, historyPoints, maxClients, maxMessageBytes, sendBufferBytes, stallTimeout,
                    Set.copyOf(allowedOrigins), Set.copyOf(hosts), token, authTimeout, historyTimeout, compression);
        }

        /** Loopback bind addresses, which are also the only host names such a server answers to. */
        private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

        private static void stopQuietly(Server server) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // already failing; the first error is the one to report
            }
        }

        private static int check(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name + " can't be null");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
