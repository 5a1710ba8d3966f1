package io.datacascade.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real DynamoDB-compatible server for tests: <a href="https://github.com/architect/dynalite">dynalite</a>
 * running as a {@code node} child process on a free loopback port, in memory or on disk (LevelDB).
 *
 * <p>dynalite is installed with npm from the repository's {@code dynalite/} folder: run
 * {@code npm ci --prefix dynalite} in the repository root once (CI's {@code .ci/run} does). The
 * install is found by walking up from the working directory to a folder holding
 * {@code dynalite/node_modules/dynalite/cli.js}, unless the system property
 * {@value #DIR_PROPERTY} or the environment variable {@value #DIR_ENV} names the folder (the one
 * holding {@code node_modules}). {@code node} is taken from the {@code PATH}, or from the
 * environment variable {@value #NODE_ENV} or system property {@value #NODE_PROPERTY}.
 *
 * <p>This class has no AWS SDK dependency; build a client from {@link #endpoint()},
 * {@link #region()} and the dummy credentials (dynalite checks that requests are signed, not
 * the signature):
 *
 * <pre>{@code
 * try (Dynalite dynalite = Dynalite.builder().onDisk().start()) {
 *     DynamoDbClient dynamo = DynamoDbClient.builder()
 *             .endpointOverride(dynalite.endpoint())
 *             .region(Region.of(dynalite.region()))
 *             .credentialsProvider(StaticCredentialsProvider.create(
 *                     AwsBasicCredentials.create(Dynalite.accessKeyId(), Dynalite.secretAccessKey())))
 *             .build();
 *     // create tables, write ...
 *     dynalite.stop();      // server down mid-run: clients see connection failures
 *     dynalite.restart();   // same endpoint, same data (on disk): clients reconnect
 * }
 * }</pre>
 *
 * <p>Tables become ACTIVE at once ({@code --createTableMs 0} and the like). dynalite does not
 * support TTL ({@code UpdateTimeToLive}), transactions or PartiQL. The server's standard output
 * and error go to a file in a temporary directory named {@code datacascade-dynalite-*}, see
 * {@link #output()}; {@link #close()} deletes it. The process (and any process it started) is
 * killed on {@link #close()}, by a shutdown hook when the JVM exits without closing it, and
 * exits by itself when the JVM dies without running hooks (SIGKILL): a small preloaded script
 * ({@code node --require}) ends it when its standard input, a pipe from this JVM, closes.
 *
 * <p>A client's pooled connections die with the server on {@link #stop()}; the first request
 * after {@link #restart()} may fail with "The target server failed to respond" if the client does
 * not retry (the AWS SDK's default retry strategy does).
 *
 * <p>Instances are thread-safe. Starting takes about 0.2&ndash;0.3 seconds, stopping about 10 ms.
 */
public final class Dynalite implements AutoCloseable {

    /** System property naming the folder that holds dynalite's {@code node_modules}. */
    public static final String DIR_PROPERTY = "datacascade.dynalite.dir";
    /** Environment variable naming the folder that holds dynalite's {@code node_modules}. */
    public static final String DIR_ENV = "DATACASCADE_DYNALITE_DIR";
    /** System property naming the {@code node} executable. */
    public static final String NODE_PROPERTY = "datacascade.node";
    /** Environment variable naming the {@code node} executable. */
    public static final String NODE_ENV = "DATACASCADE_NODE";

    private static final Logger LOG = LoggerFactory.getLogger(Dynalite.class);

    private static final String HOST = "127.0.0.1";
    private static final String CLI = "node_modules/dynalite/cli.js";
    private static final String TEMP_PREFIX = "datacascade-dynalite-";
    private static final String OUTPUT_FILE = "output.log";
    private static final String WATCHDOG_FILE = "watchdog.cjs";
    /**
     * Preloaded into node: stdin is a pipe from this JVM, closed by the OS when the JVM dies, even
     * by SIGKILL, where no shutdown hook runs. The server then exits instead of living on.
     */
    private static final String WATCHDOG = "// Written by io.datacascade.testsupport.Dynalite: exit when the JVM that"
            + " started this server is gone.\n"
            + "process.stdin.on('end', () => process.exit(0));\n"
            + "process.stdin.on('error', () => process.exit(0));\n"
            + "process.stdin.resume();\n";
    private static final String DUMMY_CREDENTIAL = "dummy";
    private static final int START_ATTEMPTS = 5;
    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TERM_GRACE = Duration.ofSeconds(2);

    private final Path node;
    private final Path cli;
    private final Path workDir;
    private final Path dataDir;
    private final Path outputFile;
    private final Duration startTimeout;
    private final int port;
    private final URI endpoint;
    private final Thread cleanupHook;

    /**
     * The running server, or {@code null} while stopped or closed. Written under {@code this};
     * volatile so the shutdown hook reads it without taking the lock.
     */
    private volatile Process process;
    /** Guarded by {@code this}. */
    private boolean closed;

    private Dynalite(Builder options, Path node, Path cli, Path workDir, Path dataDir, Process process, int port) {
        this.node = node;
        this.cli = cli;
        this.workDir = workDir;
        this.dataDir = dataDir;
        this.outputFile = workDir.resolve(OUTPUT_FILE);
        this.startTimeout = options.startTimeout;
        this.port = port;
        this.endpoint = URI.create("http://" + HOST + ":" + port);
        this.process = process;
        this.cleanupHook = new Thread(this::cleanUpAtExit, "datacascade-dynalite-cleanup-" + port);
        Runtime.getRuntime().addShutdownHook(cleanupHook);
    }

    /**
     * Starts an in-memory dynalite on a free port; its data is lost when it stops.
     *
     * @return the running server; close it to stop it
     * @throws IllegalStateException if dynalite or node is not installed, or the server did not
     *         start (the message includes the server's output)
     */
    public static Dynalite start() {
        return builder().start();
    }

    /**
     * Returns a builder for a server with options (on-disk data for restart tests, install
     * location, start timeout).
     *
     * @return a new builder; it can be used for several servers
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The URI clients send requests to, {@code http://127.0.0.1:PORT}, e.g. for the AWS SDK's
     * {@code endpointOverride}. It stays the same across {@link #stop()} and {@link #restart()}.
     *
     * @return the server's endpoint
     */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * The port the server listens on, the same across {@link #stop()} and {@link #restart()}.
     *
     * @return the server's port
     */
    public int port() {
        return port;
    }

    /**
     * The region to configure clients with; dynalite ignores it, but the AWS SDK needs one.
     *
     * @return {@code "us-east-1"}
     */
    public String region() {
        return "us-east-1";
    }

    /**
     * An access key id to sign requests with; dynalite accepts any.
     *
     * @return {@code "dummy"}
     */
    public static String accessKeyId() {
        return DUMMY_CREDENTIAL;
    }

    /**
     * A secret access key to sign requests with; dynalite accepts any.
     *
     * @return {@code "dummy"}
     */
    public static String secretAccessKey() {
        return DUMMY_CREDENTIAL;
    }

    /**
     * The LevelDB directory of an on-disk server.
     *
     * @return the data directory, or empty for an in-memory server
     */
    public Optional<Path> dataDir() {
        return Optional.ofNullable(dataDir);
    }

    /**
     * Tells whether the server process is running, i.e. started, neither stopped nor closed,
     * and not crashed.
     *
     * @return {@code true} while the node process is alive
     */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Returns everything the server has written to standard output and error since it was first
     * started, across restarts; print it when a test fails.
     *
     * @return the server's output, or an explanation if it cannot be read (e.g. after close)
     */
    public String output() {
        return readOutput(outputFile);
    }

    /**
     * The file receiving the server's standard output and error, in a temporary directory
     * deleted by {@link #close()}.
     *
     * @return the output file
     */
    public Path outputFile() {
        return outputFile;
    }

    /**
     * Stops the server (SIGTERM, then SIGKILL after two seconds, its child processes too) and
     * waits until it is gone, keeping its port and data directory so {@link #restart()} brings
     * it back. Clients see connection failures meanwhile; an in-memory server loses its data.
     * Does nothing if already stopped.
     *
     * @throws IllegalStateException if the process is still alive ten seconds after SIGKILL, or
     *         the calling thread was interrupted while waiting
     */
    public synchronized void stop() {
        if (process != null) {
            Process stopping = process;
            process = null;
            long started = System.nanoTime();
            kill(stopping);
            LOG.debug("dynalite at {} stopped in {} ms", endpoint, elapsedMillis(started));
        }
    }

    /**
     * Starts the server again on the same port with the same data directory, so an on-disk
     * server still has its tables and items (an in-memory one starts empty). If the port is
     * briefly taken (e.g. by a client's socket), tries again until the start timeout (20 seconds
     * by default) runs out. Does nothing if the server is running.
     *
     * @throws IllegalStateException if the server was closed, or did not start within the start
     *         timeout (the message includes the server's output)
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("dynalite at " + endpoint + " is closed");
        }
        if (process != null && process.isAlive()) {
            return;
        }
        if (process != null) {
            kill(process); // crashed: reap what is left of it
            process = null;
        }
        long started = System.nanoTime();
        long deadline = started + startTimeout.toNanos();
        while (true) {
            long outputStart = outputLength(outputFile);
            Process candidate = launch(node, cli, port, dataDir, workDir);
            Readiness readiness = awaitReady(candidate, port, outputFile, outputStart, deadline);
            if (readiness == Readiness.READY) {
                process = candidate;
                LOG.debug("dynalite at {} restarted in {} ms", endpoint, elapsedMillis(started));
                return;
            }
            kill(candidate);
            if (readiness != Readiness.PORT_IN_USE || System.nanoTime() > deadline) {
                throw new IllegalStateException("dynalite did not restart on " + endpoint + " within " + startTimeout
                        + (readiness == Readiness.PORT_IN_USE ? " (port in use)" : "") + "; its output:\n" + output());
            }
            sleepMillis(100);
        }
    }

    /**
     * Stops the server and deletes its temporary directory: the output file and, with
     * {@link Builder#onDisk()}, the data. A data directory given to {@link Builder#onDisk(Path)}
     * is kept. Calling it again does nothing.
     *
     * @throws IllegalStateException if the process could not be killed (see {@link #stop()})
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting; the hook does the same clean-up
            }
            deleteFiles();
        }
    }

    @Override
    public String toString() {
        return "dynalite at " + endpoint + (dataDir == null ? " (in memory)" : " (data in " + dataDir + ")");
    }

    // ---------------------------------------------------------------- start and stop

    private static Dynalite start(Builder options) {
        Path node = options.node != null ? options.node : findNode();
        Path cli = findCli(options.installDir);
        long started = System.nanoTime();
        Path workDir = null;
        try {
            workDir = Files.createTempDirectory(TEMP_PREFIX);
            Path outputFile = Files.createFile(workDir.resolve(OUTPUT_FILE));
            Files.writeString(workDir.resolve(WATCHDOG_FILE), WATCHDOG, StandardCharsets.UTF_8);
            Path dataDir = null;
            if (options.onDisk) {
                dataDir = Files.createDirectories(options.dataDir != null ? options.dataDir : workDir.resolve("data"));
            }
            long deadline = started + options.startTimeout.toNanos();
            for (int attempt = 1; ; attempt++) {
                int port = freePort();
                long outputStart = outputLength(outputFile);
                Process process = launch(node, cli, port, dataDir, workDir);
                Readiness readiness = awaitReady(process, port, outputFile, outputStart, deadline);
                if (readiness == Readiness.READY) {
                    Dynalite dynalite = new Dynalite(options, node, cli, workDir, dataDir, process, port);
                    LOG.debug("{} started in {} ms", dynalite, elapsedMillis(started));
                    return dynalite;
                }
                kill(process);
                if (readiness != Readiness.PORT_IN_USE || attempt == START_ATTEMPTS) {
                    throw new IllegalStateException("dynalite did not start on " + HOST + ":" + port + " within "
                            + options.startTimeout + (readiness == Readiness.PORT_IN_USE
                                    ? " (port in use, attempt " + attempt + " of " + START_ATTEMPTS + ")" : "")
                            + "; command: " + String.join(" ", command(node, cli, port, dataDir, workDir))
                            + "; its output:\n" + readOutput(outputFile));
                }
                LOG.info("dynalite could not bind port {} (attempt {} of {}), trying another", port, attempt,
                        START_ATTEMPTS);
            }
        } catch (IOException e) {
            deleteWorkDir(workDir);
            throw new UncheckedIOException("could not create dynalite's temporary files"
                    + (options.dataDir != null ? " or its data directory " + options.dataDir : ""), e);
        } catch (RuntimeException e) {
            deleteWorkDir(workDir);
            throw e;
        }
    }

    private static List<String> command(Path node, Path cli, int port, Path dataDir, Path workDir) {
        List<String> command = new ArrayList<>(List.of(node.toString(),
                "--require", workDir.resolve(WATCHDOG_FILE).toString(), cli.toString(),
                "--host", HOST, "--port", Integer.toString(port),
                "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"));
        if (dataDir != null) {
            command.add("--path");
            command.add(dataDir.toAbsolutePath().toString());
        }
        return command;
    }

    private static Process launch(Path node, Path cli, int port, Path dataDir, Path workDir) {
        ProcessBuilder builder = new ProcessBuilder(command(node, cli, port, dataDir, workDir))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve(OUTPUT_FILE).toFile()));
        // stdin stays a pipe from this JVM, for the watchdog.
        try {
            return builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + node + " " + cli + ": " + e.getMessage(), e);
        }
    }

    private enum Readiness { READY, PORT_IN_USE, FAILED }

    /**
     * Waits until the process has printed its "listening" line (so the port is ours, not another
     * process's) and the port accepts connections.
     */
    private static Readiness awaitReady(Process process, int port, Path outputFile, long outputStart, long deadline) {
        String listening = "listening at: http://" + HOST + ":" + port;
        while (true) {
            boolean exited = !process.isAlive();
            String output = readOutputFrom(outputFile, outputStart);
            if (!exited && output.contains(listening) && accepts(port)) {
                return Readiness.READY;
            }
            if (exited) {
                return output.contains("EADDRINUSE") ? Readiness.PORT_IN_USE : Readiness.FAILED;
            }
            if (System.nanoTime() > deadline) {
                return Readiness.FAILED;
            }
            sleepMillis(25);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills the process and its descendants: SIGTERM, SIGKILL after a grace period. */
    private static void kill(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(TERM_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
            descendants.forEach(ProcessHandle::destroyForcibly);
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("dynalite (pid " + process.pid() + ") still alive " + STOP_TIMEOUT
                        + " after SIGKILL");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for dynalite (pid " + process.pid()
                    + ") to stop", e);
        }
    }

    private void cleanUpAtExit() {
        Process running = process;
        if (running != null) {
            running.descendants().forEach(ProcessHandle::destroyForcibly);
            running.destroyForcibly();
            try {
                running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deleteFiles();
    }

    private void deleteFiles() {
        deleteWorkDir(workDir);
    }

    private static void deleteWorkDir(Path workDir) {
        if (workDir == null || !Files.exists(workDir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(workDir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete {} completely: {}", workDir, e.toString());
        }
    }

    // ---------------------------------------------------------------- finding the install

    private static Path findCli(Path configured) {
        if (configured != null) {
            return cliIn(configured, "Builder.installDir");
        }
        String property = System.getProperty(DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return cliIn(Path.of(property), "system property " + DIR_PROPERTY);
        }
        String env = System.getenv(DIR_ENV);
        if (env != null && !env.isBlank()) {
            return cliIn(Path.of(env), "environment variable " + DIR_ENV);
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            Path cli = dir.resolve("dynalite").resolve(CLI);
            if (Files.isRegularFile(cli)) {
                return cli;
            }
        }
        throw new IllegalStateException("dynalite is not installed: no dynalite/" + CLI + " in " + cwd
                + " or any parent directory. Run `npm ci --prefix dynalite` in the repository root, or set the system"
                + " property " + DIR_PROPERTY + " or the environment variable " + DIR_ENV
                + " to a folder holding node_modules/dynalite");
    }

    private static Path cliIn(Path dir, String source) {
        Path cli = dir.toAbsolutePath().resolve(CLI);
        if (Files.isRegularFile(cli)) {
            return cli;
        }
        throw new IllegalStateException(source + " names " + dir + ", but " + cli + " does not exist. Run `npm ci"
                + " --prefix dynalite` in the repository root, or point it to a folder holding node_modules/dynalite");
    }

    private static Path findNode() {
        String property = System.getProperty(NODE_PROPERTY);
        if (property != null && !property.isBlank()) {
            return executable(property, "system property " + NODE_PROPERTY);
        }
        String env = System.getenv(NODE_ENV);
        if (env != null && !env.isBlank()) {
            return executable(env, "environment variable " + NODE_ENV);
        }
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        for (String dir : path.split(File.pathSeparator)) {
            for (String name : new String[] {"node", "node.exe"}) {
                Path candidate = dir.isEmpty() ? null : Path.of(dir, name);
                if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("node is not installed: no node executable on the PATH (" + path
                + "). Install Node.js 18 or later, or set the environment variable " + NODE_ENV
                + " to the node executable");
    }

    private static Path executable(String file, String source) {
        Path node = Path.of(file);
        if (!Files.isRegularFile(node) || !Files.isExecutable(node)) {
            throw new IllegalStateException(source + " names " + file + ", which is not an executable file");
        }
        return node;
    }

    // ---------------------------------------------------------------- helpers

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not find a free port on " + HOST, e);
        }
    }

    private static long outputLength(Path outputFile) {
        try {
            return Files.size(outputFile);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String readOutput(Path outputFile) {
        return readOutputFrom(outputFile, 0);
    }

    private static String readOutputFrom(Path outputFile, long offset) {
        try {
            byte[] bytes = Files.readAllBytes(outputFile);
            int from = (int) Math.min(offset, bytes.length);
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(could not read dynalite's output from " + outputFile + ": " + e + ")";
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for dynalite", e);
        }
    }

    private static long elapsedMillis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    /**
     * Options for a {@link Dynalite}; {@link #start()} starts a server with them. The builder is
     * mutable and not thread-safe; each started server takes a copy of its settings.
     */
    public static final class Builder {

        private boolean onDisk;
        private Path dataDir;
        private Path installDir;
        private Path node;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;

        private Builder() {
        }

        /**
         * Keeps the data on disk (LevelDB) in a temporary directory that {@link Dynalite#close()}
         * deletes, so that {@link Dynalite#stop()} and {@link Dynalite#restart()} keep tables and
         * items. By default the server keeps its data in memory.
         *
         * @return this builder
         */
        public Builder onDisk() {
            this.onDisk = true;
            this.dataDir = null;
            return this;
        }

        /**
         * Keeps the data on disk (LevelDB) in the given directory, created if needed and reused as
         * it is, so a later server started on it sees the earlier one's tables and items.
         * {@link Dynalite#close()} does not delete it.
         *
         * @param dir the data directory
         * @return this builder
         */
        public Builder onDisk(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dir can't be null");
            this.onDisk = true;
            return this;
        }

        /**
         * Uses the dynalite install in this folder, the one holding
         * {@code node_modules/dynalite/cli.js}, instead of searching for it.
         *
         * @param dir the folder, e.g. the repository's {@code dynalite/}
         * @return this builder
         */
        public Builder installDir(Path dir) {
            this.installDir = Objects.requireNonNull(dir, "dir can't be null");
            return this;
        }

        /**
         * Uses this {@code node} executable instead of searching for it.
         *
         * @param executable the node executable
         * @return this builder
         */
        public Builder node(Path executable) {
            this.node = Objects.requireNonNull(executable, "executable can't be null");
            return this;
        }

        /**
         * Sets how long {@link #start()} and {@link Dynalite#restart()} wait for the server to
         * accept connections. Defaults to 20 seconds.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder startTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout can't be null");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("startTimeout must be positive, was " + timeout);
            }
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Starts a server with these options on a free port, retrying with other ports up to five
         * times if a port was taken between choosing and binding it, and waits until it accepts
         * connections.
         *
         * @return the running server
         * @throws IllegalStateException if dynalite or node is not installed (the message says how
         *         to install it), or the server did not start in time (the message includes its
         *         output)
         * @throws UncheckedIOException if the temporary files could not be created
         */
        public Dynalite start() {
            Builder copy = new Builder();
            copy.onDisk = onDisk;
            copy.dataDir = dataDir;
            copy.installDir = installDir;
            copy.node = node;
            copy.startTimeout = startTimeout;
            return Dynalite.start(copy);
        }
    }
}
