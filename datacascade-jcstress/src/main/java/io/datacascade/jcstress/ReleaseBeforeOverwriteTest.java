package io.datacascade.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.datacascade.core.WaitStrategy;
import io.datacascade.core.internal.ring.RingBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Release and re-claim on a one-slot ring: sequence 0 is written (1, 1) and published up front.
 * The consumer reads it and releases it ({@code release}: a release store of the gating
 * sequence); a producer concurrently tries to claim sequence 1, the same slot on the next lap
 * ({@code tryNext}, so it never waits for the consumer), and overwrites it with (2, 2). The
 * consumer's reads must not see the next lap: the producer's acquire load of the gating sequence
 * must order its writes after the consumer's reads (the load-buffering shape).
 *
 * <p>Result: (waitFor(0, 0), slot.a, slot.b as the consumer read them, what tryNext returned).
 */
public final class ReleaseBeforeOverwriteTest {
    private ReleaseBeforeOverwriteTest() {
    }

    static void publishFirstLap(RingBuffer<Slot> ring) {
        long sequence = ring.next();
        ring.get(sequence).write(1);
        ring.publish(sequence);
    }

    static void consume(RingBuffer<Slot> ring, IIII_Result r) {
        long available = ring.waitFor(0, 0);
        Slot slot = ring.get(0);
        r.r1 = (int) available;
        r.r2 = slot.a;
        r.r3 = slot.b;
        ring.release(0);
    }

    static void claimNextLap(RingBuffer<Slot> ring, IIII_Result r) {
        long sequence = ring.tryNext(1);
        r.r4 = (int) sequence;
        if (sequence >= 0) {
            ring.get(sequence).write(2);
            ring.publish(sequence);
        }
    }

    /** On the single-producer ring. */
    @JCStressTest
    @Description("Single-producer ring of one slot: a producer never overwrites a slot before the consumer has read it")
    @Outcome(id = "0, 1, 1, -1", expect = ACCEPTABLE, desc = "ring full: the producer came before the release")
    @Outcome(id = "0, 1, 1, 1", expect = ACCEPTABLE_INTERESTING, desc = "released, then re-claimed; the consumer read lap 0")
    @Outcome(expect = FORBIDDEN, desc = "the consumer read a slot the producer was already overwriting")
    @State
    public static class SingleProducer {
        private final RingBuffer<Slot> ring = RingBuffer.singleProducer(Slot::new, 1, WaitStrategy.BUSY_SPIN);

        public SingleProducer() {
            publishFirstLap(ring);
        }

        @Actor
        public void consumer(IIII_Result r) {
            consume(ring, r);
        }

        @Actor
        public void producer(IIII_Result r) {
            claimNextLap(ring, r);
        }
    }

    /** On the multi-producer ring, whose claims go through a cached copy of the gating sequence. */
    @JCStressTest
    @Description("Multi-producer ring of one slot: a producer never overwrites a slot before the consumer has read it")
    @Outcome(id = "0, 1, 1, -1", expect = ACCEPTABLE, desc = "ring full: the producer came before the release")
    @Outcome(id = "0, 1, 1, 1", expect = ACCEPTABLE_INTERESTING, desc = "released, then re-claimed; the consumer read lap 0")
    @Outcome(expect = FORBIDDEN, desc = "the consumer read a slot the producer was already overwriting")
    @State
    public static class MultiProducer {
        private final RingBuffer<Slot> ring = RingBuffer.multiProducer(Slot::new, 1, WaitStrategy.BUSY_SPIN);

        public MultiProducer() {
            publishFirstLap(ring);
        }

        @Actor
        public void consumer(IIII_Result r) {
            consume(ring, r);
        }

        @Actor
        public void producer(IIII_Result r) {
            claimNextLap(ring, r);
        }
    }
}
