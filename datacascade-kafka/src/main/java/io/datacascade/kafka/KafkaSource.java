package io.datacascade.kafka;

import io.datacascade.core.Point;
import io.datacascade.core.Source;
import io.datacascade.core.SourceContext;
import io.datacascade.kafka.internal.DeadLetterRecords;
import io.datacascade.kafka.internal.KafkaSettings;
import io.datacascade.kafka.internal.OffsetBook;
import io.datacascade.kafka.internal.ProducerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads records from Kafka topics into a pipeline, at least once.
 *
 * <ul>
 *   <li><b>Commits follow durability.</b> Offsets are committed per partition only up to records
 *       that every sink has made durable; auto-commit is off. A crash replays what was not yet
 *       durable, never skips it.</li>
 *   <li><b>Backpressure without eviction.</b> When the pipeline's ring is full the source pauses
 *       its partitions and keeps polling, so the group does not evict it for missing
 *       {@code max.poll.interval.ms}; it resumes when there is room.</li>
 *   <li><b>Rebalances settle their books.</b> When the group takes partitions away, the source
 *       waits (at most {@link Builder#revokeTimeout}) for their in-flight records to become
 *       durable and commits them; records of a partition it no longer owns are never committed
 *       by it.</li>
 *   <li><b>Poison pills are set aside.</b> A record the decoder rejects goes, bytes and headers
 *       unchanged, to the {@linkplain Builder#deadLetterTopic dead-letter topic} with the reason,
 *       stage and source topic/partition/offset as headers ({@link DeadLetterHeaders}), and is
 *       counted; the pipeline goes on. Without a dead-letter topic it is logged and skipped.</li>
 *   <li><b>No silent stop.</b> If the brokers can't be reached at start, or stop answering
 *       while running, the source retries with a log line every few seconds and fails the
 *       pipeline once {@link Builder#brokerTimeout} has passed.</li>
 * </ul>
 *
 * <pre>{@code
 * KafkaSource<Point> source = KafkaSource.points("localhost:9092", "data-stream", "dashboard");
 * }</pre>
 *
 * @param <T> the record type the decoder produces
 */
public final class KafkaSource<T> implements Source<T> {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
    private static final Duration HEALTH_CHECK_INTERVAL = Duration.ofSeconds(5);
    private static final Duration HEALTH_CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final String bootstrapServers;
    private final List<String> topics;
    private final List<TopicPartition> assignment;
    private final String groupId;
    private final KafkaDecoder<T> decoder;
    private final String deadLetterTopic;
    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> deadLetterConfig;
    private final Duration pollTimeout;
    private final Duration commitInterval;
    private final Duration revokeTimeout;
    private final Duration brokerTimeout;
    private final Duration closeTimeout;

    private volatile boolean commitsByTransaction;
    private volatile ConsumerGroupMetadata groupMetadata;
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong committedRecords = new AtomicLong();
    private final AtomicLong pauses = new AtomicLong();
    private volatile long lag = -1;

    // source thread only
    private SourceContext<T> context;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> deadLetterProducer;
    private final AtomicReference<Exception> deadLetterFailure = new AtomicReference<>();
    private boolean deadLettersUnflushed;
    private final OffsetBook book = new OffsetBook();
    private final Set<TopicPartition> owned = new HashSet<>();
    /** What {@link #owned} held after the last change, for other threads. */
    private volatile Set<TopicPartition> assignmentSnapshot = Set.of();
    private Iterator<ConsumerRecord<byte[], byte[]>> backlog;
    private ConsumerRecord<byte[], byte[]> heldRecord;
    private T heldValue;
    private boolean paused;
    private long lastEmitted = -1;
    private long lastDurable = -1;
    private long lastCommitNanos;
    private long lastContactNanos;
    private long lastHealthCheckNanos;
    private long unreachableSinceNanos;

    private KafkaSource(Builder<T> b) {
        this.bootstrapServers = b.bootstrapServers;
        this.topics = List.copyOf(b.topics);
        this.assignment = List.copyOf(b.assignment);
        this.groupId = b.groupId;
        this.decoder = b.decoder;
        this.deadLetterTopic = b.deadLetterTopic;
        this.pollTimeout = b.pollTimeout;
        this.commitInterval = b.commitInterval;
        this.revokeTimeout = b.revokeTimeout;
        this.brokerTimeout = b.brokerTimeout;
        this.closeTimeout = b.closeTimeout;
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        c.putAll(b.properties);
        if (groupId != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumerConfig = Map.copyOf(c);
        Map<String, Object> d = ProducerSettings.idempotent(bootstrapServers, Duration.ofMillis(Math.max(brokerTimeout.toMillis(), 1000)),
                Map.of());
        this.deadLetterConfig = Map.copyOf(d);
    }

    /**
     * A source reading JSON {@link Point}s ({@link PointJsonCodec}) from {@code topic} in consumer
     * group {@code groupId}, dead-lettering unreadable records to {@code topic + ".dlq"}.
     */
    public static KafkaSource<Point> points(String bootstrapServers, String topic, String groupId) {
        return builder(PointJsonCodec.create()).bootstrapServers(bootstrapServers).topics(topic).groupId(groupId)
                .deadLetterTopic(topic + ".dlq").build();
    }

    /** A builder for a source whose records {@code decoder} reads. */
    public static <T> Builder<T> builder(KafkaDecoder<T> decoder) {
        return new Builder<>(Objects.requireNonNull(decoder, "decoder can't be null"));
    }

    /** Records sent to the dead-letter topic (or skipped, without one) because they could not be decoded. */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** Records whose offsets this source has committed (skipped poison pills included). */
    public long committedRecords() {
        return committedRecords.get();
    }

    /** The partitions this source reads now (after the group's last assignment); empty before it joins. */
    public Set<TopicPartition> assignment() {
        return assignmentSnapshot;
    }

    /** Times the source paused its partitions because the pipeline's ring was full (backpressure). */
    public long pauses() {
        return pauses.get();
    }

    /**
     * How many records this source is behind the end of its partitions, as of its last poll: the
     * consumer lag a dashboard shows, summed over the partitions it owns; -1 until it is known.
     * Records already read but waiting for room in the ring count as read.
     */
    public long lag() {
        return lag;
    }

    /** The consumer's group metadata as of its last poll, for transactional sinks. */
    ConsumerGroupMetadata groupMetadata() {
        ConsumerGroupMetadata m = groupMetadata;
        if (m == null) {
            throw new IllegalStateException("the Kafka source has not joined its group yet");
        }
        return m;
    }

    /** Called by a transactional sink's builder: the sink commits offsets, this source must not. */
    void commitThroughTransactions() {
        if (groupId == null) {
            throw new IllegalArgumentException("exactly-once needs the Kafka source to use a consumer group (groupId)");
        }
        this.commitsByTransaction = true;
    }

    @Override
    public void open(SourceContext<T> ctx) {
        this.context = ctx;
        Map<String, Object> c = new HashMap<>(consumerConfig);
        c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "datacascade-" + ctx.pipelineName() + "-source");
        consumer = new KafkaConsumer<>(c);
        awaitBrokers();
        if (deadLetterTopic != null) {
            Map<String, Object> d = new HashMap<>(deadLetterConfig);
            d.put(ProducerConfig.CLIENT_ID_CONFIG, "datacascade-" + ctx.pipelineName() + "-dead-letters");
            deadLetterProducer = new KafkaProducer<>(d);
        }
        if (assignment.isEmpty()) {
            consumer.subscribe(topics, new Rebalance());
            LOG.info("Kafka source: reading {} at {} in group '{}'", topics, bootstrapServers, groupId);
        } else {
            consumer.assign(assignment);
            owned.addAll(assignment);
            assignmentSnapshot = Set.copyOf(owned);
            LOG.info("Kafka source: reading partitions {} at {}{}", assignment, bootstrapServers,
                    groupId == null ? " (no group: offsets are not committed)" : " with group '" + groupId + "'");
        }
        lastCommitNanos = System.nanoTime();
        lastContactNanos = lastCommitNanos;
        lastHealthCheckNanos = lastCommitNanos;
    }

    /** Fails fast with a clear message if no broker answers within the broker timeout. */
    private void awaitBrokers() {
        long start = System.nanoTime();
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                Set<String> existing = consumer.listTopics(HEALTH_CHECK_TIMEOUT).keySet();
                for (String t : topics) {
                    if (!existing.contains(t)) {
                        LOG.warn("Kafka source: topic '{}' does not exist at {} yet; waiting for it to be created", t,
                                bootstrapServers);
                    }
                }
                return;
            } catch (KafkaException e) {
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                if (waited.compareTo(brokerTimeout) >= 0) {
                    throw new KafkaException("could not reach Kafka at " + bootstrapServers + " within " + brokerTimeout
                            + " (" + attempt + " attempts); is the broker running and is bootstrapServers right? Last error: "
                            + e, e);
                }
                LOG.warn("Kafka source: no answer from {} yet (attempt {}, {} s of {}): {}", bootstrapServers, attempt,
                        waited.toSeconds(), brokerTimeout, e.toString());
            }
        }
    }

    @Override
    public Poll poll(SourceContext<T> ctx) {
        checkDeadLetters();
        if (backlog != null && !emitBacklog()) {
            if (!paused) {
                consumer.pause(consumer.assignment());
                paused = true;
                pauses.incrementAndGet();
            }
            consumer.poll(Duration.ZERO); // keeps the group session alive; paused partitions return nothing
            groupMetadata = groupId == null ? null : consumer.groupMetadata();
            maybeCommit();
            checkHealth(false);
            return Poll.IDLE;
        }
        if (paused) {
            consumer.resume(consumer.paused());
            paused = false;
        }
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(pollTimeout);
        } catch (WakeupException e) {
            return Poll.MORE;
        }
        groupMetadata = groupId == null ? null : consumer.groupMetadata();
        updateLag();
        boolean any = !records.isEmpty();
        if (any) {
            lastContactNanos = System.nanoTime();
            unreachableSinceNanos = 0;
            backlog = records.iterator();
            emitBacklog();
        }
        maybeCommit();
        checkHealth(any);
        return Poll.MORE;
    }

    /** Sums the consumer's locally known lag of the owned partitions (no request to the broker). */
    private void updateLag() {
        if (owned.isEmpty()) {
            if (lag > 0) {
                lag = 0; // its partitions went to other members: nothing is this source's to read
            }
            return;
        }
        long sum = 0;
        for (TopicPartition tp : owned) {
            OptionalLong partitionLag = consumer.currentLag(tp);
            if (partitionLag.isEmpty()) {
                return; // not fetched yet: keep the last known value
            }
            sum += partitionLag.getAsLong();
        }
        lag = sum;
    }

    /** Emits held and backlog records while there is room; true when the backlog is empty. */
    private boolean emitBacklog() {
        while (true) {
            ConsumerRecord<byte[], byte[]> record = heldRecord;
            T value = heldValue;
            if (record != null && !owned.contains(new TopicPartition(record.topic(), record.partition()))) {
                heldRecord = null;
                heldValue = null;
                continue;
            }
            if (record == null) {
                if (!backlog.hasNext()) {
                    backlog = null;
                    return true;
                }
                record = backlog.next();
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (!owned.contains(tp)) {
                    continue; // revoked while waiting for room: its new owner reads it
                }
                try {
                    value = decoder.decode(record);
                    if (value == null) {
                        throw new IllegalArgumentException("decoder returned null");
                    }
                } catch (Exception e) {
                    deadLetter(record, e);
                    continue;
                }
            }
            long sequence = context.tryEmit(value, record);
            if (sequence < 0) {
                heldRecord = record;
                heldValue = value;
                return false;
            }
            heldRecord = null;
            heldValue = null;
            lastEmitted = sequence;
            book.book(new TopicPartition(record.topic(), record.partition()), record.offset(), sequence);
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, Exception error) {
        deadLettered.incrementAndGet();
        if (deadLetterProducer == null) {
            LOG.warn("Kafka source: skipped unreadable record {}-{}@{} (no dead-letter topic configured): {}",
                    record.topic(), record.partition(), record.offset(), DeadLetterRecords.reason(error));
        } else {
            deadLettersUnflushed = true;
            deadLetterProducer.send(DeadLetterRecords.of(deadLetterTopic, record, context.pipelineName(),
                    DeadLetterHeaders.DECODE_STAGE, DeadLetterRecords.reason(error), error, context.currentTimeMillis()),
                    (md, e) -> {
                        if (e != null) {
                            deadLetterFailure.compareAndSet(null, e);
                        }
                    });
            if (commitsByTransaction) {
                // the transactional sink commits offsets on its own clock: the letter must be stored first
                flushDeadLetters();
            }
        }
        book.book(new TopicPartition(record.topic(), record.partition()), record.offset(), lastEmitted);
        if (lastEmitted <= lastDurable) {
            settle(lastDurable); // everything before it is durable already: no later onDurable would settle it
        }
    }

    private void checkDeadLetters() {
        Exception e = deadLetterFailure.get();
        if (e != null) {
            throw new KafkaException("could not write to dead-letter topic '" + deadLetterTopic + "' at " + bootstrapServers
                    + "; the unreadable records stay uncommitted and are read again after a restart: " + e, e);
        }
    }

    /**
     * Notices a broker that stopped answering: while polls bring nothing, asks the cluster for its
     * topics every few seconds; fails the pipeline after the broker timeout without an answer.
     */
    private void checkHealth(boolean gotRecords) {
        long now = System.nanoTime();
        if (gotRecords || now - lastHealthCheckNanos < HEALTH_CHECK_INTERVAL.toNanos()) {
            return;
        }
        lastHealthCheckNanos = now;
        try {
            consumer.listTopics(HEALTH_CHECK_TIMEOUT);
            if (unreachableSinceNanos != 0) {
                LOG.info("Kafka source: {} answers again", bootstrapServers);
            }
            unreachableSinceNanos = 0;
            lastContactNanos = System.nanoTime();
        } catch (KafkaException e) {
            if (unreachableSinceNanos == 0) {
                unreachableSinceNanos = lastContactNanos;
            }
            Duration down = Duration.ofNanos(System.nanoTime() - unreachableSinceNanos);
            if (down.compareTo(brokerTimeout) >= 0) {
                throw new KafkaException("lost Kafka at " + bootstrapServers + ": no answer for " + down.toSeconds()
                        + " s (brokerTimeout " + brokerTimeout + "); records not yet committed are read again after a restart: "
                        + e, e);
            }
            LOG.warn("Kafka source: no answer from {} for {} s; retrying until {} have passed: {}", bootstrapServers,
                    down.toSeconds(), brokerTimeout, e.toString());
        }
    }

    @Override
    public void onDurable(long sequence) {
        lastDurable = Math.max(lastDurable, sequence);
        settle(sequence);
    }

    private void settle(long sequence) {
        book.settle(sequence);
        if (commitsByTransaction) {
            book.takeCommittable(); // the transactional sink committed these with its output
        } else {
            maybeCommit();
        }
    }

    private void maybeCommit() {
        if (book.hasCommittable() && System.nanoTime() - lastCommitNanos >= commitInterval.toNanos()) {
            commit(book.takeCommittable(), false);
        }
    }

    private void commit(OffsetBook.Commit commit, boolean sync) {
        lastCommitNanos = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> offsets = commit.offsets();
        if (offsets.isEmpty() || groupId == null || commitsByTransaction) {
            return;
        }
        flushDeadLetters();
        if (sync) {
            consumer.commitSync(offsets, closeTimeout);
            committedRecords.addAndGet(commit.records());
        } else {
            consumer.commitAsync(offsets, (done, e) -> {
                if (e != null) {
                    LOG.warn("Kafka source: committing offsets {} failed ({}); retrying with the next commit", done, e.toString());
                    book.restore(commit, owned); // runs on the source thread, inside a later poll
                } else {
                    committedRecords.addAndGet(commit.records());
                }
            });
        }
    }

    /** Dead letters must be stored before the offsets that skip their records are committed. */
    private void flushDeadLetters() {
        if (deadLettersUnflushed) {
            deadLetterProducer.flush();
            deadLettersUnflushed = false;
            checkDeadLetters();
        }
    }

    @Override
    public void close() {
        if (consumer == null) {
            return;
        }
        try {
            if (!commitsByTransaction) {
                commit(book.takeCommittable(), true);
            }
        } catch (RuntimeException e) {
            LOG.warn("Kafka source: final commit failed ({}); uncommitted records are read again after a restart", e.toString());
        } finally {
            if (deadLetterProducer != null) {
                deadLetterProducer.close(closeTimeout);
            }
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(closeTimeout));
        }
    }

    @Override
    public String toString() {
        return "KafkaSource[" + (assignment.isEmpty() ? topics : assignment) + "]";
    }

    /**
     * Lets go of {@code partitions}: not owned any more, and none of their records still waiting
     * for room in the ring is emitted (if the group hands a partition straight back, the consumer
     * reads it again from the committed offset, and these would be stale duplicates out of order).
     */
    private void release(Collection<TopicPartition> partitions) {
        owned.removeAll(partitions);
        assignmentSnapshot = Set.copyOf(owned);
        if (heldRecord != null && partitions.contains(new TopicPartition(heldRecord.topic(), heldRecord.partition()))) {
            heldRecord = null;
            heldValue = null;
        }
        if (backlog != null) {
            List<ConsumerRecord<byte[], byte[]>> kept = new ArrayList<>();
            backlog.forEachRemaining(r -> {
                if (!partitions.contains(new TopicPartition(r.topic(), r.partition()))) {
                    kept.add(r);
                }
            });
            backlog = kept.iterator();
        }
    }

    /** Keeps the books straight when the group moves partitions; runs inside {@code poll}, on the source thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            owned.addAll(partitions);
            assignmentSnapshot = Set.copyOf(owned);
            if (groupId != null) {
                groupMetadata = consumer.groupMetadata();
            }
            if (paused && !partitions.isEmpty()) {
                consumer.pause(partitions);
            }
            if (!partitions.isEmpty()) {
                LOG.info("Kafka source: assigned {}", partitions);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            release(partitions);
            // exactly-once too: waiting lets the transactional sink commit these partitions' records
            // (its timer closes open transactions) before their new owner starts on them
            long last = book.highestUnsettled(partitions);
            try {
                long waitStart = System.nanoTime();
                if (last >= 0 && context.awaitDurable(last, revokeTimeout)) {
                    book.settle(last);
                } else if (last >= 0 && commitsByTransaction) {
                    // the open transaction would commit them under the new generation: abort instead
                    throw new KafkaException("records of revoked partitions " + partitions + " were not committed within "
                            + revokeTimeout + "; stopping so the transaction aborts and their new owner reads them again");
                } else if (last >= 0) {
                    Duration waited = Duration.ofNanos(System.nanoTime() - waitStart);
                    if (waited.compareTo(revokeTimeout) >= 0) {
                        LOG.warn("Kafka source: records of revoked partitions {} were not durable within {}; their new owner "
                                + "reads them again", partitions, revokeTimeout);
                    } else { // the pipeline stopped, or an open window holds them: waiting longer can't help
                        LOG.info("Kafka source: uncommitted records of revoked partitions {} (in open windows, or not processed "
                                + "before the stop) are read again by their new owner", partitions);
                    }
                }
                commit(book.takeCommittable(new ArrayList<>(partitions)), true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (KafkaException e) {
                if (commitsByTransaction) {
                    throw e;
                }
                LOG.warn("Kafka source: committing revoked partitions {} failed ({}); their new owner reads the "
                        + "uncommitted records again", partitions, e.toString());
            }
            book.forget(partitions);
            LOG.info("Kafka source: revoked {}", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            release(partitions);
            book.forget(partitions);
            LOG.warn("Kafka source: lost {} without a clean hand-over; their uncommitted records are read again by the new owner",
                    partitions);
        }
    }

    /**
     * Settings of a {@link KafkaSource}. Required: {@link #bootstrapServers}, and either
     * {@link #topics} with a {@link #groupId}, or {@link #assign partitions}.
     *
     * @param <T> the record type
     */
    public static final class Builder<T> {
        private final KafkaDecoder<T> decoder;
        private String bootstrapServers;
        private final List<String> topics = new ArrayList<>();
        private final List<TopicPartition> assignment = new ArrayList<>();
        private String groupId;
        private String deadLetterTopic;
        private final Map<String, Object> properties = new HashMap<>();
        private Duration pollTimeout = Duration.ofMillis(100);
        private Duration commitInterval = Duration.ofSeconds(1);
        private Duration revokeTimeout = Duration.ofSeconds(10);
        private Duration brokerTimeout = Duration.ofSeconds(60);
        private Duration closeTimeout = Duration.ofSeconds(10);

        private Builder(KafkaDecoder<T> decoder) {
            this.decoder = decoder;
        }

        /** Where the brokers are, e.g. {@code "localhost:9092"}. */
        public Builder<T> bootstrapServers(String servers) {
            this.bootstrapServers = KafkaSettings.requireText(servers, "bootstrapServers");
            return this;
        }

        /** Topics to subscribe to; the group shares their partitions among its members. */
        public Builder<T> topics(String... names) {
            for (String name : Objects.requireNonNull(names, "topics can't be null")) {
                topics.add(KafkaSettings.requireText(name, "topic"));
            }
            return this;
        }

        /** Reads exactly these partitions instead of subscribing (no rebalancing). */
        public Builder<T> assign(TopicPartition... partitions) {
            for (TopicPartition tp : Objects.requireNonNull(partitions, "partitions can't be null")) {
                assignment.add(Objects.requireNonNull(tp, "partition can't be null"));
            }
            return this;
        }

        /** The consumer group: members share partitions, and offsets are committed under it. */
        public Builder<T> groupId(String groupId) {
            this.groupId = KafkaSettings.requireText(groupId, "groupId");
            return this;
        }

        /** Where records the decoder rejects go, unchanged, with headers naming why; default none (logged and skipped). */
        public Builder<T> deadLetterTopic(String topic) {
            this.deadLetterTopic = KafkaSettings.requireText(topic, "deadLetterTopic");
            return this;
        }

        /**
         * Any Kafka consumer setting, e.g. {@code max.poll.records} or {@code auto.offset.reset}
         * (default {@code earliest}); {@code isolation.level} defaults to {@code read_committed}.
         * Auto-commit and the deserializers are fixed.
         */
        public Builder<T> property(String key, Object value) {
            properties.put(KafkaSettings.requireText(key, "property key"), Objects.requireNonNull(value, "value of " + key));
            return this;
        }

        /** How long one consumer poll may wait for records; default 100 ms (also bounds how fast a stop is noticed). */
        public Builder<T> pollTimeout(Duration timeout) {
            this.pollTimeout = KafkaSettings.requireNonNegative(timeout, "pollTimeout");
            return this;
        }

        /** The least time between two offset commits; default 1 s; zero commits on every durable advance. */
        public Builder<T> commitInterval(Duration interval) {
            this.commitInterval = KafkaSettings.requireNonNegative(interval, "commitInterval");
            return this;
        }

        /** How long a rebalance waits for in-flight records of revoked partitions; default 10 s. */
        public Builder<T> revokeTimeout(Duration timeout) {
            this.revokeTimeout = KafkaSettings.requireNonNegative(timeout, "revokeTimeout");
            return this;
        }

        /** How long the brokers may be unreachable, at start or later, before the pipeline fails; default 60 s. */
        public Builder<T> brokerTimeout(Duration timeout) {
            this.brokerTimeout = KafkaSettings.requirePositive(timeout, "brokerTimeout");
            return this;
        }

        /** How long closing waits for the final commit and the clients; default 10 s. */
        public Builder<T> closeTimeout(Duration timeout) {
            this.closeTimeout = KafkaSettings.requireNonNegative(timeout, "closeTimeout");
            return this;
        }

        /** The source; fails naming every missing or invalid setting. */
        public KafkaSource<T> build() {
            KafkaSettings.Problems problems = new KafkaSettings.Problems("KafkaSource");
            problems.requireSet(bootstrapServers, "bootstrapServers");
            if (topics.isEmpty() && assignment.isEmpty()) {
                problems.add("neither topics nor assigned partitions are set");
            } else if (!topics.isEmpty() && !assignment.isEmpty()) {
                problems.add("topics " + topics + " and assigned partitions " + assignment + " are both set; choose one");
            }
            if (!topics.isEmpty() && groupId == null) {
                problems.add("groupId is not set (subscribing to topics needs a consumer group)");
            }
            problems.throwIfAny();
            return new KafkaSource<>(this);
        }
    }
}
