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
 *   <li>Windowed consumers, a per-series 1 s tumbling average of every record (no map or filter),
 *       on the windowed workload ({@code --workload windowed}, see {@link KafkaWorkload}):
 *       {@code datacascade-windowed} ({@link DataCascadeWindowedContender}),
 *       {@code kafka-streams-windowed-mem} and {@code kafka-streams-windowed-rocksdb}
 *       ({@link StreamsWindowedContender}); their pass ends when every input record has reached the
 *       window aggregation. Their summary adds the ratio of {@code datacascade-windowed} to the
 *       better Streams windowed row.</li>
 * </ol>
 *
 * <p>{@code --contenders} picks which of them run (consumers first, then producers); by default the
 * four consumers and two producers of step 2 and 3 with the default workload, and {@code raw} plus
 * the three windowed contenders with {@code --workload windowed}.
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

    @Option(names = "--workload", defaultValue = "default",
            description = "Data to preload: default (10 series, 0-99 ms apart) or windowed (1,000 series, 20 records per ms, "
                    + "record timestamps = event time) (default ${DEFAULT-VALUE}).")
    String workloadName;

    @Option(names = "--contenders", split = ",",
            description = "Contenders to run, comma-separated, from: " + ALL_NAMES + ". Default: the non-windowed ones with "
                    + "--workload default, raw and the windowed ones with --workload windowed.")
    List<String> contenderNames;

    @Option(names = "--windowed-streams-threads", defaultValue = "2",
            description = "num.stream.threads of the kafka-streams-windowed-* contenders (default ${DEFAULT-VALUE}).")
    int windowedStreamsThreads;

    private static final String TOPIC = "e2e-points";
    private static final String ALL_NAMES = "raw, datacascade, kafka-streams-1t, kafka-streams-2t, datacascade-windowed, "
            + "kafka-streams-windowed-mem, kafka-streams-windowed-rocksdb, producer-raw, producer-datacascade";
    private static final List<String> DEFAULT_CONTENDERS = List.of("raw", "datacascade", "kafka-streams-1t",
            "kafka-streams-2t", "producer-raw", "producer-datacascade");
    private static final List<String> WINDOWED_CONTENDERS = List.of("datacascade-windowed", "kafka-streams-windowed-mem",
            "kafka-streams-windowed-rocksdb");

    public static void main(String[] args) {
        int code = new CommandLine(new KafkaEndToEnd()).execute(args);
        System.exit(code); // Kafka leaves non-daemon threads behind
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cl = new CommandLine(this);
        if (records < 1 || passes < 1 || partitions < 1 || rawCommitIntervalMs < 0 || windowedStreamsThreads < 1) {
            throw new CommandLine.ParameterException(cl,
                    "--records, --passes, --partitions and --windowed-streams-threads must be at least 1 and "
                            + "--raw-commit-interval-ms at least 0, were " + records + ", " + passes + ", " + partitions
                            + ", " + windowedStreamsThreads + ", " + rawCommitIntervalMs);
        }
        KafkaWorkload.Kind kind = switch (workloadName) {
            case "default" -> KafkaWorkload.Kind.DEFAULT;
            case "windowed" -> KafkaWorkload.Kind.WINDOWED;
            default -> throw new CommandLine.ParameterException(cl, "--workload must be default or windowed, was " + workloadName);
        };
        List<String> selected = contenderNames != null ? contenderNames : kind == KafkaWorkload.Kind.WINDOWED
                ? concat(List.of("raw"), WINDOWED_CONTENDERS) : DEFAULT_CONTENDERS;
        for (String name : selected) {
            if (!List.of(ALL_NAMES.split(", ")).contains(name)) {
                throw new CommandLine.ParameterException(cl, "unknown contender '" + name + "'; known: " + ALL_NAMES);
            }
            if (WINDOWED_CONTENDERS.contains(name) && kind != KafkaWorkload.Kind.WINDOWED) {
                throw new CommandLine.ParameterException(cl, "contender '" + name + "' needs --workload windowed "
                        + "(record timestamps = event time, enough points per window)");
            }
        }
        printHeader(selected);
        Path stateRoot = Files.createTempDirectory("datacascade-e2e-streams-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            createProduceTopic(kafka, TOPIC, partitions);
            KafkaWorkload workload = KafkaWorkload.generate(kind, records);
            long preload = workload.preload(kafka, TOPIC);
            System.out.printf(Locale.ROOT, "preloaded topic=%s workload=%s records=%d kept_by_filter=%d series=%d windows_1s=%d "
                            + "seconds=%.2f per_partition=%s%n",
                    TOPIC, workloadName, records, workload.expectedKept, workload.series, workload.windows, preload / 1e9,
                    perPartition(kafka));

            List<KafkaContender> consumers = new ArrayList<>();
            List<KafkaContender> producers = new ArrayList<>();
            for (String name : ALL_NAMES.split(", ")) {
                if (!selected.contains(name)) {
                    continue;
                }
                switch (name) {
                    case "raw" -> consumers.add(new RawConsumerContender(kafka, TOPIC, workload, rawCommitIntervalMs));
                    case "datacascade" -> consumers.add(new DataCascadeConsumerContender(kafka, TOPIC, workload));
                    case "kafka-streams-1t" -> consumers.add(new StreamsConsumerContender(kafka, TOPIC, workload, 1, stateRoot));
                    case "kafka-streams-2t" -> consumers.add(new StreamsConsumerContender(kafka, TOPIC, workload, 2, stateRoot));
                    case "datacascade-windowed" -> consumers.add(new DataCascadeWindowedContender(kafka, TOPIC, workload));
                    case "kafka-streams-windowed-mem" -> consumers.add(new StreamsWindowedContender(kafka, TOPIC, workload,
                            StreamsWindowedContender.Store.MEMORY, windowedStreamsThreads, stateRoot));
                    case "kafka-streams-windowed-rocksdb" -> consumers.add(new StreamsWindowedContender(kafka, TOPIC, workload,
                            StreamsWindowedContender.Store.ROCKSDB, windowedStreamsThreads, stateRoot));
                    case "producer-raw" -> producers.add(new RawProducerContender(kafka, workload, partitions));
                    case "producer-datacascade" -> producers.add(new DataCascadeProducerContender(kafka, workload, partitions));
                    default -> throw new IllegalStateException("no contender called " + name);
                }
            }

            Map<String, List<Double>> consumed = runAll(consumers);
            Map<String, List<Double>> produced = runAll(producers);

            System.out.println();
            printSummary(consumed, "raw");
            printSummary(produced, "producer-raw");
            printWindowedSummary(consumed);
            System.out.println("loadavg_end=" + loadAverage());
        } finally {
            StreamsPasses.deleteRecursively(stateRoot);
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
        if (baseRates == null) { // the baseline was not selected: no ratios
            baseRates = new ArrayList<>();
            for (int i = 0; i < rates.values().stream().mapToInt(List::size).max().orElse(0); i++) {
                baseRates.add(Double.NaN);
            }
        }
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

    /**
     * {@code datacascade-windowed} against the better of the Streams windowed rows: the ratio of
     * the medians, and per pass the ratio to the better Streams row of that pass.
     */
    private static void printWindowedSummary(Map<String, List<Double>> rates) {
        List<Double> ours = rates.get("datacascade-windowed");
        List<List<Double>> streams = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String name : WINDOWED_CONTENDERS) {
            if (name.startsWith("kafka-streams-") && rates.containsKey(name)) {
                streams.add(rates.get(name));
                names.add(name);
            }
        }
        if (ours == null || streams.isEmpty()) {
            return;
        }
        int best = 0;
        for (int k = 1; k < streams.size(); k++) {
            if (median(streams.get(k)) > median(streams.get(best))) {
                best = k;
            }
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            double better = 0;
            for (List<Double> s : streams) {
                better = Math.max(better, s.get(i));
            }
            ratios.add(ours.get(i) / better);
        }
        System.out.printf(Locale.ROOT, "windowed datacascade-windowed=%.0f best_streams=%s:%.0f ratio=%.2f pass_ratios_to_better_streams=%s "
                        + "median_pass_ratio=%.2f%n",
                median(ours), names.get(best), median(streams.get(best)), median(ours) / median(streams.get(best)),
                join(ratios, "%.2f"), median(ratios));
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    private static String join(List<Double> values, String format) {
        return values.stream().map(v -> String.format(Locale.ROOT, format, v)).collect(Collectors.joining(","));
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private void printHeader(List<String> selected) {
        System.out.printf(Locale.ROOT, "kafka-end-to-end date=%s records=%d passes=%d partitions=%d cpus=%d java=%s vm=%s max_heap_mib=%d "
                        + "streams_group_protocol=%s raw_commit_interval_ms=%d workload=%s windowed_streams_threads=%d "
                        + "contenders=%s loadavg_start=%s%n",
                Instant.now(), records, passes, partitions, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().maxMemory() >> 20, StreamsConfig.DEFAULT_GROUP_PROTOCOL, rawCommitIntervalMs,
                workloadName, windowedStreamsThreads, String.join(",", selected), loadAverage());
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
