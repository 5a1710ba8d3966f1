package io.datacascade.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.testsupport.ChildJvm;
import io.datacascade.testsupport.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The demo's command line: help, usage errors (exit code 2), an existing Kafka, the scale-out dashboard, Ctrl-C. */
@Timeout(240)
class DemoCliTest {
    @TempDir
    Path dir;

    @Test
    void shouldListEveryOptionAndCommandInHelp() {
        Run help = Run.of("--help");
        assertThat(help.exit).isZero();
        assertThat(help.out).contains("Usage: datacascade-demo", "Runs the whole DataCascade stack in one process")
                .contains("--bootstrap-servers", "--topic", "--rate", "--series", "--http-port", "--bind", "--rules",
                        "--dynamodb-table", "--dynamodb-endpoint", "--region", "--no-simulator", "--dashboard-only", "--source",
                        "--sink", "(default: data-stream)", "(default: 8080)", "(default: 1000)")
                .contains("producer", "producer.js", "consumer", "consumer.js", "quickstart");
        assertThat(Run.of("producer", "--help").out).contains("Usage: datacascade-demo producer", "--spike-every");
        assertThat(Run.of("consumer", "--help").out).contains("Usage: datacascade-demo consumer", "--alerts-topic");
    }

    @Test
    void shouldRejectBadFlagsWithExitCode2AndAMessageNamingTheFlag() throws IOException {
        Path badRules = Files.writeString(dir.resolve("rules.yaml"), "rules:\n  - name: hot\n    above: lots\n");
        assertUsageError(new String[] {"--bogus"}, "Unknown option: '--bogus'");
        assertUsageError(new String[] {"--rate", "-1"}, "--rate must be a number >= 0, was -1.0");
        assertUsageError(new String[] {"--series", "0"}, "--series must be between 1 and 100000, was 0");
        assertUsageError(new String[] {"--http-port", "70000"}, "--http-port must be between 0 and 65535, was 70000");
        assertUsageError(new String[] {"--topic", "no spaces"}, "--topic must be a Kafka topic name");
        assertUsageError(new String[] {"--rules", dir.resolve("missing.yaml").toString()}, "--rules: no such file");
        assertUsageError(new String[] {"--rules", badRules.toString()}, "--rules:", "line 3", "above", "lots");
        assertUsageError(new String[] {"--dashboard-only"}, "give its Kafka with --bootstrap-servers");
        assertUsageError(new String[] {"--no-simulator", "--source", "sim://"}, "--source replaces the simulator");
        assertUsageError(new String[] {"--source", "nosuch://x"}, "--source nosuch://x:");
        assertUsageError(new String[] {"--region", "mars"}, "--region must be an AWS region such as eu-west-1, was 'mars'");
        assertUsageError(new String[] {"--dynamodb-endpoint", "localhost:4567"}, "--dynamodb-endpoint must be an http(s) URL");
        assertUsageError(new String[] {"--spike-every", "2", "--spike-length", "3"}, "must not be longer than --spike-every");
        // options that would be accepted and then silently ignored
        assertUsageError(new String[] {"--dynamodb-table", "points"}, "--dynamodb-table needs --region");
        assertUsageError(new String[] {"--no-simulator", "--series", "3"}, "--series doesn't apply without the simulator");
        assertUsageError(new String[] {"--bootstrap-servers", "k:9092", "--dashboard-only", "--rate", "5"},
                "--rate doesn't apply with --dashboard-only");
        assertUsageError(new String[] {"--bootstrap-servers", "k:9092", "producer"},
                "--bootstrap-servers must come after 'producer'");
        Run badProducerTopic = Run.of("producer", "--topic", "no spaces");
        assertThat(badProducerTopic.exit).isEqualTo(2);
        assertThat(badProducerTopic.err).contains("--topic must be a Kafka topic name");
    }

    @Test
    void shouldSayWhichFlagToChangeWhenTheDashboardPortIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run run = Run.of("--http-port", String.valueOf(taken.getLocalPort()));
            assertThat(run.exit).isEqualTo(2);
            assertThat(run.err).contains("--http-port");
            assertThat(run.out).doesNotContain("Starting an embedded Kafka broker"); // the port is checked first
        }
    }

    /**
     * Against a broker started separately: the demo uses it instead of its own; a second
     * instance with {@code --dashboard-only} (the scale-out shape) and the {@code consumer}
     * command (the original consumer.js) each show the data on a dashboard of their own.
     */
    @Test
    void shouldUseAnExistingKafkaAndFeedSeparateDashboardInstances() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             DemoRunner demo = DemoRunner.start("--bootstrap-servers", kafka.bootstrapServers(), "--http-port", "0",
                     "--series", "3", "--spike-every", "0", "--status-every", "1");
             DemoRunner dashboard = DemoRunner.start("--bootstrap-servers", kafka.bootstrapServers(), "--dashboard-only",
                     "--http-port", "0", "--status-every", "1");
             DemoRunner consumer = DemoRunner.start("consumer", "--bootstrap-servers", kafka.bootstrapServers(),
                     "--http-port", "0")) {
            long deadline = DashboardClient.deadline(Duration.ofSeconds(90));
            try (DashboardClient averages = DashboardClient.connect(dashboard.url(deadline));
                 DashboardClient raw = DashboardClient.connect(consumer.url(deadline))) {
                assertThat(averages.awaitSeries(Set.of("sensor-0.avg", "sensor-1.avg", "sensor-2.avg"), deadline))
                        .as("averages on the --dashboard-only instance: %s", averages.seriesWithPoints()).isTrue();
                assertThat(raw.awaitSeries(Set.of("sensor-0", "sensor-1", "sensor-2"), deadline))
                        .as("raw readings on the consumer: %s", raw.seriesWithPoints()).isTrue();
            }
            assertThat(demo.output()).doesNotContain("Starting an embedded Kafka broker").contains("Kafka: " + kafka.bootstrapServers());
            assertThat(dashboard.output()).contains("DataCascade dashboard: reading 'data-processed' and 'alerts'",
                    "as group 'datacascade-dashboard-");
            assertThat(kafka.endOffsetSum("data-stream")).isPositive();
        }
    }

    @Test
    void shouldSaySoWhenKafkaCannotBeReached() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Run run = Run.of("--bootstrap-servers", "127.0.0.1:" + closedPort, "--http-port", "0");
        assertThat(run.exit).as(run.out + run.err).isEqualTo(1);
        assertThat(run.err).contains("Error: could not reach Kafka at 127.0.0.1:" + closedPort + " within 15 s",
                "is --bootstrap-servers right?").doesNotContain("\tat ");
        assertThat(run.out).doesNotContain("Live dashboard");
    }

    /**
     * A real Ctrl-C: SIGINT (or SIGTERM where SIGINT is ignored) to a child JVM running the demo's
     * main, which stops in order and exits.
     */
    @Test
    void shouldStopCleanlyOnCtrlC() throws Exception {
        try (ChildJvm child = ChildJvm.builder(Demo.class).jvmArgs("-Xmx512m")
                .args("--http-port", "0", "--series", "2", "--status-every", "1").start()) {
            assertThat(child.awaitOutput("] in ", Duration.ofSeconds(120))).as(child.output()).isTrue();
            // SIGINT is what Ctrl-C sends; but a process started in the background of a script (as a CI
            // job may be) inherits SIGINT ignored, and then only SIGTERM, which runs the same hooks, arrives
            int signal = ignoresSigint(child.pid()) ? 15 : 2;
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(child.pid())).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            int exit;
            try {
                exit = child.waitFor(Duration.ofSeconds(90));
            } catch (java.util.concurrent.TimeoutException e) {
                Process dump = new ProcessBuilder("jcmd", String.valueOf(child.pid()), "Thread.print").redirectErrorStream(true).start();
                String threads = new String(dump.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                throw new AssertionError("the demo did not stop within 90 s of Ctrl-C; its output:\n" + child.output()
                        + "\nits threads:\n" + threads, e);
            }
            assertThat(exit).as(child.output()).isEqualTo(128 + signal); // the JVM's exit status after the signal
            String output = child.output();
            assertThat(output).contains("Pipeline 'producer' closed", "Pipeline 'demo' closed", "Stopped.")
                    .doesNotContain(" ERROR ", "\tat "); // e.g. the broker's files deleted under it by a racing hook
            assertThat(output.indexOf("Pipeline 'producer' closed")).as("the producer stops first")
                    .isLessThan(output.indexOf("Pipeline 'demo' closed"));
            assertThat(output.indexOf("Pipeline 'demo' closed")).isLessThan(output.indexOf("Stopped."));
        }
    }

    /** Whether process {@code pid} ignores SIGINT (bit 2 of SigIgn in /proc/PID/status). */
    private static boolean ignoresSigint(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }

    private static void assertUsageError(String[] args, String... expected) {
        Run run = Run.of(args);
        assertThat(run.exit).as("exit code of %s; out: %s err: %s", String.join(" ", args), run.out, run.err).isEqualTo(2);
        assertThat(run.err).contains(expected).contains("Run 'datacascade-demo --help' to see every option.");
        assertThat(run.out).doesNotContain("Starting an embedded Kafka broker");
    }

    /** One run of the demo's command line to its end, with what it printed. */
    private record Run(int exit, String out, String err) {
        static Run of(String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = Demo.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }
}
