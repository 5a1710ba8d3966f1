package io.datacascade.benchmarks;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.SpscArrayQueue;
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
 * Steady-state events per second through one ring or queue, 1 or 2 producers and one consumer:
 * DataCascade's ring against the LMAX Disruptor, JCTools and {@link ArrayBlockingQueue}.
 *
 * <p>Shape. The producers are plain threads started in {@code @Setup(Level.Trial)} that publish
 * without pause until {@code @TearDown}; the JMH thread is the consumer: each invocation consumes
 * exactly {@value #EVENTS_PER_INVOCATION} events, and their sum is returned to JMH's blackhole.
 * The score (ops/s) is therefore events per second through the ring, measured where they leave
 * it. Between iterations the consumer pauses and producers fill the ring and back off, so each
 * iteration starts with at most one ring of events already queued (65,536 events, well under 1%
 * of an iteration). A producer that fails or a consumer that sees nothing for 30 s fails the run
 * rather than hanging it; producers watch a stop flag while backing off, so tear-down always ends.
 *
 * <p>Work per event, the same everywhere: the producer claims without blocking and writes a
 * {@code long} into a pre-allocated {@link LongEvent} slot (rings) or offers a pre-boxed
 * {@link Long} (queues); the consumer reads the long and adds it to a running sum. See each
 * contender class for the exact calls. Ring capacity is {@link #ringSize} for all four.
 *
 * <p>Waiting: {@code wait=YIELDING} (default) spins 100 rounds then yields, in every
 * implementation (Disruptor's {@code YieldingWaitStrategy}, DataCascade's {@code YIELDING}, the
 * same loop for the queues and for every producer finding the ring full); {@code wait=BUSY_SPIN}
 * spins with {@link Thread#onSpinWait()} only. Use BUSY_SPIN only with a core per thread: 2P1C
 * needs three.
 *
 * <p>Measure with several forks and read the spread: 1P1C throughput is bimodal (producer running
 * ahead vs. sharing every cache line with the consumer). See {@code benchmarks/README.md}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 5, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class RingThroughput {
    /** Events consumed per benchmark invocation. */
    public static final int EVENTS_PER_INVOCATION = 1 << 14;

    /** The ring or queue under test. */
    @Param({"datacascade", "disruptor", "jctools", "arrayblockingqueue"})
    public String impl;

    /** Producer threads: 1 (1P1C) or 2 (2P1C). */
    @Param({"1", "2"})
    public int producers;

    /** Slots in the ring or capacity of the queue; a power of two. */
    @Param({"65536"})
    public int ringSize;

    /** How consumers (and producers finding the ring full) wait: YIELDING or BUSY_SPIN. */
    @Param({"YIELDING"})
    public String waitStrategy;

    private RingContender contender;

    /** Builds the ring and starts the producers. */
    @Setup(Level.Trial)
    public void setUp() {
        boolean yielding = switch (waitStrategy) {
            case "YIELDING" -> true;
            case "BUSY_SPIN" -> false;
            default -> throw new IllegalArgumentException("waitStrategy must be YIELDING or BUSY_SPIN, was " + waitStrategy);
        };
        if (producers < 1 || producers > 2) {
            throw new IllegalArgumentException("producers must be 1 or 2, was " + producers);
        }
        contender = switch (impl) {
            case "datacascade" -> new DataCascadeContender(producers, ringSize, yielding);
            case "disruptor" -> new DisruptorContender(producers, ringSize, yielding);
            case "jctools" -> new QueueContender(impl, producers == 1
                    ? new SpscArrayQueue<>(ringSize) : new MpscArrayQueue<>(ringSize), producers, yielding);
            case "arrayblockingqueue" -> new QueueContender(impl, new ArrayBlockingQueue<>(ringSize), producers, yielding);
            default -> throw new IllegalArgumentException(
                    "impl must be datacascade, disruptor, jctools or arrayblockingqueue, was " + impl);
        };
        contender.start();
    }

    /** Consumes {@value #EVENTS_PER_INVOCATION} events; the score is events per second. */
    @Benchmark
    @OperationsPerInvocation(EVENTS_PER_INVOCATION)
    public long events() {
        return contender.consume(EVENTS_PER_INVOCATION);
    }

    /** Stops and joins the producers. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (contender != null) {
            contender.close();
        }
    }
}
