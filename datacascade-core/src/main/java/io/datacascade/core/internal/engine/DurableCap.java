package io.datacascade.core.internal.engine;

/**
 * How far sources may be told their records are durable when window stages hold records: the
 * cap of a batch is min(its sequence, first held record - 1) as it stood when the batch was
 * sealed, and it counts once every sink has confirmed that batch. Batches a tick or the end of
 * input produced repeat the last sequence, so their confirmation can't be read off the sinks'
 * sequences: their cap counts once a later batch is confirmed, or a flush while idle confirms
 * them, or at once when every sink is synchronous. Written by the driving thread; {@link #durable}
 * from any thread.
 */
final class DurableCap {
    private volatile long confirmed = -1;
    /** Sealed batches not yet confirmed, as (sequence, cap), oldest first; a batch whose cap equals the previous one's is not kept. */
    private long[] sequences = new long[16];
    private long[] caps = new long[16];
    private int head;
    private int size;
    private long lastSealed = Long.MIN_VALUE;
    /** Cap of the last batch delivered without an exception. */
    private long delivered = -1;
    private boolean deliveryFailed;
    /** Output of ticks at sequence {@link #tickSequence} is delivered but not known to be confirmed. */
    private boolean tickPending;
    private long tickSequence;
    private long tickCap = Long.MIN_VALUE;

    /** The durable point for sources, given the sinks' own. */
    long durable(long sinksDurable) {
        return Math.min(sinksDurable, confirmed);
    }

    static long cap(long sequence, long floor) {
        return floor == Long.MAX_VALUE ? sequence : Math.min(sequence, floor - 1);
    }

    /** A batch completing {@code sequence} is about to be delivered; {@code floor} as of now. */
    void sealing(long sequence, long floor) {
        if (sequence <= lastSealed) {
            return; // a tick's batch: see tickDone
        }
        lastSealed = sequence;
        long cap = cap(sequence, floor);
        if (!tickPending && size > 0 && caps[(head + size - 1) & (caps.length - 1)] == cap) {
            return; // the earlier entry gives the same cap as soon as it is confirmed
        }
        if (size == caps.length) {
            grow();
        }
        int i = (head + size) & (caps.length - 1);
        sequences[i] = sequence;
        caps[i] = cap;
        size++;
    }

    /** The batch completing {@code sequence} reached every sink without an exception. */
    void delivered(long sequence, long floor) {
        delivered = Math.max(delivered, cap(sequence, floor));
    }

    /** A delivery threw: nothing after the last good batch may count, even after a flush. */
    void deliveryFailed() {
        deliveryFailed = true;
    }

    /**
     * A tick (or the end of input) ran at {@code sequence}, the last processed one, and the
     * stages' floor is now {@code floor}.
     *
     * @param hadOutput     whether it delivered a batch
     * @param synchronous   whether every sink is done when its write returns
     * @param sinksDurable  the sinks' durable point now
     */
    void tickDone(long sequence, long floor, boolean hadOutput, boolean synchronous, long sinksDurable) {
        long cap = cap(sequence, floor);
        if (hadOutput && !synchronous) {
            // valid once this output is confirmed, which a confirmed later batch (or a flush) shows;
            // an earlier pending tick's cap stays valid under the later, stricter condition
            tickPending = true;
            tickSequence = sequence;
            tickCap = Math.max(tickCap, cap);
        } else if (!tickPending && sinksDurable >= sequence) {
            raise(cap); // delivered is durable, or nothing was delivered: what the tick freed is done
        }
        // else: output before it still unconfirmed; the next sealed batch's cap covers what this tick freed
    }

    /** Applies the caps of batches every sink has confirmed ({@code sinksDurable}). */
    void refresh(long sinksDurable) {
        while (size > 0 && sequences[head] <= sinksDurable) {
            long sequence = sequences[head];
            raise(caps[head]);
            head = (head + 1) & (caps.length - 1);
            size--;
            if (tickPending && sequence > tickSequence) {
                tickPending = false; // a later batch is confirmed, so is the tick's output before it
                raise(tickCap);
                tickCap = Long.MIN_VALUE;
            }
        }
    }

    /** Whether tick output is waiting for a confirmation only a flush can give (the input is idle). */
    boolean awaitsTickConfirmation() {
        return tickPending && !deliveryFailed;
    }

    /** A flush confirmed everything delivered: the tick output included. */
    void tickOutputFlushed() {
        if (tickPending && !deliveryFailed) {
            tickPending = false;
            raise(tickCap);
            tickCap = Long.MIN_VALUE;
        }
    }

    /**
     * The final flush confirmed everything delivered: the durable point may reach the last
     * delivered batch's cap, or, if nothing failed, {@code current} (the cap now, which also
     * counts windows freed without output).
     */
    void flushConfirmed(long current) {
        size = 0;
        tickPending = false;
        raise(deliveryFailed ? delivered : Math.max(delivered, current));
    }

    private void raise(long cap) {
        if (cap > confirmed) {
            confirmed = cap;
        }
    }

    private void grow() {
        int n = caps.length;
        long[] s = new long[n * 2];
        long[] c = new long[n * 2];
        for (int k = 0; k < size; k++) {
            s[k] = sequences[(head + k) & (n - 1)];
            c[k] = caps[(head + k) & (n - 1)];
        }
        sequences = s;
        caps = c;
        head = 0;
    }
}
