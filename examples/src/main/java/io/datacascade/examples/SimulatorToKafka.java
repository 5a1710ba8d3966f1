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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The simulator as a Kafka producer, the role of the original stack's {@code producer.js}:
 * simulated sensor readings as JSON into a topic, keyed by series. Without
 * {@code --bootstrap-servers} it starts an embedded broker first, so it runs with nothing but a JDK.
 * Also the demo's {@code producer} command.
 */
@Command(name = "producer", mixinStandardHelpOptions = true, version = Demo.VERSION,
        description = {"The simulator alone, publishing to any Kafka (the original producer.js).",
                "Sends simulated sensor readings as JSON to a topic, keyed by series. Without --bootstrap-servers",
                "an embedded single-node broker is started (its data is gone when it stops)."},
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

    @Mixin
    SimulatorOptions simulator;

    @Mixin
    RunOptions run;

    private final PrintStream out;
    private final RunLoop loop = new RunLoop();

    SimulatorToKafka(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        RunLoop.exit(run(System.out, System.err, args));
    }

    static int run(PrintStream out, PrintStream err, String... args) {
        return RunLoop.execute(new SimulatorToKafka(out), out, err, args);
    }

    @Override
    public Integer call() throws Exception {
        loop.catchCtrlC(); // first: Ctrl-C while starting stops what started, in order
        try {
            TopicNames.check(spec, "--topic", topic); // usage errors before anything starts
            SimulatorSource readings = simulator.build();
            EmbeddedKafka embedded = null;
            String servers = bootstrapServers;
            try {
                if (servers == null) {
                    out.println("Starting an embedded Kafka broker (use --bootstrap-servers for your own)...");
                    embedded = EmbeddedKafka.start();
                    embedded.createTopic(topic, 3);
                    servers = embedded.bootstrapServers();
                }
                out.printf("Publishing %s to topic '%s' at %s; Ctrl-C to stop%n", simulator.describe(), topic, servers);
                Pipeline<Point> pipeline = DataCascade.pipeline("producer").from(readings).to(KafkaSink.points(servers, topic)).build();
                String shownServers = servers;
                return loop.run(RunLoop.start(pipeline, (m, before, elapsed, sinceStart) -> String.format(
                        "[%4.0fs] points/s %,10.0f | sent %,12d | acknowledged by Kafka %,12d | %s/%s", sinceStart,
                        (m.eventsOut() - before.eventsOut()) / elapsed, m.eventsOut(), m.durableSequence() + 1, shownServers,
                        topic)), run.seconds, Duration.ofSeconds(2), out);
            } finally {
                if (embedded != null) {
                    embedded.close();
                }
            }
        } finally {
            loop.releaseCtrlC();
        }
    }
}
