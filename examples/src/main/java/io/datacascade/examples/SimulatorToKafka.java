package io.datacascade.examples;

import io.datacascade.core.DataCascade;
import io.datacascade.core.Pipeline;
import io.datacascade.core.Point;
import io.datacascade.core.SimulatorSource;
import io.datacascade.kafka.KafkaSink;
import io.datacascade.testsupport.EmbeddedKafka;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The simulator as a Kafka producer, the role of the original stack's {@code producer.js}:
 * {@code sim://} points as JSON into a topic, keyed by series. Without {@code --bootstrap-servers}
 * it starts an embedded broker first, so it runs with nothing but a JDK.
 */
@Command(name = "simulator-to-kafka", mixinStandardHelpOptions = true, version = "DataCascade 0.1.0-SNAPSHOT",
        description = {"Publishes simulated time series as JSON to a Kafka topic, keyed by series.",
                "Without --bootstrap-servers an embedded single-node broker is started (data is gone when it stops)."},
        sortOptions = false)
public final class SimulatorToKafka implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka to publish to; default: start an embedded broker.")
    String bootstrapServers;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = "data-stream",
            description = "Topic to publish to (default: ${DEFAULT-VALUE}).")
    String topic;

    private double rate = 1_000;
    private int series = 4;
    private int seconds;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "1000",
            description = "Points per second over all series; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    void rate(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new ParameterException(spec.commandLine(), "--rate must be a number >= 0, was " + value);
        }
        rate = value;
    }

    @Option(names = "--series", paramLabel = "N", defaultValue = "4",
            description = "Number of simulated series (default: ${DEFAULT-VALUE}).")
    void series(int value) {
        if (value < 1 || value > 1_000_000) {
            throw new ParameterException(spec.commandLine(), "--series must be between 1 and 1000000, was " + value);
        }
        series = value;
    }

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "0",
            description = "Stop after S seconds; 0 = run until Ctrl-C (default: ${DEFAULT-VALUE}).")
    void seconds(int value) {
        if (value < 0) {
            throw new ParameterException(spec.commandLine(), "--seconds must be >= 0, was " + value);
        }
        seconds = value;
    }

    private final PrintStream out;

    SimulatorToKafka(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        int exitCode = run(System.out, System.err, args);
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    static int run(PrintStream out, PrintStream err, String... args) {
        return RunLoop.execute(new SimulatorToKafka(out), out, err, args);
    }

    @Override
    public Integer call() throws Exception {
        EmbeddedKafka embedded = null;
        String servers = bootstrapServers;
        if (servers == null) {
            out.println("Starting an embedded Kafka broker (use --bootstrap-servers for your own)...");
            embedded = EmbeddedKafka.start();
            embedded.createTopic(topic, 3);
            servers = embedded.bootstrapServers();
        }
        try {
            Pipeline<Point> pipeline = DataCascade.pipeline("simulator-to-kafka")
                    .from(SimulatorSource.builder().series(series).ratePerSecond(rate).shape(SimulatorSource.Shape.SINE)
                            .seriesPrefix("sensor-").build())
                    .to(KafkaSink.points(servers, topic))
                    .build();
            out.printf("Publishing %d series at %s points/s to topic '%s' at %s; Ctrl-C to stop%n", series,
                    rate == 0 ? "unbounded" : String.format("%,.0f", rate), topic, servers);
            String shownServers = servers;
            return RunLoop.run(pipeline, seconds, Duration.ofSeconds(2), out, (m, before, elapsed, sinceStart) -> String.format(
                    "[%4.0fs] points/s %,10.0f | sent %,12d | acknowledged by Kafka %,12d | %s/%s", sinceStart,
                    (m.eventsOut() - before.eventsOut()) / elapsed, m.eventsOut(), m.durableSequence() + 1, shownServers,
                    topic));
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
