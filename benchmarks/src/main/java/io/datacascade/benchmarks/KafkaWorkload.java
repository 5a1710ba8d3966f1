package io.datacascade.benchmarks;

import io.datacascade.core.Point;
import io.datacascade.kafka.PointJsonCodec;
import io.datacascade.testsupport.EmbeddedKafka;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The data and the per-record work of {@link KafkaEndToEnd}, shared by every contender so they all
 * do exactly the same thing: decode a JSON {@link Point} ({@link PointJsonCodec}), {@link #map} it
 * (value × 2, a new point), {@link #filter} it (drops the ~10% whose timestamp ends in 0) and
 * count what is left.
 *
 * <p>Points: series {@code s0}..{@code s9} chosen by a seeded random (the record key, so a
 * series stays in one partition), timestamps from 2020-09-13 rising 0–99 ms per record (old event
 * times: the topic needs {@code retention.ms=-1}), values like {@code 23.47}, no tags. About 50
 * bytes of JSON each.
 */
final class KafkaWorkload {
    /** 2020-09-13T12:26:40Z: old enough that default retention would delete the records. */
    static final long BASE_MILLIS = 1_600_000_000_000L;
    private static final int SERIES = 10;

    final Point[] points;
    /** How many points {@link #filter} keeps: what every consuming contender must count, exactly. */
    final long expectedKept;

    private KafkaWorkload(Point[] points, long expectedKept) {
        this.points = points;
        this.expectedKept = expectedKept;
    }

    /** {@code records} points, the same for the same count (seed 42). */
    static KafkaWorkload generate(int records) {
        String[] series = new String[SERIES];
        for (int s = 0; s < SERIES; s++) {
            series[s] = "s" + s;
        }
        SplittableRandom random = new SplittableRandom(42);
        Point[] points = new Point[records];
        long time = BASE_MILLIS;
        long kept = 0;
        for (int i = 0; i < records; i++) {
            time += random.nextInt(100);
            double value = Math.round((20 + 5 * random.nextGaussian()) * 100) / 100.0;
            points[i] = Point.of(series[random.nextInt(SERIES)], time, value);
            if (filter(map(points[i]))) {
                kept++;
            }
        }
        return new KafkaWorkload(points, kept);
    }

    /** The map stage: a new point with the value doubled. */
    static Point map(Point p) {
        return p.withValue(p.value() * 2);
    }

    /** The filter stage: keeps points whose timestamp does not end in 0 (~90%). */
    static boolean filter(Point p) {
        return p.timestamp() % 10 != 0;
    }

    /**
     * Writes every point to {@code topic} as JSON keyed by series, with a producer set up for
     * speed (not measured): acks=1, linger 20 ms, 1 MiB batches. Returns the nanoseconds taken.
     */
    long preload(EmbeddedKafka kafka, String topic) {
        Map<String, Object> config = kafka.producerConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "1");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L << 20);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "e2e-preload");
        PointJsonCodec codec = PointJsonCodec.create();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (Point p : points) {
                producer.send(new ProducerRecord<>(topic, codec.key(p), codec.value(p)), (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("preloading topic '" + topic + "' failed: " + failure.get(), failure.get());
        }
        long written = kafka.endOffsetSum(topic);
        if (written != points.length) {
            throw new IllegalStateException("preloading topic '" + topic + "' wrote " + written + " records, expected "
                    + points.length);
        }
        return System.nanoTime() - start;
    }

    /**
     * Fails unless consumer group {@code group} has committed, over all partitions of
     * {@code topic}, offsets adding up to every preloaded record: the contender read the whole topic
     * and its commits reached the broker. Call after the contender closed its consumers.
     */
    void verifyCommitted(EmbeddedKafka kafka, String group, String topic) {
        long committed = kafka.committedOffsets(group, topic).values().stream().mapToLong(Long::longValue).sum();
        if (committed != points.length) {
            throw new IllegalStateException("group '" + group + "' committed offsets adding up to " + committed
                    + ", expected " + points.length + " (every record of '" + topic + "')");
        }
    }
}
