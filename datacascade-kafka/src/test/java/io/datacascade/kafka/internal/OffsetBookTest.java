package io.datacascade.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetBookTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    @Test
    void shouldCommitEachPartitionOnlyUpToItsLastDurableRecord() {
        OffsetBook book = new OffsetBook();
        book.book(P0, 10, 0);
        book.book(P1, 50, 1);
        book.book(P0, 11, 2);
        book.book(P1, 51, 3);

        book.settle(1);
        OffsetBook.Commit first = book.takeCommittable();
        assertThat(first.offsets()).isEqualTo(Map.of(P0, new OffsetAndMetadata(11), P1, new OffsetAndMetadata(51)));
        assertThat(first.records()).isEqualTo(2);
        assertThat(book.hasCommittable()).isFalse();

        book.settle(2);
        assertThat(book.takeCommittable().offsets()).isEqualTo(Map.of(P0, new OffsetAndMetadata(12)));
        assertThat(book.unsettled()).isEqualTo(1);
        assertThat(book.highestUnsettled(List.of(P0, P1))).isEqualTo(3);
    }

    @Test
    void shouldSettleAPoisonPillWithTheRecordsEmittedBeforeIt() {
        OffsetBook book = new OffsetBook();
        book.book(P0, 0, 0);
        book.book(P0, 1, 0); // offset 1 was dead-lettered right after sequence 0 was emitted
        book.book(P0, 2, 1);

        book.settle(0);
        assertThat(book.takeCommittable().offsets()).isEqualTo(Map.of(P0, new OffsetAndMetadata(2)));
    }

    @Test
    void shouldSettleAPoisonPillBeforeAnythingWasEmitted() {
        OffsetBook book = new OffsetBook();
        book.book(P0, 0, -1);
        book.settle(-1);
        assertThat(book.takeCommittable().offsets()).isEqualTo(Map.of(P0, new OffsetAndMetadata(1)));
    }

    @Test
    void shouldForgetRevokedPartitionsAndTakeCommittableOfSomeOnly() {
        OffsetBook book = new OffsetBook();
        book.book(P0, 5, 0);
        book.book(P1, 7, 1);
        book.settle(1);
        assertThat(book.takeCommittable(List.of(P1)).offsets()).isEqualTo(Map.of(P1, new OffsetAndMetadata(8)));
        book.book(P1, 8, 2);
        book.forget(List.of(P1));
        book.settle(5);
        assertThat(book.takeCommittable().offsets()).isEqualTo(Map.of(P0, new OffsetAndMetadata(6)));
        assertThat(book.highestUnsettled(List.of(P1))).isEqualTo(-1);
    }

    @Test
    void shouldSettleEverythingForTheLargestDurablePointWithoutOverflow() {
        OffsetBook book = new OffsetBook();
        TopicPartition tp = new TopicPartition("t", 0);
        book.book(tp, 0, -1); // a poison pill before anything was emitted
        book.book(tp, 1, 0);
        book.book(tp, 2, 1);
        book.settle(Long.MAX_VALUE);
        assertThat(book.takeCommittable().offsets().get(tp).offset()).isEqualTo(3);
        assertThat(book.unsettled()).isZero();
    }

    @Test
    void shouldMatchAModelOverManyRandomInterleavingsAndGrowths() {
        matchModel(42, 1);
    }

    /** Records in bursts per partition, as polls deliver them: long runs, durable points falling inside them. */
    @Test
    void shouldMatchAModelWhenRecordsComeInRunsPerPartition() {
        matchModel(7, 400);
    }

    private static void matchModel(long seed, int maxBurst) {
        Random random = new Random(seed);
        for (int round = 0; round < 50; round++) {
            OffsetBook book = new OffsetBook();
            int partitions = 1 + random.nextInt(6);
            long[] nextOffset = new long[partitions];
            int records = 5000 + random.nextInt(5000);
            long[] seqOf = new long[records];
            int[] partOf = new int[records];
            long[] offOf = new long[records];
            long seq = -1;
            int p = 0;
            int burstLeft = 0;
            long settledRecords = 0;
            for (int i = 0; i < records; i++) {
                if (burstLeft-- <= 0) {
                    p = random.nextInt(partitions);
                    burstLeft = random.nextInt(maxBurst);
                }
                boolean poison = random.nextInt(20) == 0;
                if (!poison) {
                    seq++;
                }
                long offset = nextOffset[p];
                nextOffset[p] += 1 + (random.nextInt(10) == 0 ? 1 : 0); // gaps like compaction or transaction markers
                book.book(new TopicPartition("t", p), offset, seq);
                seqOf[i] = seq;
                partOf[i] = p;
                offOf[i] = offset;
            }
            long[] committed = new long[partitions];
            java.util.Arrays.fill(committed, -1);
            long durable = -2;
            while (durable < seq) {
                durable = Math.min(seq, durable + 1 + random.nextInt(300));
                book.settle(durable);
                OffsetBook.Commit commit = book.takeCommittable();
                commit.offsets().forEach((tp, om) -> committed[tp.partition()] = om.offset());
                settledRecords += commit.records();
                long expectedSettled = 0;
                for (int i = 0; i < records; i++) {
                    if (seqOf[i] <= durable) {
                        expectedSettled++;
                    }
                }
                assertThat(settledRecords).as("records settled, round %d at durable %d", round, durable)
                        .isEqualTo(expectedSettled);
                for (int q = 0; q < partitions; q++) {
                    long expected = -1;
                    for (int i = 0; i < records; i++) {
                        if (partOf[i] == q && seqOf[i] <= durable) {
                            expected = offOf[i] + 1;
                        }
                    }
                    assertThat(committed[q]).as("round %d partition %d at durable %d", round, q, durable).isEqualTo(expected);
                }
            }
            assertThat(book.unsettled()).isZero();
        }
    }
}
