package io.datacascade.websocket.internal;

/**
 * Min/max downsampling: splits the input into equal groups of consecutive buckets and keeps each
 * group's lowest and highest point, in time order, plus the newest point so a live line always
 * reaches the latest value. Spikes and dips survive however far the data is reduced, which
 * averaging or picking every n-th point would hide.
 */
final class MinMax {

    private MinMax() {
    }

    /** Reduced (or not) columns ready to encode. */
    record Columns(long[] t, double[] v, int size, long points, boolean downsampled) {
    }

    /** Reduces raw points (one per bucket) to at most {@code maxPoints}. */
    static Columns ofPoints(long[] t, double[] v, int maxPoints) {
        int n = t.length;
        return n == 0 ? new Columns(t, v, 0, 0, false)
                : reduce(t, v, t, v, n, true, n, t[n - 1], v[n - 1], maxPoints);
    }

    /** Reduces a pending frame to at most {@code maxPoints}. */
    static Columns ofFrame(PendingFrame f, int maxPoints) {
        return reduce(f.loT(), f.loV(), f.hiT(), f.hiV(), f.buckets(), f.raw(), f.points(), f.lastT(), f.lastV(),
                maxPoints);
    }

    private static Columns reduce(long[] loT, double[] loV, long[] hiT, double[] hiV, int n, boolean raw, long points,
                                  long lastT, double lastV, int maxPoints) {
        if (maxPoints < 3) {
            throw new IllegalArgumentException("maxPoints must be at least 3, was " + maxPoints);
        }
        if (raw && n <= maxPoints) {
            return new Columns(loT, loV, n, points, false);
        }
        int groups = Math.min(n, (maxPoints - 1) / 2);
        long[] t = new long[groups * 2 + 1];
        double[] v = new double[groups * 2 + 1];
        int out = 0;
        for (int g = 0; g < groups; g++) {
            int from = (int) ((long) g * n / groups);
            int to = (int) ((long) (g + 1) * n / groups);
            int lo = from;
            int hi = from;
            for (int i = from + 1; i < to; i++) {
                if (loV[i] < loV[lo]) {
                    lo = i;
                }
                if (hiV[i] > hiV[hi]) {
                    hi = i;
                }
            }
            long tLo = loT[lo];
            long tHi = hiT[hi];
            boolean same = tLo == tHi && Double.compare(loV[lo], hiV[hi]) == 0;
            if (same) {
                t[out] = tLo;
                v[out++] = loV[lo];
            } else if (tLo < tHi || (tLo == tHi && lo <= hi)) {
                t[out] = tLo;
                v[out++] = loV[lo];
                t[out] = tHi;
                v[out++] = hiV[hi];
            } else {
                t[out] = tHi;
                v[out++] = hiV[hi];
                t[out] = tLo;
                v[out++] = loV[lo];
            }
        }
        if (t[out - 1] != lastT || Double.compare(v[out - 1], lastV) != 0) {
            t[out] = lastT;
            v[out++] = lastV;
        }
        return new Columns(t, v, out, points, true);
    }
}
