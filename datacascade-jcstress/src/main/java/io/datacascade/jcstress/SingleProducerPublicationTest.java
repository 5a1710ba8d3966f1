package io.datacascade.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.datacascade.core.WaitStrategy;
import io.datacascade.core.internal.ring.RingBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Single-producer ring: plain slot writes, then {@code publish} (a release store of the cursor);
 * a consumer whose {@code waitFor} (an acquire load of the cursor) reports a sequence must then
 * see every write to that slot. {@code BUSY_SPIN} is used because it adds no fences of its own.
 */
public final class SingleProducerPublicationTest {
    private SingleProducerPublicationTest() {
    }

    /** One slot, two fields. Result: (waitFor(0, 0), slot.a, slot.b); the slot is read only when reported. */
    @JCStressTest
    @Description("Single producer: a sequence reported by waitFor has both of its slot's fields visible")
    @Outcome(id = "-1, -1, -1", expect = ACCEPTABLE, desc = "not published yet")
    @Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "published, both fields visible")
    @Outcome(expect = FORBIDDEN, desc = "reported as published but the slot is not fully visible")
    @State
    public static class OneSlot {
        private final RingBuffer<Slot> ring = RingBuffer.singleProducer(Slot::new, 4, WaitStrategy.BUSY_SPIN);

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
     * A batch: {@code next(2)} then {@code publish(lo, hi)} with one cursor store for both slots.
     * Result: (waitFor(0, 0), code of slot 0, code of slot 1), see {@link Slot#code()}.
     */
    @JCStressTest
    @Description("Single producer: publish(lo, hi) makes every slot of the batch visible, not only the last")
    @Outcome(id = "-1, -1, -1", expect = ACCEPTABLE, desc = "batch not published yet")
    @Outcome(id = "1, 11, 22", expect = ACCEPTABLE, desc = "whole batch reported, both slots fully visible")
    @Outcome(expect = FORBIDDEN, desc = "part of the batch reported, or a reported slot not fully visible")
    @State
    public static class Batch {
        private final RingBuffer<Slot> ring = RingBuffer.singleProducer(Slot::new, 4, WaitStrategy.BUSY_SPIN);

        @Actor
        public void producer() {
            long hi = ring.next(2);
            long lo = hi - 1;
            ring.get(lo).write(1);
            ring.get(hi).write(2);
            ring.publish(lo, hi);
        }

        @Actor
        public void consumer(III_Result r) {
            long available = ring.waitFor(0, 0);
            r.r1 = (int) available;
            r.r2 = available >= 0 ? ring.get(0).code() : -1;
            r.r3 = available >= 1 ? ring.get(1).code() : -1;
        }
    }
}
