package io.datacascade.kafka;

import io.datacascade.core.Batch;
import io.datacascade.core.DeadLetter;
import io.datacascade.core.ErrorPolicy;
import io.datacascade.core.PipelineException;
import io.datacascade.core.Sink;
import io.datacascade.core.SinkContext;
import io.datacascade.kafka.internal.DeadLetterRecords;
import io.datacascade.kafka.internal.KafkaSettings;
import io.datacascade.kafka.internal.ProducerSettings;
import io.datacascade.kafka.internal.SendTracker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A dead-letter topic for records a pipeline stage or sink rejected, for use with
 * {@link ErrorPolicy#deadLetter(Sink)}. Records that came from a {@link KafkaSource} are written
 * with their original key, value and headers unchanged; every letter carries the
 * {@link DeadLetterHeaders} (reason, stage, pipeline, and the source topic/partition/offset when
 * known), the same format the source uses for records it cannot decode. Records from other
 * sources are written as their text form, keyed by nothing.
 *
 * <pre>{@code
 * DataCascade.pipeline("validate")
 *     .from(KafkaSource.points(servers, "data-stream", "validator"))
 *     .map(Validation::check).onError(ErrorPolicy.deadLetter(KafkaDeadLetterSink.create(servers, "data-stream.dlq")))
 *     .to(sink).build();
 * }</pre>
 *
 * <p>Letters count for durability like any sink: the source commits a rejected record's offset
 * only once its letter is stored.
 */
public final class KafkaDeadLetterSink implements Sink<DeadLetter> {
    private final String topic;
    private final Map<String, Object> config;
    private final Duration closeTimeout = Duration.ofSeconds(10);
    private KafkaProducer<byte[], byte[]> producer;
    private SendTracker tracker;

    private KafkaDeadLetterSink(String bootstrapServers, String topic) {
        this.topic = topic;
        this.config = ProducerSettings.idempotent(bootstrapServers, Duration.ofMinutes(2), Map.of());
    }

    /** A dead-letter sink writing to {@code topic} on the cluster at {@code bootstrapServers}. */
    public static KafkaDeadLetterSink create(String bootstrapServers, String topic) {
        return new KafkaDeadLetterSink(KafkaSettings.requireText(bootstrapServers, "bootstrapServers"),
                KafkaSettings.requireText(topic, "topic"));
    }

    @Override
    public void open(SinkContext ctx) {
        Map<String, Object> c = new HashMap<>(config);
        c.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "datacascade-" + ctx.pipelineName() + "-" + ctx.sinkName());
        producer = new KafkaProducer<>(c);
        tracker = new SendTracker(ctx, e -> new PipelineException("dead-letter sink '" + ctx.sinkName()
                + "' could not write to topic '" + topic + "'; the rejected records stay unacknowledged: " + e, e));
    }

    @Override
    public boolean reportsDurability() {
        return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void write(Batch<DeadLetter> batch) {
        if (tracker.failure() != null) {
            throw new IllegalStateException("dead-letter sink for '" + topic + "' failed earlier; see the pipeline's failure");
        }
        SendTracker.Pending pending = tracker.open(batch.sequence());
        try {
            for (int i = 0, n = batch.size(); i < n; i++) {
                if (tracker.failure() != null) {
                    throw new IllegalStateException("dead-letter sink for '" + topic + "' stopped writing: a send failed");
                }
                pending.add(); // before building the letter: one that fails to build keeps the batch from counting as durable
                DeadLetter letter = batch.get(i);
                ProducerRecord<byte[], byte[]> record;
                if (letter.origin() instanceof ConsumerRecord<?, ?> consumed && consumed.value() instanceof byte[]) {
                    record = DeadLetterRecords.of(topic, (ConsumerRecord<byte[], byte[]>) consumed, letter.pipeline(),
                            letter.stage(), letter.reason(), letter.error(), letter.timestamp());
                } else {
                    record = DeadLetterRecords.of(topic, null, String.valueOf(letter.record()).getBytes(StandardCharsets.UTF_8),
                            letter.pipeline(), letter.stage(), letter.reason(), letter.error(), letter.timestamp());
                }
                producer.send(record, pending);
            }
        } finally {
            tracker.seal(pending);
        }
    }

    @Override
    public boolean flush(Duration timeout) {
        if (producer == null) {
            return true;
        }
        return tracker.awaitAll(timeout);
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(closeTimeout);
        }
    }

    @Override
    public String toString() {
        return "KafkaDeadLetterSink[" + topic + "]";
    }
}
