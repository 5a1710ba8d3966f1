package io.datacascade.core.window;

import io.datacascade.core.Point;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What a window stage computes: how points are grouped in time, by which key, on which clock,
 * how long to wait for stragglers, and which aggregates to emit. Immutable: every method returns
 * a new spec. Hand it to {@link io.datacascade.core.PipelineBuilder#window}.
 *
 * <pre>{@code
 * // per series, the average and maximum of every second, waiting up to 2 s for out-of-order points
 * Windows perSecond = Windows.tumbling(Duration.ofSeconds(1))
 *         .eventTime(Duration.ofSeconds(2))
 *         .aggregate(Aggregators.avg(), Aggregators.max());
 * }</pre>
 *
 * <h2>Time</h2>
 * With {@linkplain #eventTime(Duration) event time} (the default) a point belongs to the window of
 * its own timestamp, and a window's result is emitted once its key's <em>watermark</em> passes the
 * window's end. Each key (each series, by default) has its own watermark: the highest timestamp
 * seen for that key, minus the allowed out-of-orderness; the stage's promise that no earlier
 * point of that key is still expected. It never goes back. One watermark per key, rather than one
 * for the whole stream as in Flink, because Kafka keeps a series in order inside its partition
 * but a consumer reads partitions in bursts: with a shared watermark, the partitions read later
 * would arrive as late data. The price: a key's windows close when that key moves on (or after the
 * idle timeout), not when others do.
 *
 * <p>Points arriving behind their key's watermark for a window already emitted are <em>late</em>:
 * within the {@linkplain #allowedLateness allowed lateness} they update the window, which is
 * emitted again with the corrected result; after that they go to the
 * {@linkplain #lateData late-data policy}. When a key sends nothing for the
 * {@linkplain #idleTimeout idle timeout}, its watermark moves on with the wall clock, so the last
 * windows of a series that paused are emitted too. A key without open windows is remembered (for
 * its watermark) for an hour. With {@linkplain #processingTime() processing time} a point belongs
 * to the window of the moment it is processed and windows are emitted when the pipeline's clock
 * passes their end.
 *
 * <h2>Results</h2>
 * Each window emits one {@link Point} per aggregate: series {@code key + "." + aggregate}
 * (for example {@code cpu.load.avg}; see {@link #naming}), timestamp the window's start, the
 * aggregate as value and the tags of the window's last point. When a pipeline's sources end, every
 * open window is emitted; when a pipeline is closed, open windows are not emitted, and the records
 * in them stay unacknowledged, so a restarted pipeline computes them again from the replayed
 * source.
 */
public final class Windows {
    /** The three window shapes. */
    public enum Kind {
        /** Fixed-size, non-overlapping windows aligned to the epoch. */
        TUMBLING,
        /** Fixed-size windows starting every {@code advance}: each point falls into size/advance of them. */
        SLIDING,
        /** Per key, a run of points at most {@code gap} apart; closes after {@code gap} of silence. */
        SESSION
    }

    /** Default {@link #idleTimeout}: 10 seconds. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);

    private final Kind kind;
    private final long size;
    private final long advance;
    private final Function<? super Point, String> key;
    private final boolean eventTime;
    private final long maxOutOfOrderness;
    private final long allowedLateness;
    private final long idleTimeout;
    private final LateData lateData;
    private final List<Aggregator<?>> aggregators;
    private final BiFunction<String, String, String> naming;

    private Windows(Kind kind, long size, long advance, Function<? super Point, String> key, boolean eventTime,
                    long maxOutOfOrderness, long allowedLateness, long idleTimeout, LateData lateData,
                    List<Aggregator<?>> aggregators, BiFunction<String, String, String> naming) {
        this.kind = kind;
        this.size = size;
        this.advance = advance;
        this.key = key;
        this.eventTime = eventTime;
        this.maxOutOfOrderness = maxOutOfOrderness;
        this.allowedLateness = allowedLateness;
        this.idleTimeout = idleTimeout;
        this.lateData = lateData;
        this.aggregators = aggregators;
        this.naming = naming;
    }

    private static Windows of(Kind kind, long size, long advance) {
        return new Windows(kind, size, advance, Point::series, true, 0, 0, DEFAULT_IDLE_TIMEOUT.toMillis(),
                LateData.drop(), List.of(Aggregators.avg()), Windows::suffix);
    }

    private static String suffix(String key, String aggregate) {
        return key + "." + aggregate;
    }

    /**
     * Back-to-back windows of {@code size}: {@code [0, size)}, {@code [size, 2 size)}... from the epoch.
     *
     * @throws IllegalArgumentException if {@code size} is not at least 1 ms
     */
    public static Windows tumbling(Duration size) {
        long ms = positiveMillis(size, "size");
        return of(Kind.TUMBLING, ms, ms);
    }

    /**
     * Windows of {@code size} starting every {@code advance} (Kafka Streams' hopping windows): a
     * 1-minute window every 10 seconds gives a moving average updated six times a minute.
     *
     * @throws IllegalArgumentException if a duration is below 1 ms or {@code advance} exceeds {@code size}
     */
    public static Windows sliding(Duration size, Duration advance) {
        long ms = positiveMillis(size, "size");
        long step = positiveMillis(advance, "advance");
        if (step > ms) {
            throw new IllegalArgumentException("advance must not exceed size (" + size + "), was " + advance);
        }
        return of(Kind.SLIDING, ms, step);
    }

    /**
     * Per key, a window that lasts as long as points keep coming at most {@code gap} apart, and
     * closes after {@code gap} without one: a burst, a user session, a machine's busy spell.
     * Aggregators must {@linkplain Aggregator#merge merge}, since a point can join two sessions.
     *
     * @throws IllegalArgumentException if {@code gap} is not at least 1 ms
     */
    public static Windows session(Duration gap) {
        return of(Kind.SESSION, positiveMillis(gap, "gap"), 0);
    }

    /** Groups points by {@code key} instead of by series (for example by a tag: {@code p -> p.tags().get("host")}). */
    public Windows keyBy(Function<? super Point, String> keyFunction) {
        Objects.requireNonNull(keyFunction, "keyFunction can't be null");
        return new Windows(kind, size, advance, keyFunction, eventTime, maxOutOfOrderness, allowedLateness,
                idleTimeout, lateData, aggregators, naming);
    }

    /**
     * Event time with bounded out-of-orderness (the default, with zero): windows wait for points
     * up to {@code maxOutOfOrderness} older than the newest one seen for their key.
     *
     * @throws IllegalArgumentException if {@code maxOutOfOrderness} is negative
     */
    public Windows eventTime(Duration maxOutOfOrderness) {
        long ms = nonNegativeMillis(maxOutOfOrderness, "maxOutOfOrderness");
        return new Windows(kind, size, advance, key, true, ms, allowedLateness, idleTimeout, lateData, aggregators,
                naming);
    }

    /** Processing time: points are windowed by when the pipeline sees them, their timestamps ignored. */
    public Windows processingTime() {
        return new Windows(kind, size, advance, key, false, 0, allowedLateness, idleTimeout, lateData, aggregators,
                naming);
    }

    /**
     * How long after a window was emitted its state is kept for late points, which then update it
     * and emit it again (default zero: emitted once, then freed). Event time only: with processing
     * time nothing is late.
     *
     * @throws IllegalArgumentException if {@code lateness} is negative
     */
    public Windows allowedLateness(Duration lateness) {
        long ms = nonNegativeMillis(lateness, "lateness");
        return new Windows(kind, size, advance, key, eventTime, maxOutOfOrderness, ms, idleTimeout, lateData,
                aggregators, naming);
    }

    /** What happens to points later than the allowed lateness (default {@link LateData#drop()}). */
    public Windows lateData(LateData policy) {
        Objects.requireNonNull(policy, "policy can't be null");
        return new Windows(kind, size, advance, key, eventTime, maxOutOfOrderness, allowedLateness, idleTimeout,
                policy, aggregators, naming);
    }

    /**
     * After how long without a point a key's watermark starts following the wall clock (default
     * 10 s), so a paused series does not hold its last windows back forever. {@link Duration#ZERO} turns this off. Points that arrive after an idle spell with
     * timestamps behind the advanced watermark are late.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Windows idleTimeout(Duration timeout) {
        long ms = nonNegativeMillis(timeout, "timeout");
        return new Windows(kind, size, advance, key, eventTime, maxOutOfOrderness, allowedLateness, ms, lateData,
                aggregators, naming);
    }

    /**
     * The aggregates each window emits, one point each (default {@link Aggregators#avg()}).
     *
     * @throws IllegalArgumentException if none is given, one is null, or two share a name
     */
    public Windows aggregate(Aggregator<?>... aggregates) {
        Objects.requireNonNull(aggregates, "aggregates can't be null");
        if (aggregates.length == 0) {
            throw new IllegalArgumentException("aggregate needs at least one aggregator, was none");
        }
        List<Aggregator<?>> list = new ArrayList<>();
        for (int i = 0; i < aggregates.length; i++) {
            Aggregator<?> a = aggregates[i];
            if (a == null) {
                throw new IllegalArgumentException("aggregator #" + (i + 1) + " is null");
            }
            String name = a.name();
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("aggregator #" + (i + 1) + " has a blank name: '" + name + "'");
            }
            for (Aggregator<?> other : list) {
                if (other.name().equals(name)) {
                    throw new IllegalArgumentException("two aggregators are named '" + name
                            + "': their results would share a series");
                }
            }
            list.add(a);
        }
        return new Windows(kind, size, advance, key, eventTime, maxOutOfOrderness, allowedLateness, idleTimeout,
                lateData, List.copyOf(list), naming);
    }

    /**
     * How a result's series is named from the window's key and the aggregate's name (default
     * {@code key + "." + aggregate}). Return the key alone to keep the input's series name when
     * there is one aggregate.
     */
    public Windows naming(BiFunction<String, String, String> seriesName) {
        Objects.requireNonNull(seriesName, "seriesName can't be null");
        return new Windows(kind, size, advance, key, eventTime, maxOutOfOrderness, allowedLateness, idleTimeout,
                lateData, aggregators, seriesName);
    }

    /** The window shape. */
    public Kind kind() {
        return kind;
    }

    /** Window size in milliseconds (the gap for session windows). */
    public long sizeMillis() {
        return size;
    }

    /** Distance between window starts in milliseconds (equal to the size for tumbling windows, 0 for sessions). */
    public long advanceMillis() {
        return advance;
    }

    /** The key function. */
    public Function<? super Point, String> key() {
        return key;
    }

    /** Whether windows follow event time (else processing time). */
    public boolean isEventTime() {
        return eventTime;
    }

    /** Allowed out-of-orderness in milliseconds. */
    public long maxOutOfOrdernessMillis() {
        return maxOutOfOrderness;
    }

    /** Allowed lateness in milliseconds. */
    public long allowedLatenessMillis() {
        return allowedLateness;
    }

    /** Idle timeout in milliseconds, 0 if off. */
    public long idleTimeoutMillis() {
        return idleTimeout;
    }

    /** The late-data policy. */
    public LateData lateDataPolicy() {
        return lateData;
    }

    /** The aggregators, in emission order. */
    public List<Aggregator<?>> aggregators() {
        return aggregators;
    }

    /** The series naming function. */
    public BiFunction<String, String, String> seriesNaming() {
        return naming;
    }

    @Override
    public String toString() {
        String shape = switch (kind) {
            case TUMBLING -> "tumbling(" + size + " ms)";
            case SLIDING -> "sliding(" + size + " ms every " + advance + " ms)";
            case SESSION -> "session(gap " + size + " ms)";
        };
        return shape + (eventTime ? ", event time, out-of-orderness " + maxOutOfOrderness + " ms" : ", processing time")
                + ", lateness " + allowedLateness + " ms, late data " + lateData + ", aggregates " + aggregators;
    }

    private static long positiveMillis(Duration d, String name) {
        Objects.requireNonNull(d, name + " can't be null");
        if (d.isNegative() || d.toMillis() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 ms, was " + d);
        }
        return d.toMillis();
    }

    private static long nonNegativeMillis(Duration d, String name) {
        Objects.requireNonNull(d, name + " can't be null");
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + d);
        }
        return d.toMillis();
    }
}
