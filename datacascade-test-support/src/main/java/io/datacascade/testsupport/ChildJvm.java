package io.datacascade.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A main class running in a separate OS process, a child JVM with the current JVM's classpath,
 * so crash tests can {@link #kill() SIGKILL} a pipeline mid-stream and check what survived.
 *
 * <p>The child's standard output and error go to one file, readable with {@link #output()}
 * (print it when a test fails). The child is killed when this object is closed and, as a last
 * resort, when the parent JVM exits normally.
 *
 * <pre>{@code
 * try (ChildJvm child = ChildJvm.builder(MyPipelineMain.class)
 *         .jvmArgs("-Xmx256m")
 *         .systemProperty("bootstrap.servers", kafka.bootstrapServers())
 *         .args("--topic", "events")
 *         .start()) {
 *     assertThat(child.awaitOutput("pipeline started", Duration.ofSeconds(20))).as(child.output()).isTrue();
 *     child.kill();                       // SIGKILL: no shutdown hooks, no flush
 *     assertThat(child.isAlive()).isFalse();
 * }
 * }</pre>
 *
 * <p>Instances are thread-safe.
 */
public final class ChildJvm implements AutoCloseable {

    private static final String OUTPUT_PREFIX = "datacascade-childjvm-";
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final String mainClass;
    private final Path outputFile;
    private final boolean ownsOutputFile;
    private final Thread killHook;
    /** Guarded by {@code this}. */
    private boolean closed;

    private ChildJvm(Process process, String mainClass, Path outputFile, boolean ownsOutputFile) {
        this.process = process;
        this.mainClass = mainClass;
        this.outputFile = outputFile;
        this.ownsOutputFile = ownsOutputFile;
        this.killHook = new Thread(process::destroyForcibly, "datacascade-childjvm-kill-" + process.pid());
        Runtime.getRuntime().addShutdownHook(killHook);
    }

    /**
     * Returns a builder for a child JVM running the given class's {@code main} method.
     *
     * @param mainClass a class with a {@code public static void main(String[])} method, on the
     *        current classpath
     * @return a new builder
     */
    public static Builder builder(Class<?> mainClass) {
        return builder(Objects.requireNonNull(mainClass, "mainClass can't be null").getName());
    }

    /**
     * Returns a builder for a child JVM running the named main class.
     *
     * @param mainClassName the fully qualified name of a class with a {@code main} method
     * @return a new builder
     */
    public static Builder builder(String mainClassName) {
        return new Builder(Objects.requireNonNull(mainClassName, "mainClassName can't be null"));
    }

    /**
     * The operating system's process id of the child, e.g. to find it with {@code ps}.
     *
     * @return the child's pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Tells whether the child process is still running.
     *
     * @return {@code true} until the child exits or is killed
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Kills the child with SIGKILL, as a crash or {@code kill -9} would: no shutdown hooks run,
     * nothing is flushed. Waits up to 10 seconds for the process to be gone. Does nothing if the
     * child has already exited.
     *
     * @throws IllegalStateException if the child is still alive 10 seconds after the signal, or
     *         the calling thread was interrupted while waiting
     */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly(); // SIGKILL on Linux and macOS
        try {
            if (!process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("child JVM " + this + " still alive " + KILL_TIMEOUT + " after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for child JVM " + this + " to die", e);
        }
    }

    /**
     * Waits for the child to exit and returns its exit code; a child killed by SIGKILL reports
     * 137 (128 + 9).
     *
     * @param timeout how long to wait at most
     * @return the child's exit code
     * @throws TimeoutException if the child is still running after {@code timeout}; it is left running
     * @throws InterruptedException if the calling thread was interrupted while waiting
     */
    public int waitFor(Duration timeout) throws TimeoutException, InterruptedException {
        Objects.requireNonNull(timeout, "timeout can't be null");
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("child JVM " + this + " still running after " + timeout);
        }
        return process.exitValue();
    }

    /**
     * Returns everything the child has written to standard output and standard error so far.
     * Bytes that are not valid UTF-8 (e.g. a line cut by a kill) are replaced.
     *
     * @return the child's output
     * @throws UncheckedIOException if the output file cannot be read (e.g. after {@link #close()}
     *         deleted it)
     */
    public String output() {
        try {
            return new String(Files.readAllBytes(outputFile), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the output of child JVM " + this + " from " + outputFile, e);
        }
    }

    /**
     * The file receiving the child's standard output and error. A temporary file deleted by
     * {@link #close()}, unless {@link Builder#outputFile(Path)} chose it.
     *
     * @return the output file
     */
    public Path outputFile() {
        return outputFile;
    }

    /**
     * Waits until the child's output contains a text, e.g. a line the child prints once it is
     * in the state a test wants to crash it in. Returns early with {@code false} if the child
     * exits without printing it.
     *
     * @param text the text to look for
     * @param timeout how long to wait at most
     * @return {@code true} if the output contains {@code text}; {@code false} after the timeout or
     *         if the child exited without printing it
     * @throws InterruptedException if the calling thread was interrupted while waiting
     */
    public boolean awaitOutput(String text, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(text, "text can't be null");
        Objects.requireNonNull(timeout, "timeout can't be null");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean exited = !process.isAlive();
            if (output().contains(text)) {
                return true;
            }
            if (exited || System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
    }

    /**
     * Kills the child if it is still running, waits for it to be gone and deletes the temporary
     * output file. Calling it again does nothing.
     *
     * @throws IllegalStateException if the child could not be killed (see {@link #kill()})
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (process.isAlive()) {
                kill();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killHook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already shutting down; the hook kills nothing that is still alive.
            }
            if (ownsOutputFile) {
                try {
                    Files.deleteIfExists(outputFile);
                } catch (IOException e) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    @Override
    public String toString() {
        return mainClass + " (pid " + process.pid() + ")";
    }

    /**
     * Options for a {@link ChildJvm}; {@link #start()} launches it. Mutable and not thread-safe.
     */
    public static final class Builder {

        private final String mainClass;
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private String classpath = System.getProperty("java.class.path");
        private Path outputFile;

        private Builder(String mainClass) {
            this.mainClass = mainClass;
        }

        /**
         * Appends program arguments passed to the child's {@code main}.
         *
         * @param args the arguments, in order
         * @return this builder
         */
        public Builder args(String... args) {
            this.args.addAll(nonNull(args, "args"));
            return this;
        }

        /**
         * Appends JVM options placed before the main class, e.g. {@code -Xmx256m} or
         * {@code -XX:+HeapDumpOnOutOfMemoryError}.
         *
         * @param jvmArgs the options, in order
         * @return this builder
         */
        public Builder jvmArgs(String... jvmArgs) {
            this.jvmArgs.addAll(nonNull(jvmArgs, "jvmArgs"));
            return this;
        }

        /**
         * Sets a system property in the child ({@code -Dname=value}).
         *
         * @param name the property name
         * @param value the property value
         * @return this builder
         */
        public Builder systemProperty(String name, String value) {
            Objects.requireNonNull(name, "name can't be null");
            Objects.requireNonNull(value, () -> "value of system property '" + name + "' can't be null");
            systemProperties.put(name, value);
            return this;
        }

        /**
         * Replaces the classpath, which defaults to the current JVM's {@code java.class.path}.
         *
         * @param classpath entries separated by {@link File#pathSeparator}
         * @return this builder
         */
        public Builder classpath(String classpath) {
            this.classpath = Objects.requireNonNull(classpath, "classpath can't be null");
            return this;
        }

        /**
         * Sends the child's output to this file (created or truncated) and keeps it after
         * {@link ChildJvm#close()}; by default a temporary file is used and deleted on close.
         *
         * @param file the output file
         * @return this builder
         */
        public Builder outputFile(Path file) {
            this.outputFile = Objects.requireNonNull(file, "file can't be null");
            return this;
        }

        /**
         * Launches the child JVM with the {@code java} binary of the current JVM
         * ({@code java.home}). Returns as soon as the process exists; use
         * {@link ChildJvm#awaitOutput(String, Duration)} to wait until it is ready.
         *
         * @return the running child
         * @throws UncheckedIOException if the process or its output file could not be created
         */
        public ChildJvm start() {
            boolean ownsOutput = outputFile == null;
            Path output = outputFile;
            try {
                if (ownsOutput) {
                    output = Files.createTempFile(OUTPUT_PREFIX, ".log");
                }
                List<String> command = new ArrayList<>();
                command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                command.addAll(jvmArgs);
                systemProperties.forEach((name, value) -> command.add("-D" + name + "=" + value));
                command.add("-cp");
                command.add(classpath);
                command.add(mainClass);
                command.addAll(args);
                Process process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
                return new ChildJvm(process, mainClass, output, ownsOutput);
            } catch (IOException e) {
                if (ownsOutput && output != null) {
                    try {
                        Files.deleteIfExists(output);
                    } catch (IOException ignored) {
                        // a temp file left behind is harmless
                    }
                }
                throw new UncheckedIOException("could not start a child JVM for " + mainClass, e);
            }
        }

        private static List<String> nonNull(String[] values, String what) {
            Objects.requireNonNull(values, () -> what + " can't be null");
            for (String value : values) {
                Objects.requireNonNull(value, () -> what + " can't contain null");
            }
            return Arrays.asList(values);
        }
    }
}
