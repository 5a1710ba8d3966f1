package io.datacascade.kafka.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka source's ledger from pipeline sequences back to partition offsets: which offset of
 * which partition becomes committable once the pipeline's durable point passes which sequence.
 * Entries are appended in offset order per partition with non-decreasing sequences, so settling
 * is a walk from the head of each partition's queue. Used only from the source's thread.
 *
 * <p>A record that never entered the pipeline (dead-lettered at decode) is booked under the last
 * sequence this source emitted before it: it is settled as soon as everything consumed before it
 * is, so a partition's committed offset moves past a poison pill without waiting for new data.
 */
public final class OffsetBook {
    private final Map<TopicPartition, Ledger> ledgers = new HashMap<>();
    /** Settled but not yet committed, per partition: {next offset to commit, records settled}. */
    private final Map<TopicPartition, long[]> committable = new HashMap<>();

    /** Offsets to commit, and how many consumed records they acknowledge. */
    public record Commit(Map<TopicPartition, OffsetAndMetadata> offsets, long records) {
    }

    /** Books {@code offset} of {@code partition} as settled once {@code sequence} is durable. */
    public void book(TopicPartition partition, long offset, long sequence) {
        Ledger ledger = ledgers.get(partition);
        if (ledger == null) {
            ledger = new Ledger();
            ledgers.put(partition, ledger);
        }
        ledger.add(sequence, offset);
    }

    /** Settles every booked offset whose sequence is at or below {@code durable}. */
    public void settle(long durable) {
        for (Map.Entry<TopicPartition, Ledger> e : ledgers.entrySet()) {
            Ledger ledger = e.getValue();
            long before = ledger.size();
            long offset = ledger.settle(durable);
            if (offset >= 0) {
                long[] c = committable.computeIfAbsent(e.getKey(), k -> new long[2]);
                c[0] = offset + 1;
                c[1] += before - ledger.size();
            }
        }
    }

    /** Whether anything settled since the last {@link #takeCommittable}. */
    public boolean hasCommittable() {
        return !committable.isEmpty();
    }

    /** The offsets to commit (next offset to read per partition), forgetting them here. */
    public Commit takeCommittable() {
        return take(committable.keySet());
    }

    /** Like {@link #takeCommittable()}, for the given partitions only. */
    public Commit takeCommittable(Collection<TopicPartition> partitions) {
        return take(partitions);
    }

    private Commit take(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        long records = 0;
        for (TopicPartition tp : partitions.toArray(new TopicPartition[0])) {
            long[] c = committable.remove(tp);
            if (c != null) {
                out.put(tp, new OffsetAndMetadata(c[0]));
                records += c[1];
            }
        }
        return new Commit(out, records);
    }

    /**
     * Puts back offsets whose commit failed, for the partitions still in {@code owned}, unless a
     * newer settlement already replaced them; the next commit carries them.
     */
    public void restore(Commit failed, java.util.Set<TopicPartition> owned) {
        failed.offsets().forEach((tp, om) -> {
            if (owned.contains(tp)) {
                long[] c = committable.get(tp);
                if (c == null) {
                    committable.put(tp, new long[] {om.offset(), failed.records()});
                } else if (c[0] < om.offset()) {
                    c[0] = om.offset();
                }
            }
        });
    }

    /** The highest sequence still unsettled in {@code partitions}, or -1 if none is. */
    public long highestUnsettled(Collection<TopicPartition> partitions) {
        long max = -1;
        for (TopicPartition tp : partitions) {
            Ledger ledger = ledgers.get(tp);
            if (ledger != null && ledger.size() > 0) {
                max = Math.max(max, ledger.lastSequence());
            }
        }
        return max;
    }

    /** Forgets {@code partitions} entirely: this instance no longer owns them. */
    public void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            ledgers.remove(tp);
            committable.remove(tp);
        }
    }

    /** Offsets booked and not yet settled, over all partitions. */
    public long unsettled() {
        long n = 0;
        for (Ledger l : ledgers.values()) {
            n += l.size();
        }
        return n;
    }

    /**
     * A growable circular queue of runs of records, each run consecutive in both sequence and
     * offset (a poll's records of one partition usually are), in three primitive arrays: a run
     * costs 20 bytes however long it is, so a pipeline holding records for long (a window stage
     * keeps a window's records unacknowledged until it is emitted) does not pay per record.
     */
    private static final class Ledger {
        private long[] firstSequences = new long[64];
        private long[] firstOffsets = new long[64];
        private int[] lengths = new int[64];
        private int head;
        private int runs;
        private long records;

        void add(long sequence, long offset) {
            if (runs > 0) {
                int tail = (head + runs - 1) & (lengths.length - 1);
                int length = lengths[tail];
                if (length < Integer.MAX_VALUE && firstSequences[tail] + length == sequence
                        && firstOffsets[tail] + length == offset) {
                    lengths[tail] = length + 1;
                    records++;
                    return;
                }
            }
            if (runs == lengths.length) {
                grow();
            }
            int i = (head + runs) & (lengths.length - 1);
            firstSequences[i] = sequence;
            firstOffsets[i] = offset;
            lengths[i] = 1;
            runs++;
            records++;
        }

        /** Pops records up to {@code durable}, splitting a run if need be; returns the last popped offset or -1. */
        long settle(long durable) {
            long last = -1;
            int mask = lengths.length - 1;
            while (runs > 0 && firstSequences[head] <= durable) {
                long first = firstSequences[head];
                int length = lengths[head];
                long lastOfRun = first + length - 1;
                long settled = durable >= lastOfRun ? length : durable - first + 1;
                last = firstOffsets[head] + settled - 1;
                records -= settled;
                if (settled == length) {
                    head = (head + 1) & mask;
                    runs--;
                } else {
                    firstSequences[head] = first + settled;
                    firstOffsets[head] += settled;
                    lengths[head] = (int) (length - settled);
                    break;
                }
            }
            return last;
        }

        /** Records booked and not yet settled. */
        long size() {
            return records;
        }

        long lastSequence() {
            int tail = (head + runs - 1) & (lengths.length - 1);
            return firstSequences[tail] + lengths[tail] - 1;
        }

        private void grow() {
            int n = lengths.length;
            long[] s = new long[n * 2];
            long[] o = new long[n * 2];
            int[] l = new int[n * 2];
            for (int k = 0; k < runs; k++) {
                s[k] = firstSequences[(head + k) & (n - 1)];
                o[k] = firstOffsets[(head + k) & (n - 1)];
                l[k] = lengths[(head + k) & (n - 1)];
            }
            firstSequences = s;
            firstOffsets = o;
            lengths = l;
            head = 0;
        }

        @Override
        public String toString() {
            return "Ledger[runs=" + runs + ", records=" + records + "]";
        }
    }
}
