package io.datacascade.core;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A time-series simulator: several series of random-walk, sine or noise values at a steady rate,
 * reproducible from a seed. It stands in for real devices in demos, tests and benchmarks (the
 * role of the original stack's producer script). Also available as
 * {@code sim://?series=4&rate=1000&shape=sine&seed=42}.
 *
 * <p>Record {@code n} belongs to series {@code n % series} and has event time
 * {@code start + n * 1000 / rate} ms, so the output for a seed is the same on every run, under
 * the test driver's virtual clock as under the wall clock. With {@code rate} 0 the simulator emits
 * as fast as the pipeline takes records (benchmarks), one millisecond of event time per round of
 * series.
 *
 * <pre>{@code
 * Source<Point> sim = SimulatorSource.builder().series(8).ratePerSecond(2_000).shape(Shape.SINE).seed(7).build();
 * }</pre>
 */
public final class SimulatorSource implements Source<Point> {

    /** The value pattern of each series. */
    public enum Shape {
        /** Gaussian steps from a start value near 50: smooth, drifting, unbounded. */
        RANDOM_WALK,
        /** A sine wave around 50 with amplitude 40 and a one-minute period, a phase per series, plus a little noise. */
        SINE,
        /** Gaussian noise around 50 with standard deviation 10. */
        NOISE
    }

    private static final int MAX_PER_POLL = 4096;

    private final int series;
    private final double ratePerSecond;
    private final Shape shape;
    private final long seed;
    private final long limit;
    private final long spikeEvery;
    private final long spikeLength;
    private final double spikeHeight;
    private final String[] names;
    private final double[] state;
    private final SplittableRandom random;
    private long startMillis = Long.MIN_VALUE;
    private long emitted;

    private SimulatorSource(Builder b) {
        this.series = b.series;
        this.ratePerSecond = b.ratePerSecond;
        this.shape = b.shape;
        this.seed = b.seed;
        this.limit = b.limit;
        this.spikeEvery = b.spikeEvery;
        this.spikeLength = b.spikeLength;
        this.spikeHeight = b.spikeHeight;
        this.startMillis = b.startMillis;
        this.names = new String[series];
        this.state = new double[series];
        this.random = new SplittableRandom(seed);
        for (int i = 0; i < series; i++) {
            names[i] = b.prefix + i;
            state[i] = 50 + random.nextGaussian() * 5;
        }
    }

    /** A builder with defaults: 4 series, 1,000 points per second, random walk, seed 42, no limit. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void open(SourceContext<Point> context) {
        if (startMillis == Long.MIN_VALUE) {
            startMillis = context.currentTimeMillis();
        }
    }

    @Override
    public Poll poll(SourceContext<Point> context) {
        long target;
        if (ratePerSecond == 0) {
            target = emitted + MAX_PER_POLL;
        } else {
            long elapsed = Math.max(0, context.currentTimeMillis() - startMillis);
            target = Math.min(emitted + MAX_PER_POLL, (long) Math.floor(elapsed * ratePerSecond / 1000.0) + 1);
        }
        if (limit > 0) {
            target = Math.min(target, limit);
        }
        while (emitted < target) {
            context.emit(next());
        }
        if (limit > 0 && emitted >= limit) {
            return Poll.END;
        }
        return ratePerSecond == 0 ? Poll.MORE : Poll.IDLE;
    }

    /** The next point in the sequence. */
    Point next() {
        long n = emitted++;
        int s = (int) (n % series);
        long time = ratePerSecond == 0 ? startMillis + n / series : startMillis + (long) (n * 1000.0 / ratePerSecond);
        double value = switch (shape) {
            case RANDOM_WALK -> state[s] += random.nextGaussian();
            case SINE -> 50 + 40 * Math.sin(2 * Math.PI * ((time - startMillis) / 60_000.0 + s / (double) series))
                    + random.nextGaussian() * 0.5;
            case NOISE -> 50 + random.nextGaussian() * 10;
        };
        if (spikeEvery > 0) {
            long offset = time - startMillis;
            long k = offset / spikeEvery; // spike k (from 1) lies on series (k - 1) % series, from k * every on
            if (k >= 1 && offset - k * spikeEvery < spikeLength && (k - 1) % series == s) {
                value += spikeHeight;
            }
        }
        return new Point(names[s], time, value, Map.of());
    }

    @Override
    public String toString() {
        return "sim://?series=" + series + "&rate=" + ratePerSecond + "&shape="
                + shape.name().toLowerCase(Locale.ROOT).replace('_', '-') + "&seed=" + seed
                + (limit > 0 ? "&limit=" + limit : "")
                + (spikeEvery > 0 ? "&spikeEvery=" + spikeEvery / 1000.0 + "&spikeLength=" + spikeLength / 1000.0
                        + "&spikeHeight=" + spikeHeight : "");
    }

    /** Settings of a {@link SimulatorSource}; checked as they are set. */
    public static final class Builder {
        private int series = 4;
        private double ratePerSecond = 1000;
        private Shape shape = Shape.RANDOM_WALK;
        private long seed = 42;
        private long limit;
        private String prefix = "sim-";
        private long startMillis = Long.MIN_VALUE;
        private long spikeEvery;
        private long spikeLength;
        private double spikeHeight;

        private Builder() {
        }

        /**
         * Adds a spike of {@code height} lasting {@code length} every {@code every} of event time,
         * on one series at a time in turn (the first after {@code every}, on series 0): something
         * for alert rules to catch in a demo. Default: no spikes.
         *
         * @throws IllegalArgumentException if {@code every} is below 1 ms, {@code length} is not between
         *                                  1 ms and {@code every}, or {@code height} is not finite
         */
        public Builder spikes(java.time.Duration every, java.time.Duration length, double height) {
            java.util.Objects.requireNonNull(every, "every can't be null");
            java.util.Objects.requireNonNull(length, "length can't be null");
            if (every.isNegative() || every.toMillis() < 1) {
                throw new IllegalArgumentException("spike interval must be at least 1 ms, was " + every);
            }
            if (length.isNegative() || length.toMillis() < 1 || length.compareTo(every) > 0) {
                throw new IllegalArgumentException("spike length must be between 1 ms and the interval " + every
                        + ", was " + length);
            }
            if (!Double.isFinite(height)) {
                throw new IllegalArgumentException("spike height must be finite, was " + height);
            }
            this.spikeEvery = every.toMillis();
            this.spikeLength = length.toMillis();
            this.spikeHeight = height;
            return this;
        }

        /**
         * How many series to generate (default 4).
         *
         * @throws IllegalArgumentException if not between 1 and 1,000,000
         */
        public Builder series(int count) {
            if (count < 1 || count > 1_000_000) {
                throw new IllegalArgumentException("series must be between 1 and 1000000, was " + count);
            }
            this.series = count;
            return this;
        }

        /**
         * Points per second over all series (default 1,000); 0 means as fast as possible.
         *
         * @throws IllegalArgumentException if negative, NaN or infinite
         */
        public Builder ratePerSecond(double rate) {
            if (!(rate >= 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("ratePerSecond must be a finite number >= 0, was " + rate);
            }
            this.ratePerSecond = rate;
            return this;
        }

        /** The value pattern (default random walk). */
        public Builder shape(Shape valueShape) {
            this.shape = java.util.Objects.requireNonNull(valueShape, "shape can't be null");
            return this;
        }

        /** The random seed: the same seed gives the same points (default 42). */
        public Builder seed(long randomSeed) {
            this.seed = randomSeed;
            return this;
        }

        /**
         * Stop after this many points (default 0: never).
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder limit(long maxPoints) {
            if (maxPoints < 0) {
                throw new IllegalArgumentException("limit must be >= 0, was " + maxPoints);
            }
            this.limit = maxPoints;
            return this;
        }

        /**
         * The series name prefix; series are named prefix + index (default {@code "sim-"}).
         *
         * @throws IllegalArgumentException if empty
         */
        public Builder seriesPrefix(String seriesPrefix) {
            java.util.Objects.requireNonNull(seriesPrefix, "seriesPrefix can't be null");
            if (seriesPrefix.isEmpty()) {
                throw new IllegalArgumentException("seriesPrefix must not be empty");
            }
            this.prefix = seriesPrefix;
            return this;
        }

        /** Event time of the first point, epoch ms (default: the pipeline clock when the source opens). */
        public Builder startMillis(long epochMillis) {
            this.startMillis = epochMillis;
            return this;
        }

        /** The simulator. */
        public SimulatorSource build() {
            return new SimulatorSource(this);
        }
    }
}
