package io.datacascade.examples;

import io.datacascade.core.DataCascade;
import io.datacascade.core.ErrorPolicy;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineBuilder;
import io.datacascade.core.PipelineMetrics;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import io.datacascade.core.Source;
import io.datacascade.core.alert.AlertLogSink;
import io.datacascade.core.alert.AlertRules;
import io.datacascade.core.window.Aggregators;
import io.datacascade.core.window.Windows;
import io.datacascade.dynamodb.DynamoDbSink;
import io.datacascade.dynamodb.DynamoDbTimeSeriesStore;
import io.datacascade.kafka.KafkaDeadLetterSink;
import io.datacascade.kafka.KafkaSink;
import io.datacascade.kafka.KafkaSource;
import io.datacascade.testsupport.EmbeddedKafka;
import io.datacascade.websocket.ChartServer;
import io.datacascade.websocket.HistoryStore;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the demo runs, started in order and stopped in reverse: the embedded broker (unless
 * an existing Kafka is given), the dashboard, the pipeline
 * {@code data-stream → validate → enrich → 1 s averages → alert rules → sinks}, and the simulator
 * (or another source) publishing to {@code data-stream}.
 */
final class DemoStack implements RunLoop.Service {
    private static final Logger LOG = LoggerFactory.getLogger(DemoStack.class);
    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final Duration OUT_OF_ORDERNESS = Duration.ofMillis(500);
    private static final Duration REACH_TIMEOUT = Duration.ofSeconds(15);

    /**
     * What to run.
     *
     * @param bootstrapServers an existing Kafka, or null to start an embedded broker
     * @param input            what publishes to the topic (the simulator, a plug-in's source), or null for nothing
     * @param extraSinks       sinks that get the averages besides the standard ones
     * @param dynamoTable      DynamoDB table for the averages, or null for none
     * @param dynamoEndpoint   DynamoDB endpoint override (dynalite, a local server), or null for AWS
     * @param region           AWS region for DynamoDB
     */
    record Settings(String bootstrapServers, String topic, String processedTopic, String alertsTopic, String group,
                    AlertRules rules, Source<Point> input, List<Sink<Point>> extraSinks, String dynamoTable,
                    URI dynamoEndpoint, String region) {
        String deadLetterTopic() {
            return topic + ".dlq";
        }
    }

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final AlertCounter alerts = new AlertCounter();
    private ChartServer chart;
    private String servers;
    private KafkaSource<Point> source;
    private Pipeline<Point> pipeline;
    private Pipeline<Point> producer;
    private PipelineMetrics previous;
    private boolean producerDoneShown;

    private DemoStack() {
    }

    /**
     * Starts the demo; if a piece fails to start, the pieces already started are stopped and the
     * error is thrown.
     */
    static DemoStack start(Settings settings, DashboardOptions dashboard, PrintStream out) throws Exception {
        DemoStack stack = new DemoStack();
        try {
            stack.startAll(settings, dashboard, out);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(Settings s, DashboardOptions dashboard, PrintStream out) throws Exception {
        DynamoDbTimeSeriesStore store = null;
        if (s.dynamoTable() != null) {
            store = DynamoDbTimeSeriesStore.create(s.dynamoTable(), s.region(), s.dynamoEndpoint());
            started.push(store);
        }
        chart = dashboard.start(store == null ? null : history(store)); // first: a busy port fails in a second, not after the broker
        started.push(chart);
        if (s.bootstrapServers() == null) {
            out.println("Starting an embedded Kafka broker (use --bootstrap-servers for your own)...");
            EmbeddedKafka kafka = EmbeddedKafka.start();
            started.push(kafka);
            servers = kafka.bootstrapServers();
        } else {
            servers = s.bootstrapServers();
        }
        ensureTopics(servers, Map.of(s.topic(), 3, s.deadLetterTopic(), 1, s.processedTopic(), 3, s.alertsTopic(), 1));

        source = KafkaSource.points(servers, s.topic(), s.group()); // unparseable records go to <topic>.dlq
        PipelineBuilder<Point, Point> builder = DataCascade.pipeline("demo")
                .from(source)
                .map(DemoPoints::validate).named("validate")
                .onError(ErrorPolicy.deadLetter(KafkaDeadLetterSink.create(servers, s.deadLetterTopic())))
                .map(DemoPoints::enrich).named("enrich")
                .window(Windows.tumbling(WINDOW).eventTime(OUT_OF_ORDERNESS).aggregate(Aggregators.avg()))
                .alerts(s.rules())
                .alertsTo(KafkaSink.alerts(servers, s.alertsTopic()))
                .alertsTo(chart.sink().alerts())
                .alertsTo(alerts)
                .alertsTo(AlertLogSink.create())
                .to(chart.sink())
                .to(KafkaSink.points(servers, s.processedTopic()));
        if (s.dynamoTable() != null) {
            DynamoDbSink.Builder<Point> dynamo = DynamoDbSink.points(s.dynamoTable()).region(s.region());
            if (s.dynamoEndpoint() != null) {
                dynamo.endpoint(s.dynamoEndpoint());
            }
            builder.to(dynamo.build());
        }
        s.extraSinks().forEach(builder::to);
        pipeline = builder.build();
        started.push(pipeline);
        pipeline.start();
        previous = pipeline.metrics();

        if (s.input() != null) {
            producer = DataCascade.pipeline("producer").from(s.input()).to(KafkaSink.points(servers, s.topic())).build();
            started.push(producer);
            producer.start();
        }

        out.printf("Kafka: %s%n", s.bootstrapServers() == null ? "embedded broker at " + servers + " (its data is gone when the demo stops)" : servers);
        out.printf("Pipeline: %s -> validate (bad records -> %s) -> enrich -> %d s averages -> %d alert rule(s) -> dashboard, %s, %s%s%s%n",
                s.topic(), s.deadLetterTopic(), WINDOW.toSeconds(), s.rules().size(), s.processedTopic(), s.alertsTopic(),
                s.dynamoTable() == null ? "" : ", DynamoDB table " + s.dynamoTable(),
                s.extraSinks().isEmpty() ? "" : ", " + s.extraSinks());
        out.printf("Live dashboard: %s (open it in a browser; Ctrl-C to stop)%n", chart.url());
    }

    /** The dashboard's history beyond memory, from the table the pipeline writes. */
    static HistoryStore history(DynamoDbTimeSeriesStore store) {
        return (series, from, to, limit) -> {
            List<Point> newestFirst = store.range(series, from, to - 1, false, limit);
            Collections.reverse(newestFirst);
            return newestFirst;
        };
    }

    /** Creates the topics that are missing (an existing Kafka may refuse; then its auto-creation has to do). */
    private static void ensureTopics(String servers, Map<String, Integer> partitions) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            try {
                admin.describeCluster().nodes().get(REACH_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("could not reach Kafka at " + servers + " within " + REACH_TIMEOUT.toSeconds()
                        + " s: is it running, and is --bootstrap-servers right?", e instanceof ExecutionException ? e.getCause() : e);
            }
            List<NewTopic> topics = partitions.entrySet().stream()
                    .map(e -> new NewTopic(e.getKey(), Optional.of(e.getValue()), Optional.empty())).toList();
            for (var result : admin.createTopics(topics).values().entrySet()) {
                try {
                    result.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        LOG.warn("Could not create topic '{}' at {}: {}", result.getKey(), servers, e.getCause().toString());
                    }
                } catch (TimeoutException e) {
                    LOG.warn("No answer from Kafka at {} when creating topic '{}' within 30 s", servers, result.getKey());
                }
            }
        }
    }

    /** The dashboard's address. */
    URI dashboardUrl() {
        return chart.url();
    }

    /** The Kafka the demo uses (the embedded broker's address when it started one). */
    String bootstrapServers() {
        return servers;
    }

    /**
     * True when the pipeline ended, or the producer failed. A producer whose source simply ran out
     * (a file) has done its job: the pipeline and the dashboard go on.
     */
    @Override
    public boolean hasEnded() {
        return pipeline.state().isTerminal() || (producer != null && producer.failure().isPresent());
    }

    @Override
    public String status(double seconds, double sinceStart) {
        if (producer != null && !producerDoneShown && producer.state() == io.datacascade.core.PipelineState.COMPLETED) {
            producerDoneShown = true;
            LOG.info("The source has nothing more: {} record(s) published; the pipeline and the dashboard go on",
                    producer.metrics().eventsOut());
        }
        PipelineMetrics now = pipeline.metrics();
        String line = String.format("[%4.0fs] in %,7.0f/s | out %,6.0f/s | lag %s | alerts %d firing, %,d in all | dead-lettered %,d | dashboard %d viewer(s)",
                sinceStart, (now.eventsIn() - previous.eventsIn()) / seconds, (now.eventsOut() - previous.eventsOut()) / seconds,
                KafkaToDashboard.lag(source.lag()), alerts.firing(), alerts.fired(), source.deadLettered() + now.deadLettered(),
                chart.metrics().clients());
        previous = now;
        return line;
    }

    @Override
    public Optional<Throwable> failure() {
        Optional<Throwable> f = pipeline == null ? Optional.empty() : pipeline.failure().map(Throwable.class::cast);
        return f.isPresent() || producer == null ? f : producer.failure().map(Throwable.class::cast);
    }

    /** Stops the producer, then the pipeline (drain, flush, commit), the broker and the dashboard. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable piece = started.pop();
            try {
                piece.close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.warn("Stopping {} failed: {}", piece, e.toString());
            }
        }
    }
}
