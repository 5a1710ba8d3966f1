package io.datacascade.benchmarks;

import io.datacascade.core.Point;
import io.datacascade.kafka.PointJsonCodec;
import io.datacascade.testsupport.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * {@code raw}: a plain {@link KafkaConsumer} (byte[] deserializers) polled in one thread that
 * decodes, maps, filters and counts each record and calls {@code commitAsync()} once per poll that
 * returned records. Consumer settings as {@code KafkaSource}'s defaults, so only the code around
 * the consumer differs: {@code auto.offset.reset=earliest}, {@code isolation.level=read_committed},
 * {@code max.poll.records=2000}, auto-commit off; poll timeout 100 ms (the source's default).
 * Diagnostic option: commit at most every {@code commitIntervalMs} instead (0 = every poll).
 */
final class RawConsumerContender implements KafkaContender {
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final EmbeddedKafka kafka;
    private final String topic;
    private final KafkaWorkload workload;
    private final long commitIntervalNanos;

    RawConsumerContender(EmbeddedKafka kafka, String topic, KafkaWorkload workload, long commitIntervalMs) {
        this.kafka = kafka;
        this.topic = topic;
        this.workload = workload;
        this.commitIntervalNanos = TimeUnit.MILLISECONDS.toNanos(commitIntervalMs);
    }

    @Override
    public String name() {
        return "raw";
    }

    @Override
    public Pass run(String passId) throws Exception {
        String group = "e2e-raw-" + passId;
        Map<String, Object> config = kafka.consumerConfig(group);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "e2e-raw-" + passId);
        KafkaProgress progress = new KafkaProgress();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long expected = workload.expectedKept;
        Thread thread = new Thread(() -> {
            try {
                consume(config, expected, progress);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "e2e-raw-consumer");
        long start = System.nanoTime();
        thread.start();
        Pass pass;
        try {
            pass = progress.await(name(), expected, workload.points.length, start, () -> {
                Throwable t = failure.get();
                if (t != null) {
                    throw new IllegalStateException("raw consumer failed: " + t, t);
                }
            });
        } finally {
            thread.join(TimeUnit.SECONDS.toMillis(60)); // it stops by itself at the expected count
        }
        if (thread.isAlive() || failure.get() != null) {
            throw new IllegalStateException("raw consumer did not stop cleanly: " + failure.get(), failure.get());
        }
        progress.verifyExactly(name(), expected);
        workload.verifyCommitted(kafka, group, topic);
        return pass;
    }

    private void consume(Map<String, Object> config, long expected, KafkaProgress progress) {
        PointJsonCodec codec = PointJsonCodec.create();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long kept = 0;
            long lastCommit = System.nanoTime();
            while (kept < expected) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                if (records.isEmpty()) {
                    continue;
                }
                long n = 0;
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    Point p = KafkaWorkload.map(codec.decode(record));
                    if (KafkaWorkload.filter(p)) {
                        n++;
                    }
                }
                kept += n;
                progress.add(n);
                long now = System.nanoTime();
                if (kept >= expected || now - lastCommit >= commitIntervalNanos) {
                    consumer.commitAsync();
                    lastCommit = now;
                }
            }
        }
    }
}
