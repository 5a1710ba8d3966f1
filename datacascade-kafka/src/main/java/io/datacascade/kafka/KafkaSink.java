package io.datacascade.kafka;

import io.datacascade.core.Batch;
import io.datacascade.core.PipelineException;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import io.datacascade.core.SinkContext;
import io.datacascade.kafka.internal.KafkaSettings;
import io.datacascade.kafka.internal.ProducerSettings;
import io.datacascade.kafka.internal.SendTracker;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a pipeline's results to a Kafka topic.
 *
 * <p>By default the producer is idempotent ({@code acks=all}, {@code enable.idempotence=true}):
 * the client retries transient errors without duplicating or reordering, and a batch counts as
 * durable for the pipeline (so the source may commit its input) only when the broker has
 * acknowledged every record in it and in every batch before it. A send that still fails after
 * the client's retries ({@code delivery.timeout.ms}) fails the pipeline; it is never dropped.
 *
 * <p>With {@link Builder#exactlyOnce(String, KafkaSource)} the sink writes in transactions that
 * also commit the {@link KafkaSource}'s consumed offsets ({@code sendOffsetsToTransaction}), so a
 * Kafka-to-Kafka pipeline read with {@code isolation.level=read_committed} sees every result
 * exactly once, even across crashes.
 *
 * <pre>{@code
 * KafkaSink<Point> sink = KafkaSink.points("localhost:9092", "data-processed");
 * }</pre>
 *
 * @param <T> the record type
 */
public final class KafkaSink<T> implements Sink<T> {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);

    private final String topic;
    private final KafkaEncoder<T> encoder;
    private final Map<String, Object> config;
    private final String transactionalId;
    private final KafkaSource<?> transactionSource;
    private final Duration transactionInterval;
    private final Duration closeTimeout;

    private KafkaProducer<byte[], byte[]> producer;
    private SendTracker tracker;
    private SinkContext context;
    // transactional mode, processor thread only
    private boolean inTransaction;
    private long transactionStartNanos;
    private long transactionSequence = -1;
    private final Map<TopicPartition, OffsetAndMetadata> transactionOffsets = new HashMap<>();
    private volatile boolean failed;
    /** Guards the transaction state: the processor writes, a timer commits a transaction left open while idle. */
    private final java.util.concurrent.locks.ReentrantLock transactionLock = new java.util.concurrent.locks.ReentrantLock();
    private java.util.concurrent.ScheduledExecutorService transactionTimer;

    private KafkaSink(Builder<T> b) {
        this.topic = b.topic;
        this.encoder = b.encoder;
        this.transactionalId = b.transactionalId;
        this.transactionSource = b.transactionSource;
        this.transactionInterval = b.transactionInterval;
        this.closeTimeout = b.closeTimeout;
        Map<String, Object> c = ProducerSettings.idempotent(b.bootstrapServers, b.deliveryTimeout, b.properties);
        if (transactionalId != null) {
            c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        this.config = Map.copyOf(c);
    }

    /** A sink writing {@link Point}s as JSON ({@link PointJsonCodec}), keyed by series. */
    public static KafkaSink<Point> points(String bootstrapServers, String topic) {
        return builder(PointJsonCodec.create()).bootstrapServers(bootstrapServers).topic(topic).build();
    }

    /** A sink writing {@link io.datacascade.core.Alert}s as JSON ({@link AlertJsonCodec}), keyed by series: the {@code alerts} topic. */
    public static KafkaSink<io.datacascade.core.Alert> alerts(String bootstrapServers, String topic) {
        return builder(AlertJsonCodec.create()).bootstrapServers(bootstrapServers).topic(topic).build();
    }

    /** A builder for a sink of records {@code encoder} turns into bytes. */
    public static <T> Builder<T> builder(KafkaEncoder<T> encoder) {
        return new Builder<>(Objects.requireNonNull(encoder, "encoder can't be null"));
    }

    /** The topic this sink writes to. */
    public String topic() {
        return topic;
    }

    @Override
    public void open(SinkContext ctx) {
        if (transactionalId != null && ctx.hasDeferredResults()) {
            throw new IllegalStateException("Kafka sink '" + ctx.sinkName() + "' can't write exactly once in pipeline '"
                    + ctx.pipelineName() + "': it has a window stage, whose results are emitted after the records they "
                    + "summarise, so the transaction can't carry the right input offsets. Use the default at-least-once "
                    + "sink; window results are keyed by series and window start, so a keyed store overwrites replays");
        }
        this.context = ctx;
        Map<String, Object> c = new HashMap<>(config);
        c.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "datacascade-" + ctx.pipelineName() + "-" + ctx.sinkName());
        this.producer = new KafkaProducer<>(c);
        this.tracker = new SendTracker(ctx, e -> new PipelineException("Kafka sink '" + ctx.sinkName()
                + "' could not write to topic '" + topic + "' at " + config.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)
                + " (the producer gave up after its retries): " + e, e));
        if (transactionalId != null) {
            producer.initTransactions();
            transactionTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "datacascade-" + ctx.pipelineName() + "-" + ctx.sinkName() + "-transactions");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(1, transactionInterval.toMillis());
            transactionTimer.scheduleWithFixedDelay(this::commitIfDue, period, period, java.util.concurrent.TimeUnit.MILLISECONDS);
            LOG.info("Kafka sink '{}' writes to '{}' in transactions (transactional.id={}), exactly once with its source's offsets",
                    ctx.sinkName(), topic, transactionalId);
        }
    }

    @Override
    public boolean reportsDurability() {
        return true;
    }

    @Override
    public void write(Batch<T> batch) {
        if (failed || tracker.failure() != null) {
            // don't queue more behind a broker that is gone: the pipeline is already failing with the cause
            throw new IllegalStateException("Kafka sink '" + context.sinkName() + "' failed earlier; see the pipeline's failure");
        }
        if (transactionalId != null) {
            writeInTransaction(batch);
            return;
        }
        SendTracker.Pending pending = tracker.open(batch.sequence());
        try {
            for (int i = 0, n = batch.size(); i < n; i++) {
                if (tracker.failure() != null) {
                    throw new IllegalStateException("Kafka sink '" + context.sinkName() + "' stopped writing: a send failed");
                }
                T record = batch.get(i);
                pending.add(); // before encoding: a record that fails to encode keeps the batch from counting as durable
                producer.send(new ProducerRecord<>(topic, encoder.key(record), encoder.value(record)), pending);
            }
        } finally {
            tracker.seal(pending);
        }
    }

    private void writeInTransaction(Batch<T> batch) {
        transactionLock.lock();
        try {
            if (!inTransaction && batch.isEmpty()) {
                context.durable(batch.sequence()); // nothing open, nothing to wait for
                return;
            }
            if (!inTransaction) {
                producer.beginTransaction();
                inTransaction = true;
                transactionStartNanos = System.nanoTime();
            }
            for (int i = 0, n = batch.size(); i < n; i++) {
                T record = batch.get(i);
                producer.send(new ProducerRecord<>(topic, encoder.key(record), encoder.value(record)), this::onTransactionalSend);
                if (batch.origin(i) instanceof ConsumerRecord<?, ?> consumed) {
                    transactionOffsets.merge(new TopicPartition(consumed.topic(), consumed.partition()),
                            new OffsetAndMetadata(consumed.offset() + 1),
                            (a, b) -> a.offset() >= b.offset() ? a : b);
                }
            }
            transactionSequence = batch.sequence();
            if (System.nanoTime() - transactionStartNanos >= transactionInterval.toNanos()) {
                commitTransaction();
            }
        } catch (RuntimeException e) {
            failTransaction(e);
        } finally {
            transactionLock.unlock();
        }
    }

    /** Commits a transaction that has been open for the interval while no batch came to do it: the tail of a stream. */
    private void commitIfDue() {
        transactionLock.lock();
        try {
            if (!failed && inTransaction && System.nanoTime() - transactionStartNanos >= transactionInterval.toNanos()) {
                commitTransaction();
            }
        } catch (RuntimeException e) {
            failTransaction(e);
        } finally {
            transactionLock.unlock();
        }
    }

    private void onTransactionalSend(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception e) {
        if (e != null) {
            LOG.warn("Kafka sink: a transactional send to '{}' failed ({}); the transaction will abort", topic, e.toString());
        }
    }

    private void commitTransaction() {
        if (!inTransaction) {
            return;
        }
        if (!transactionOffsets.isEmpty()) {
            producer.sendOffsetsToTransaction(new LinkedHashMap<>(transactionOffsets), transactionSource.groupMetadata());
        }
        producer.commitTransaction();
        inTransaction = false;
        transactionOffsets.clear();
        context.durable(transactionSequence);
    }

    private void failTransaction(RuntimeException e) {
        failed = true;
        try {
            if (inTransaction) {
                producer.abortTransaction();
            }
        } catch (RuntimeException abort) {
            e.addSuppressed(abort);
        }
        inTransaction = false;
        transactionOffsets.clear();
        context.fail(new PipelineException("Kafka sink '" + context.sinkName() + "': the transaction writing to '" + topic
                + "' failed and was aborted; its input will be read again: " + e, e));
    }

    @Override
    public boolean flush(Duration timeout) {
        if (producer == null) {
            return true;
        }
        if (transactionalId != null) {
            transactionLock.lock();
            try {
                if (!failed) {
                    commitTransaction();
                }
            } catch (RuntimeException e) {
                failTransaction(e);
            } finally {
                transactionLock.unlock();
            }
            return !failed;
        }
        return tracker.awaitAll(timeout); // linger is short: no producer.flush(), which could outlast the timeout
    }

    @Override
    public void close() {
        if (transactionTimer != null) {
            transactionTimer.shutdownNow();
        }
        if (producer != null) {
            producer.close(closeTimeout);
        }
    }

    @Override
    public String toString() {
        return "KafkaSink[" + topic + "]";
    }

    /**
     * Settings of a {@link KafkaSink}. Required: {@link #bootstrapServers} and {@link #topic}.
     *
     * @param <T> the record type
     */
    public static final class Builder<T> {
        private final KafkaEncoder<T> encoder;
        private String bootstrapServers;
        private String topic;
        private final Map<String, Object> properties = new HashMap<>();
        private Duration deliveryTimeout = Duration.ofMinutes(2);
        private Duration closeTimeout = Duration.ofSeconds(10);
        private String transactionalId;
        private KafkaSource<?> transactionSource;
        private Duration transactionInterval = Duration.ofMillis(100);

        private Builder(KafkaEncoder<T> encoder) {
            this.encoder = encoder;
        }

        /** Where the brokers are, e.g. {@code "localhost:9092"}. */
        public Builder<T> bootstrapServers(String servers) {
            this.bootstrapServers = KafkaSettings.requireText(servers, "bootstrapServers");
            return this;
        }

        /** The topic to write to. */
        public Builder<T> topic(String topic) {
            this.topic = KafkaSettings.requireText(topic, "topic");
            return this;
        }

        /**
         * Any Kafka producer setting, e.g. {@code compression.type}; overrides this sink's defaults
         * ({@code linger.ms=5}, {@code batch.size=131072}). Serializers are fixed (bytes).
         */
        public Builder<T> property(String key, Object value) {
            properties.put(KafkaSettings.requireText(key, "property key"), Objects.requireNonNull(value, "value of " + key));
            return this;
        }

        /**
         * How long the producer keeps retrying a record before the sink gives up and fails the
         * pipeline ({@code delivery.timeout.ms}); default 2 minutes, at least 1 s.
         */
        public Builder<T> deliveryTimeout(Duration timeout) {
            KafkaSettings.requirePositive(timeout, "deliveryTimeout");
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("deliveryTimeout must be at least 1 s (it covers a request timeout), was " + timeout);
            }
            this.deliveryTimeout = timeout;
            return this;
        }

        /** How long closing waits for the producer; default 10 s. */
        public Builder<T> closeTimeout(Duration timeout) {
            this.closeTimeout = KafkaSettings.requireNonNegative(timeout, "closeTimeout");
            return this;
        }

        /**
         * Writes exactly once: results and {@code source}'s consumed offsets are committed in one
         * Kafka transaction (every {@link #transactionInterval}, default 100 ms), and the source no
         * longer commits on its own. {@code transactionalId} must be stable across restarts of this
         * instance and unique among instances, so a restarted instance fences its crashed self.
         * Readers must use {@code isolation.level=read_committed}.
         *
         * <p>Use it in pipelines whose only durable output is this sink: the transaction commits the
         * consumed offsets as soon as this sink's output is committed, without waiting for other
         * asynchronous sinks (a DynamoDB sink, a dead-letter sink for stage errors), whose writes a
         * crash could then lose. Records the source cannot decode are dead-lettered synchronously.
         */
        public Builder<T> exactlyOnce(String transactionalId, KafkaSource<?> source) {
            this.transactionalId = KafkaSettings.requireText(transactionalId, "transactionalId");
            this.transactionSource = Objects.requireNonNull(source, "source can't be null");
            return this;
        }

        /** How often a transaction commits in {@linkplain #exactlyOnce exactly-once} mode; default 100 ms. */
        public Builder<T> transactionInterval(Duration interval) {
            this.transactionInterval = KafkaSettings.requireNonNegative(interval, "transactionInterval");
            return this;
        }

        /** The sink; fails naming every missing or invalid setting. */
        public KafkaSink<T> build() {
            KafkaSettings.Problems problems = new KafkaSettings.Problems("KafkaSink");
            problems.requireSet(bootstrapServers, "bootstrapServers");
            problems.requireSet(topic, "topic");
            problems.throwIfAny();
            if (transactionSource != null) {
                transactionSource.commitThroughTransactions();
            }
            return new KafkaSink<>(this);
        }
    }
}
