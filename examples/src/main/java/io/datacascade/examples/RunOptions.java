package io.datacascade.examples;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How long a command runs, shared by every example. */
final class RunOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    int seconds;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "0",
            description = "Stop after S seconds; 0 = run until Ctrl-C (default: ${DEFAULT-VALUE}).")
    void seconds(int value) {
        if (value < 0) {
            throw new ParameterException(spec.commandLine(), "--seconds must be >= 0, was " + value);
        }
        seconds = value;
    }
}
