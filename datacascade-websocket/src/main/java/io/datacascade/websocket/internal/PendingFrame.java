package io.datacascade.websocket.internal;

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

    /** The buckets starting at or after write index {@code from} (a client that just got its history). */
    PendingFrame from(long from) {
        int skip = 0;
        while (skip < start.length && start[skip] < from) {
            skip++;
        }
        if (skip == 0) {
            return this;
        }
        if (skip == start.length) {
            return null;
        }
        int n = start.length - skip;
        long dropped = raw ? skip : Math.round((double) points * skip / start.length);
        return new PendingFrame(series, copy(loT, skip, n), copy(loV, skip, n), copy(hiT, skip, n), copy(hiV, skip, n),
                copy(start, skip, n), raw, Math.max(n, points - dropped), lastT, lastV);
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
