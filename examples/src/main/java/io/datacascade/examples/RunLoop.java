package io.datacascade.examples;

import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineMetrics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What every example's main does: start, print a status line every period, and stop cleanly on
 * Ctrl-C, after a while, or when the work ends by itself.
 */
final class RunLoop {
    /** How long Ctrl-C waits for the orderly stop (drain, flush, commit) before the JVM exits anyway. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);

    /** Something the loop runs: a pipeline, or several pieces started together. */
    interface Service extends AutoCloseable {
        /** True once the service has ended by itself (its sources ended, or it failed). */
        boolean hasEnded();

        /**
         * One status line about the period that just passed.
         *
         * @param seconds    length of that period
         * @param sinceStart seconds since the loop started
         */
        String status(double seconds, double sinceStart);

        /** Why the service failed, if it did. */
        Optional<Throwable> failure();

        /** Stops everything in order; returns when all threads are gone or given up on. */
        @Override
        void close();
    }

    /** One status line from the metrics now, the metrics a period ago, and the seconds between them. */
    @FunctionalInterface
    interface StatusLine {
        String format(PipelineMetrics now, PipelineMetrics before, double seconds, double sinceStart);
    }

    /** Set by Ctrl-C: the JVM is exiting, whatever a main does next. */
    private static volatile boolean jvmExiting;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private Thread hook;

    /** Runs a picocli command with its help and errors going to {@code out} and {@code err}; returns the exit code. */
    static int execute(Object command, PrintStream out, PrintStream err, String... args) {
        return cli(command, out, err).execute(args);
    }

    /**
     * A picocli command line for {@code command} and its {@code subcommands} (name, command)
     * writing help to {@code out} and errors to {@code err}.
     */
    static picocli.CommandLine cli(Object command, PrintStream out, PrintStream err, Object... subcommands) {
        picocli.CommandLine cli = new picocli.CommandLine(command);
        for (int i = 0; i < subcommands.length; i += 2) {
            cli.addSubcommand((String) subcommands[i], subcommands[i + 1]);
        }
        // set after the subcommands: picocli passes these settings to the subcommands present
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        // The message and a pointer to --help: the whole usage would push the message off the screen.
        cli.setParameterExceptionHandler((e, args) -> {
            java.io.PrintWriter w = e.getCommandLine().getErr();
            w.println(e.getMessage());
            picocli.CommandLine.UnmatchedArgumentException.printSuggestions(e, w);
            w.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' to see every option.");
            return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
        });
        // Failures (Kafka unreachable, a table that can't be created) as sentences, not stack traces.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            java.io.PrintWriter w = commandLine.getErr();
            w.println("Error: " + describe(e));
            for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                w.println("  because: " + describe(cause));
            }
            return 1;
        });
        return cli;
    }

    private static String describe(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** Starts {@code pipeline} and returns it as a service, with a status line computed from its metrics. */
    static Service start(Pipeline<?> pipeline, StatusLine line) {
        pipeline.start();
        return new Service() {
            private PipelineMetrics previous = pipeline.metrics();

            @Override
            public boolean hasEnded() {
                return pipeline.state().isTerminal();
            }

            @Override
            public String status(double seconds, double sinceStart) {
                PipelineMetrics now = pipeline.metrics();
                String text = line.format(now, previous, seconds, sinceStart);
                previous = now;
                return text;
            }

            @Override
            public Optional<Throwable> failure() {
                return pipeline.failure().map(Throwable.class::cast);
            }

            @Override
            public void close() {
                pipeline.close();
            }
        };
    }

    /** Asks a running loop to stop, as Ctrl-C does. */
    void requestStop() {
        stopRequested.countDown();
    }

    /**
     * From now until {@link #releaseCtrlC()}, Ctrl-C (SIGINT, SIGTERM) asks this loop to stop and
     * waits for the calling thread to finish the orderly stop. Call it before starting anything,
     * so a Ctrl-C during a slow start (the embedded broker) still stops everything in order.
     */
    void catchCtrlC() {
        Thread main = Thread.currentThread();
        hook = new Thread(() -> {
            jvmExiting = true;
            requestStop();
            try {
                main.join(STOP_GRACE.toMillis()); // the main thread closes everything and prints its last line
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "datacascade-shutdown");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            hook = null;
            jvmExiting = true;
            requestStop(); // whatever starts now stops again at once
        }
    }

    /** Ends what {@link #catchCtrlC()} began. */
    void releaseCtrlC() {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running and waits for this thread: nothing to remove
        }
        hook = null;
    }

    /**
     * Runs {@code service} until it ends, Ctrl-C, {@link #requestStop()}, or {@code seconds}
     * (0 = no limit) have passed, printing a status line every {@code period}; then closes it,
     * whatever happened.
     *
     * @return the exit code: 0, or 1 if the service failed
     */
    int run(Service service, int seconds, Duration period, PrintStream out) throws InterruptedException {
        try {
            long startNanos = System.nanoTime();
            long previousNanos = startNanos;
            long deadline = seconds > 0 ? startNanos + TimeUnit.SECONDS.toNanos(seconds) : Long.MAX_VALUE;
            long nextStatus = startNanos + period.toNanos();
            while (!service.hasEnded()) {
                if (stopRequested.await(Math.min(200_000_000L, Math.max(0, nextStatus - System.nanoTime())),
                        TimeUnit.NANOSECONDS)) {
                    break;
                }
                long now = System.nanoTime();
                if (now >= nextStatus || service.hasEnded()) {
                    out.println(service.status((now - previousNanos) / 1e9, (now - startNanos) / 1e9));
                    previousNanos = now;
                    nextStatus = now + period.toNanos();
                }
                if (now - deadline >= 0) {
                    break;
                }
            }
        } finally {
            service.close();
        }
        service.failure().ifPresent(f -> out.println("Failed: " + f.getMessage()));
        return service.failure().isPresent() ? 1 : 0;
    }

    /**
     * What a {@code main} does with a command's exit code: exits with it unless it is 0 or the
     * JVM is already exiting after Ctrl-C (then {@code System.exit} would block forever).
     */
    static void exit(int code) {
        if (code != 0 && !jvmExiting) {
            System.exit(code);
        }
    }
}
