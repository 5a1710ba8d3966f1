package io.datacascade.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.datacascade.core.WaitStrategy;
import io.datacascade.core.internal.ring.RingBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Multi-producer ring: producers claim by CAS on the cursor, so the cursor says nothing about
 * publication; each slot's availability mark (release store in {@code publish}, acquire load in
 * {@code waitFor}) does. {@code waitFor} must report only sequences whose slots are fully written,
 * and must stop at the first claimed-but-unpublished sequence.
 */
public final class MultiProducerPublicationTest {
    private MultiProducerPublicationTest() {
    }

    /** One producer on the multi-producer ring. Result: (waitFor(0, 0), slot.a, slot.b). */
    @JCStressTest
    @Description("Multi-producer ring, one producer: a sequence reported by waitFor has its slot fully visible")
    @Outcome(id = "-1, -1, -1", expect = ACCEPTABLE, desc = "not published yet (maybe claimed)")
    @Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "published, both fields visible")
    @Outcome(expect = FORBIDDEN, desc = "reported as published but the slot is not fully visible")
    @State
    public static class OneProducer {
        private final RingBuffer<Slot> ring = RingBuffer.multiProducer(Slot::new, 4, WaitStrategy.BUSY_SPIN);

        @Actor
        public void producer() {
            long sequence = ring.next();
            Slot slot = ring.get(sequence);
            slot.a = 1;
            slot.b = 2;
            ring.publish(sequence);
        }

        @Actor
        public void consumer(III_Result r) {
            long available = ring.waitFor(0, 0);
            r.r1 = (int) available;
            if (available >= 0) {
                Slot slot = ring.get(0);
                r.r2 = slot.a;
                r.r3 = slot.b;
            } else {
                r.r2 = -1;
                r.r3 = -1;
            }
        }
    }

    /**
     * Two producers race for sequences 0 and 1 ({@code next()}: a CAS on the cursor) and each
     * writes its own id into the slot it got: 1 by {@code producer}, 2 by {@code producerThenConsumer},
     * which then also consumes. When it got sequence 1 and the other producer has not published 0
     * yet, this is the gap: {@code waitFor(0, 0)} must say -1 although 1 is published. Two actors
     * only, so it runs on two CPUs ({@link GapSeparateConsumer} needs three).
     *
     * <p>Result: (waitFor(0, 0), code of slot 0, code of slot 1, the sequence the consumer's own
     * claim got), each slot read only when reported; then 1 from the arbiter if, after both actors,
     * waitFor reports both and the two claims got different slots (none lost or duplicated), else 0.
     */
    @JCStressTest
    @Description("Multi-producer ring, racing claims: waitFor never reports past a gap or a slot not fully written")
    @Outcome(id = "0, 22, -1, 0, 1", expect = ACCEPTABLE, desc = "own claim got 0; the other producer's 1 not published yet")
    @Outcome(id = "1, 22, 11, 0, 1", expect = ACCEPTABLE, desc = "own claim got 0; both published")
    @Outcome(id = "-1, -1, -1, 1, 1", expect = ACCEPTABLE_INTERESTING, desc = "own claim got 1, the other's 0 not published: waitFor stopped at the gap")
    @Outcome(id = "1, 11, 22, 1, 1", expect = ACCEPTABLE, desc = "own claim got 1; both published")
    @Outcome(expect = FORBIDDEN, desc = "reported past a gap, a reported slot not fully written, or claims lost/duplicated")
    @State
    public static class TwoProducers {
        private final RingBuffer<Slot> ring = RingBuffer.multiProducer(Slot::new, 2, WaitStrategy.BUSY_SPIN);

        @Actor
        public void producer() {
            long sequence = ring.next();
            ring.get(sequence).write(1);
            ring.publish(sequence);
        }

        @Actor
        public void producerThenConsumer(IIIII_Result r) {
            long own = ring.next();
            ring.get(own).write(2);
            ring.publish(own);

            long available = ring.waitFor(0, 0);
            r.r1 = (int) available;
            r.r2 = available >= 0 ? ring.get(0).code() : -1;
            r.r3 = available >= 1 ? ring.get(1).code() : -1;
            r.r4 = (int) own;
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            int first = ring.get(0).code();
            int second = ring.get(1).code();
            boolean distinct = first == 11 && second == 22 || first == 22 && second == 11;
            r.r5 = ring.waitFor(0, 0) == 1 && ring.claimed() == 1 && distinct ? 1 : 0;
        }
    }

    /**
     * The gap, made deterministic: sequences 0 and 1 are claimed up front; one actor publishes 0,
     * the other publishes 1 and then consumes. Until 0 is published, {@code waitFor(0, 0)} must say
     * -1 although 1 is. Result: (waitFor(0, 0), waitFor(1, 0), code of slot 0, code of slot 1), each
     * slot read only when reported by either call.
     */
    @JCStressTest
    @Description("Multi-producer ring: waitFor stops at a claimed but unpublished sequence")
    @Outcome(id = "-1, 1, -1, 22", expect = ACCEPTABLE_INTERESTING, desc = "1 published, 0 not: waitFor stopped at the gap")
    @Outcome(id = "1, 1, 11, 22", expect = ACCEPTABLE, desc = "both published")
    @Outcome(expect = FORBIDDEN, desc = "reported past the gap, missed its own publication, or a reported slot not fully written")
    @State
    public static class Gap {
        private final RingBuffer<Slot> ring = RingBuffer.multiProducer(Slot::new, 2, WaitStrategy.BUSY_SPIN);

        public Gap() {
            ring.next(2);
        }

        @Actor
        public void publishesZero() {
            ring.get(0).write(1);
            ring.publish(0);
        }

        @Actor
        public void publishesOneThenConsumes(IIII_Result r) {
            ring.get(1).write(2);
            ring.publish(1);
            consumeZeroAndOne(ring, r);
        }
    }

    /**
     * {@link Gap} with the consumer on a third thread, as in a pipeline. jcstress runs a test only
     * when the machine has a CPU per actor, so this one is skipped on two-CPU machines.
     */
    @JCStressTest
    @Description("Multi-producer ring, separate consumer: waitFor stops at a claimed but unpublished sequence")
    @Outcome(id = "-1, 0, -1, -1", expect = ACCEPTABLE, desc = "nothing published yet")
    @Outcome(id = "-1, 1, -1, 22", expect = ACCEPTABLE_INTERESTING, desc = "1 published, 0 not: waitFor stopped at the gap")
    @Outcome(id = "0, 0, 11, -1", expect = ACCEPTABLE, desc = "only 0 published")
    @Outcome(id = "0, 1, 11, 22", expect = ACCEPTABLE, desc = "0 seen first, then 1")
    @Outcome(id = "1, 1, 11, 22", expect = ACCEPTABLE, desc = "both published")
    @Outcome(expect = FORBIDDEN, desc = "reported past the gap, or a reported slot not fully written")
    @State
    public static class GapSeparateConsumer {
        private final RingBuffer<Slot> ring = RingBuffer.multiProducer(Slot::new, 2, WaitStrategy.BUSY_SPIN);

        public GapSeparateConsumer() {
            ring.next(2);
        }

        @Actor
        public void publishesZero() {
            ring.get(0).write(1);
            ring.publish(0);
        }

        @Actor
        public void publishesOne() {
            ring.get(1).write(2);
            ring.publish(1);
        }

        @Actor
        public void consumer(IIII_Result r) {
            consumeZeroAndOne(ring, r);
        }
    }

    /**
     * A claimed but unpublished sequence is waited for, not given up on: sequence 0 is claimed up
     * front (so the cursor already covers it), then one actor publishes it while the other waits
     * for it with a timeout far longer than the publisher needs. {@code waitFor} may return below
     * the sequence only once the timeout has passed (or on alert/halt, not used here). The wait is
     * one-way and bounded, so the actors can never block each other for good. Result: (waitFor(0,
     * 1 s), code of slot 0 when reported, 1 if waitFor returned below 0 before the timeout).
     */
    @JCStressTest
    @Description("Multi-producer ring: waitFor with a timeout waits for a claimed but unpublished sequence")
    @Outcome(id = "0, 11, 0", expect = ACCEPTABLE, desc = "waited until the producer published")
    @Outcome(id = "-1, -1, 0", expect = ACCEPTABLE_INTERESTING, desc = "genuine timeout: the publisher was starved for a whole second")
    @Outcome(expect = FORBIDDEN, desc = "gave up early with no timeout, alert or halt, or a reported slot not fully written")
    @State
    public static class ClaimedButUnpublishedIsWaitedFor {
        private static final long TIMEOUT_NANOS = 1_000_000_000L;

        private final RingBuffer<Slot> ring = RingBuffer.multiProducer(Slot::new, 2, WaitStrategy.YIELDING);

        public ClaimedButUnpublishedIsWaitedFor() {
            ring.next();
        }

        @Actor
        public void publisher() {
            ring.get(0).write(1);
            ring.publish(0);
        }

        @Actor
        public void consumer(III_Result r) {
            long start = System.nanoTime();
            long available = ring.waitFor(0, TIMEOUT_NANOS);
            boolean early = available < 0 && System.nanoTime() - start < TIMEOUT_NANOS;
            r.r1 = (int) available;
            r.r2 = available >= 0 ? ring.get(0).code() : -1;
            r.r3 = early ? 1 : 0;
        }
    }

    /** (waitFor(0, 0), waitFor(1, 0), code of slot 0, code of slot 1), slots read only when reported. */
    static void consumeZeroAndOne(RingBuffer<Slot> ring, IIII_Result r) {
        long upToZero = ring.waitFor(0, 0);
        long upToOne = ring.waitFor(1, 0);
        r.r1 = (int) upToZero;
        r.r2 = (int) upToOne;
        r.r3 = upToZero >= 0 ? ring.get(0).code() : -1;
        r.r4 = upToZero >= 1 || upToOne >= 1 ? ring.get(1).code() : -1;
    }
}
