package io.datacascade.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.Point;
import io.datacascade.testsupport.ChildJvm;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Kafka-to-Kafka pipeline in a child JVM is killed with SIGKILL mid-stream and restarted in the
 * same group: at-least-once loses nothing; exactly-once also duplicates nothing for a
 * read_committed reader.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CrashRecoveryTest extends WithBroker {
    private static final int RECORDS = 30_000;

    private ChildJvm startPipeline(String in, String out, String group, String mode, long nanosPerRecord) throws Exception {
        ChildJvm child = ChildJvm.builder(CrashingPipelineMain.class).jvmArgs("-Xmx256m")
                .args(kafka.bootstrapServers(), in, out, group, mode, Long.toString(nanosPerRecord)).start();
        assertThat(child.awaitOutput("STARTED", Duration.ofSeconds(60))).as("child started: %s", child.output()).isTrue();
        return child;
    }

    /** A cheap "all distinct records read" check: decodes only what is new since the last call. */
    private static java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> allDistinctRead() {
        Set<String> seen = new HashSet<>();
        int[] checked = {0};
        return list -> {
            for (; checked[0] < list.size(); checked[0]++) {
                Point p = KafkaTestData.decode(list.get(checked[0]));
                seen.add(p.series() + "@" + p.timestamp());
            }
            return seen.size() >= RECORDS;
        };
    }

    private static Set<String> distinct(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> keys = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Point p = KafkaTestData.decode(r);
            keys.add(p.series() + "@" + p.timestamp());
        }
        return keys;
    }

    /** Runs the crash and the restart; returns what a reader with the given isolation sees. */
    private List<ConsumerRecord<byte[], byte[]>> crashAndRecover(String name, String mode, boolean readCommitted) throws Exception {
        String in = name + "-in";
        String out = name + "-out";
        kafka.createTopic(in, 3);
        kafka.createTopic(out, 3);
        KafkaTestData.producePoints(kafka, in, 0, RECORDS);

        try (ChildJvm first = startPipeline(in, out, name, mode, TimeUnit.MICROSECONDS.toNanos(100))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (kafka.endOffsetSum(out) < RECORDS / 5 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(first.isAlive()).as("still mid-stream: %s", first.output()).isTrue();
            first.kill();
        }
        long afterCrash = kafka.endOffsetSum(out);
        long committed = kafka.committedOffsets(name, in).values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("%s: killed with %d records written and %d input offsets committed%n", name, afterCrash, committed);
        assertThat(afterCrash).as("killed mid-stream").isLessThan(RECORDS);

        try (ChildJvm second = startPipeline(in, out, name, mode, 0)) {
            List<ConsumerRecord<byte[], byte[]>> read = KafkaTestData.readUntil(kafka, out, readCommitted,
                    Duration.ofSeconds(90), allDistinctRead());
            assertThat(second.isAlive()).as("restarted pipeline healthy: %s", second.output()).isTrue();
            return read;
        }
    }

    @Test
    void shouldLoseNothingWhenKilledMidStreamAndRestarted() throws Exception {
        List<ConsumerRecord<byte[], byte[]>> read = crashAndRecover("crash-alo", "at-least-once", false);
        assertThat(distinct(read)).as("every record arrived at least once").hasSize(RECORDS);
        int redelivered = read.size() - RECORDS;
        System.out.printf("at-least-once crash: %d records, %d written, %d redelivered after SIGKILL%n", RECORDS, read.size(),
                redelivered);
        assertThat(redelivered).isNotNegative();
    }

    @Test
    void shouldWriteEachRecordExactlyOnceForReadCommittedReadersWhenKilledMidTransaction() throws Exception {
        List<ConsumerRecord<byte[], byte[]>> read = crashAndRecover("crash-eos", "exactly-once", true);
        assertThat(distinct(read)).hasSize(RECORDS);
        assertThat(read).as("no duplicates under read_committed").hasSize(RECORDS);
        long uncommittedView = KafkaTestData.readUntil(kafka, "crash-eos-out", false, Duration.ofSeconds(5),
                l -> false).size();
        System.out.printf("exactly-once crash: %d records, %d committed, %d written including aborted transactions%n",
                RECORDS, read.size(), uncommittedView);
    }
}
