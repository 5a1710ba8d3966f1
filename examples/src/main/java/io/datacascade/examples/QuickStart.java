package io.datacascade.examples;

import io.datacascade.core.DataCascade;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineBuilder;
import io.datacascade.core.Point;
import io.datacascade.core.SimulatorSource;
import io.datacascade.core.WaitStrategy;
import io.datacascade.websocket.ChartServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The first example: simulated sensor data through a few transforms onto the live dashboard and into
 * a console sink that prints throughput and the latest value of each series once a second. No
 * Kafka, no AWS.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true, version = Demo.VERSION,
        description = {"The simulator straight onto a dashboard, no Kafka: the smallest pipeline.",
                "Streams simulated time series through a DataCascade pipeline, draws them on a live dashboard",
                "in the browser and prints events/s once a second.",
                "Pipeline: sim:// -> drop NaN -> Celsius to Fahrenheit -> tag -> dashboard + console stats."},
        sortOptions = false)
public final class QuickStart implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private double rate = 50_000;
    private int series = 8;
    @Option(names = "--rate", paramLabel = "N", defaultValue = "50000",
            description = "Points per second over all series; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    void rate(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new ParameterException(spec.commandLine(), "--rate must be a number >= 0, was " + value);
        }
        rate = value;
    }

    @Option(names = "--series", paramLabel = "N", defaultValue = "8",
            description = "Number of simulated series, 1 to 1000000 (default: ${DEFAULT-VALUE}).")
    void series(int value) {
        if (value < 1 || value > 1_000_000) {
            throw new ParameterException(spec.commandLine(), "--series must be between 1 and 1000000, was " + value);
        }
        series = value;
    }

    @Option(names = "--shape", paramLabel = "SHAPE", description = "Value pattern: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    SimulatorSource.Shape shape = SimulatorSource.Shape.SINE;

    @Mixin
    RunOptions run;

    @Mixin
    DashboardOptions dashboard;

    @Option(names = "--no-dashboard", description = "Print to the console only, without the dashboard.")
    boolean noDashboard;

    @Option(names = "--wait", paramLabel = "STRATEGY", description = "Processor wait strategy: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    WaitStrategy waitStrategy = WaitStrategy.PARKING;

    private final PrintStream out;
    private final RunLoop loop = new RunLoop();

    QuickStart(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        RunLoop.exit(run(System.out, System.err, args));
    }

    static int run(PrintStream out, PrintStream err, String... args) {
        return RunLoop.execute(new QuickStart(out), out, err, args);
    }

    @Override
    public Integer call() throws Exception {
        loop.catchCtrlC(); // first: Ctrl-C while starting stops what started, in order
        try {
            ConsoleStatsSink console = new ConsoleStatsSink();
            ChartServer chart = null;
            if (!noDashboard) {
                chart = dashboard.start(null);
            }
            try {
                PipelineBuilder<Point, Point> builder = DataCascade.pipeline("quickstart")
                        .from(SimulatorSource.builder().series(series).ratePerSecond(rate).shape(shape).seriesPrefix("sensor-").build())
                        .filter(p -> Double.isFinite(p.value())).named("drop-non-finite")
                        .map(p -> p.withValue(p.value() * 9 / 5 + 32)).named("celsius-to-fahrenheit")
                        .map(p -> p.withTag("unit", "F")).named("tag-unit")
                        .to(console)
                        .waitStrategy(waitStrategy);
                if (chart != null) {
                    builder.to(chart.sink());
                }
                return stream(builder.build(), console, chart);
            } finally {
                if (chart != null) {
                    chart.close();
                }
            }
        } finally {
            loop.releaseCtrlC();
        }
    }

    private int stream(Pipeline<Point> pipeline, ConsoleStatsSink console, ChartServer chart) throws Exception {
        out.printf("DataCascade quick start: %d series at %s points/s (%s), Ctrl-C to stop%n", series,
                rate == 0 ? "unbounded" : String.format("%,.0f", rate), shape.name().toLowerCase());
        if (chart != null) {
            out.printf("Live dashboard: %s (open it in a browser)%n", chart.url());
        }
        int exit = loop.run(RunLoop.start(pipeline, (m, before, elapsed, sinceStart) -> String.format(
                "[%4.0fs] events/s in %,11.0f  out %,11.0f | total out %,13d | errors %d | ring free %,d/%,d | %s",
                sinceStart, (m.eventsIn() - before.eventsIn()) / elapsed, (m.eventsOut() - before.eventsOut()) / elapsed,
                m.eventsOut(), m.errors(), m.ringRemaining(), m.ringCapacity(), console.latest())), run.seconds, Duration.ofSeconds(1), out);
        out.printf("Stopped: %s, %,d points processed%n", pipeline.state().name().toLowerCase(), pipeline.metrics().eventsOut());
        return exit;
    }
}
