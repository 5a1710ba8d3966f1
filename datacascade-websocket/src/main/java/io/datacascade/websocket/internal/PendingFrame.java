package io.datacascade.websocket.internal;

import java.util.List;

/**
 * The points of one series that arrived between two frames, as min/max buckets in arrival order.
 *
 * @param raw    true when every bucket is exactly one point (nothing was merged)
 * @param points how many points the buckets stand for
 * @param start  the write index of each bucket's first point
 * @param lastT  the time of the newest point
 * @param lastV  the value of the newest point
 */
record PendingFrame(String series, long[] loT, double[] loV, long[] hiT, double[] hiV, long[] start, boolean raw,
                    long points, long lastT, double lastV) {

    int buckets() {
        return loT.length;
    }

    /** The earliest time among the buckets' points. */
    long minTime() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < loT.length; i++) {
            min = Math.min(min, Math.min(loT[i], hiT[i]));
        }
        return min;
    }

    /** The latest time among the buckets' points. */
    long maxTime() {
        long max = Long.MIN_VALUE;
        for (int i = 0; i < loT.length; i++) {
            max = Math.max(max, Math.max(loT[i], hiT[i]));
        }
        return max;
    }

    /**
     * The buckets holding points at or after write index {@code from} (for a client that just got
     * its history up to there), or null if none. A merged bucket that straddles {@code from} is
     * kept whole: showing a few points twice, downsampled, beats losing a spike.
     */
    PendingFrame from(long from) {
        int skip = 0;
        while (skip < start.length && end(skip) <= from) {
            skip++;
        }
        if (skip == 0) {
            return this;
        }
        if (skip == start.length) {
            return null;
        }
        int n = start.length - skip;
        long remaining = points - (start[skip] - start[0]);
        return new PendingFrame(series, copy(loT, skip, n), copy(loV, skip, n), copy(hiT, skip, n), copy(hiV, skip, n),
                copy(start, skip, n), raw, remaining, lastT, lastV);
    }

    /** The write index after bucket {@code i}'s last point. */
    private long end(int i) {
        return i + 1 < start.length ? start[i + 1] : start[0] + points;
    }

    /** Consecutive frames of one series as one. */
    static PendingFrame concat(List<PendingFrame> frames) {
        if (frames.size() == 1) {
            return frames.get(0);
        }
        int n = 0;
        long points = 0;
        boolean raw = true;
        for (PendingFrame f : frames) {
            n += f.buckets();
            points += f.points;
            raw &= f.raw;
        }
        long[] loT = new long[n];
        double[] loV = new double[n];
        long[] hiT = new long[n];
        double[] hiV = new double[n];
        long[] start = new long[n];
        int at = 0;
        for (PendingFrame f : frames) {
            int k = f.buckets();
            System.arraycopy(f.loT, 0, loT, at, k);
            System.arraycopy(f.loV, 0, loV, at, k);
            System.arraycopy(f.hiT, 0, hiT, at, k);
            System.arraycopy(f.hiV, 0, hiV, at, k);
            System.arraycopy(f.start, 0, start, at, k);
            at += k;
        }
        PendingFrame last = frames.get(frames.size() - 1);
        return new PendingFrame(last.series, loT, loV, hiT, hiV, start, raw, points, last.lastT, last.lastV);
    }

    private static long[] copy(long[] a, int from, int n) {
        long[] out = new long[n];
        System.arraycopy(a, from, out, 0, n);
        return out;
    }

    private static double[] copy(double[] a, int from, int n) {
        double[] out = new double[n];
        System.arraycopy(a, from, out, 0, n);
        return out;
    }
}
