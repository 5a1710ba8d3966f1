package io.datacascade.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) running inside
 * the calling JVM, so integration tests talk to a real server instead of a mocked client.
 *
 * <p>The broker listens on free loopback ports, keeps its data in a temporary directory named
 * {@code datacascade-kafka-*} under {@code java.io.tmpdir} and deletes it on {@link #close()}.
 * Every internal topic (consumer offsets, transactions, share-group state) is created with
 * replication factor 1 and few partitions, consumer groups rebalance without delay, and log
 * retention is unlimited so records with old event timestamps are never deleted mid-test.
 * Topics are still auto-created on first use, with {@link Builder#partitions(int)} partitions.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopic("events", 3);
 *     try (var producer = new KafkaProducer<byte[], byte[]>(kafka.producerConfig())) {
 *         producer.send(new ProducerRecord<>("events", "v".getBytes()));
 *     }
 *     kafka.stop();      // broker down mid-stream: clients see connection failures
 *     kafka.restart();   // same address, same data: clients reconnect
 * }
 * }</pre>
 *
 * <p><b>Logging.</b> The broker logs thousands of lines at INFO. When this class is loaded it sets
 * the slf4j-simple levels {@code org.slf4j.simpleLogger.log.kafka},
 * {@code ...log.org.apache.kafka} and {@code ...log.state.change.logger} to {@code warn}, unless a
 * system property or the classpath's {@code simplelogger.properties} already sets them. With
 * another slf4j provider, configure those three logger names yourself. A
 * {@code simplelogger.properties} to copy into {@code src/test/resources}:
 * <pre>
 * org.slf4j.simpleLogger.defaultLogLevel=info
 * org.slf4j.simpleLogger.showDateTime=true
 * org.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS
 * org.slf4j.simpleLogger.log.kafka=warn
 * org.slf4j.simpleLogger.log.org.apache.kafka=warn
 * org.slf4j.simpleLogger.log.state.change.logger=warn
 * </pre>
 *
 * <p>Instances are thread-safe. Starting takes about 3&ndash;5 seconds on a small machine.
 */
public final class EmbeddedKafka implements AutoCloseable {

    static {
        quietBrokerLogging();
    }

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final String HOST = "127.0.0.1";
    private static final String TEMP_PREFIX = "datacascade-kafka-";
    private static final int START_ATTEMPTS = 5;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RESTART_BIND_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long the exit hook waits for the owner to close the broker before closing it itself: as
     * long as an application's orderly stop may take (its pipelines' close timeouts).
     */
    private static final Duration EXIT_GRACE = Duration.ofSeconds(60);

    private final Path rootDir;
    private final Path logDir;
    private final Map<String, String> brokerConfig;
    private final String bootstrapServers;
    private final Thread cleanupHook;
    private final CountDownLatch closedSignal = new CountDownLatch(1);

    /** The running server, or {@code null} while stopped or closed. Guarded by {@code this}. */
    private KafkaRaftServer server;
    /** Guarded by {@code this}. */
    private boolean closed;

    private EmbeddedKafka(Path rootDir, Path logDir, Map<String, String> brokerConfig, int brokerPort,
            KafkaRaftServer server) {
        this.rootDir = rootDir;
        this.logDir = logDir;
        this.brokerConfig = Map.copyOf(brokerConfig);
        this.bootstrapServers = HOST + ":" + brokerPort;
        this.server = server;
        this.cleanupHook = new Thread(this::closeAtExit, "datacascade-kafka-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupHook);
    }

    /**
     * Starts a broker with the defaults: one partition per auto-created topic, a temporary log
     * directory, no extra broker properties.
     *
     * @return the running broker; close it to stop it and delete its data
     * @throws IllegalStateException if the broker could not be started, e.g. no free ports were
     *         found in five attempts
     */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    /**
     * Returns a builder for a broker with options (partitions of auto-created topics, extra broker
     * properties, a fixed log directory).
     *
     * @return a new builder; it can be used for several brokers
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The address clients connect to, {@code 127.0.0.1:PORT}. It stays the same across
     * {@link #stop()} and {@link #restart()}.
     *
     * @return the bootstrap servers string for client configurations
     */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * The directory holding the broker's log segments and KRaft metadata. A temporary directory
     * unless {@link Builder#logDir(Path)} was given.
     *
     * @return the log directory
     */
    public Path logDir() {
        return logDir;
    }

    /**
     * Tells whether the broker is serving, i.e. started and neither stopped nor closed.
     *
     * @return {@code true} between start or restart and stop or close
     */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Shuts the broker down but keeps its ports and data, so that {@link #restart()} brings the
     * same broker back. Clients connected to it see disconnects and retry, which is how tests
     * simulate a broker outage mid-stream. Does nothing if already stopped.
     *
     * <p>The shutdown is bounded: if it takes more than 30 seconds a warning is logged and the
     * method returns anyway, and the broker's threads are left to finish on their own.
     */
    public synchronized void stop() {
        if (server != null) {
            KafkaRaftServer stopping = server;
            server = null;
            long started = System.nanoTime();
            shutdownBounded(stopping);
            LOG.debug("Kafka broker at {} stopped in {} ms", bootstrapServers,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
    }

    /**
     * Starts the broker again on the same ports with the same log directory, so records,
     * topics and committed offsets written before are still there and clients reconnect to the
     * same {@link #bootstrapServers()}. Stops the broker first if it is running.
     *
     * <p>If a port was taken by another process in the meantime the start is retried for up
     * to 10 seconds.
     *
     * @throws IllegalStateException if this broker is closed, or it could not be started again
     *         (e.g. another process holds one of its ports)
     */
    public synchronized void restart() {
        checkNotClosed();
        stop();
        long deadline = System.nanoTime() + RESTART_BIND_TIMEOUT.toNanos();
        while (true) {
            try {
                server = startServer(brokerConfig);
                return;
            } catch (RuntimeException e) {
                if (!isBindFailure(e) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not restart the Kafka broker at " + bootstrapServers, e);
                }
                LOG.info("Port of the Kafka broker at {} is still in use, retrying: {}", bootstrapServers, e.toString());
                sleep(Duration.ofMillis(200));
            }
        }
    }

    /**
     * Stops the broker if it is running and deletes its temporary directory, including the log
     * directory unless it was given with {@link Builder#logDir(Path)}. Calling it again does
     * nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        deleteRecursively(rootDir); // holds the log dir unless the caller chose it

        closedSignal.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already shutting down; the hook runs anyway and finds it closed.
        }
    }

    /**
     * At JVM exit (Ctrl-C, SIGTERM): shutdown hooks run at the same time, so the owner's own hook
     * may be stopping its clients in order right now, and the broker has to outlive them. Gives
     * the owner {@link #EXIT_GRACE} to close it, then stops it and deletes its data itself.
     */
    private void closeAtExit() {
        try {
            if (closedSignal.await(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /**
     * Creates a new admin client for this broker. The caller owns it and must close it.
     *
     * @return a new admin client bound to {@link #bootstrapServers()}
     */
    public Admin admin() {
        return Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /**
     * Creates a topic with default topic settings and waits until every partition has a leader,
     * so producers and consumers can use it right away.
     *
     * @param name the topic name
     * @param partitions the number of partitions, at least 1
     * @throws IllegalArgumentException if {@code partitions} is less than 1
     * @throws IllegalStateException if the broker refused the topic (e.g. it exists already;
     *         the cause is Kafka's exception) or did not answer within 30 seconds
     */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /**
     * Creates a topic with topic-level settings (e.g. {@code retention.ms}, {@code cleanup.policy})
     * and waits until every partition has a leader.
     *
     * @param name the topic name
     * @param partitions the number of partitions, at least 1
     * @param configs topic configuration overrides; may be empty
     * @throws IllegalArgumentException if {@code partitions} is less than 1
     * @throws IllegalStateException if the broker refused the topic (e.g. it exists already or a
     *         setting is invalid; the cause is Kafka's exception) or did not answer within 30 seconds
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        Objects.requireNonNull(name, "name can't be null");
        Objects.requireNonNull(configs, "configs can't be null");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        String what = "creating topic '" + name + "' on " + bootstrapServers;
        try (Admin admin = admin()) {
            NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
            await(admin.createTopics(List.of(topic)).all(), what);
            awaitLeaders(admin, name, partitions, what);
        }
        // metadata can name a leader before the leader serves the partition; an idempotent producer whose
        // first batch then gets NOT_LEADER_OR_FOLLOWER was seen retrying into OUT_OF_ORDER_SEQUENCE_NUMBER
        // until its delivery timeout (Kafka 4.4.0): a list-offsets answer from every leader rules that out
        endOffsetSum(name);
    }

    /**
     * Returns the sum of the end offsets (the offset the next record will get) over all
     * partitions of a topic: the number of records written to it if nothing was deleted and no
     * transaction markers were written.
     *
     * @param topic an existing topic
     * @return the sum of the latest offsets of all partitions
     * @throws IllegalStateException if the topic does not exist or the broker did not answer
     *         within 30 seconds
     */
    public long endOffsetSum(String topic) {
        Objects.requireNonNull(topic, "topic can't be null");
        String what = "listing end offsets of topic '" + topic + "' on " + bootstrapServers;
        try (Admin admin = admin()) {
            TopicDescription description = await(admin.describeTopics(List.of(topic)).allTopicNames(), what).get(topic);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (TopicPartitionInfo partition : description.partitions()) {
                request.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest());
            }
            return await(admin.listOffsets(request).all(), what).values().stream()
                    .mapToLong(info -> info.offset())
                    .sum();
        }
    }

    /**
     * Returns the offsets a consumer group has committed for the partitions of one topic, ordered
     * by partition. Partitions without a committed offset are absent.
     *
     * @param groupId the consumer group
     * @param topic the topic whose partitions to report
     * @return committed offset per partition; empty if the group committed nothing for the topic
     * @throws IllegalStateException if the broker did not answer within 30 seconds
     */
    public Map<TopicPartition, Long> committedOffsets(String groupId, String topic) {
        Objects.requireNonNull(groupId, "groupId can't be null");
        Objects.requireNonNull(topic, "topic can't be null");
        String what = "listing offsets of group '" + groupId + "' on " + bootstrapServers;
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> all =
                    await(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata(), what);
            Map<TopicPartition, Long> result = new LinkedHashMap<>();
            all.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .sorted(Map.Entry.comparingByKey(Comparator.comparingInt(TopicPartition::partition)))
                    .forEach(e -> result.put(e.getKey(), e.getValue().offset()));
            return Collections.unmodifiableMap(result);
        }
    }

    /**
     * Returns a producer configuration for this broker with byte-array key and value serializers.
     * The map is new and mutable, so tests can add settings before passing it to a producer.
     *
     * @return bootstrap servers and serializers
     */
    public Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return config;
    }

    /**
     * Returns a consumer configuration for this broker with byte-array deserializers, the given
     * group, {@code auto.offset.reset=earliest} and auto-commit off (tests commit explicitly).
     * The map is new and mutable.
     *
     * @param groupId the consumer group id
     * @return bootstrap servers, group, deserializers and offset settings
     */
    public Map<String, Object> consumerConfig(String groupId) {
        Objects.requireNonNull(groupId, "groupId can't be null");
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers + ", logDir=" + logDir + "]";
    }

    // ---------------------------------------------------------------- starting

    private static EmbeddedKafka start(Builder options) {
        Path root = createTempDir();
        try {
            Path logDir = options.logDir != null ? options.logDir : root.resolve("logs");
            Files.createDirectories(logDir);
            RuntimeException lastBindFailure = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                int[] ports = freePorts(2);
                Map<String, String> config = brokerConfig(ports[0], ports[1], logDir, options);
                if (!Files.exists(logDir.resolve("meta.properties"))) {
                    formatStorage(root, config);
                }
                long started = System.nanoTime();
                try {
                    KafkaRaftServer server = startServer(config);
                    EmbeddedKafka kafka = new EmbeddedKafka(root, logDir, config, ports[0], server);
                    LOG.debug("Kafka broker started at {} in {} ms", kafka.bootstrapServers,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                    return kafka;
                } catch (RuntimeException e) {
                    if (!isBindFailure(e)) {
                        throw e;
                    }
                    lastBindFailure = e;
                    LOG.info("Kafka broker could not bind ports {} and {} (attempt {} of {}): {}",
                            ports[0], ports[1], attempt, START_ATTEMPTS, e.toString());
                }
            }
            throw new IllegalStateException("could not start a Kafka broker: no free ports in "
                    + START_ATTEMPTS + " attempts", lastBindFailure);
        } catch (IOException e) {
            deleteRecursively(root);
            throw new UncheckedIOException("could not prepare the Kafka log directory under " + root, e);
        } catch (RuntimeException e) {
            deleteRecursively(root);
            throw e;
        }
    }

    private static Map<String, String> brokerConfig(int brokerPort, int controllerPort, Path logDir, Builder options) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        // A static quorum: no endpoint is written into the storage, so a formatted log dir can be
        // started again on other ports (retries, Builder.logDir reused by a later broker).
        config.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        config.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("log.dirs", logDir.toAbsolutePath().toString());
        // Single node: every internal topic at replication 1, or consumers and transactions stall.
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "5");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "5");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("share.coordinator.state.topic.num.partitions", "5");
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");
        config.put("num.partitions", Integer.toString(options.partitions));
        config.put("group.initial.rebalance.delay.ms", "0");
        // Tests often write records with old event timestamps: never delete them by age.
        config.put("log.retention.ms", "-1");
        // The log cleaner allocates this buffer at startup; the 128 MiB default is wasted in tests.
        config.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "4");
        config.putAll(options.brokerProperties);
        return config;
    }

    private static void formatStorage(Path root, Map<String, String> config) throws IOException {
        Path configFile = root.resolve("server.properties");
        Properties properties = new Properties();
        properties.putAll(config);
        try (Writer writer = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
            properties.store(writer, "DataCascade EmbeddedKafka");
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            String[] args = {"format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString(), "--ignore-formatted"};
            rc = StorageTool.execute(args, out);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting the Kafka log directory " + config.get("log.dirs")
                    + " failed with exit code " + rc + ": " + buffer.toString(StandardCharsets.UTF_8));
        }
    }

    private static KafkaRaftServer startServer(Map<String, String> config) {
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
        try {
            server.startup();
            return server;
        } catch (RuntimeException e) {
            shutdownBounded(server);
            throw e;
        }
    }

    private static void shutdownBounded(KafkaRaftServer server) {
        Thread stopper = new Thread(() -> {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                LOG.warn("Kafka broker shutdown failed", e);
            }
        }, "datacascade-kafka-shutdown");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while waiting for the Kafka broker to stop; it goes on stopping in the background");
            return;
        }
        if (stopper.isAlive()) {
            LOG.warn("Kafka broker did not stop within {}; it goes on stopping in the background", STOP_TIMEOUT);
        }
    }

    private static boolean isBindFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof BindException || message.contains("Address already in use")
                    || message.contains("failed to bind")) {
                return true;
            }
        }
        return false;
    }

    private static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                socket.setReuseAddress(true);
                sockets.add(socket);
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("could not find free ports on " + HOST, e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing to do: the port is released either way
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private synchronized void checkNotClosed() {
        if (closed) {
            throw new IllegalStateException("the Kafka broker at " + bootstrapServers + " is closed");
        }
    }

    private static void awaitLeaders(Admin admin, String topic, int partitions, String what) {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            try {
                TopicDescription description =
                        await(admin.describeTopics(List.of(topic)).allTopicNames(), what).get(topic);
                if (description.partitions().size() == partitions
                        && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": partitions got no leader within " + ADMIN_TIMEOUT);
            }
            sleep(Duration.ofMillis(50));
        }
    }

    private static <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not complete within " + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory(TEMP_PREFIX);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary directory for Kafka", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete {} completely: {}", dir, e.toString());
        }
    }

    /** Sets slf4j-simple levels for the broker's loggers to WARN unless the caller configured them. */
    private static void quietBrokerLogging() {
        Properties file = new Properties();
        try (InputStream in = EmbeddedKafka.class.getClassLoader().getResourceAsStream("simplelogger.properties")) {
            if (in != null) {
                file.load(in);
            }
        } catch (IOException | RuntimeException e) {
            // no readable simplelogger.properties: treat it as empty
        }
        for (String logger : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null && file.getProperty(key) == null) {
                System.setProperty(key, "warn");
            }
        }
    }

    /**
     * Options for an {@link EmbeddedKafka}; {@link #start()} starts a broker with them. The
     * builder is mutable and not thread-safe; each started broker takes a copy of its settings.
     */
    public static final class Builder {

        private int partitions = 1;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Path logDir;

        private Builder() {
        }

        /**
         * Sets the number of partitions of topics the broker creates automatically on first use
         * ({@code num.partitions}). Defaults to 1.
         *
         * @param partitions at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code partitions} is less than 1
         */
        public Builder partitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /**
         * Adds broker properties (e.g. {@code auto.create.topics.enable=false},
         * {@code transaction.max.timeout.ms}); they override this class's defaults, including
         * listener settings, so override those only if you know what you are doing.
         *
         * @param properties broker property names and values
         * @return this builder
         */
        public Builder brokerProperties(Map<String, String> properties) {
            Objects.requireNonNull(properties, "properties can't be null");
            properties.forEach((key, value) -> {
                Objects.requireNonNull(key, "broker property name can't be null");
                Objects.requireNonNull(value, () -> "value of broker property '" + key + "' can't be null");
            });
            brokerProperties.putAll(properties);
            return this;
        }

        /**
         * Keeps the broker's data in the given directory instead of a temporary one. The
         * directory is created and formatted if needed, and reused as it is if it already holds a
         * formatted Kafka log directory, so a later broker (on other ports) sees the earlier
         * one's topics and records. {@link EmbeddedKafka#close()} does not delete it.
         *
         * @param dir the log directory
         * @return this builder
         */
        public Builder logDir(Path dir) {
            this.logDir = Objects.requireNonNull(dir, "dir can't be null");
            return this;
        }

        /**
         * Starts a broker with these options on free ports, retrying with other ports up to five
         * times if a port was taken between choosing and binding it.
         *
         * @return the running broker
         * @throws IllegalStateException if the broker could not be started
         * @throws UncheckedIOException if the log directory could not be created
         */
        public EmbeddedKafka start() {
            Builder copy = new Builder();
            copy.partitions = partitions;
            copy.brokerProperties.putAll(brokerProperties);
            copy.logDir = logDir;
            return EmbeddedKafka.start(copy);
        }
    }
}
