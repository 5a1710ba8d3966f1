package io.datacascade.core.internal.ring;

import io.datacascade.core.WaitStrategy;
import java.util.function.Supplier;

/** Runs the ring contract against the single-producer ring. */
class SingleProducerRingBufferTest extends RingBufferContractTest {

    @Override
    <E> RingBuffer<E> newRing(Supplier<? extends E> factory, int capacity, WaitStrategy waitStrategy) {
        return RingBuffer.singleProducer(factory, capacity, waitStrategy);
    }
}
