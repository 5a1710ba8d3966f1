package io.datacascade.benchmarks;

import io.datacascade.testsupport.EmbeddedKafka;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Kafka end to end, in one JVM with a real in-process KRaft broker ({@link EmbeddedKafka}): how
 * fast DataCascade's {@code KafkaSource} and {@code KafkaSink} move the same JSON points as a plain
 * consumer/producer and Kafka Streams, doing the same work.
 *
 * <ol>
 *   <li>Preloads a topic ({@code --partitions}, default 3, {@code retention.ms=-1}) with
 *       {@code --records} points ({@link KafkaWorkload}).</li>
 *   <li>Consumers, each decoding, mapping, filtering and counting every record on a fresh
 *       consumer group from the beginning: {@code raw}, {@code datacascade},
 *       {@code kafka-streams-1t}, {@code kafka-streams-2t}.</li>
 *   <li>Producers writing the pre-built points to a fresh topic and waiting for every ack:
 *       {@code producer-raw}, {@code producer-datacascade}.</li>
 * </ol>
 *
 * <p>One untimed warm-up pass per contender, then {@code --passes} timed passes; within a pass
 * the contenders run one after the other, starting with a different one each pass; a
 * {@code System.gc()} before every run. Prints each pass, then per contender the median
 * {@code records_per_s} (input records per second) and its ratio to the raw client. Any
 * contender counting anything but the exact expected number fails the run (exit code 1).
 */
@Command(name = "KafkaEndToEnd", mixinStandardHelpOptions = true, version = "DataCascade Kafka end-to-end harness",
        description = "Consumes and produces the same JSON points with a plain Kafka client, DataCascade and Kafka Streams, "
                + "against an in-process broker, and prints records per second per contender.")
public final class KafkaEndToEnd implements Callable<Integer> {

    @Option(names = "--records", defaultValue = "2000000", description = "Points to preload and consume (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--passes", defaultValue = "3", description = "Timed passes per contender, after one warm-up pass (default ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of the topics (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--raw-commit-interval-ms", defaultValue = "0",
            description = "Diagnostic: the raw consumer commits asynchronously at most this often; 0 (default) = after every poll.")
    long rawCommitIntervalMs;

    private static final String TOPIC = "e2e-points";

    public static void main(String[] args) {
        int code = new CommandLine(new KafkaEndToEnd()).execute(args);
        System.exit(code); // Kafka leaves non-daemon threads behind
    }

    @Override
    public Integer call() throws Exception {
        if (records < 1 || passes < 1 || partitions < 1 || rawCommitIntervalMs < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--records, --passes and --partitions must be at least 1 and --raw-commit-interval-ms at least 0, were "
                            + records + ", " + passes + ", " + partitions + ", " + rawCommitIntervalMs);
        }
        printHeader();
        Path stateRoot = Files.createTempDirectory("datacascade-e2e-streams-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            createProduceTopic(kafka, TOPIC, partitions);
            KafkaWorkload workload = KafkaWorkload.generate(records);
            long preload = workload.preload(kafka, TOPIC);
            System.out.printf(Locale.ROOT, "preloaded topic=%s records=%d kept_by_filter=%d seconds=%.2f per_partition=%s%n",
                    TOPIC, records, workload.expectedKept, preload / 1e9, perPartition(kafka));

            List<KafkaContender> consumers = List.of(
                    new RawConsumerContender(kafka, TOPIC, workload, rawCommitIntervalMs),
                    new DataCascadeConsumerContender(kafka, TOPIC, workload),
                    new StreamsConsumerContender(kafka, TOPIC, workload, 1, stateRoot),
                    new StreamsConsumerContender(kafka, TOPIC, workload, 2, stateRoot));
            List<KafkaContender> producers = List.of(
                    new RawProducerContender(kafka, workload, partitions),
                    new DataCascadeProducerContender(kafka, workload, partitions));

            Map<String, List<Double>> consumed = runAll(consumers);
            Map<String, List<Double>> produced = runAll(producers);

            System.out.println();
            printSummary(consumed, "raw");
            printSummary(produced, "producer-raw");
            System.out.println("loadavg_end=" + loadAverage());
        } finally {
            StreamsConsumerContender.deleteRecursively(stateRoot);
        }
        return 0;
    }

    /** Warm-up, then the timed passes, rotating which contender goes first; returns records/s per pass. */
    private Map<String, List<Double>> runAll(List<KafkaContender> contenders) throws Exception {
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (KafkaContender c : contenders) {
            rates.put(c.name(), new ArrayList<>());
        }
        for (int pass = 0; pass <= passes; pass++) {
            for (int k = 0; k < contenders.size(); k++) {
                KafkaContender c = contenders.get((pass + k) % contenders.size());
                String passName = pass == 0 ? "warmup" : Integer.toString(pass);
                System.gc();
                KafkaContender.Pass result = c.run(passName + "-" + Long.toString(System.nanoTime(), 36));
                System.out.printf(Locale.ROOT, "pass=%s contender=%s records=%d seconds=%.3f records_per_s=%.0f first_record_ms=%s%s%n",
                        passName, c.name(), result.records(), result.nanos() / 1e9, result.perSecond(),
                        result.firstNanos() < 0 ? "-" : Long.toString(TimeUnit.NANOSECONDS.toMillis(result.firstNanos())),
                        result.note().isEmpty() ? "" : " " + result.note());
                if (pass > 0) {
                    rates.get(c.name()).add(result.perSecond());
                }
            }
        }
        return rates;
    }

    /**
     * Per contender: the median over the timed passes, its ratio to the baseline's median, each
     * pass, and each pass's ratio to the baseline in the same pass (run minutes apart at most).
     */
    private static void printSummary(Map<String, List<Double>> rates, String baseline) {
        List<Double> baseRates = rates.get(baseline);
        double base = median(baseRates);
        for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
            List<Double> own = e.getValue();
            double m = median(own);
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < own.size(); i++) {
                ratios.add(own.get(i) / baseRates.get(i));
            }
            System.out.printf(Locale.ROOT, "contender=%s records_per_s=%.0f ratio_to_raw=%.2f passes=%s pass_ratios=%s median_pass_ratio=%.2f%n",
                    e.getKey(), m, m / base, join(own, "%.0f"), join(ratios, "%.2f"), median(ratios));
        }
    }

    private static String join(List<Double> values, String format) {
        return values.stream().map(v -> String.format(Locale.ROOT, format, v)).collect(Collectors.joining(","));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private void printHeader() {
        System.out.printf(Locale.ROOT, "kafka-end-to-end date=%s records=%d passes=%d partitions=%d cpus=%d java=%s vm=%s max_heap_mib=%d "
                        + "streams_group_protocol=%s raw_commit_interval_ms=%d loadavg_start=%s%n",
                Instant.now(), records, passes, partitions, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().maxMemory() >> 20, StreamsConfig.DEFAULT_GROUP_PROTOCOL, rawCommitIntervalMs, loadAverage());
        System.out.println("jvm_args=" + ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split(" ");
            return f[0] + "," + f[1] + "," + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** Records per partition of the preloaded topic, e.g. {@code 99578,40121,60301}. */
    private static String perPartition(EmbeddedKafka kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            TopicDescription topic = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC);
            Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
            topic.partitions().forEach(p -> request.put(new TopicPartition(TOPIC, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
            return request.keySet().stream().map(tp -> Long.toString(ends.get(tp).offset())).collect(Collectors.joining(","));
        }
    }

    /**
     * Creates a fresh topic for one producer pass (outside the timing) and waits until every
     * partition answers a list-offsets request. {@code createTopic} returns once the metadata names
     * a leader, which can be before the broker serves the partition: an idempotent producer whose
     * first batch then gets NOT_LEADER_OR_FOLLOWER retries into OUT_OF_ORDER_SEQUENCE_NUMBER until
     * its delivery timeout (Kafka 4.4.0; 2 of 40 tries without this wait, 0 of 60 with it).
     */
    static String createProduceTopic(EmbeddedKafka kafka, String name, int partitions) {
        kafka.createTopic(name, partitions, Map.of("retention.ms", "-1"));
        long records = kafka.endOffsetSum(name); // list-offsets goes to each partition's leader
        if (records != 0) {
            throw new IllegalStateException("fresh topic '" + name + "' already holds " + records + " records");
        }
        return name;
    }

    /**
     * Fails unless {@code topic} holds exactly {@code expected} records. The topic is kept until the
     * broker closes: deleting it would have the broker remove its files a minute later
     * ({@code file.delete.delay.ms}), in the middle of a later timed pass.
     */
    static void verifyProduceTopic(EmbeddedKafka kafka, String topic, long expected) {
        long written = kafka.endOffsetSum(topic);
        if (written != expected) {
            throw new IllegalStateException("topic '" + topic + "' holds " + written + " records, expected " + expected);
        }
    }
}
