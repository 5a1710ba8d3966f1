package io.datacascade.benchmarks;

import io.datacascade.core.Batch;
import io.datacascade.core.DataCascade;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineBuilder;
import io.datacascade.core.PipelineState;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import io.datacascade.core.internal.window.WindowOperator;
import io.datacascade.core.window.Aggregators;
import io.datacascade.core.window.Windows;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Events per second through a 1 s tumbling average ({@code Windows.tumbling(1 s)}, event time,
 * zero out-of-orderness, {@link Aggregators#avg()}) over {@value #SERIES} series.
 *
 * <p>Input, built once per trial: {@value #EVENTS} {@link Point}s, {@value #ROUNDS} rounds of one
 * point per series in series order ({@code w000}..{@code w999}), all points of a round at the same
 * timestamp, rounds {@code 1000 / pointsPerWindow} ms apart (aligned to whole seconds, so every
 * window of every series gets exactly {@link #pointsPerWindow} points), values
 * {@code 20 + 5·N(0,1)}. So a series' window closes every {@code pointsPerWindow} of its points:
 * {@code pointsPerWindow=10} gives 100 windows per series per pass (one result per 10 events),
 * {@code 100} gives 10 (one per 100).
 *
 * <ul>
 *   <li>{@code operator}: the engine alone. A new {@link WindowOperator} per invocation, every
 *       point through {@code process(point, sequence, now)} on the JMH thread, then
 *       {@code finish()} (emits the last window of each series); results go to a
 *       {@link Blackhole}. Creating the operator and its 1,000 keys is in the timing, amortised
 *       over the 1,000,000 points.</li>
 *   <li>{@code pipelineWindow}: a whole pipeline per invocation, {@link ArraySource} (the
 *       pre-built points, 4,096 per poll) → {@code window(...)} → a sink adding
 *       {@code batch.size()} to a counter, default settings (ring of 16,384, {@code PARKING},
 *       batches of ≤ 1,024), from {@code start()} to {@code awaitTermination} (the source ends,
 *       the window stage emits what is open, sinks flush, threads stop).</li>
 *   <li>{@code pipelineBaseline}: the same pipeline without the window stage (source → counting
 *       sink), so {@code pipelineWindow / pipelineBaseline} is the window stage's cost inside the
 *       engine. Both pay the same start/stop of two threads per invocation (~1 ms or less
 *       against tens of milliseconds of flow).</li>
 * </ul>
 *
 * <p>Score: input events per second ({@code @OperationsPerInvocation(1,000,000)}, throughput
 * mode); {@code 1e9 / score} is nanoseconds per event. Every invocation checks the number of
 * results (and that nothing was late), so a wrong window count fails the run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class WindowThroughput {
    /** Series (window keys). */
    public static final int SERIES = 1_000;
    /** Points per series per invocation. */
    public static final int ROUNDS = 1_000;
    /** Input points per invocation. */
    public static final int EVENTS = SERIES * ROUNDS;
    /** 2020-09-13T12:26:40Z, a whole second. */
    static final long BASE_MILLIS = 1_600_000_000_000L;

    /** The window spec under test: 1 s tumbling, event time, avg. */
    static final Windows WINDOWS = Windows.tumbling(Duration.ofSeconds(1)).aggregate(Aggregators.avg());

    /** Points of one series in each 1 s window; must divide 1,000. */
    @Param({"10", "100"})
    public int pointsPerWindow;

    Point[] points;
    /** Results one pass emits: one per window of each series. */
    long expectedResults;

    /** Builds the points. */
    @Setup(Level.Trial)
    public void generate() {
        if (pointsPerWindow < 1 || 1000 % pointsPerWindow != 0 || ROUNDS % pointsPerWindow != 0) {
            throw new IllegalArgumentException("pointsPerWindow must divide 1000, was " + pointsPerWindow);
        }
        points = points(pointsPerWindow);
        expectedResults = (long) SERIES * (ROUNDS / pointsPerWindow);
    }

    /** {@link #EVENTS} points, {@code pointsPerWindow} per series per second, rounds in series order. */
    static Point[] points(int pointsPerWindow) {
        String[] series = new String[SERIES];
        for (int s = 0; s < SERIES; s++) {
            series[s] = String.format("w%03d", s);
        }
        long step = 1000 / pointsPerWindow;
        SplittableRandom random = new SplittableRandom(42);
        Point[] out = new Point[EVENTS];
        for (int r = 0; r < ROUNDS; r++) {
            long time = BASE_MILLIS + r * step;
            for (int s = 0; s < SERIES; s++) {
                out[r * SERIES + s] = Point.of(series[s], time, 20 + 5 * random.nextGaussian());
            }
        }
        return out;
    }

    /** Collects the operator's results into a blackhole and counts them. */
    static final class BlackholeOutput implements WindowOperator.Output {
        private final Blackhole bh;
        long results;
        long late;

        BlackholeOutput(Blackhole bh) {
            this.bh = bh;
        }

        @Override
        public void emit(Point result, long firstSequence) {
            results++;
            bh.consume(result);
        }

        @Override
        public void late(Point point, long windowEnd, long watermark) {
            late++;
        }

        @Override
        public void failed(String window, RuntimeException error) {
            throw new IllegalStateException("aggregate of " + window + " failed: " + error, error);
        }
    }

    /** The window engine alone: every point through one operator, then {@code finish()}. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long operator(Blackhole bh) {
        BlackholeOutput out = new BlackholeOutput(bh);
        WindowOperator operator = new WindowOperator(WINDOWS, out);
        Point[] in = points;
        long now = BASE_MILLIS; // the pipeline clock: only used for idle timeouts, which onTime alone applies
        for (int i = 0; i < in.length; i++) {
            operator.process(in[i], i, now);
        }
        operator.finish();
        if (out.results != expectedResults || out.late != 0) {
            throw new IllegalStateException("operator emitted " + out.results + " results (expected " + expectedResults
                    + ") and " + out.late + " late points (expected 0)");
        }
        return out.results;
    }

    /** Source → window → counting sink, one whole run of the points. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long pipelineWindow() throws InterruptedException {
        return run(true, expectedResults);
    }

    /** Source → counting sink, one whole run of the same points. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long pipelineBaseline() throws InterruptedException {
        return run(false, EVENTS);
    }

    private long run(boolean window, long expected) throws InterruptedException {
        CountingSink sink = new CountingSink();
        PipelineBuilder<Point, Point> builder = DataCascade.pipeline("window-bench").from(new ArraySource<>(points));
        if (window) {
            builder = builder.window(WINDOWS);
        }
        Pipeline<Point> pipeline = builder.to(sink).build();
        pipeline.start();
        if (!pipeline.awaitTermination(Duration.ofSeconds(60))) {
            pipeline.close();
            throw new IllegalStateException("the pipeline did not complete within 60 s; counted " + sink.count);
        }
        if (pipeline.state() != PipelineState.COMPLETED) {
            throw new IllegalStateException("the pipeline ended " + pipeline.state()
                    + pipeline.failure().map(t -> ": " + t).orElse(""), pipeline.failure().orElse(null));
        }
        // the sink ran on the processor thread; its last write happens-before the termination latch opened
        if (sink.count != expected) {
            throw new IllegalStateException("the sink counted " + sink.count + " records, expected " + expected);
        }
        return sink.count;
    }

    /** Counts records; written by the processor thread only. */
    static final class CountingSink implements Sink<Point> {
        long count;

        @Override
        public void write(Batch<Point> batch) {
            count += batch.size();
        }

        @Override
        public String toString() {
            return "counting-sink";
        }
    }
}
