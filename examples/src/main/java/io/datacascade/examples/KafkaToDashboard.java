package io.datacascade.examples;

import io.datacascade.core.Alert;
import io.datacascade.core.DataCascade;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineMetrics;
import io.datacascade.core.Point;
import io.datacascade.kafka.AlertJsonCodec;
import io.datacascade.kafka.KafkaSource;
import io.datacascade.kafka.PointJsonCodec;
import io.datacascade.websocket.ChartServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A Kafka topic of points (and optionally one of alerts) on the live dashboard: the original
 * stack's {@code consumer.js}, and the demo's {@code --dashboard-only} mode. Each instance reads
 * with a consumer group of its own, so every dashboard sees every series however many run.
 */
@Command(name = "consumer", mixinStandardHelpOptions = true, version = Demo.VERSION,
        description = {"A topic of points onto a dashboard of its own (the original consumer.js).",
                "Reads points (JSON) from a Kafka topic onto the live dashboard. Each instance uses a consumer",
                "group of its own and starts at the newest records."},
        sortOptions = false)
public final class KafkaToDashboard implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", required = true, description = "Kafka to read from.")
    String bootstrapServers;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = "data-stream",
            description = "Topic of points to draw (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--alerts-topic", paramLabel = "NAME",
            description = "Topic of alerts to show in the dashboard's alert panel (default: none).")
    String alertsTopic;

    @Option(names = "--group", paramLabel = "ID",
            description = "Consumer group (default: a new one per instance, datacascade-dashboard-<random>).")
    String group;

    @Mixin
    DashboardOptions dashboard;

    @Mixin
    RunOptions run;

    private final PrintStream out;
    private final RunLoop loop = new RunLoop();

    KafkaToDashboard(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        RunLoop.exit(RunLoop.execute(new KafkaToDashboard(System.out), System.out, System.err, args));
    }

    @Override
    public Integer call() throws Exception {
        loop.catchCtrlC(); // first: Ctrl-C while starting stops what started, in order
        try {
            TopicNames.check(spec, "--topic", topic);
            if (alertsTopic != null) {
                TopicNames.check(spec, "--alerts-topic", alertsTopic);
            }
            ChartServer chart = dashboard.start(null);
            String groupId = group != null ? group : newGroup();
            out.printf("Reading '%s'%s from %s as group '%s'%n", topic, alertsTopic == null ? "" : " and alerts from '" + alertsTopic + "'",
                    bootstrapServers, groupId);
            return serve(loop, bootstrapServers, topic, alertsTopic, groupId, chart, run.seconds, Duration.ofSeconds(5), out);
        } finally {
            loop.releaseCtrlC();
        }
    }

    /** Stops a running {@link #call()}, as Ctrl-C does. */
    void stop() {
        loop.requestStop();
    }

    /** A consumer group name of its own for one dashboard instance. */
    static String newGroup() {
        return "datacascade-dashboard-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Prints the dashboard's address, feeds {@code chart} from the topics (see {@link #feed}) and
     * runs {@code loop} until it stops; the chart is closed whatever happens.
     */
    static int serve(RunLoop loop, String servers, String pointsTopic, String alertsTopic, String groupId, ChartServer chart,
            int seconds, Duration period, PrintStream out) throws InterruptedException {
        out.printf("Live dashboard: %s (open it in a browser; Ctrl-C to stop)%n", chart.url());
        RunLoop.Service feed;
        try {
            feed = feed(servers, pointsTopic, alertsTopic, groupId, chart);
        } catch (RuntimeException e) {
            chart.close();
            throw e;
        }
        return loop.run(feed, seconds, period, out); // closing the feed closes the chart
    }

    /**
     * Starts reading {@code pointsTopic} (and {@code alertsTopic}, when not null) onto {@code chart},
     * as group {@code groupId} from the newest records; closing the service stops the readers and the chart.
     */
    static RunLoop.Service feed(String servers, String pointsTopic, String alertsTopic, String groupId, ChartServer chart) {
        // No dead-letter topic here: a dashboard is a reader; unreadable records are the writer's
        // pipeline's business, so they are skipped and counted (see the log).
        KafkaSource<Point> source = KafkaSource.builder(PointJsonCodec.create()).bootstrapServers(servers).topics(pointsTopic)
                .groupId(groupId).property("auto.offset.reset", "latest").build();
        Pipeline<Point> points = DataCascade.pipeline("dashboard").from(source).to(chart.sink()).build();
        Pipeline<Alert> alerts = alertsTopic == null ? null
                : DataCascade.pipeline("dashboard-alerts")
                        .from(KafkaSource.builder(AlertJsonCodec.create()).bootstrapServers(servers).topics(alertsTopic)
                                .groupId(groupId + "-alerts").property("auto.offset.reset", "latest").build())
                        .to(chart.sink().alerts()).build();
        points.start();
        if (alerts != null) {
            alerts.start();
        }
        return new RunLoop.Service() {
            private PipelineMetrics previous = points.metrics();

            @Override
            public boolean hasEnded() {
                return points.state().isTerminal() || (alerts != null && alerts.state().isTerminal());
            }

            @Override
            public String status(double seconds, double sinceStart) {
                PipelineMetrics now = points.metrics();
                String line = String.format("[%4.0fs] points/s %,9.0f | lag %s | alerts %,d | skipped %,d | dashboard %d viewer(s)",
                        sinceStart, (now.eventsIn() - previous.eventsIn()) / seconds, lag(source.lag()),
                        chart.metrics().alerts(), source.deadLettered(), chart.metrics().clients());
                previous = now;
                return line;
            }

            @Override
            public Optional<Throwable> failure() {
                Optional<Throwable> f = points.failure().map(Throwable.class::cast);
                return f.isPresent() || alerts == null ? f : alerts.failure().map(Throwable.class::cast);
            }

            @Override
            public void close() {
                if (alerts != null) {
                    alerts.close();
                }
                points.close();
                chart.close();
            }
        };
    }

    /** A lag for the status line: the number, or "?" before the source knows it. */
    static String lag(long records) {
        return records < 0 ? "?" : String.format("%,d", records);
    }
}
