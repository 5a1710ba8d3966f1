package io.datacascade.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.datacascade.core.Alert;
import io.datacascade.kafka.AlertJsonCodec;
import io.datacascade.kafka.DeadLetterHeaders;
import io.datacascade.kafka.PointJsonCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's first command, in-process: the demo on its embedded defaults (free ports), checked
 * end to end through its real outputs: the dashboard's WebSocket, the alerts, processed and
 * dead-letter topics. Then the same stop Ctrl-C triggers, after which none of its threads remain.
 */
@Timeout(240)
class DemoSmokeTest {
    private static final int SERIES = 6;

    @Test
    void shouldRunTheWholeStackOnEmbeddedDefaultsAndStopWithAllThreadsGone() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Demo demo = new Demo(out);
        int[] exit = {-1};
        Thread runner = new Thread(() -> exit[0] = Demo.cli(demo, out, System.err).execute("--http-port", "0",
                "--series", String.valueOf(SERIES), "--spike-every", "4", "--status-every", "1"), "demo-main");
        runner.start();
        try {
            assertThat(DashboardClient.await(() -> demo.stack() != null || !runner.isAlive(),
                    DashboardClient.deadline(Duration.ofSeconds(90)))).as("demo started").isTrue();
            DemoStack stack = demo.stack();
            assertThat(stack).as(bytes.toString(StandardCharsets.UTF_8)).isNotNull();
            String servers = stack.bootstrapServers();
            long deadline = DashboardClient.deadline(Duration.ofSeconds(60)); // the bound, from the moment it is up

            try (DashboardClient viewer = DashboardClient.connect(stack.dashboardUrl());
                 KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
                         new ByteArraySerializer(), new ByteArraySerializer())) {
                // a record that isn't JSON, and one that parses but fails validation
                producer.send(new ProducerRecord<>("data-stream", bytes("sensor-0"), bytes("{\"series\":\"sensor-0\",\"time\":"))).get();
                producer.send(new ProducerRecord<>("data-stream", bytes("sensor-0"),
                        bytes("{\"series\":\"sensor-0\",\"time\":" + System.currentTimeMillis() + ",\"value\":1e300}"))).get();

                Set<String> expected = IntStream.range(0, SERIES).mapToObj(i -> "sensor-" + i + ".avg").collect(Collectors.toSet());
                assertThat(viewer.awaitSeries(expected, deadline)).as("averages of every series on the socket, got %s",
                        viewer.seriesWithPoints()).isTrue();
                JsonNode firing = viewer.awaitAlert(a -> a.path("state").asText().equals("FIRING"), deadline);
                assertThat(firing).as("a FIRING alert on the socket").isNotNull();
                assertThat(firing.path("rule").asText()).isEqualTo("sensor-spike");
                assertThat(firing.path("series").asText()).matches("sensor-\\d\\.avg");

                List<ConsumerRecord<byte[], byte[]>> alerts = TopicReader.read(servers, "alerts", remaining(deadline),
                        read -> read.stream().anyMatch(r -> AlertJsonCodec.create().decode(r).state() == Alert.State.FIRING));
                assertThat(alerts).extracting(r -> AlertJsonCodec.create().decode(r).state()).contains(Alert.State.FIRING);

                List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.read(servers, "data-stream.dlq", remaining(deadline),
                        read -> read.size() >= 2);
                assertThat(dead).hasSize(2);
                assertThat(dead).extracting(r -> TopicReader.header(r, DeadLetterHeaders.STAGE)).containsExactlyInAnyOrder(
                        DeadLetterHeaders.DECODE_STAGE, "validate");
                assertThat(dead).extracting(r -> TopicReader.header(r, DeadLetterHeaders.REASON))
                        .anySatisfy(reason -> assertThat(reason).contains("value must be finite and within"))
                        .allSatisfy(reason -> assertThat(reason).isNotBlank());
                assertThat(dead).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                        .contains("{\"series\":\"sensor-0\",\"time\":"); // the original bytes, unchanged
                assertThat(System.nanoTime() - deadline).as("all of the above within 60 s").isNegative();

                List<ConsumerRecord<byte[], byte[]>> processed = TopicReader.read(servers, "data-processed", Duration.ofSeconds(20),
                        read -> read.size() >= SERIES);
                assertThat(processed).isNotEmpty().allSatisfy(r -> {
                    var p = PointJsonCodec.create().decode(r);
                    assertThat(p.series()).endsWith(".avg");
                    assertThat(p.tags()).containsEntry("site", "demo-lab").containsKey("zone");
                });

                try (DashboardClient late = DashboardClient.connect(stack.dashboardUrl())) { // the in-memory history
                    JsonNode history = late.awaitHistory("sensor-0.avg", DashboardClient.deadline(Duration.ofSeconds(10)));
                    assertThat(history).isNotNull();
                    assertThat(history.path("t").size()).isPositive();
                }
                assertThat(viewer.errors()).isEmpty();
            }
        } finally {
            demo.stop(); // what Ctrl-C does
            runner.join(Duration.ofSeconds(90).toMillis());
        }
        String output = bytes.toString(StandardCharsets.UTF_8);
        assertThat(runner.isAlive()).as(output).isFalse();
        assertThat(exit[0]).as(output).isZero();
        assertThat(output).contains("Starting an embedded Kafka broker", "Live dashboard: http://localhost:", "Stopped.")
                .doesNotContain("Failed:")
                .containsPattern("\\[ +\\d+s\\] in +[\\d,]+/s \\| out +[\\d,]+/s \\| lag [\\d,?]+ \\| alerts \\d+ firing, [\\d,]+ in all \\| dead-lettered [12]");

        assertThat(DashboardClient.await(() -> leftThreads(before).isEmpty(), DashboardClient.deadline(Duration.ofSeconds(20))))
                .as("threads left after the stop: %s", leftThreads(before)).isTrue();
    }

    /**
     * Threads started since {@code before} that are still alive, except process-wide daemon pools
     * that no instance owns: the JDK's (common pool, the WebSocket client the test itself uses,
     * {@code CompletableFuture}'s delay scheduler) and Yammer Metrics' static meter tick pool, which
     * the Kafka broker's first meter creates once per JVM and nothing ever stops.
     */
    static List<String> leftThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t) && t.isAlive())
                .filter(t -> !(t.isDaemon() && isProcessWidePool(t.getName())))
                .map(Thread::getName).sorted().toList();
    }

    private static boolean isProcessWidePool(String name) {
        return name.startsWith("HttpClient-") || name.startsWith("ForkJoinPool.commonPool") || name.equals("process reaper")
                || name.equals("CompletableFutureDelayScheduler") || name.equals("Attach Listener")
                || name.startsWith("metrics-meter-tick-thread-");
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
