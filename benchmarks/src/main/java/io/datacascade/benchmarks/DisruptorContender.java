package io.datacascade.benchmarks;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

/**
 * LMAX Disruptor 4's {@link RingBuffer} of pre-allocated {@link LongEvent} slots,
 * {@code ProducerType.SINGLE} for one producer and {@code MULTI} for two. Producer, per event:
 * {@code tryNext()} (its "full" signal is a pre-allocated exception without stack trace), a plain
 * write of the long into the slot, {@code publish(s)}. Consumer: the loop of
 * {@code BatchEventProcessor} run on the JMH thread: {@code SequenceBarrier.waitFor} per batch, a
 * plain read per slot, one release store of the gating {@link Sequence} per batch. The consumer
 * idles inside {@code waitFor} with {@link YieldingWaitStrategy} or {@link BusySpinWaitStrategy}.
 * That {@code waitFor} has no timeout, so the 30 s stall check of the other contenders does not
 * apply here; a failing producer wakes it with {@link SequenceBarrier#alert()} instead.
 */
final class DisruptorContender extends RingContender {
    private final RingBuffer<LongEvent> ring;
    private final SequenceBarrier barrier;
    private final Sequence consumed = new Sequence(-1);
    private long next;

    DisruptorContender(int producers, int capacity, boolean yielding) {
        super("disruptor", producers, yielding);
        WaitStrategy strategy = yielding ? new YieldingWaitStrategy() : new BusySpinWaitStrategy();
        this.ring = producers == 1
                ? RingBuffer.createSingleProducer(LongEvent::new, capacity, strategy)
                : RingBuffer.createMultiProducer(LongEvent::new, capacity, strategy);
        this.barrier = ring.newBarrier();
        ring.addGatingSequences(consumed);
    }

    @Override
    boolean tryPublish(long value) {
        long s;
        try {
            s = ring.tryNext();
        } catch (InsufficientCapacityException full) {
            return false;
        }
        ring.get(s).value = value;
        ring.publish(s);
        return true;
    }

    @Override
    long consume(int n) {
        long sum = 0;
        long end = next + n;
        while (next < end) {
            long available;
            try {
                available = barrier.waitFor(next);
            } catch (AlertException | TimeoutException e) {
                throw failed("the disruptor consumer was woken: a producer failed", null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failed("the disruptor consumer was interrupted", e);
            }
            long hi = Math.min(available, end - 1);
            for (long s = next; s <= hi; s++) {
                sum += ring.get(s).value;
            }
            if (hi >= next) {
                consumed.set(hi);
                next = hi + 1;
            }
        }
        return sum;
    }

    @Override
    void wakeConsumer() {
        barrier.alert();
    }
}
