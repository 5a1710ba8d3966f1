package io.datacascade.examples;

import io.datacascade.core.SimulatorSource;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The simulated sensors' options, shared by the demo and the stand-alone producer. */
final class SimulatorOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    double rate = 1_000;
    int series = 8;
    Duration spikeEvery = Duration.ofSeconds(15);
    Duration spikeLength = Duration.ofSeconds(3);
    double spikeHeight = 100;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "1000",
            description = "Simulated points per second over all series; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    void rate(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw error("--rate must be a number >= 0, was " + value);
        }
        rate = value;
    }

    @Option(names = "--series", paramLabel = "N", defaultValue = "8",
            description = "Number of simulated series, sensor-0 ... sensor-<N-1> (default: ${DEFAULT-VALUE}).")
    void series(int value) {
        if (value < 1 || value > 100_000) {
            throw error("--series must be between 1 and 100000, was " + value);
        }
        series = value;
    }

    @Option(names = "--spike-every", paramLabel = "SECONDS", defaultValue = "15",
            description = "A spike on the next series in turn every SECONDS of event time, for the alert rules to catch; 0 = none (default: ${DEFAULT-VALUE}).")
    void spikeEvery(double seconds) {
        if (!(seconds >= 0) || seconds > 86_400) {
            throw error("--spike-every must be between 0 and 86400 seconds, was " + seconds);
        }
        spikeEvery = Duration.ofMillis(Math.round(seconds * 1000));
    }

    @Option(names = "--spike-length", paramLabel = "SECONDS", defaultValue = "3",
            description = "How long a spike lasts (default: ${DEFAULT-VALUE}).")
    void spikeLength(double seconds) {
        if (!(seconds > 0) || seconds > 86_400) {
            throw error("--spike-length must be more than 0 and at most 86400 seconds, was " + seconds);
        }
        spikeLength = Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)));
    }

    @Option(names = "--spike-height", paramLabel = "VALUE", defaultValue = "100",
            description = "What a spike adds to the reading (default: ${DEFAULT-VALUE}).")
    void spikeHeight(double value) {
        if (!Double.isFinite(value)) {
            throw error("--spike-height must be a finite number, was " + value);
        }
        spikeHeight = value;
    }

    /** The simulator these options describe; fails with a usage error if the spike doesn't fit its interval. */
    SimulatorSource build() {
        if (!spikeEvery.isZero() && spikeLength.compareTo(spikeEvery) > 0) {
            throw error("--spike-length (" + spikeLength.toMillis() / 1000.0 + " s) must not be longer than --spike-every ("
                    + spikeEvery.toMillis() / 1000.0 + " s)");
        }
        return DemoPoints.simulator(series, rate, spikeEvery, spikeLength, spikeHeight);
    }

    /** The rate in words, for the first lines a command prints. */
    String describe() {
        return String.format("%d series at %s points/s%s", series, rate == 0 ? "unbounded" : String.format("%,.0f", rate),
                spikeEvery.isZero() ? "" : String.format(", a spike every %s s", spikeEvery.toMillis() / 1000.0));
    }

    private ParameterException error(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
