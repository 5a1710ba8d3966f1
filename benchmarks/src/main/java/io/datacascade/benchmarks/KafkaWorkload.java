package io.datacascade.benchmarks;

import io.datacascade.core.Point;
import io.datacascade.kafka.PointJsonCodec;
import io.datacascade.testsupport.EmbeddedKafka;
import java.util.HashMap;
import java.util.Locale;
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
 * <p>Points ({@link #generate}, the default workload): series {@code s0}..{@code s9} chosen by a
 * seeded random (the record key, so a series stays in one partition), timestamps from 2020-09-13
 * rising 0–99 ms per record (old event times: the topic needs {@code retention.ms=-1}), values
 * like {@code 23.47}, no tags. About 50 bytes of JSON each. The Kafka records' own timestamps are
 * the time of preloading.
 *
 * <p>The windowed workload ({@link #generateWindowed}, {@code --workload windowed}) is made for 1 s
 * windows: {@value #WINDOWED_SERIES} series ({@code w000}..{@code w999}) chosen by the same seeded
 * random, timestamps from 2020-09-13 rising 1 ms every {@value #WINDOWED_RECORDS_PER_MS} records
 * (20,000 records per second of event time: ~20 points per series per 1 s window, 2,000,000
 * records span 100 s), in order within every partition. Each Kafka record's timestamp is its
 * point's timestamp, so Kafka Streams windows on the same event time as DataCascade (which reads
 * it from the JSON).
 */
final class KafkaWorkload {
    /** 2020-09-13T12:26:40Z: old enough that default retention would delete the records. */
    static final long BASE_MILLIS = 1_600_000_000_000L;
    private static final int SERIES = 10;
    /** Series of the windowed workload. */
    static final int WINDOWED_SERIES = 1_000;
    /** Records per millisecond of event time in the windowed workload. */
    static final int WINDOWED_RECORDS_PER_MS = 20;
    /** The window size of the windowed contenders. */
    static final long WINDOW_MILLIS = 1_000;

    final Point[] points;
    /** How many points {@link #filter} keeps: what every consuming contender must count, exactly. */
    final long expectedKept;
    /** Whether each Kafka record carries its point's timestamp (else the broker's preload time). */
    final boolean recordTimestamps;
    /** Distinct (series, 1 s tumbling window) pairs: the windows a windowed contender sees. */
    final long windows;
    /** Distinct series. */
    final int series;

    private KafkaWorkload(Point[] points, long expectedKept, boolean recordTimestamps) {
        this.points = points;
        this.expectedKept = expectedKept;
        this.recordTimestamps = recordTimestamps;
        Map<String, long[]> lastWindow = new HashMap<>();
        long count = 0;
        for (Point p : points) {
            long w = Math.floorDiv(p.timestamp(), WINDOW_MILLIS);
            long[] last = lastWindow.get(p.series());
            if (last == null) {
                lastWindow.put(p.series(), new long[] {w});
                count++;
            } else if (last[0] != w) {
                if (w < last[0]) {
                    throw new IllegalStateException("series " + p.series() + " goes back in time at " + p);
                }
                last[0] = w;
                count++;
            }
        }
        this.windows = count;
        this.series = lastWindow.size();
    }

    /** Which data to preload. */
    enum Kind {
        /** {@link #generate}. */
        DEFAULT,
        /** {@link #generateWindowed}. */
        WINDOWED
    }

    /** {@code records} points of {@code kind}. */
    static KafkaWorkload generate(Kind kind, int records) {
        return kind == Kind.WINDOWED ? generateWindowed(records) : generate(records);
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
        return new KafkaWorkload(points, kept, false);
    }

    /**
     * {@code records} points for windows (seed 42): {@value #WINDOWED_SERIES} series, event time
     * rising 1 ms every {@value #WINDOWED_RECORDS_PER_MS} records, carried as the records' timestamps.
     */
    static KafkaWorkload generateWindowed(int records) {
        String[] series = new String[WINDOWED_SERIES];
        for (int s = 0; s < WINDOWED_SERIES; s++) {
            series[s] = String.format(Locale.ROOT, "w%03d", s);
        }
        SplittableRandom random = new SplittableRandom(42);
        Point[] points = new Point[records];
        long kept = 0;
        for (int i = 0; i < records; i++) {
            long time = BASE_MILLIS + i / WINDOWED_RECORDS_PER_MS;
            double value = Math.round((20 + 5 * random.nextGaussian()) * 100) / 100.0;
            points[i] = Point.of(series[random.nextInt(WINDOWED_SERIES)], time, value);
            if (filter(map(points[i]))) {
                kept++;
            }
        }
        return new KafkaWorkload(points, kept, true);
    }

    /** Windows whose series moved on to a later window: what a per-key watermark closes without an idle timeout. */
    long windowsClosedByLaterPoints() {
        return windows - series;
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
     * Writes every point to {@code topic} as JSON keyed by series (record timestamp: the point's
     * for the windowed workload, else the producer's clock), with a producer set up for speed (not
     * measured): acks=1, linger 20 ms, 1 MiB batches. Returns the nanoseconds taken.
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
                Long timestamp = recordTimestamps ? p.timestamp() : null;
                producer.send(new ProducerRecord<>(topic, null, timestamp, codec.key(p), codec.value(p)), (md, e) -> {
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
