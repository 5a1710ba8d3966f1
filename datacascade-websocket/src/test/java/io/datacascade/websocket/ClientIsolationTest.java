package io.datacascade.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A slow or stalled client loses only its own frames and never holds back the others. */
class ClientIsolationTest extends ChartTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void shouldCutOffAStalledClientWhileAHealthyOneReceivesEverything() throws Exception {
        ChartServer chart = server(ChartServer.builder().maxPointsPerFrame(2048)
                .sendBufferBytes(64 * 1024).stallTimeout(Duration.ofSeconds(1)));
        Feed feed = track(new Feed(chart));
        String[] series = {"s0", "s1", "s2", "s3"};
        long base = System.currentTimeMillis();
        for (String s : series) {
            feed.offer(s, base, 0); // the series exist before the clients subscribe: point 0 comes as history
        }
        Feed.awaitPointsIn(chart, series.length);
        WsClient healthy = track(WsClient.connect(chart));
        WsClient stalled = track(WsClient.connect(chart));
        for (WsClient c : List.of(healthy, stalled)) {
            c.await("status");
            c.send(Map.of("type", "subscribe", "series", List.of("*"), "history", 60_000, "maxPoints", 2048));
            for (String s : series) {
                c.awaitReceived("history", m -> m.path("series").asText().equals(s), WAIT);
            }
        }
        AtomicBoolean stop = new AtomicBoolean();
        long[] written = new long[1];
        Thread feeder = new Thread(() -> {
            long i = 1;
            // ~20,000 points/s per series (~700 a frame): a few MB/s of JSON for each client
            while (!stop.get()) {
                for (int k = 0; k < 20; k++, i++) {
                    for (String s : series) {
                        feed.offer(s, base + i, i % 1000);
                    }
                }
                ChartServerTest.sleep(1);
            }
            written[0] = i;
        });
        feeder.start();
        stalled.await("points");
        stalled.stall();
        try {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (chart.metrics().slowDisconnects() == 0) {
                assertThat(System.nanoTime()).as("the server cuts off the stalled client").isLessThan(deadline);
                Thread.sleep(10);
            }
            stalled.resume(); // reads what was buffered, then the close frame
            assertThat(stalled.awaitClose(WAIT)).as("close code for the stalled client (%s)", stalled.closeReason())
                    .isEqualTo(4001);
        } finally {
            stop.set(true);
            feeder.join();
        }
        assertThat(stalled.closeReason()).startsWith("client too slow");
        long total = written[0];
        Feed.awaitPointsIn(chart, total * series.length);
        for (String s : series) {
            healthy.awaitReceived("points", m -> ChartServerTest.lastTime(m, s) == base + total - 1, WAIT);
        }
        assertThat(healthy.received("gap")).as("gaps for the healthy client").isEmpty();
        assertThat(healthy.isClosed()).isFalse();
        // every point accounted for, in order; exact one by one unless the frame thread fell behind
        // (a busy 2-core machine) and a frame had to be downsampled
        assertThat(ChartServerTest.counts(healthy.received("points")))
                .containsOnlyKeys(series).allSatisfy((s, n) -> assertThat(n).as("points of %s", s).isEqualTo(total - 1));
        for (String s : series) {
            List<Long> times = new ArrayList<>();
            boolean downsampled = false;
            for (JsonNode frame : healthy.received("points")) {
                for (JsonNode part : frame.path("data")) {
                    if (part.path("series").asText().equals(s)) {
                        downsampled |= part.has("downsampled");
                        part.path("t").forEach(t -> times.add(t.asLong()));
                    }
                }
            }
            assertThat(times).as("times of %s", s).isSorted().doesNotHaveDuplicates();
            if (!downsampled) {
                assertThat(times).hasSize((int) total - 1);
                assertThat(times.get(0)).isEqualTo(base + 1);
                assertThat(times.get(times.size() - 1)).isEqualTo(base + total - 1);
            }
        }
        ChartMetrics metrics = chart.metrics();
        assertThat(metrics.slowDisconnects()).isEqualTo(1);
        assertThat(metrics.gaps()).isGreaterThanOrEqualTo(1);
        assertThat(metrics.clients()).isEqualTo(1);
    }

    @Test
    void shouldMarkAGapWhenASlowClientCatchesUp() throws Exception {
        ChartServer chart = server(ChartServer.builder().maxPointsPerFrame(2048)
                .sendBufferBytes(64 * 1024).stallTimeout(Duration.ofMinutes(1)));
        Feed feed = track(new Feed(chart));
        WsClient slow = track(WsClient.connect(chart));
        slow.await("status");
        slow.send(Map.of("type", "subscribe", "series", List.of("*"), "maxPoints", 2048));
        long base = System.currentTimeMillis();
        AtomicBoolean stop = new AtomicBoolean();
        Thread feeder = new Thread(() -> {
            long i = 0;
            while (!stop.get()) {
                for (int k = 0; k < 200; k++, i++) {
                    feed.offer("busy", base + i, i);
                }
                ChartServerTest.sleep(1);
            }
        });
        feeder.start();
        try {
            slow.await("points");
            slow.stall();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (chart.metrics().gaps() == 0) {
                assertThat(System.nanoTime()).as("the server notices the slow client").isLessThan(deadline);
                Thread.sleep(10);
            }
            slow.resume();
            JsonNode gap = slow.await("gap", m -> true, WAIT);
            assertThat(gap.path("series").get(0).asText()).isEqualTo("busy");
            assertThat(gap.path("dropped").asLong()).isPositive();
            assertThat(gap.path("to").asLong()).isGreaterThanOrEqualTo(gap.path("from").asLong());
            assertThat(gap.path("reason").asText()).isEqualTo("client too slow");
            JsonNode after = slow.await("points", m -> true, WAIT);
            assertThat(after.path("data").get(0).path("t").get(0).asLong())
                    .as("live points resume after the gap").isGreaterThan(gap.path("to").asLong());
        } finally {
            stop.set(true);
            feeder.join();
        }
        assertThat(slow.isClosed()).isFalse();
    }
}
