package io.datacascade.benchmarks;

import io.datacascade.core.Point;
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
import org.apache.kafka.streams.kstream.KStream;

/**
 * What the Kafka Streams contenders ({@link StreamsConsumerContender},
 * {@link StreamsWindowedContender}) share for one pass: the settings, the state directory, the
 * decoding head of the topology, and the timed run with the close, clean-up and checks after it.
 * Each contender keeps its application id, the rest of its topology, its expected count and its
 * notes.
 */
final class StreamsPasses {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private StreamsPasses() {
    }

    /**
     * The settings of one pass: {@code application.id}, {@code num.stream.threads=threads},
     * {@code processing.guarantee=at_least_once} (the default), {@code commit.interval.ms=1000}
     * (= {@code KafkaSource}'s commit interval; Streams' default for at-least-once is 30 s),
     * {@code auto.offset.reset=earliest}, and as {@code state.dir} a directory of its own, created
     * here under {@code stateRoot} and deleted by {@link #run}. Every other setting is Streams'
     * default.
     */
    static Properties config(EmbeddedKafka kafka, String applicationId, int threads, Path stateRoot) throws IOException {
        Path stateDir = Files.createDirectories(stateRoot.resolve(applicationId));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return config;
    }

    /**
     * {@code stream(topic, Consumed.with(ByteArray, ByteArray))} → {@code mapValues} (decode with
     * {@link PointJsonCodec}, which takes a {@link ConsumerRecord}, so the key and value are wrapped
     * in one: two small objects per record that the other contenders don't allocate).
     */
    static KStream<byte[], Point> decoded(StreamsBuilder builder, String topic) {
        PointJsonCodec codec = PointJsonCodec.create();
        return builder.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .mapValues((key, value) -> codec.decode(new ConsumerRecord<>(topic, 0, 0L, key, value)));
    }

    /**
     * One pass of {@code topology} with {@code config} (from {@link #config}): timed from
     * {@code new KafkaStreams(..)}, which creates the clients, until {@code progress} reaches
     * {@code expected}, failing early if a stream thread dies or the client stops; then
     * {@code atDone} (untimed, with Streams still running) and, untimed, the close (at most 30 s),
     * {@code cleanUp()} and the deletion of the pass's state directory. Fails if a stream thread
     * failed or the count is not exactly {@code expected}.
     *
     * @param records the input records of the pass, for the result
     */
    static KafkaContender.Pass run(String who, Topology topology, Properties config, KafkaProgress progress, long expected,
                                   long records, Runnable atDone) {
        Path stateDir = Path.of(config.getProperty(StreamsConfig.STATE_DIR_CONFIG));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        KafkaContender.Pass pass;
        long start = System.nanoTime();
        KafkaStreams streams = new KafkaStreams(topology, config);
        try {
            streams.setUncaughtExceptionHandler(e -> {
                failure.compareAndSet(null, e);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            streams.start();
            pass = progress.await(who, expected, records, start, () -> {
                Throwable t = failure.get();
                if (t != null) {
                    throw new IllegalStateException("Kafka Streams failed: " + t, t);
                }
                KafkaStreams.State state = streams.state();
                if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException("Kafka Streams stopped early: " + state);
                }
            });
            atDone.run();
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
        progress.verifyExactly(who, expected);
        return pass;
    }

    /** Deletes {@code dir} and everything below it; nothing if it does not exist. */
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
