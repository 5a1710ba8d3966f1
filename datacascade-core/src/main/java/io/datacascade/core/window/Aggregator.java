package io.datacascade.core.window;

import io.datacascade.core.Point;

/**
 * Folds the points of one window into one number: the SPI behind {@link Aggregators}. Write one
 * when the built-ins (count, sum, min, max, avg, first, last) are not enough, for example a
 * percentile or an exponentially weighted mean.
 *
 * <p>The pipeline keeps one accumulator per open window and calls these methods on its processor
 * thread only, so an accumulator needs no locking. Keep it small: there is one per window and key.
 *
 * <pre>{@code
 * Aggregator<double[]> range = Aggregator.of("range",
 *         () -> new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY},
 *         (acc, p) -> { acc[0] = Math.min(acc[0], p.value()); acc[1] = Math.max(acc[1], p.value()); return acc; },
 *         acc -> acc[1] - acc[0]);
 * }</pre>
 *
 * @param <A> the accumulator type
 */
public interface Aggregator<A> {

    /**
     * The aggregate's name: it becomes the suffix of the result's series ({@code cpu.load.avg})
     * and must be a non-blank word.
     */
    String name();

    /** A fresh accumulator for a new window. */
    A create();

    /** Adds one point; returns the accumulator to keep (usually the same object, changed). */
    A add(A accumulator, Point point);

    /** The window's result from its accumulator; called when the window fires (again, for late updates). */
    double result(A accumulator);

    /**
     * Combines the accumulators of two session windows that a point joined into one. The default
     * throws: aggregators used with {@link Windows#session session windows} must implement it.
     */
    default A merge(A first, A second) {
        throw new UnsupportedOperationException("aggregator '" + name() + "' can't merge session windows: implement merge");
    }

    /**
     * An aggregator from functions, without session-window merging.
     *
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    static <A> Aggregator<A> of(String name, java.util.function.Supplier<A> create,
                                java.util.function.BiFunction<A, Point, A> add,
                                java.util.function.ToDoubleFunction<A> result) {
        java.util.Objects.requireNonNull(name, "name can't be null");
        java.util.Objects.requireNonNull(create, "create can't be null");
        java.util.Objects.requireNonNull(add, "add can't be null");
        java.util.Objects.requireNonNull(result, "result can't be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("aggregator name can't be blank, was '" + name + "'");
        }
        return new Aggregator<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public A create() {
                return create.get();
            }

            @Override
            public A add(A accumulator, Point point) {
                return add.apply(accumulator, point);
            }

            @Override
            public double result(A accumulator) {
                return result.applyAsDouble(accumulator);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
