package io.datacascade.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * The dashboard clients of {@link DashboardFanout}, in a JVM of their own so the server's heap
 * holds only server-side state. Started by the harness as
 * {@code java -cp <same classpath> io.datacascade.benchmarks.DashboardFanoutClients <port> <series> <baseMicros>};
 * takes one command per line on stdin and answers each with one line starting with {@code DFC}
 * on stdout:
 *
 * <ul>
 *   <li>{@code connect <n> <maxPoints|0>}: opens {@code n} more WebSocket connections through one
 *       shared Jetty {@link WebSocketClient}; each subscribes to {@code ["*"]} with
 *       {@code history 0} (and {@code maxPoints} unless 0) when the server's {@code status}
 *       arrives; answered once every one of them has a {@code history} answer for every series.</li>
 *   <li>{@code reset}: starts a measurement window (zeroes every counter and histogram).</li>
 *   <li>{@code report}: the window so far, as {@code DFC report key=value ...}.</li>
 *   <li>{@code close}: closes every connection (1000) and waits for the close handshakes.</li>
 *   <li>{@code quit} or end of input: exits.</li>
 * </ul>
 *
 * <p>Per received {@code points} frame a client takes the wall clock once (epoch µs, the clock
 * the source stamps points with), then reads every value of every series in the frame: each
 * value is the point's ingest time in µs since {@code baseMicros}, so
 * {@code now - value} is that point's ingest→client latency, recorded in the client's own
 * {@link Histogram} (µs). The newest point of the frame gives the frame's latency. Frames are
 * scanned by hand (the server writes them in a fixed shape) to keep the clients' CPU cost low on
 * a machine they share with the server.
 */
public final class DashboardFanoutClients {

    static final String PREFIX = "DFC ";
    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    private static final int TIMELINE_SECONDS = 3_600;

    private final URI uri;
    private final int series;
    private final long baseMicros;
    private final PrintStream out;
    private final WebSocketClient jetty = new WebSocketClient();
    private final List<Conn> conns = new ArrayList<>();
    /** Per second of the window: the worst point latency (µs) and the frames received, over all clients. */
    private volatile Timeline timeline = new Timeline(System.nanoTime());

    private DashboardFanoutClients(int port, int series, long baseMicros, PrintStream out) {
        this.uri = URI.create("ws://127.0.0.1:" + port + "/ws");
        this.series = series;
        this.baseMicros = baseMicros;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (args.length != 3) {
            out.println(PREFIX + "error usage: DashboardFanoutClients <port> <series> <baseMicros>");
            System.exit(2);
        }
        DashboardFanoutClients clients = new DashboardFanoutClients(Integer.parseInt(args[0]), Integer.parseInt(args[1]),
                Long.parseLong(args[2]), out);
        int code = 0;
        try {
            clients.run();
        } catch (Exception | Error e) {
            out.println(PREFIX + "error " + oneLine(e.toString()));
            code = 1;
        }
        System.exit(code);
    }

    private void run() throws Exception {
        jetty.setMaxTextMessageSize(64 << 20);
        jetty.setInputBufferSize(64 << 10); // a typical frame (~50 KB) in one read rather than a dozen
        jetty.setIdleTimeout(Duration.ofMinutes(10));
        jetty.setStopTimeout(5_000);
        jetty.start();
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] cmd = line.trim().split(" +");
                try {
                    switch (cmd[0]) {
                        case "connect" -> connect(Integer.parseInt(cmd[1]), Integer.parseInt(cmd[2]));
                        case "reset" -> reset();
                        case "report" -> out.println(PREFIX + "report " + report());
                        case "close" -> closeAll();
                        case "quit" -> {
                            return;
                        }
                        default -> out.println(PREFIX + "error unknown command '" + line + "'");
                    }
                } catch (Exception e) {
                    out.println(PREFIX + "error " + cmd[0] + ": " + oneLine(e.toString()));
                }
            }
        } finally {
            for (Conn c : conns) {
                c.closeQuietly();
            }
            jetty.stop();
        }
    }

    private void connect(int n, int maxPoints) throws Exception {
        long start = System.nanoTime();
        String subscribe = "{\"type\":\"subscribe\",\"series\":[\"*\"],\"history\":0"
                + (maxPoints > 0 ? ",\"maxPoints\":" + maxPoints : "") + "}";
        List<Conn> fresh = new ArrayList<>();
        List<CompletableFuture<Session>> sessions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Conn c = new Conn(conns.size() + i, subscribe);
            fresh.add(c);
            sessions.add(jetty.connect(c, uri));
        }
        for (CompletableFuture<Session> s : sessions) {
            s.get(30, TimeUnit.SECONDS);
        }
        conns.addAll(fresh);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Conn c : fresh) {
            while (!c.subscribed()) {
                if (c.closeCode() != 0) {
                    throw new IllegalStateException("client " + c.id + " was closed while subscribing: " + c.closeCode()
                            + " " + c.closeReason);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("client " + c.id + " has no history answer for every series after 60 s: "
                            + c.histories + " of " + series);
                }
                Thread.sleep(5);
            }
        }
        out.printf(Locale.ROOT, "%sok connect clients=%d ms=%d%n", PREFIX, conns.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private void reset() {
        timeline = new Timeline(System.nanoTime());
        for (Conn c : conns) {
            c.reset();
        }
        out.println(PREFIX + "ok reset");
    }

    private void closeAll() throws InterruptedException {
        for (Conn c : conns) {
            c.closeQuietly();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (Conn c : conns) {
            while (c.closeCode() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        long open = conns.stream().filter(c -> c.closeCode() == 0).count();
        conns.clear();
        out.println(PREFIX + "ok close still_open=" + open);
    }

    /** The window since the last reset, over all clients. */
    private String report() {
        Timeline tl = timeline;
        double seconds = (System.nanoTime() - tl.startNanos) / 1e9;
        Histogram points = new Histogram(HIGHEST_MICROS, 3);
        Histogram frames = new Histogram(HIGHEST_MICROS, 3);
        Histogram intervals = new Histogram(HIGHEST_MICROS, 3);
        List<Stats> all = new ArrayList<>();
        for (Conn c : conns) {
            all.add(c.snapshot(points, frames, intervals));
        }
        Map<String, Long> closes = new TreeMap<>();
        long open = 0;
        for (Conn c : conns) {
            if (c.closeCode() == 0) {
                open++;
            } else {
                closes.merge(Integer.toString(c.closeCode()), 1L, Long::sum);
            }
        }
        int n = Math.max(1, all.size());
        double framesMean = all.stream().mapToLong(Stats::frames).sum() / seconds / n;
        double framesMin = all.stream().mapToLong(Stats::frames).min().orElse(0) / seconds;
        double pointsMean = all.stream().mapToLong(Stats::points).sum() / seconds / n;
        double pointsMin = all.stream().mapToLong(Stats::points).min().orElse(0) / seconds;
        double reprMean = all.stream().mapToLong(Stats::represented).sum() / seconds / n;
        double reprMin = all.stream().mapToLong(Stats::represented).min().orElse(0) / seconds;
        int secs = (int) Math.min(TIMELINE_SECONDS, Math.floor(seconds));
        StringBuilder worst = new StringBuilder();
        StringBuilder perSecond = new StringBuilder();
        for (int s = 0; s < secs; s++) {
            worst.append(s == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.1f", tl.worstMicros.get(s) / 1e3));
            perSecond.append(s == 0 ? "" : ",").append(tl.frames.get(s));
        }
        StringBuilder r = new StringBuilder();
        kv(r, "window_s", String.format(Locale.ROOT, "%.3f", seconds));
        kv(r, "clients", all.size());
        kv(r, "open", open);
        kv(r, "closes", closes.isEmpty() ? "-" : closes.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(",")));
        kv(r, "frames_per_s_mean", f1(framesMean));
        kv(r, "frames_per_s_min", f1(framesMin));
        kv(r, "points_per_s_mean", f1(pointsMean));
        kv(r, "points_per_s_min", f1(pointsMin));
        kv(r, "represented_per_s_mean", f1(reprMean));
        kv(r, "represented_per_s_min", f1(reprMin));
        kv(r, "downsampled_parts", all.stream().mapToLong(Stats::downsampledParts).sum());
        kv(r, "parts", all.stream().mapToLong(Stats::parts).sum());
        kv(r, "seq_missing", all.stream().mapToLong(Stats::seqMissing).sum());
        kv(r, "seq_missing_max_client", all.stream().mapToLong(Stats::seqMissing).max().orElse(0));
        kv(r, "gap_messages", all.stream().mapToLong(Stats::gapMessages).sum());
        kv(r, "gap_dropped_points", all.stream().mapToLong(Stats::gapDropped).sum());
        kv(r, "errors", all.stream().mapToLong(Stats::errors).sum());
        kv(r, "negative_latencies", all.stream().mapToLong(Stats::negative).sum());
        percentiles(r, "lat", points);
        percentiles(r, "frame_lat", frames);
        percentiles(r, "interval", intervals);
        kv(r, "client_p99_ms_max", f3(all.stream().mapToLong(Stats::p99Micros).max().orElse(0) / 1e3));
        kv(r, "worst_ms_per_s", worst.length() == 0 ? "-" : worst.toString());
        kv(r, "frames_per_s_all", perSecond.length() == 0 ? "-" : perSecond.toString());
        return r.toString().trim();
    }

    private static void percentiles(StringBuilder r, String name, Histogram h) {
        kv(r, name + "_n", h.getTotalCount());
        kv(r, name + "_p50_ms", f3(h.getValueAtPercentile(50) / 1e3));
        kv(r, name + "_p90_ms", f3(h.getValueAtPercentile(90) / 1e3));
        kv(r, name + "_p99_ms", f3(h.getValueAtPercentile(99) / 1e3));
        kv(r, name + "_p999_ms", f3(h.getValueAtPercentile(99.9) / 1e3));
        kv(r, name + "_max_ms", f3(h.getMaxValue() / 1e3));
    }

    private static void kv(StringBuilder r, String key, Object value) {
        r.append(key).append('=').append(value).append(' ');
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    /** What all clients saw per second of the window. */
    private static final class Timeline {
        final long startNanos;
        final AtomicLongArray worstMicros = new AtomicLongArray(TIMELINE_SECONDS);
        final AtomicLongArray frames = new AtomicLongArray(TIMELINE_SECONDS);

        Timeline(long startNanos) {
            this.startNanos = startNanos;
        }

        void frame(long nowNanos, long worst) {
            long s = (nowNanos - startNanos) / 1_000_000_000L;
            if (s < 0 || s >= TIMELINE_SECONDS) {
                return;
            }
            frames.incrementAndGet((int) s);
            worstMicros.accumulateAndGet((int) s, worst, Math::max);
        }
    }

    /** One client's counters for a window. */
    private record Stats(long frames, long points, long represented, long parts, long downsampledParts, long seqMissing,
                         long gapMessages, long gapDropped, long errors, long negative, long p99Micros) {
    }

    /** One dashboard connection. Jetty calls it for one message at a time. */
    public final class Conn implements Session.Listener.AutoDemanding {
        final int id;
        private final String subscribe;
        private volatile Session session;
        private volatile int closeCode;
        private volatile String closeReason = "";
        private volatile boolean subscribeSent;
        private volatile int histories;
        private volatile boolean busy;

        // guarded by this
        private Histogram latency = new Histogram(HIGHEST_MICROS, 3);
        private Histogram frameLatency = new Histogram(HIGHEST_MICROS, 3);
        private Histogram intervals = new Histogram(HIGHEST_MICROS, 3);
        private long frames;
        private long points;
        private long represented;
        private long parts;
        private long downsampledParts;
        private long lastSeq = -1;
        private long seqMissing;
        private long gapMessages;
        private long gapDropped;
        private long errors;
        private long negative;
        private long lastFrameNanos;

        Conn(int id, String subscribe) {
            this.id = id;
            this.subscribe = subscribe;
        }

        boolean subscribed() {
            return histories >= series || busy && subscribeSent;
        }

        int closeCode() {
            return closeCode;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
        }

        @Override
        public void onWebSocketText(String text) {
            long nowMicros = DashboardFanoutSource.wallMicros();
            long nowNanos = System.nanoTime();
            String type = type(text);
            switch (type) {
                case "points" -> points(text, nowMicros - baseMicros, nowNanos);
                case "status" -> {
                    if (!subscribeSent) {
                        subscribeSent = true;
                        session.sendText(subscribe, Callback.NOOP);
                    }
                }
                case "history" -> histories++;
                case "gap" -> {
                    long dropped = number(text, text.indexOf("\"dropped\":") + 10);
                    synchronized (this) {
                        gapMessages++;
                        gapDropped += dropped;
                    }
                }
                case "error" -> {
                    if (text.contains("\"busy\"")) {
                        busy = true; // the server streams that series live without history
                    }
                    synchronized (this) {
                        errors++;
                    }
                    System.err.println("[clients] client " + id + " got " + text);
                }
                default -> {
                    // alerts: none in this benchmark
                }
            }
        }

        /** Reads one points frame: counts, and the age of every point (µs since the run's base). */
        private void points(String text, long nowRel, long nowNanos) {
            int seqAt = text.indexOf("\"seq\":");
            long seq = number(text, seqAt + 6);
            long newest = Long.MIN_VALUE;
            long worst = 0;
            synchronized (this) {
                int pos = seqAt;
                while ((pos = text.indexOf("\"v\":[", pos)) >= 0) {
                    pos += 5;
                    int count = 0;
                    while (text.charAt(pos) != ']') {
                        int end = pos;
                        while (text.charAt(end) != ',' && text.charAt(end) != ']') {
                            end++;
                        }
                        long v = value(text, pos, end);
                        long lat = nowRel - v;
                        if (lat < 0) {
                            negative++;
                            lat = 0;
                        }
                        latency.recordValue(Math.min(lat, HIGHEST_MICROS));
                        worst = Math.max(worst, lat);
                        newest = Math.max(newest, v);
                        count++;
                        pos = text.charAt(end) == ',' ? end + 1 : end;
                    }
                    parts++;
                    points += count;
                    if (text.startsWith(",\"downsampled\":", pos + 1)) {
                        int at = text.indexOf("\"points\":", pos);
                        represented += number(text, at + 9);
                        downsampledParts++;
                    } else {
                        represented += count;
                    }
                }
                if (newest != Long.MIN_VALUE) {
                    frameLatency.recordValue(Math.min(Math.max(0, nowRel - newest), HIGHEST_MICROS));
                }
                if (seq > 0) { // seq 0: live points held back while the history was on its way
                    frames++;
                    if (lastSeq > 0 && seq > lastSeq + 1) {
                        seqMissing += seq - lastSeq - 1;
                    }
                    lastSeq = seq;
                    if (lastFrameNanos != 0) {
                        intervals.recordValue(Math.min((nowNanos - lastFrameNanos) / 1_000, HIGHEST_MICROS));
                    }
                    lastFrameNanos = nowNanos;
                }
            }
            timeline.frame(nowNanos, worst);
        }

        synchronized void reset() {
            latency = new Histogram(HIGHEST_MICROS, 3);
            frameLatency = new Histogram(HIGHEST_MICROS, 3);
            intervals = new Histogram(HIGHEST_MICROS, 3);
            frames = 0;
            points = 0;
            represented = 0;
            parts = 0;
            downsampledParts = 0;
            seqMissing = 0;
            gapMessages = 0;
            gapDropped = 0;
            errors = 0;
            negative = 0;
            // lastSeq and lastFrameNanos carry over: a frame missing right at the start still counts
        }

        /** Adds this client's histograms to the given ones and returns its counters. */
        synchronized Stats snapshot(Histogram allPoints, Histogram allFrames, Histogram allIntervals) {
            allPoints.add(latency);
            allFrames.add(frameLatency);
            allIntervals.add(intervals);
            return new Stats(frames, points, represented, parts, downsampledParts, seqMissing, gapMessages, gapDropped,
                    errors, negative, latency.getValueAtPercentile(99));
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            callback.succeed();
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            closeReason = reason == null ? "" : reason;
            closeCode = statusCode;
            callback.succeed();
            if (statusCode != 1000) {
                System.err.println("[clients] client " + id + " closed: " + statusCode + " " + reason);
            }
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            closeReason = "error: " + cause;
            if (closeCode == 0) {
                closeCode = -1;
            }
            System.err.println("[clients] client " + id + " failed: " + cause);
        }

        void closeQuietly() {
            Session s = session;
            if (s != null && s.isOpen()) {
                s.close(1000, "benchmark done", Callback.NOOP);
            }
        }
    }

    /** The message's {@code type}: the server writes it first. */
    static String type(String text) {
        int at = text.startsWith("{\"type\":\"") ? 9 : text.indexOf("\"type\":\"") + 8;
        if (at < 8) {
            return "";
        }
        int end = text.indexOf('"', at);
        return end < 0 ? "" : text.substring(at, end);
    }

    /** The non-negative integer starting at {@code from} (digits only). */
    static long number(String text, int from) {
        long n = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** A value in {@code [from, end)}: an integer as the server writes whole numbers, or any JSON number. */
    static long value(String text, int from, int end) {
        boolean negative = text.charAt(from) == '-';
        long n = 0;
        for (int i = negative ? from + 1 : from; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return (long) Double.parseDouble(text.substring(from, end));
            }
            n = n * 10 + (c - '0');
        }
        return negative ? -n : n;
    }
}
