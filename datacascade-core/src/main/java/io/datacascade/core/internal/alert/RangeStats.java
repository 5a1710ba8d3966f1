package io.datacascade.core.internal.alert;

/**
 * One series' points over a trailing event-time range, with the figures alert signals read in
 * O(1): count and sum kept running, min and max from monotonic queues, rate from the oldest and
 * newest point. A point is in the range while {@code newest - time < range}; a zero range keeps
 * the last two points (for a rate between consecutive points).
 */
public final class RangeStats {
    private final long range;
    private final Queue all = new Queue();
    private final Queue mins;
    private final Queue maxes;
    private long newest = Long.MIN_VALUE;
    private double sum;
    /** Adds since the running sum was last recomputed, to bound floating-point drift. */
    private int sinceRecompute;

    public RangeStats(long rangeMillis, boolean trackMin, boolean trackMax) {
        this.range = rangeMillis;
        this.mins = trackMin ? new Queue() : null;
        this.maxes = trackMax ? new Queue() : null;
    }

    /**
     * Takes one point. Points older than the newest seen are ignored: the queues rely on time
     * order, and a range signal describes the series as it stands, not a reshuffled past.
     */
    public void add(long time, double value) {
        if (Double.isNaN(value) || time < newest) {
            return;
        }
        newest = time;
        all.addLast(time, value);
        sum += value;
        if (mins != null) {
            while (!mins.isEmpty() && mins.lastValue() >= value) {
                mins.removeLast();
            }
            mins.addLast(time, value);
        }
        if (maxes != null) {
            while (!maxes.isEmpty() && maxes.lastValue() <= value) {
                maxes.removeLast();
            }
            maxes.addLast(time, value);
        }
        evict();
        if (++sinceRecompute >= 1 << 16) {
            sum = all.sum();
            sinceRecompute = 0;
        }
    }

    private void evict() {
        if (range == 0) {
            while (all.size() > 2) {
                sum -= all.firstValue();
                all.removeFirst();
            }
            return;
        }
        long cutoff = newest - range;
        while (!all.isEmpty() && all.firstTime() <= cutoff) {
            sum -= all.firstValue();
            all.removeFirst();
        }
        while (mins != null && !mins.isEmpty() && mins.firstTime() <= cutoff) {
            mins.removeFirst();
        }
        while (maxes != null && !maxes.isEmpty() && maxes.firstTime() <= cutoff) {
            maxes.removeFirst();
        }
    }

    /** The figure a range signal of {@code kind} reads (not {@code VALUE}, which needs no range). */
    public double read(io.datacascade.core.alert.Signal.Kind kind) {
        return switch (kind) {
            case COUNT -> count();
            case SUM -> sum();
            case AVG -> sum / all.size();
            case MIN -> min();
            case MAX -> max();
            case RATE -> ratePerSecond();
            case VALUE -> throw new IllegalArgumentException("the value signal has no range");
        };
    }

    public long count() {
        return all.size();
    }

    public double sum() {
        return sum;
    }

    public double min() {
        return mins == null || mins.isEmpty() ? Double.NaN : mins.firstValue();
    }

    public double max() {
        return maxes == null || maxes.isEmpty() ? Double.NaN : maxes.firstValue();
    }

    /** Change per second from the oldest to the newest point, NaN with fewer than two points or no time between them. */
    public double ratePerSecond() {
        if (all.size() < 2) {
            return Double.NaN;
        }
        long dt = all.lastTime() - all.firstTime();
        return dt <= 0 ? Double.NaN : (all.lastValue() - all.firstValue()) * 1000.0 / dt;
    }

    /** A growable ring of (time, value) pairs. */
    private static final class Queue {
        private long[] times = new long[8];
        private double[] values = new double[8];
        private int head;
        private int size;

        boolean isEmpty() {
            return size == 0;
        }

        int size() {
            return size;
        }

        void addLast(long time, double value) {
            if (size == times.length) {
                grow();
            }
            int i = (head + size) & (times.length - 1);
            times[i] = time;
            values[i] = value;
            size++;
        }

        void removeFirst() {
            head = (head + 1) & (times.length - 1);
            size--;
        }

        void removeLast() {
            size--;
        }

        long firstTime() {
            return times[head];
        }

        double firstValue() {
            return values[head];
        }

        long lastTime() {
            return times[(head + size - 1) & (times.length - 1)];
        }

        double lastValue() {
            return values[(head + size - 1) & (times.length - 1)];
        }

        double sum() {
            double s = 0;
            for (int k = 0; k < size; k++) {
                s += values[(head + k) & (times.length - 1)];
            }
            return s;
        }

        private void grow() {
            long[] t = new long[times.length * 2];
            double[] v = new double[times.length * 2];
            for (int k = 0; k < size; k++) {
                t[k] = times[(head + k) & (times.length - 1)];
                v[k] = values[(head + k) & (times.length - 1)];
            }
            times = t;
            values = v;
            head = 0;
        }
    }

    @Override
    public String toString() {
        return "RangeStats[count=" + all.size() + ", sum=" + sum + "]";
    }

}
