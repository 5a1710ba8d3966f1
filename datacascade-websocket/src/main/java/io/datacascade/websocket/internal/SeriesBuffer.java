package io.datacascade.websocket.internal;

import java.util.Arrays;

/**
 * One series on the server: a bounded ring of recent points (the in-memory history) and the
 * points that arrived since the last frame, pre-reduced to min/max buckets so that a frame stays
 * exact about extremes however many points arrive between two frames.
 *
 * <p>Written by pipeline processor threads, read by the frame thread and history requests; every
 * method locks this object, for a few nanoseconds on the write path.
 */
public final class SeriesBuffer {

    /** Buckets kept between two frames before neighbours are merged (points of one frame). */
    static final int MAX_BUCKETS = 4096;
    private static final int MIN_BUCKET_ARRAY = 16;

    private final String name;
    private final int capacity;

    // history ring, grown on demand up to capacity
    private long[] ringT = new long[16];
    private double[] ringV = new double[16];
    private long written;

    // pending buckets since the last frame: bucket i holds its minimum (loT/loV) and maximum (hiT/hiV)
    private long[] loT = new long[MIN_BUCKET_ARRAY];
    private double[] loV = new double[MIN_BUCKET_ARRAY];
    private long[] hiT = new long[MIN_BUCKET_ARRAY];
    private double[] hiV = new double[MIN_BUCKET_ARRAY];
    private long[] start = new long[MIN_BUCKET_ARRAY];
    private int buckets;
    private int perBucket = 1;
    private int fill;
    private long pendingPoints;

    private long lastT;
    private double lastV = Double.NaN;

    SeriesBuffer(String name, int capacity) {
        this.name = name;
        this.capacity = capacity;
    }

    public String name() {
        return name;
    }

    /** Appends one point (the value must be finite). */
    synchronized void append(long t, double v) {
        int slot = slot(written);
        if (slot >= ringT.length) {
            int grown = (int) Math.min(capacity, (long) ringT.length * 2);
            ringT = Arrays.copyOf(ringT, grown);
            ringV = Arrays.copyOf(ringV, grown);
        }
        ringT[slot] = t;
        ringV[slot] = v;
        addPending(written, t, v);
        written++;
        lastT = t;
        lastV = v;
    }

    private int slot(long index) {
        return (int) (index % capacity);
    }

    private void addPending(long index, long t, double v) {
        pendingPoints++;
        if (buckets > 0 && fill < perBucket) {
            int b = buckets - 1;
            if (v < loV[b]) {
                loV[b] = v;
                loT[b] = t;
            }
            if (v > hiV[b]) {
                hiV[b] = v;
                hiT[b] = t;
            }
            fill++;
            return;
        }
        if (buckets == MAX_BUCKETS) {
            mergeNeighbours();
        }
        if (buckets == loT.length) {
            int grown = Math.min(MAX_BUCKETS, loT.length * 2);
            loT = Arrays.copyOf(loT, grown);
            loV = Arrays.copyOf(loV, grown);
            hiT = Arrays.copyOf(hiT, grown);
            hiV = Arrays.copyOf(hiV, grown);
            start = Arrays.copyOf(start, grown);
        }
        int b = buckets++;
        loT[b] = t;
        hiT[b] = t;
        loV[b] = v;
        hiV[b] = v;
        start[b] = index;
        fill = 1;
    }

    /** Halves the bucket count by merging pairs: memory stays bounded, extremes stay exact. */
    private void mergeNeighbours() {
        int out = 0;
        for (int b = 0; b < buckets; b += 2, out++) {
            int c = b + 1;
            loT[out] = loT[b];
            loV[out] = loV[b];
            hiT[out] = hiT[b];
            hiV[out] = hiV[b];
            start[out] = start[b];
            if (c < buckets) {
                if (loV[c] < loV[out]) {
                    loV[out] = loV[c];
                    loT[out] = loT[c];
                }
                if (hiV[c] > hiV[out]) {
                    hiV[out] = hiV[c];
                    hiT[out] = hiT[c];
                }
            }
        }
        buckets = out;
        perBucket *= 2;
        fill = perBucket; // the last merged bucket is treated as full: the next point opens a new one
    }

    /** Takes the points that arrived since the last call, or null if none did. */
    synchronized PendingFrame takePending() {
        if (buckets == 0) {
            return null;
        }
        PendingFrame frame = new PendingFrame(name, Arrays.copyOf(loT, buckets), Arrays.copyOf(loV, buckets),
                Arrays.copyOf(hiT, buckets), Arrays.copyOf(hiV, buckets), Arrays.copyOf(start, buckets),
                perBucket == 1, pendingPoints, lastT, lastV);
        if (loT.length > MIN_BUCKET_ARRAY && buckets < loT.length / 4) {
            // a burst grew the arrays; a quieter frame gives the memory back (up to 160 KB a series)
            int size = Math.max(MIN_BUCKET_ARRAY, Integer.highestOneBit(buckets) * 2);
            loT = new long[size];
            loV = new double[size];
            hiT = new long[size];
            hiV = new double[size];
            start = new long[size];
        }
        buckets = 0;
        perBucket = 1;
        fill = 0;
        pendingPoints = 0;
        return frame;
    }

    /**
     * The stored points with {@code t >= from}, in arrival order, and the write position they end
     * at (points at or after it reach the client as live frames).
     */
    synchronized Snapshot snapshot(long from) {
        long first = Math.max(0, written - capacity);
        int n = 0;
        long[] t = new long[(int) Math.min(64, written - first)];
        double[] v = new double[t.length];
        long oldest = Long.MAX_VALUE;
        for (long i = first; i < written; i++) {
            int s = slot(i);
            long ts = ringT[s];
            oldest = Math.min(oldest, ts);
            if (ts >= from) {
                if (n == t.length) {
                    t = Arrays.copyOf(t, n * 2);
                    v = Arrays.copyOf(v, n * 2);
                }
                t[n] = ts;
                v[n] = ringV[s];
                n++;
            }
        }
        return new Snapshot(Arrays.copyOf(t, n), Arrays.copyOf(v, n), written, written > capacity,
                oldest == Long.MAX_VALUE ? Long.MAX_VALUE : oldest);
    }

    /** Stored points now (at most the capacity). */
    synchronized long stored() {
        return Math.min(written, capacity);
    }

    /** Current length of the pending-bucket arrays (for tests of their memory). */
    synchronized int bucketCapacity() {
        return loT.length;
    }

    /** The newest point's time, or {@code Long.MIN_VALUE} before the first point. */
    synchronized long lastTime() {
        return written == 0 ? Long.MIN_VALUE : lastT;
    }

    synchronized double lastValue() {
        return lastV;
    }

    /**
     * What the ring held when asked.
     *
     * @param wrapped whether older points were already overwritten (the ring is not the whole story)
     * @param oldest  the oldest stored time, {@code Long.MAX_VALUE} if nothing is stored
     */
    record Snapshot(long[] t, double[] v, long endIndex, boolean wrapped, long oldest) {
    }
}
