package io.datacascade.benchmarks;

import io.datacascade.core.Point;
import io.datacascade.kafka.PointJsonCodec;
import io.datacascade.testsupport.EmbeddedKafka;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code producer-raw}: a plain {@link KafkaProducer} sending every pre-built point, encoded in the
 * loop with {@link PointJsonCodec} (key = series, value = JSON) exactly as {@code KafkaSink} does,
 * with a callback per record that counts acknowledgements and keeps the first error; then
 * {@code flush()} (waits for every ack) and {@code close()}. Producer settings are
 * {@code KafkaSink}'s defaults: acks=all, enable.idempotence=true, linger.ms=5,
 * batch.size=131072, delivery.timeout.ms=120000, request.timeout.ms=30000. Timed from creating
 * the producer to the end of {@code close()}, as the pipeline's time covers its sink's producer
 * from creation to close. Each pass writes a fresh topic.
 */
final class RawProducerContender implements KafkaContender {
    private final EmbeddedKafka kafka;
    private final KafkaWorkload workload;
    private final int partitions;

    RawProducerContender(EmbeddedKafka kafka, KafkaWorkload workload, int partitions) {
        this.kafka = kafka;
        this.workload = workload;
        this.partitions = partitions;
    }

    @Override
    public String name() {
        return "producer-raw";
    }

    /** The producer settings {@code KafkaSink} uses by default (read from KafkaSink's constructor). */
    static Map<String, Object> sinkDefaults(Map<String, Object> config) {
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        return config;
    }

    @Override
    public Pass run(String passId) {
        String topic = KafkaEndToEnd.createProduceTopic(kafka, "e2e-produce-raw-" + passId, partitions);
        Map<String, Object> config = sinkDefaults(kafka.producerConfig());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "e2e-producer-raw-" + passId);
        PointJsonCodec codec = PointJsonCodec.create();
        LongAdder acked = new LongAdder();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Callback callback = (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else {
                acked.increment();
            }
        };
        Point[] points = workload.points;
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (Point p : points) {
                producer.send(new ProducerRecord<>(topic, codec.key(p), codec.value(p)), callback);
            }
            producer.flush();
        }
        long nanos = System.nanoTime() - start;
        if (failure.get() != null) {
            throw new IllegalStateException("raw producer failed: " + failure.get(), failure.get());
        }
        if (acked.sum() != points.length) {
            throw new IllegalStateException("raw producer: " + acked.sum() + " acks, expected " + points.length);
        }
        KafkaEndToEnd.verifyProduceTopic(kafka, topic, points.length);
        return new Pass(points.length, nanos, -1, "");
    }
}
