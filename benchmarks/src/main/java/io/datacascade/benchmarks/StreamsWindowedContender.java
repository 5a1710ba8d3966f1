package io.datacascade.benchmarks;

import io.datacascade.kafka.PointJsonCodec;
import io.datacascade.testsupport.EmbeddedKafka;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * {@code kafka-streams-windowed-mem} and {@code kafka-streams-windowed-rocksdb}: the per-series
 * 1 s tumbling average in the Kafka Streams DSL.
 *
 * <pre>
 * stream(topic, Consumed.with(ByteArray, ByteArray))
 *   → mapValues(decode with {@link PointJsonCodec})          (as kafka-streams-&lt;n&gt;t)
 *   → peek(count the input record)                          (the end of the pass, see below)
 *   → groupByKey()                                          (key = series; no repartition)
 *   → windowedBy(TimeWindows.ofSizeWithNoGrace(1 s))
 *   → aggregate(sum + count, 16-byte serde)
 *   → mapValues(sum / count) → toStream() → foreach(count the result)
 * </pre>
 *
 * <p>Store: {@code mem} = {@code Materialized.as(Stores.inMemoryWindowStore(name, 1 s retention,
 * 1 s size, no duplicates))}; {@code rocksdb} = {@code Materialized.as(name)}, Streams' default
 * persistent (segmented RocksDB) window store, retention = size + grace = 1 s by default. Both keep
 * Streams' defaults otherwise: change-logging on (every flushed store update is also written to a
 * {@code -changelog} topic on the broker), record caching on ({@code statestore.cache.max.bytes}
 * 10 MiB: updates of a window are coalesced in the cache and forwarded downstream, and written to
 * the store and changelog, when the cache is flushed at a commit or evicts), no
 * {@code suppress}: results are updates of a window (several per window when a commit falls inside
 * it), not one final result per window as DataCascade emits. Event time is the record timestamp
 * (the default extractor): the windowed workload preloads each record with its point's timestamp.
 *
 * <p>Like {@code kafka-streams-<n>t}: {@code processing.guarantee=at_least_once} (the default),
 * {@code commit.interval.ms=1000} (= {@code KafkaSource}'s commit interval), a fresh
 * {@code application.id} per pass, state directory in a temporary directory deleted after each
 * pass, timed from {@code new KafkaStreams(..)}. {@code num.stream.threads} is the harness's
 * {@code --windowed-streams-threads}.
 *
 * <p><b>Done</b>, the same for every windowed contender: the pass ends when every input record has
 * been decoded and handed to the window aggregation, counted by a {@code peek} right before it
 * (its count reaching the topic's record count). Results still held in Streams' record cache or in
 * open windows at that moment are not waited for; the results counted by then are printed
 * ({@code results_at_done}), and after close ({@code results}; closing flushes Streams' cache).
 */
final class StreamsWindowedContender implements KafkaContender {
    private static final Duration WINDOW = Duration.ofMillis(KafkaWorkload.WINDOW_MILLIS);

    /** Which window store. */
    enum Store {
        /** {@code Stores.inMemoryWindowStore}. */
        MEMORY("mem"),
        /** The default: RocksDB. */
        ROCKSDB("rocksdb");

        final String label;

        Store(String label) {
            this.label = label;
        }
    }

    private final EmbeddedKafka kafka;
    private final String topic;
    private final KafkaWorkload workload;
    private final Store store;
    private final int threads;
    private final Path stateRoot;

    StreamsWindowedContender(EmbeddedKafka kafka, String topic, KafkaWorkload workload, Store store, int threads,
                             Path stateRoot) {
        this.kafka = kafka;
        this.topic = topic;
        this.workload = workload;
        this.store = store;
        this.threads = threads;
        this.stateRoot = stateRoot;
    }

    @Override
    public String name() {
        return "kafka-streams-windowed-" + store.label;
    }

    /** The running sum and count of one window: the aggregate kept in the store. */
    static final class SumCount {
        double sum;
        long count;

        SumCount add(double value) {
            sum += value;
            count++;
            return this;
        }

        double avg() {
            return sum / count;
        }
    }

    /** 16 bytes: the sum, then the count. */
    static final Serde<SumCount> SUM_COUNT = Serdes.serdeFrom(
            (Serializer<SumCount>) (t, agg) -> agg == null ? null
                    : ByteBuffer.allocate(16).putDouble(agg.sum).putLong(agg.count).array(),
            (Deserializer<SumCount>) (t, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                ByteBuffer b = ByteBuffer.wrap(bytes);
                SumCount agg = new SumCount();
                agg.sum = b.getDouble();
                agg.count = b.getLong();
                return agg;
            });

    @Override
    public Pass run(String passId) throws IOException {
        String applicationId = "e2e-streams-win-" + store.label + "-" + passId;
        Properties config = StreamsPasses.config(kafka, applicationId, threads, stateRoot);
        KafkaProgress progress = new KafkaProgress();
        LongAdder results = new LongAdder();
        String storeName = "avg-1s-" + store.label;
        Materialized<byte[], SumCount, WindowStore<Bytes, byte[]>> materialized = store == Store.MEMORY
                ? Materialized.as(Stores.inMemoryWindowStore(storeName, WINDOW, WINDOW, false))
                : Materialized.as(storeName);
        StreamsBuilder builder = new StreamsBuilder();
        StreamsPasses.decoded(builder, topic)
                .peek((key, p) -> progress.increment())
                .groupByKey()
                .windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW))
                .aggregate(SumCount::new, (key, p, agg) -> agg.add(p.value()),
                        materialized.withKeySerde(Serdes.ByteArray()).withValueSerde(SUM_COUNT))
                .mapValues(SumCount::avg)
                .toStream()
                .foreach((window, avg) -> results.increment());
        AtomicLong resultsAtDone = new AtomicLong();
        Pass pass = StreamsPasses.run(name(), builder.build(), config, progress, workload.points.length, workload.points.length,
                () -> resultsAtDone.set(results.sum()));
        workload.verifyCommitted(kafka, applicationId, topic);
        return pass.withNote(String.format(Locale.ROOT, "threads=%d windows=%d results_at_done=%d results=%d",
                threads, workload.windows, resultsAtDone.get(), results.sum()));
    }
}
