package io.datacascade.benchmarks;

import io.datacascade.kafka.PointJsonCodec;
import io.datacascade.testsupport.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsBuilder;

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
        Properties config = StreamsPasses.config(kafka, applicationId, threads, stateRoot);
        KafkaProgress progress = new KafkaProgress();
        StreamsBuilder builder = new StreamsBuilder();
        StreamsPasses.decoded(builder, topic)
                .mapValues(p -> KafkaWorkload.map(p))
                .filter((key, p) -> KafkaWorkload.filter(p))
                .foreach((key, p) -> progress.increment());
        Pass pass = StreamsPasses.run(name(), builder.build(), config, progress, workload.expectedKept, workload.points.length,
                () -> { });
        workload.verifyCommitted(kafka, applicationId, topic);
        return pass;
    }
}
