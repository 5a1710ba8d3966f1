package io.datacascade.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.datacascade.core.Alert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The WebSocket protocol against a real server and real Jetty clients. */
class ChartServerTest extends ChartTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void shouldSendStatusThenHistoryThenLivePointsWithoutLossOrDuplicatesAtTheSeam() throws Exception {
        ChartServer chart = server(ChartServer.builder().maxPointsPerFrame(2048));
        Feed feed = track(new Feed(chart));
        String[] series = {"cpu.load", "mem.used", "disk.io"};
        int perSeries = 6_000;
        long base = System.currentTimeMillis() - 30_000;
        AtomicBoolean subscribed = new AtomicBoolean();
        Thread feeder = new Thread(() -> {
            for (int i = 0; i < perSeries; i++) {
                for (String s : series) {
                    feed.offer(s, base + i, i * 0.5);
                }
                if (i % 5 == 4) {
                    sleep(1);
                }
                while (i == perSeries / 3 && !subscribed.get()) {
                    sleep(1); // let the client subscribe while points keep arriving afterwards
                }
            }
        });
        feeder.start();
        Feed.awaitPointsIn(chart, (long) series.length * (perSeries / 3));

        WsClient client = track(WsClient.connect(chart));
        JsonNode status = client.await("status");
        assertThat(status.path("auth").asText()).isEqualTo("ok");
        assertThat(names(status.path("series"))).contains(series);
        client.send(Map.of("type", "subscribe", "series", List.of(series), "history", 60_000, "historyPoints", 10_000));
        subscribed.set(true);
        feeder.join();
        Feed.awaitPointsIn(chart, (long) series.length * perSeries);

        for (String s : series) {
            long expectedLast = base + perSeries - 1;
            client.awaitReceived("points", m -> lastTime(m, s) == expectedLast, WAIT);
            List<Long> times = new ArrayList<>();
            boolean historySeen = false;
            for (JsonNode m : client.received()) {
                String type = m.path("type").asText();
                if (type.equals("history") && m.path("series").asText().equals(s)) {
                    assertThat(historySeen).as("one history for %s", s).isFalse();
                    assertThat(m.has("downsampled")).isFalse();
                    historySeen = true;
                    m.path("t").forEach(t -> times.add(t.asLong()));
                } else if (type.equals("points")) {
                    for (JsonNode part : m.path("data")) {
                        if (part.path("series").asText().equals(s)) {
                            assertThat(historySeen).as("live points of %s before its history", s).isTrue();
                            assertThat(part.has("downsampled")).isFalse();
                            part.path("t").forEach(t -> times.add(t.asLong()));
                        }
                    }
                }
            }
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < perSeries; i++) {
                expected.add(base + i);
            }
            assertThat(times).as("history + live of %s", s).isEqualTo(expected);
        }
    }

    @Test
    void shouldCoalesceFramesToTheConfiguredRate() throws Exception {
        ChartServer chart = server(ChartServer.builder().maxFrameRate(10).maxPointsPerFrame(2048));
        Feed feed = track(new Feed(chart));
        WsClient client = track(WsClient.connect(chart));
        client.await("status");
        client.send(Map.of("type", "subscribe", "series", List.of("a", "b")));
        client.awaitReceived("history", m -> m.path("series").asText().equals("a"), WAIT); // history answers a subscription
        client.awaitReceived("history", m -> m.path("series").asText().equals("b"), WAIT);
        long start = System.nanoTime();
        long t = System.currentTimeMillis();
        int written = 0;
        while (System.nanoTime() - start < 2_000_000_000L) {
            for (int i = 0; i < 20; i++) {
                feed.offer("a", t, i);
                feed.offer("b", t, i);
                t++;
                written += 2;
            }
            sleep(1);
        }
        Feed.awaitPointsIn(chart, written);
        long last = t - 1;
        client.awaitReceived("points", m -> lastTime(m, "a") == last && lastTime(m, "b") == last, WAIT);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<JsonNode> frames = client.received("points");
        assertThat(frames.size()).as("frames in %.1f s at most 10/s", seconds).isBetween(5, (int) Math.ceil(seconds * 10) + 2);
        long points = 0;
        for (JsonNode frame : frames) {
            assertThat(frame.path("data").size()).isBetween(1, 2);
            for (JsonNode part : frame.path("data")) {
                points += part.path("t").size();
            }
        }
        assertThat(points).as("every point arrives, coalesced").isEqualTo(written);
    }

    @Test
    void shouldDownsampleToMinAndMaxWhenMorePointsArriveThanAFrameCarries() throws Exception {
        ChartServer chart = server(ChartServer.builder().maxFrameRate(5));
        Feed feed = track(new Feed(chart));
        WsClient client = track(WsClient.connect(chart));
        client.await("status");
        client.send(Map.of("type", "subscribe", "series", List.of("wave"), "maxPoints", 50));
        JsonNode empty = client.await("history");
        assertThat(empty.path("t").size()).isZero();
        // one burst of 100,000 points, far more than 50 a frame: a sine with one spike up and one down
        int n = 100_000;
        long base = System.currentTimeMillis();
        int up = 31_337;
        int down = 77_777;
        for (int i = 0; i < n; i++) {
            double v = i == up ? 1e6 : i == down ? -1e6 : Math.sin(i / 1000.0);
            feed.offer("wave", base + i, v);
        }
        Feed.awaitPointsIn(chart, n);
        client.awaitReceived("points", m -> lastTime(m, "wave") == base + n - 1, WAIT);
        List<JsonNode> frames = client.received("points");
        boolean sawUp = false;
        boolean sawDown = false;
        boolean downsampled = false;
        for (JsonNode frame : frames) {
            for (JsonNode part : frame.path("data")) {
                assertThat(part.path("t").size()).as("points in one frame").isLessThanOrEqualTo(50);
                downsampled |= part.path("downsampled").path("method").asText().equals("minmax");
                for (int i = 0; i < part.path("t").size(); i++) {
                    long t = part.path("t").get(i).asLong();
                    double v = part.path("v").get(i).asDouble();
                    sawUp |= t == base + up && v == 1e6;
                    sawDown |= t == base + down && v == -1e6;
                    if (i > 0) {
                        assertThat(t).as("time order").isGreaterThan(part.path("t").get(i - 1).asLong());
                    }
                }
            }
        }
        assertThat(downsampled).as("a frame says it was downsampled").isTrue();
        assertThat(sawUp && sawDown).as("the spike and the dip survive downsampling").isTrue();
        assertThat(counts(frames)).as("the frames account for every point").containsEntry("wave", (long) n);
    }

    @Test
    void shouldAskTheHistoryStoreOnlyForWhatMemoryDoesNotCover() throws Exception {
        List<long[]> asked = java.util.Collections.synchronizedList(new ArrayList<>());
        HistoryStore store = (series, from, to, limit) -> {
            asked.add(new long[] {from, to});
            return List.of(io.datacascade.core.Point.of(series, from, -1));
        };
        ChartServer chart = server(ChartServer.builder().historyCapacity(100).history(store));
        Feed feed = track(new Feed(chart));
        // an hour ahead of the clock, so the window ends at the newest point however slow this machine is
        long base = System.currentTimeMillis() + 3_600_000;
        for (int i = 0; i < 500; i++) {
            feed.offer("s", base + i, i); // one point a millisecond: memory holds the last 100
        }
        Feed.awaitPointsIn(chart, 500);
        WsClient client = track(WsClient.connect(chart));
        client.await("status");
        client.send(Map.of("type", "subscribe", "series", List.of("s"), "history", 50));
        JsonNode recent = client.await("history");
        assertThat(recent.path("t").size()).as("covered by memory").isEqualTo(51);
        assertThat(asked).as("store calls for a window memory covers").isEmpty();

        client.send(Map.of("type", "subscribe", "series", List.of("s"), "history", 60_000));
        JsonNode longer = client.await("history");
        assertThat(asked).hasSize(1);
        long[] range = asked.get(0);
        assertThat(range[0]).isLessThan(range[1]);
        assertThat(range[0]).isEqualTo(base + 499 - 60_000);
        assertThat(range[1]).as("up to the oldest point in memory").isEqualTo(base + 400);
        assertThat(longer.path("v").get(0).asDouble()).as("the store's point comes first").isEqualTo(-1);
        assertThat(longer.path("t").size()).isEqualTo(101);
        assertThat(client.received("error")).isEmpty();
    }

    @Test
    void shouldGiveUpOnASlowHistoryStoreAndStillStreamEverythingLive() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        HistoryStore stuck = (series, from, to, limit) -> {
            release.await();
            return List.of();
        };
        ChartServer chart = server(ChartServer.builder().history(stuck).historyTimeout(Duration.ofSeconds(1)));
        try {
            Feed feed = track(new Feed(chart));
            WsClient client = track(WsClient.connect(chart));
            client.await("status");
            client.send(Map.of("type", "subscribe", "series", List.of("s"), "history", 60_000, "maxPoints", 2048));
            long base = System.currentTimeMillis();
            for (int i = 0; i < 300; i++) {
                feed.offer("s", base + i, i); // arrives while the history is stuck: held, then sent
                sleep(5);
            }
            JsonNode error = client.await("error", m -> true, WAIT);
            assertThat(error.path("code").asText()).isEqualTo("history-unavailable");
            assertThat(error.path("message").asText()).contains("no answer within 1 s");
            client.awaitReceived("points", m -> lastTime(m, "s") == base + 299, WAIT);
            List<Long> times = new ArrayList<>();
            for (JsonNode m : client.received()) {
                if (m.path("type").asText().equals("history")) {
                    m.path("t").forEach(t -> times.add(t.asLong()));
                }
                for (JsonNode part : m.path("data")) {
                    part.path("t").forEach(t -> times.add(t.asLong()));
                }
            }
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                expected.add(base + i);
            }
            assertThat(times).isEqualTo(expected);
        } finally {
            release.countDown();
        }
    }

    @Test
    void shouldFollowNewSeriesUnderTheWildcardExceptThoseUnsubscribed() throws Exception {
        ChartServer chart = server(ChartServer.builder().maxSeriesPerClient(4));
        Feed feed = track(new Feed(chart));
        WsClient client = track(WsClient.connect(chart));
        client.await("status");
        client.send(Map.of("type", "subscribe", "series", List.of("*")));
        client.send(Map.of("type", "unsubscribe", "series", List.of("quiet")));
        client.send(Map.of("type", "subscribe", "series", List.of("z")));
        client.await("history"); // messages are handled in order: the wildcard and the exclusion are in place
        long t = System.currentTimeMillis();
        feed.offer("a", t, 1);
        feed.offer("quiet", t, 2);
        feed.offer("b", t, 3);
        client.awaitReceived("points", m -> lastTime(m, "b") == t, WAIT);
        feed.offer("c", t + 1, 4);
        client.awaitReceived("points", m -> lastTime(m, "c") == t + 1, WAIT);
        feed.offer("d", t + 2, 5); // beyond the cap of 4 (z, a, b, c)
        feed.offer("quiet", t + 2, 6);
        feed.offer("a", t + 2, 7);
        client.awaitReceived("points", m -> lastTime(m, "a") == t + 2, WAIT);
        assertThat(client.await("error", m -> true, WAIT).path("code").asText()).isEqualTo("too-many-series");
        assertThat(counts(client.received("points"))).containsOnlyKeys("a", "b", "c");
    }

    @Test
    void shouldRejectInvalidBuilderArgumentsByName() {
        assertThatThrownBy(() -> ChartServer.builder().port(70_000))
                .hasMessage("port must be between 0 and 65535, was 70000");
        assertThatThrownBy(() -> ChartServer.builder().maxFrameRate(0))
                .hasMessage("maxFrameRate must be between 1 and 120, was 0");
        assertThatThrownBy(() -> ChartServer.builder().allowedOrigins("not an origin"))
                .hasMessageContaining("origin must look like https://host[:port], was 'not an origin'");
        assertThatThrownBy(() -> ChartServer.builder().token("short"))
                .hasMessage("token must be at least 8 characters, was 5");
        assertThatThrownBy(() -> ChartServer.builder().stallTimeout(Duration.ZERO))
                .hasMessage("stallTimeout must be positive, was PT0S");
    }

    @Test
    void shouldSayWhenThePortIsTaken() {
        ChartServer first = server(ChartServer.builder());
        assertThatThrownBy(() -> ChartServer.builder().port(first.port()).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("could not open the dashboard on 127.0.0.1:" + first.port())
                .hasMessageContaining("is the port in use?");
    }

    @Test
    void shouldBroadcastAlertsAndReplayRecentOnesToNewClients() throws Exception {
        ChartServer chart = server(ChartServer.builder());
        WsClient early = track(WsClient.connect(chart));
        early.await("status");
        Alert firing = new Alert("cpu-high", "cpu.load", Alert.State.FIRING, 97.5, "value > 90", "critical",
                Map.of("host", "a"), 1_000, 1_000);
        chart.publish(firing);
        JsonNode live = early.await("alert");
        assertThat(live.path("rule").asText()).isEqualTo("cpu-high");
        assertThat(live.path("state").asText()).isEqualTo("FIRING");
        assertThat(live.path("value").asDouble()).isEqualTo(97.5);
        assertThat(live.path("labels").path("host").asText()).isEqualTo("a");
        assertThat(live.path("replay").asBoolean()).isFalse();

        WsClient late = track(WsClient.connect(chart));
        JsonNode replayed = late.await("alert");
        assertThat(replayed.path("rule").asText()).isEqualTo("cpu-high");
        assertThat(replayed.path("replay").asBoolean()).isTrue();
    }

    @Test
    void shouldShowTheAlertsOfAPipelinesRulesNextToItsWindowedSeries() throws Exception {
        ChartServer chart = server(ChartServer.builder());
        WsClient client = track(WsClient.connect(chart));
        client.await("status");
        io.datacascade.core.MemorySource<io.datacascade.core.Point> source = io.datacascade.core.MemorySource.create();
        io.datacascade.core.alert.AlertRule hot = io.datacascade.core.alert.AlertRule.builder("hot").series("*.avg")
                .when(io.datacascade.core.alert.Signal.value().above(80)).build();
        io.datacascade.core.Pipeline<io.datacascade.core.Point> pipeline = io.datacascade.core.DataCascade.pipeline("dash")
                .from(source)
                .window(io.datacascade.core.window.Windows.tumbling(Duration.ofSeconds(1)))
                .alerts(io.datacascade.core.alert.AlertRules.of(hot))
                .alertsTo(chart.sink().alerts())
                .to(chart.sink())
                .build();
        pipeline.start();
        try {
            for (int ms = 0; ms < 4000; ms += 100) {
                source.offer(io.datacascade.core.Point.of("cpu", 1_000_000 + ms, ms >= 1000 && ms < 2000 ? 95 : 10));
            }
            JsonNode firing = client.await("alert");
            assertThat(firing.path("rule").asText()).isEqualTo("hot");
            assertThat(firing.path("series").asText()).isEqualTo("cpu.avg");
            assertThat(firing.path("state").asText()).isEqualTo("FIRING");
            JsonNode resolved = client.await("alert");
            assertThat(resolved.path("state").asText()).isEqualTo("RESOLVED");
            source.complete();
            assertThat(pipeline.awaitTermination(WAIT)).isTrue();
        } finally {
            pipeline.close();
        }
        assertThat(chart.metrics().series()).isEqualTo(1); // cpu.avg
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<String> names(JsonNode series) {
        List<String> names = new ArrayList<>();
        series.forEach(s -> names.add(s.path("name").asText()));
        return names;
    }

    /** The last time of {@code series} in a points frame, or Long.MIN_VALUE if absent. */
    static long lastTime(JsonNode frame, String series) {
        for (JsonNode part : frame.path("data")) {
            if (part.path("series").asText().equals(series)) {
                JsonNode t = part.path("t");
                return t.get(t.size() - 1).asLong();
            }
        }
        return Long.MIN_VALUE;
    }

    static Map<String, Long> counts(List<JsonNode> frames) {
        Map<String, Long> counts = new HashMap<>();
        for (JsonNode frame : frames) {
            for (JsonNode part : frame.path("data")) {
                long n = part.has("downsampled") ? part.path("downsampled").path("points").asLong() : part.path("t").size();
                counts.merge(part.path("series").asText(), n, Long::sum);
            }
        }
        return counts;
    }
}
