package io.datacascade.benchmarks;

import io.datacascade.core.Batch;
import io.datacascade.core.DataCascade;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineState;
import io.datacascade.core.Point;
import io.datacascade.core.SimulatorSource;
import io.datacascade.core.Sink;
import io.datacascade.core.WaitStrategy;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Events per second through a whole pipeline, next to the bare ring it is built on, so the ratio
 * {@code pipeline / bareRing} (the cost of sources, stages, batches and sinks) reads off one run.
 *
 * <p>{@code pipeline}: an unbounded random-walk {@link SimulatorSource} ({@link #series} series)
 * → {@code map} (Celsius to Fahrenheit: {@code withValue}, one new immutable {@link Point} per
 * record) → {@code filter} (keeps finite values: all of them) → a sink that adds
 * {@code batch.size()} to a counter. {@code bareRing}: see {@link BareRing}: the same points
 * through the same {@code RingBuffer} to a consumer that only counts.
 *
 * <p>Both flows run on their own two threads from {@code @Setup(Level.Trial)} to
 * {@code @TearDown}; each invocation waits (parked, to leave both cores to the flow) until the
 * counter has passed {@value #EVENTS_PER_INVOCATION} more events, see {@link EventCounter}. The
 * score is events per second leaving the flow. Run it with one JMH thread (the default): the
 * flows are shared ({@code Scope.Benchmark}) and so is the counter's target.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class PipelineThroughput {
    /** Events awaited per benchmark invocation. */
    public static final int EVENTS_PER_INVOCATION = 1 << 16;

    /** How the consumer (the pipeline's processor) waits for records and the producer for room. */
    @Param({"PARKING", "YIELDING", "BUSY_SPIN"})
    public String waitStrategy;

    /** Slots in the ring; a power of two. */
    @Param({"65536"})
    public int ringSize;

    /** Series the simulator interleaves. */
    @Param({"8"})
    public int series;

    WaitStrategy strategy() {
        try {
            return WaitStrategy.valueOf(waitStrategy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("waitStrategy must be one of PARKING, YIELDING, BUSY_SPIN, BLOCKING, was "
                    + waitStrategy, e);
        }
    }

    /** The running pipeline of the {@code pipeline} benchmark. */
    @State(Scope.Benchmark)
    public static class PipelineRun {
        private final EventCounter counter = new EventCounter();
        private Pipeline<Point> pipeline;

        /** Builds and starts the pipeline. */
        @Setup(Level.Trial)
        public void start(PipelineThroughput config) {
            Sink<Point> countingSink = new Sink<>() {
                @Override
                public void write(Batch<Point> batch) {
                    counter.add(batch.size());
                }

                @Override
                public String toString() {
                    return "counting-sink";
                }
            };
            pipeline = DataCascade.pipeline("bench")
                    .from(SimulatorSource.builder().series(config.series).ratePerSecond(0).seed(42).build())
                    .map(p -> p.withValue(p.value() * 1.8 + 32))
                    .filter(p -> Double.isFinite(p.value()))
                    .to(countingSink)
                    .ringSize(config.ringSize)
                    .waitStrategy(config.strategy())
                    .closeTimeout(Duration.ofSeconds(10))
                    .build();
            pipeline.start();
        }

        /** Forgets what flowed between iterations. */
        @Setup(Level.Iteration)
        public void resync() {
            counter.resync();
        }

        long awaitNext(int n) {
            return counter.awaitNext(n, this::checkRunning);
        }

        private void checkRunning() {
            PipelineState state = pipeline.state();
            if (state != PipelineState.RUNNING) {
                throw new IllegalStateException("the pipeline stopped: " + state
                        + pipeline.failure().map(t -> ", " + t).orElse(""), pipeline.failure().orElse(null));
            }
        }

        /** Closes the pipeline; fails the run if the pipeline had failed. */
        @TearDown(Level.Trial)
        public void close() {
            if (pipeline == null) {
                return;
            }
            pipeline.close();
            pipeline.failure().ifPresent(t -> {
                throw new IllegalStateException("the pipeline failed: " + t, t);
            });
        }
    }

    /** The running producer and consumer of the {@code bareRing} benchmark. */
    @State(Scope.Benchmark)
    public static class BareRingRun {
        private BareRing ring;

        /** Builds the ring and starts both threads. */
        @Setup(Level.Trial)
        public void start(PipelineThroughput config) {
            ring = new BareRing(config.ringSize, config.strategy(), config.series);
            ring.start();
        }

        /** Forgets what flowed between iterations. */
        @Setup(Level.Iteration)
        public void resync() {
            ring.counter.resync();
        }

        long awaitNext(int n) {
            return ring.counter.awaitNext(n, ring::checkHealthy);
        }

        /** Halts the ring and joins its threads. */
        @TearDown(Level.Trial)
        public void close() {
            if (ring != null) {
                ring.close();
            }
        }
    }

    /** Waits for {@value #EVENTS_PER_INVOCATION} more events out of the full pipeline. */
    @Benchmark
    @OperationsPerInvocation(EVENTS_PER_INVOCATION)
    public long pipeline(PipelineRun run) {
        return run.awaitNext(EVENTS_PER_INVOCATION);
    }

    /** Waits for {@value #EVENTS_PER_INVOCATION} more events out of the bare ring. */
    @Benchmark
    @OperationsPerInvocation(EVENTS_PER_INVOCATION)
    public long bareRing(BareRingRun run) {
        return run.awaitNext(EVENTS_PER_INVOCATION);
    }
}
