package io.datacascade.kafka;

import io.datacascade.core.Point;
import io.datacascade.testsupport.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** Writing test input to and reading results from the real broker, with plain Kafka clients. */
final class KafkaTestData {
    private KafkaTestData() {
    }

    /** The i-th test point: 10 series, timestamp = i, so (series, timestamp) identifies it. */
    static Point point(int i) {
        return Point.of("s" + (i % 10), i, i * 0.5);
    }

    static byte[] json(Point p) {
        return PointJsonCodec.create().value(p);
    }

    /** Produces points {@code from..to-1} as JSON keyed by series; returns when all are acknowledged. */
    static void producePoints(EmbeddedKafka kafka, String topic, int from, int to) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Point p = point(i);
            records.add(new ProducerRecord<>(topic, p.series().getBytes(StandardCharsets.UTF_8), json(p)));
        }
        produce(kafka, records);
    }

    static void produce(EmbeddedKafka kafka, List<ProducerRecord<byte[], byte[]>> records) {
        Map<String, Object> config = new HashMap<>(kafka.producerConfig());
        config.put("linger.ms", 5);
        // test input needs no idempotence; an idempotent producer started right after createTopic was seen
        // looping on OUT_OF_ORDER_SEQUENCE_NUMBER here (first request answered with stale metadata)
        config.put("enable.idempotence", false);
        config.put("max.in.flight.requests.per.connection", 1);
        config.put("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r, (md, e) -> {
                    if (e != null) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            producer.flush();
        }
    }

    /**
     * Reads {@code topic} from the beginning (no group) until {@code done} holds for what was read or
     * the timeout passes; returns everything read.
     */
    static List<ConsumerRecord<byte[], byte[]>> readUntil(EmbeddedKafka kafka, String topic, boolean readCommitted,
            Duration timeout, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        Map<String, Object> config = new HashMap<>(kafka.consumerConfig("unused"));
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(out) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // read what is left briefly, so duplicates beyond the goal are seen too
            long settle = System.nanoTime() + Duration.ofMillis(500).toNanos();
            while (System.nanoTime() < settle) {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    static Point decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return PointJsonCodec.create().decode(record);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
