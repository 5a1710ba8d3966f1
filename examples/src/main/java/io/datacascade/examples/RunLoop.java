package io.datacascade.examples;

import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineMetrics;
import java.io.PrintStream;
import java.time.Duration;

/** What every example's main does: start, print a status line every period, stop on Ctrl-C or after a while. */
final class RunLoop {
    /** One status line from the metrics now, the metrics a period ago, and the seconds between them. */
    @FunctionalInterface
    interface StatusLine {
        String format(PipelineMetrics now, PipelineMetrics before, double seconds, double sinceStart);
    }

    private RunLoop() {
    }

    /** Runs a picocli command with its help and errors going to {@code out} and {@code err}; returns the exit code. */
    static int execute(Object command, PrintStream out, PrintStream err, String... args) {
        picocli.CommandLine cli = new picocli.CommandLine(command);
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        return cli.execute(args);
    }

    /**
     * Runs {@code pipeline} until it ends, Ctrl-C, or {@code seconds} (0 = no limit) have passed;
     * returns the exit code: 0, or 1 if it failed.
     */
    static int run(Pipeline<?> pipeline, int seconds, Duration period, PrintStream out, StatusLine status)
            throws InterruptedException {
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            pipeline.close();
            try {
                main.join(2_000); // let the main thread print its last line
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "datacascade-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        pipeline.start();
        long startNanos = System.nanoTime();
        PipelineMetrics previous = pipeline.metrics();
        long previousNanos = startNanos;
        while (!pipeline.state().isTerminal()) {
            pipeline.awaitTermination(period);
            long now = System.nanoTime();
            PipelineMetrics m = pipeline.metrics();
            out.println(status.format(m, previous, (now - previousNanos) / 1e9, (now - startNanos) / 1e9));
            previous = m;
            previousNanos = now;
            if (seconds > 0 && now - startNanos >= seconds * 1_000_000_000L) {
                break;
            }
        }
        pipeline.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running: nothing to remove
        }
        pipeline.failure().ifPresent(f -> out.println("Failed: " + f.getMessage()));
        return pipeline.failure().isPresent() ? 1 : 0;
    }
}
