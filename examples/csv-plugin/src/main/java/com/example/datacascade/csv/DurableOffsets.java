package com.example.datacascade.csv;

/**
 * The bookkeeping behind {@code resume=true}: maps the sequences {@code SourceContext.emit}
 * returned to the byte offset just after each point's line, and turns the pipeline's
 * acknowledgements ({@code Source.onDurable(sequence)}) into "every line before this offset is
 * durable in all sinks", the offset a restart may safely resume from.
 *
 * <p>Sequences only grow and acknowledgements arrive in order, so a FIFO of
 * {@code (sequence, endOffset)} pairs is enough: an acknowledgement pops every pair up to its
 * sequence. Lines that produce no point (blank, comment, header, bad) need no acknowledgement of
 * their own; they become durable together with the point before them, or at once if nothing is
 * pending. The FIFO holds only what is in flight, so it stays about as small as the ring. Owned by
 * the source's thread.
 */
final class DurableOffsets {
    private long[] sequences = new long[256];
    private long[] ends = new long[256];
    private int head;
    private int size;
    private long durable;

    /** Forgets everything in flight: reading (re)starts at {@code offset}, and all before it counts as done. */
    void restart(long offset) {
        head = 0;
        size = 0;
        durable = offset;
    }

    /** The point emitted as {@code sequence} came from the line ending at {@code endOffset}. */
    void emitted(long sequence, long endOffset) {
        if (size == sequences.length) {
            grow();
        }
        int tail = (head + size) & (sequences.length - 1);
        sequences[tail] = sequence;
        ends[tail] = endOffset;
        size++;
    }

    /**
     * The line ending at {@code endOffset} produced no point; returns whether that moved the
     * durable offset (it does when nothing is in flight).
     */
    boolean skipped(long endOffset) {
        if (size == 0) {
            boolean moved = endOffset != durable;
            durable = endOffset;
            return moved;
        }
        ends[(head + size - 1) & (sequences.length - 1)] = endOffset; // done once the point before it is
        return false;
    }

    /** Everything emitted up to {@code sequence} is durable; returns whether the durable offset moved. */
    boolean acknowledge(long sequence) {
        boolean moved = false;
        while (size > 0 && sequences[head] <= sequence) {
            durable = ends[head];
            head = (head + 1) & (sequences.length - 1);
            size--;
            moved = true;
        }
        return moved;
    }

    /** Every line before this byte offset is durable (or produced no point). */
    long durable() {
        return durable;
    }

    /** Points emitted but not yet acknowledged. */
    int pending() {
        return size;
    }

    private void grow() {
        int n = sequences.length;
        long[] s = new long[n * 2];
        long[] e = new long[n * 2];
        for (int i = 0; i < size; i++) {
            s[i] = sequences[(head + i) & (n - 1)];
            e[i] = ends[(head + i) & (n - 1)];
        }
        sequences = s;
        ends = e;
        head = 0;
    }
}
