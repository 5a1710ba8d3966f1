package io.datacascade.kafka;

import static io.datacascade.kafka.KafkaTestData.decode;
import static io.datacascade.kafka.KafkaTestData.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.Batch;
import io.datacascade.core.DataCascade;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineState;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Kafka source against a real broker: commits, dead letters, backpressure, scale-out. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaSourceTest extends WithBroker {

    /** Keeps each (series, timestamp) once and counts every write: an idempotent sink, like a keyed table. */
    static final class DistinctSink implements Sink<Point> {
        final Set<String> keys = ConcurrentHashMap.newKeySet();
        final AtomicLong writes = new AtomicLong();
        final long parkNanosPerRecord;

        DistinctSink(long parkNanosPerRecord) {
            this.parkNanosPerRecord = parkNanosPerRecord;
        }

        @Override
        public void write(Batch<Point> batch) {
            for (Point p : batch) {
                keys.add(p.series() + "@" + p.timestamp());
                writes.incrementAndGet();
                if (parkNanosPerRecord > 0) {
                    LockSupport.parkNanos(parkNanosPerRecord);
                }
            }
        }
    }

    private static void awaitSize(DistinctSink sink, int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sink.keys.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(sink.keys).as("distinct records delivered").hasSize(expected);
    }

    private static void assertCommittedAtEnd(String group, String topic) {
        Map<TopicPartition, Long> committed = kafka.committedOffsets(group, topic);
        long sum = committed.values().stream().mapToLong(Long::longValue).sum();
        assertThat(sum).as("committed offsets of %s equal the end offsets (%s)", group, committed)
                .isEqualTo(kafka.endOffsetSum(topic));
    }

    @Test
    void shouldDeliverEveryRecordOfThreePartitionsAndCommitUpToTheEndOffsets() throws Exception {
        String topic = "all-records";
        kafka.createTopic(topic, 3);
        int n = 100_000;
        KafkaTestData.producePoints(kafka, topic, 0, n);
        DistinctSink sink = new DistinctSink(0);
        KafkaSource<Point> source = KafkaSource.builder(PointJsonCodec.create()).bootstrapServers(kafka.bootstrapServers())
                .topics(topic).groupId("g-all").commitInterval(Duration.ofMillis(200)).build();
        try (Pipeline<Point> pipeline = DataCascade.pipeline("all").from(source).to(sink).build()) {
            pipeline.start();
            awaitSize(sink, n, Duration.ofSeconds(60));
        }
        assertThat(sink.writes.get()).as("no record delivered twice without a failure").isEqualTo(n);
        assertCommittedAtEnd("g-all", topic);
        assertThat(source.committedRecords()).isEqualTo(n);
    }

    @Test
    void shouldSendEveryMalformedRecordToTheDeadLetterTopicAndDeliverEveryGoodOne() throws Exception {
        String topic = "mixed";
        kafka.createTopic(topic, 3);
        kafka.createTopic(topic + ".dlq", 1);
        int good = 100_000;
        int bad = 1_000;
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Set<String> badValues = new HashSet<>();
        int b = 0;
        for (int i = 0; i < good; i++) {
            Point p = KafkaTestData.point(i);
            records.add(new ProducerRecord<>(topic, p.series().getBytes(StandardCharsets.UTF_8), KafkaTestData.json(p)));
            if (i % (good / bad) == 0) {
                String value = switch (b % 4) {
                    case 0 -> "{\"series\":\"x\",\"time\":" + b + ",\"value\":\"high\"}";
                    case 1 -> "{\"series\":\"x\",\"time\":" + b + "}";
                    case 2 -> "not json " + b;
                    default -> "{\"series\":\"x\",\"time\":" + b + ",\"value\":NaN}";
                };
                badValues.add(value);
                records.add(new ProducerRecord<>(topic, ("bad" + b).getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8)));
                b++;
            }
        }
        assertThat(b).isEqualTo(bad);
        KafkaTestData.produce(kafka, records);

        DistinctSink sink = new DistinctSink(0);
        KafkaSource<Point> source = KafkaSource.points(kafka.bootstrapServers(), topic, "g-mixed");
        try (Pipeline<Point> pipeline = DataCascade.pipeline("mixed").from(source).to(sink).build()) {
            pipeline.start();
            awaitSize(sink, good, Duration.ofSeconds(60));
        }
        assertThat(source.deadLettered()).isEqualTo(bad);
        List<ConsumerRecord<byte[], byte[]>> letters = KafkaTestData.readUntil(kafka, topic + ".dlq", true,
                Duration.ofSeconds(30), l -> l.size() >= bad);
        assertThat(letters).hasSize(bad);
        Set<String> lettered = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            lettered.add(new String(letter.value(), StandardCharsets.UTF_8));
            assertThat(new String(letter.key(), StandardCharsets.UTF_8)).startsWith("bad");
            assertThat(header(letter, DeadLetterHeaders.REASON)).isNotBlank();
            assertThat(header(letter, DeadLetterHeaders.STAGE)).isEqualTo("decode");
            assertThat(header(letter, DeadLetterHeaders.PIPELINE)).isEqualTo("mixed");
            assertThat(header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(topic);
            assertThat(Integer.parseInt(header(letter, DeadLetterHeaders.SOURCE_PARTITION))).isBetween(0, 2);
            assertThat(Long.parseLong(header(letter, DeadLetterHeaders.SOURCE_OFFSET))).isNotNegative();
        }
        assertThat(lettered).isEqualTo(badValues);
        assertCommittedAtEnd("g-mixed", topic);
    }

    @Test
    void shouldDeadLetterRecordsAValidationStageRejectsWithTheirOriginalBytesAndWhereTheyCameFrom() throws Exception {
        String topic = "to-validate";
        kafka.createTopic(topic, 2);
        kafka.createTopic(topic + ".dlq", 1);
        int n = 2_000;
        KafkaTestData.producePoints(kafka, topic, 0, n);
        DistinctSink sink = new DistinctSink(0);
        try (Pipeline<Point> pipeline = DataCascade.pipeline("validation")
                .from(KafkaSource.points(kafka.bootstrapServers(), topic, "g-validate"))
                .map(p -> {
                    if (p.timestamp() % 100 == 0) {
                        throw new IllegalArgumentException("value " + p.value() + " of " + p.series() + " is out of range");
                    }
                    return p;
                }).named("validate").onError(io.datacascade.core.ErrorPolicy.deadLetter(
                        KafkaDeadLetterSink.create(kafka.bootstrapServers(), topic + ".dlq")))
                .to(sink).build()) {
            pipeline.start();
            awaitSize(sink, n - n / 100, Duration.ofSeconds(30));
            assertThat(pipeline.metrics().deadLettered()).isEqualTo(n / 100);
        }
        List<ConsumerRecord<byte[], byte[]>> letters = KafkaTestData.readUntil(kafka, topic + ".dlq", true,
                Duration.ofSeconds(30), l -> l.size() >= n / 100);
        assertThat(letters).hasSize(n / 100).allSatisfy(letter -> {
            Point original = decode(letter);
            assertThat(original.timestamp() % 100).isZero();
            assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo(original.series());
            assertThat(header(letter, DeadLetterHeaders.STAGE)).isEqualTo("validate");
            assertThat(header(letter, DeadLetterHeaders.REASON)).contains("is out of range");
            assertThat(header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(topic);
            assertThat(header(letter, DeadLetterHeaders.SOURCE_OFFSET)).isNotNull();
        });
        assertCommittedAtEnd("g-validate", topic);
    }

    @Test
    void shouldNameWhatIsWrongWithEachKindOfPoisonPill() throws Exception {
        String topic = "poison";
        kafka.createTopic(topic, 1);
        kafka.createTopic(topic + ".dlq", 1);
        Map<String, byte[]> pills = new java.util.LinkedHashMap<>();
        pills.put("nan", "{\"series\":\"a\",\"time\":1,\"value\":NaN}".getBytes(StandardCharsets.UTF_8));
        pills.put("infinity", "{\"series\":\"a\",\"time\":1,\"value\":Infinity}".getBytes(StandardCharsets.UTF_8));
        pills.put("missing-value", "{\"series\":\"a\",\"time\":1}".getBytes(StandardCharsets.UTF_8));
        pills.put("missing-time", "{\"series\":\"a\",\"value\":1}".getBytes(StandardCharsets.UTF_8));
        pills.put("wrong-type", "{\"series\":\"a\",\"time\":1,\"value\":true}".getBytes(StandardCharsets.UTF_8));
        pills.put("empty", new byte[0]);
        byte[] big = new byte[4096];
        Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        pills.put("oversized", big);
        pills.put("not-utf8", new byte[] {'{', '"', 's', 'e', 'r', 'i', 'e', 's', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        pills.forEach((name, value) -> records.add(new ProducerRecord<>(topic, name.getBytes(StandardCharsets.UTF_8), value)));
        records.add(new ProducerRecord<>(topic, null, KafkaTestData.json(KafkaTestData.point(7))));
        KafkaTestData.produce(kafka, records);

        DistinctSink sink = new DistinctSink(0);
        KafkaSource<Point> source = KafkaSource.builder(PointJsonCodec.create().withMaxPayloadBytes(1024))
                .bootstrapServers(kafka.bootstrapServers()).topics(topic).groupId("g-poison").deadLetterTopic(topic + ".dlq")
                .build();
        try (Pipeline<Point> pipeline = DataCascade.pipeline("poison").from(source).to(sink).build()) {
            pipeline.start();
            awaitSize(sink, 1, Duration.ofSeconds(30));
            assertThat(pipeline.state()).isEqualTo(PipelineState.RUNNING);
        }
        List<ConsumerRecord<byte[], byte[]>> letters = KafkaTestData.readUntil(kafka, topic + ".dlq", true,
                Duration.ofSeconds(30), l -> l.size() >= pills.size());
        Map<String, String> reasons = new java.util.HashMap<>();
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            String key = new String(letter.key(), StandardCharsets.UTF_8);
            reasons.put(key, header(letter, DeadLetterHeaders.REASON));
            assertThat(letter.value()).as("original bytes of %s", key).isEqualTo(pills.get(key));
        }
        assertThat(reasons).containsOnlyKeys(pills.keySet());
        assertThat(reasons.get("nan")).contains("NaN");
        assertThat(reasons.get("infinity")).contains("Infinity");
        assertThat(reasons.get("missing-value")).contains("value");
        assertThat(reasons.get("missing-time")).contains("time");
        assertThat(reasons.get("wrong-type")).contains("value");
        assertThat(reasons.get("empty")).containsIgnoringCase("empty");
        assertThat(reasons.get("oversized")).contains("4096").contains("1024");
        assertThat(reasons.get("not-utf8")).containsIgnoringCase("UTF-8");
        assertCommittedAtEnd("g-poison", topic);
    }

    @Test
    void shouldPauseInsteadOfBlockingWhenThePipelineIsBehindAndKeepItsGroupMembership() throws Exception {
        String topic = "slow";
        kafka.createTopic(topic, 2);
        int n = 3_000;
        KafkaTestData.producePoints(kafka, topic, 0, n);
        // 2 ms per record: one poll of 2,000 records would take 4 s, twice max.poll.interval.ms
        DistinctSink sink = new DistinctSink(TimeUnit.MILLISECONDS.toNanos(2));
        KafkaSource<Point> source = KafkaSource.builder(PointJsonCodec.create()).bootstrapServers(kafka.bootstrapServers())
                .topics(topic).groupId("g-slow").property("max.poll.interval.ms", 2000)
                .property("max.poll.records", 2000).build();
        int generation;
        try (Pipeline<Point> pipeline = DataCascade.pipeline("slow").from(source).to(sink).ringSize(16).build()) {
            pipeline.start();
            while (sink.keys.isEmpty()) {
                Thread.sleep(10);
            }
            generation = source.groupMetadata().generationId();
            awaitSize(sink, n, Duration.ofSeconds(60));
            assertThat(source.groupMetadata().generationId()).as("no rebalance: the consumer kept its membership")
                    .isEqualTo(generation);
            assertThat(source.pauses()).as("times the partitions were paused").isPositive();
        }
        assertThat(sink.writes.get()).isEqualTo(n);
        assertCommittedAtEnd("g-slow", topic);
    }

    @Test
    void shouldShareSixPartitionsAmongThreeInstancesAndHandOverTheStoppedOnesPartitions() throws Exception {
        String topic = "scale-out";
        kafka.createTopic(topic, 6);
        int n = 60_000;
        List<DistinctSink> sinks = new ArrayList<>();
        List<KafkaSource<Point>> sources = new ArrayList<>();
        List<Pipeline<Point>> pipelines = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            DistinctSink sink = new DistinctSink(TimeUnit.MICROSECONDS.toNanos(20));
            KafkaSource<Point> source = KafkaSource.builder(PointJsonCodec.create()).bootstrapServers(kafka.bootstrapServers())
                    .topics(topic).groupId("g-scale").commitInterval(Duration.ofMillis(100)).build();
            sinks.add(sink);
            sources.add(source);
            pipelines.add(DataCascade.pipeline("scale-" + i).from(source).to(sink).ringSize(1024).build());
        }
        try {
            pipelines.forEach(Pipeline::start);
            // wait until the group has settled: every instance owns partitions and together they own all six
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && (sources.stream().anyMatch(s -> s.assignment().isEmpty())
                    || sources.stream().mapToInt(s -> s.assignment().size()).sum() != 6)) {
                Thread.sleep(20);
            }
            assertThat(sources).as("every instance got partitions").allSatisfy(s -> assertThat(s.assignment()).isNotEmpty());
            int produced = n / 2;
            KafkaTestData.producePoints(kafka, topic, 0, produced);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (sinks.stream().anyMatch(s -> s.keys.isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(sinks).as("every instance got data").allSatisfy(s -> assertThat(s.keys).isNotEmpty());
            pipelines.get(0).close(); // mid-stream: its partitions move to the other two
            assertThat(pipelines.get(0).state()).isEqualTo(PipelineState.CLOSED);
            KafkaTestData.producePoints(kafka, topic, produced, n);
            Set<String> union = ConcurrentHashMap.newKeySet();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                union.clear();
                sinks.forEach(s -> union.addAll(s.keys));
                if (union.size() >= n) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(union).as("nothing lost across the hand-over").hasSize(n);
            assertThat(sinks.get(1).keys.size() + sinks.get(2).keys.size()).isGreaterThan(n / 2);
        } finally {
            pipelines.forEach(Pipeline::close);
        }
        long writes = sinks.stream().mapToLong(s -> s.writes.get()).sum();
        System.out.printf("scale-out: %d records, %d writes, %d redelivered across the hand-over%n", n, writes, writes - n);
        assertCommittedAtEnd("g-scale", topic);
    }

    @Test
    void shouldReadAndWriteThroughKafkaUris() throws Exception {
        String in = "uri-in";
        String out = "uri-out";
        kafka.createTopic(in, 2);
        kafka.createTopic(out, 2);
        int n = 5_000;
        KafkaTestData.producePoints(kafka, in, 0, n);
        String base = "kafka://" + kafka.bootstrapServers() + "/";
        try (Pipeline<Point> pipeline = DataCascade.pipeline("uri")
                .from(DataCascade.source(base + in + "?group=g-uri&max.poll.records=500"))
                .map(p -> p.withTag("via", "uri"))
                .to(DataCascade.sink(base + out + "?compression.type=lz4")).build()) {
            pipeline.start();
            List<ConsumerRecord<byte[], byte[]>> read = KafkaTestData.readUntil(kafka, out, true, Duration.ofSeconds(30),
                    l -> l.size() >= n);
            assertThat(read).hasSize(n);
            assertThat(read).allSatisfy(r -> {
                Point p = decode(r);
                assertThat(p.tags()).containsEntry("via", "uri");
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(p.series());
            });
        }
        assertCommittedAtEnd("g-uri", in);
    }

    @Test
    void shouldRejectBadUrisNamingThePart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DataCascade.source("kafka://localhost:9092/t"))
                .hasMessageContaining("group");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DataCascade.source("kafka://localhost:9092/t?group=g&colour=red"))
                .hasMessageContaining("colour");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DataCascade.sink("kafka://localhost:9092/"))
                .hasMessageContaining("topic");
    }

    @Test
    void shouldFailTheBuildNamingEveryMissingSetting() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KafkaSource.builder(PointJsonCodec.create()).topics("t").build())
                .hasMessageContaining("bootstrapServers").hasMessageContaining("groupId");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KafkaSink.builder(PointJsonCodec.create()).build())
                .hasMessageContaining("bootstrapServers").hasMessageContaining("topic");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KafkaSource.builder(PointJsonCodec.create())
                .brokerTimeout(Duration.ofSeconds(-1))).hasMessageContaining("brokerTimeout").hasMessageContaining("-1");
    }
}
