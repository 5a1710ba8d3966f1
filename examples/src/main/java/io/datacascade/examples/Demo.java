package io.datacascade.examples;

import io.datacascade.core.DataCascade;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import io.datacascade.core.Source;
import io.datacascade.core.alert.AlertRules;
import io.datacascade.dynamodb.DynamoDbTimeSeriesStore;
import io.datacascade.websocket.ChartServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The demo: the whole stack in one process. Simulated sensors publish to Kafka topic
 * {@code data-stream}; a pipeline validates, enriches, averages per second and evaluates alert
 * rules; the results go to the live dashboard, to topics {@code data-processed} and
 * {@code alerts}, and to DynamoDB when asked. With no options everything runs embedded: a Kafka
 * broker in this JVM, no AWS.
 */
@Command(name = "datacascade-demo", mixinStandardHelpOptions = true, version = Demo.VERSION,
        description = {
                "Runs the whole DataCascade stack in one process and draws it on a live dashboard:",
                "  simulator -> Kafka '<topic>' -> validate (bad records -> '<topic>.dlq') -> enrich -> 1 s averages",
                "    -> alert rules -> dashboard + Kafka 'data-processed' + Kafka 'alerts' (+ DynamoDB)",
                "Without --bootstrap-servers a Kafka broker is started inside this JVM; nothing else is needed.",
                ""},
        footer = {"", "Examples:",
                "  java -jar datacascade-demo.jar --rate 5000 --series 20",
                "  java -jar datacascade-demo.jar --bootstrap-servers kafka:9092",
                "  java -jar datacascade-demo.jar --bootstrap-servers kafka:9092 --dashboard-only",
                "  java -jar datacascade-demo.jar --region eu-west-1 --dynamodb-table points",
                "  java -jar datacascade-demo.jar producer --bootstrap-servers kafka:9092"},
        sortOptions = false)
public final class Demo implements Callable<Integer> {
    private static final String BUILT_IN_RULES = "demo-rules.yaml";
    private static final String[] SIMULATOR_OPTIONS = {"--rate", "--series", "--spike-every", "--spike-length", "--spike-height"};
    /** The version every example prints with {@code --version}. */
    static final String VERSION = "DataCascade 0.1.0-SNAPSHOT";

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Use this Kafka instead of starting an embedded broker.")
    String bootstrapServers;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = "data-stream",
            description = "Topic the readings go through; bad ones go to <NAME>.dlq (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--processed-topic", paramLabel = "NAME", defaultValue = "data-processed",
            description = "Topic for the per-second averages (default: ${DEFAULT-VALUE}).")
    String processedTopic;

    @Option(names = "--alerts-topic", paramLabel = "NAME", defaultValue = "alerts",
            description = "Topic for alert events, JSON (default: ${DEFAULT-VALUE}).")
    String alertsTopic;

    @Option(names = "--group", paramLabel = "ID", defaultValue = "datacascade-demo",
            description = "Consumer group of the pipeline; run more demos with the same group to share the work (default: ${DEFAULT-VALUE}).")
    String group;

    @Mixin
    SimulatorOptions simulator;

    @Mixin
    DashboardOptions dashboard;

    @Option(names = "--rules", paramLabel = "FILE",
            description = "Alert rules, YAML or JSON (see docs/alerts.md); default: a spike rule and a silence rule.")
    Path rulesFile;

    @Option(names = "--dynamodb-table", paramLabel = "NAME", defaultValue = "datacascade-points",
            description = "DynamoDB table for the averages, used with --dynamodb-endpoint or --region (default: ${DEFAULT-VALUE}).")
    String dynamoTable;

    @Option(names = "--dynamodb-endpoint", paramLabel = "URL",
            description = "Write to a DynamoDB-compatible server at URL, e.g. http://localhost:4567 for dynalite.")
    URI dynamoEndpoint;

    @Option(names = "--region", paramLabel = "REGION",
            description = "Write to DynamoDB in this AWS region (credentials: the AWS default chain).")
    String region;

    @Option(names = "--no-simulator", description = "Publish nothing: process what others write to the topic.")
    boolean noSimulator;

    @Option(names = "--source", paramLabel = "URI",
            description = "Publish what this source emits instead of the simulator, e.g. csv:///tmp/readings.csv?follow=true (plug-ins: any scheme on the class path).")
    String sourceUri;

    @Option(names = "--sink", paramLabel = "URI",
            description = "Also send the averages to this sink (repeatable), e.g. memory://out or a plug-in's scheme.")
    List<String> sinkUris = new ArrayList<>();

    @Option(names = "--dashboard-only",
            description = "Run only a dashboard that reads the processed and alerts topics of an existing Kafka with a group of its own: add one per viewer site (scale-out).")
    boolean dashboardOnly;

    @Mixin
    RunOptions run;

    private int statusEvery = 5;

    @Option(names = "--status-every", paramLabel = "S", defaultValue = "5",
            description = "Seconds between status lines (default: ${DEFAULT-VALUE}).")
    void statusEvery(int value) {
        if (value < 1 || value > 3600) {
            throw usage("--status-every must be between 1 and 3600, was " + value);
        }
        statusEvery = value;
    }

    private final PrintStream out;
    private final RunLoop loop = new RunLoop();
    private volatile DemoStack stack;

    Demo(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        RunLoop.exit(run(System.out, System.err, args));
    }

    static int run(PrintStream out, PrintStream err, String... args) {
        return cli(new Demo(out), out, err).execute(args);
    }

    /** The demo's command line with its {@code producer} and {@code consumer} commands. */
    static picocli.CommandLine cli(Demo demo, PrintStream out, PrintStream err) {
        picocli.CommandLine cli = RunLoop.cli(demo, out, err, "producer", new SimulatorToKafka(out), "consumer",
                new KafkaToDashboard(out), "quickstart", new QuickStart(out));
        // picocli would give options before a command's name to the demo, and the command would
        // silently run without them ("--bootstrap-servers k:9092 producer" starting its own broker)
        cli.setExecutionStrategy(parsed -> {
            if (parsed.hasSubcommand()) {
                List<String> misplaced = parsed.matchedOptions().stream().filter(o -> !o.usageHelp() && !o.versionHelp())
                        .map(picocli.CommandLine.Model.OptionSpec::longestName).toList();
                if (!misplaced.isEmpty()) {
                    String command = parsed.subcommand().commandSpec().name();
                    throw new ParameterException(cli, String.join(", ", misplaced) + " must come after '" + command
                            + "': options before a command's name belong to the demo itself");
                }
            }
            return new picocli.CommandLine.RunLast().execute(parsed);
        });
        return cli;
    }

    @Override
    public Integer call() throws Exception {
        loop.catchCtrlC(); // first: Ctrl-C while starting stops what started, in order
        try {
            TopicNames.check(spec, "--topic", topic);
            TopicNames.check(spec, "--processed-topic", processedTopic);
            TopicNames.check(spec, "--alerts-topic", alertsTopic);
            String table = dynamoTable();
            String awsRegion = region != null ? region : "us-east-1";
            if (dashboardOnly) {
                return dashboardOnly(table, awsRegion);
            }
            if (noSimulator && sourceUri != null) {
                throw usage("--no-simulator and --source contradict each other: --source replaces the simulator");
            }
            if (noSimulator || sourceUri != null) {
                notWith("without the simulator (--no-simulator, --source)", SIMULATOR_OPTIONS);
            }
            AlertRules rules = rules();
            Source<Point> input = noSimulator ? null : sourceUri != null ? source(sourceUri) : simulator.build();
            List<Sink<Point>> sinks = new ArrayList<>();
            for (String uri : sinkUris) {
                sinks.add(sink(uri));
            }
            out.printf("DataCascade demo: %s%n", sourceUri != null ? "publishing " + sourceUri : noSimulator ? "no simulator" : simulator.describe());
            DemoStack.Settings settings = new DemoStack.Settings(bootstrapServers, topic, processedTopic, alertsTopic, group, rules,
                    input, sinks, table, dynamoEndpoint, awsRegion);
            DemoStack started = DemoStack.start(settings, dashboard, out);
            stack = started;
            int exit = loop.run(started, run.seconds, Duration.ofSeconds(statusEvery), out);
            out.println("Stopped.");
            return exit;
        } finally {
            loop.releaseCtrlC();
        }
    }

    private int dashboardOnly(String table, String awsRegion) throws Exception {
        if (bootstrapServers == null) {
            throw usage("--dashboard-only reads the topics of a running demo: give its Kafka with --bootstrap-servers");
        }
        String when = "with --dashboard-only, which runs no pipeline and no simulator";
        notWith(when, "--topic", "--no-simulator", "--source", "--sink", "--rules");
        notWith(when, SIMULATOR_OPTIONS);
        DynamoDbTimeSeriesStore store = table == null ? null : DynamoDbTimeSeriesStore.create(table, awsRegion, dynamoEndpoint);
        try {
            ChartServer chart = dashboard.start(store == null ? null : DemoStack.history(store));
            String groupId = given("--group") ? group : KafkaToDashboard.newGroup();
            out.printf("DataCascade dashboard: reading '%s' and '%s' from %s as group '%s'%n", processedTopic, alertsTopic,
                    bootstrapServers, groupId);
            return KafkaToDashboard.serve(loop, bootstrapServers, processedTopic, alertsTopic, groupId, chart, run.seconds,
                    Duration.ofSeconds(statusEvery), out);
        } finally {
            if (store != null) {
                store.close();
            }
        }
    }

    /** Whether {@code option} was given on the command line (not just defaulted). */
    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** A usage error for the first of {@code options} given, which doesn't apply {@code when}. */
    private void notWith(String when, String... options) {
        for (String option : options) {
            if (given(option)) {
                throw usage(option + " doesn't apply " + when);
            }
        }
    }

    /** Stops a running {@link #call()}, as Ctrl-C does. */
    void stop() {
        loop.requestStop();
    }

    /** The running demo, once started (for tests). */
    DemoStack stack() {
        return stack;
    }

    /** The DynamoDB table to write, or null when neither an endpoint nor a region asks for DynamoDB. */
    private String dynamoTable() {
        if (dynamoEndpoint == null && region == null) {
            if (given("--dynamodb-table")) {
                throw usage("--dynamodb-table needs --region (DynamoDB in AWS) or --dynamodb-endpoint (a local server)");
            }
            return null;
        }
        if (region != null && !region.matches("[a-z]{2}(-[a-z]+)+-\\d{1,2}")) {
            throw usage("--region must be an AWS region such as eu-west-1, was '" + region + "'");
        }
        if (dynamoEndpoint != null && (dynamoEndpoint.getHost() == null
                || !("http".equals(dynamoEndpoint.getScheme()) || "https".equals(dynamoEndpoint.getScheme())))) {
            throw usage("--dynamodb-endpoint must be an http(s) URL such as http://localhost:4567, was '" + dynamoEndpoint + "'");
        }
        if (!dynamoTable.matches("[A-Za-z0-9_.-]{3,255}")) {
            throw usage("--dynamodb-table must be 3 to 255 of [A-Za-z0-9_.-], was '" + dynamoTable + "'");
        }
        return dynamoTable;
    }

    private AlertRules rules() {
        if (rulesFile == null) {
            try (InputStream in = Demo.class.getResourceAsStream(BUILT_IN_RULES)) {
                if (in == null) {
                    throw new IllegalStateException(BUILT_IN_RULES + " is missing from the demo's jar");
                }
                return AlertRules.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), BUILT_IN_RULES + " (built in)");
            } catch (IOException e) {
                throw new IllegalStateException("could not read the built-in rules: " + e, e);
            }
        }
        try {
            return AlertRules.load(rulesFile);
        } catch (NoSuchFileException e) {
            throw usage("--rules: no such file: " + rulesFile.toAbsolutePath());
        } catch (IOException e) {
            throw usage("--rules: could not read " + rulesFile.toAbsolutePath() + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw usage("--rules: " + e.getMessage());
        }
    }

    private Source<Point> source(String uri) {
        try {
            return DataCascade.source(uri);
        } catch (IllegalArgumentException e) {
            throw usage("--source " + uri + ": " + e.getMessage());
        }
    }

    private Sink<Point> sink(String uri) {
        try {
            return DataCascade.sink(uri);
        } catch (IllegalArgumentException e) {
            throw usage("--sink " + uri + ": " + e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
