package io.datacascade.examples;

import io.datacascade.websocket.ChartServer;
import io.datacascade.websocket.HistoryStore;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the live dashboard listens, shared by every example that has one. */
final class DashboardOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    int httpPort = 8080;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of the live dashboard; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    void httpPort(int value) {
        if (value < 0 || value > 65_535) {
            throw new ParameterException(spec.commandLine(), "--http-port must be between 0 and 65535, was " + value);
        }
        httpPort = value;
    }

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address the dashboard listens on; 0.0.0.0 lets other machines in (default: ${DEFAULT-VALUE}).")
    String bind = "127.0.0.1";

    /**
     * Starts the dashboard; a port in use or an address that isn't this machine's is a usage error
     * that says which option to change.
     *
     * @param history where history older than memory comes from, or null for memory only
     */
    ChartServer start(HistoryStore history) {
        ChartServer.Builder builder = ChartServer.builder().bind(bind).port(httpPort);
        if (history != null) {
            builder.history(history);
        }
        try {
            return builder.start();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage()
                    + " (choose another --http-port, or --http-port 0 for any free one)");
        }
    }
}
