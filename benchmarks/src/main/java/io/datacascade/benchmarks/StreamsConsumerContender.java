package io.datacascade.benchmarks;

import io.datacascade.kafka.PointJsonCodec;
import io.datacascade.testsupport.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;

/**
 * {@code kafka-streams-<n>t}: {@code stream(topic, Consumed.with(ByteArray, ByteArray))} →
 * {@code mapValues} (decode with {@link PointJsonCodec}, which takes a {@link ConsumerRecord}, so
 * the key and value are wrapped in one: two small objects per record that the other contenders
 * don't allocate) → {@code mapValues} (map) → {@code filter} → {@code foreach} (count), with
 * {@code num.stream.threads=n}, {@code processing.guarantee=at_least_once} (the default) and
 * {@code commit.interval.ms=1000}, equal to {@code KafkaSource}'s commit interval (Streams'
 * default for at-least-once is 30 s). Every other setting is Streams' default. A fresh
 * {@code application.id} per pass; state directory in a temporary directory, deleted after each
 * pass. Timed from {@code new KafkaStreams(..)}, which creates the clients, to the last count.
 */
final class StreamsConsumerContender implements KafkaContender {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final EmbeddedKafka kafka;
    private final String topic;
    private final KafkaWorkload workload;
    private final int threads;
    private final Path stateRoot;

    StreamsConsumerContender(EmbeddedKafka kafka, String topic, KafkaWorkload workload, int threads, Path stateRoot) {
        this.kafka = kafka;
        this.topic = topic;
        this.workload = workload;
        this.threads = threads;
        this.stateRoot = stateRoot;
    }

    @Override
    public String name() {
        return "kafka-streams-" + threads + "t";
    }

    @Override
    public Pass run(String passId) throws IOException {
        String applicationId = "e2e-streams-" + threads + "t-" + passId;
        Path stateDir = Files.createDirectories(stateRoot.resolve(applicationId));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

        KafkaProgress progress = new KafkaProgress();
        PointJsonCodec codec = PointJsonCodec.create();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .mapValues((key, value) -> codec.decode(new ConsumerRecord<>(topic, 0, 0L, key, value)))
                .mapValues(p -> KafkaWorkload.map(p))
                .filter((key, p) -> KafkaWorkload.filter(p))
                .foreach((key, p) -> progress.increment());
        Topology topology = builder.build();

        AtomicReference<Throwable> failure = new AtomicReference<>();
        long expected = workload.expectedKept;
        Pass pass;
        long start = System.nanoTime();
        KafkaStreams streams = new KafkaStreams(topology, config);
        try {
            streams.setUncaughtExceptionHandler(e -> {
                failure.compareAndSet(null, e);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            streams.start();
            pass = progress.await(name(), expected, workload.points.length, start, () -> {
                Throwable t = failure.get();
                if (t != null) {
                    throw new IllegalStateException("Kafka Streams failed: " + t, t);
                }
                KafkaStreams.State state = streams.state();
                if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException("Kafka Streams stopped early: " + state);
                }
            });
        } finally {
            long closing = System.nanoTime();
            boolean closed = streams.close(CLOSE_TIMEOUT);
            if (!closed) {
                throw new IllegalStateException("Kafka Streams did not close within " + CLOSE_TIMEOUT + " (state "
                        + streams.state() + ", closing for " + (System.nanoTime() - closing) / 1_000_000 + " ms)");
            }
            streams.cleanUp();
            deleteRecursively(stateDir);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Kafka Streams failed: " + failure.get(), failure.get());
        }
        progress.verifyExactly(name(), expected);
        workload.verifyCommitted(kafka, applicationId, topic);
        return pass;
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
