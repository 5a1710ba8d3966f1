package io.datacascade.core.internal.ring;

import static io.datacascade.core.internal.ring.TestThreads.startThread;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datacascade.core.WaitStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A consumer whose processing code throws in the middle of a batch. The consumer releases a
 * batch only once all of it is processed, so after a failure the slots from the last released
 * sequence on are still held: producers must not overwrite them, and a consumer restarted from
 * {@code consumed() + 1} must see each of those events exactly once, followed by the rest of the
 * stream.
 */
@Timeout(60)
class RingBufferConsumerFailureTest {
    private static final long LONG_WAIT = SECONDS.toNanos(10);

    /** Thrown by the test's processing code; stands for a bug or bad record in a pipeline stage. */
    static final class SimulatedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedFailure(long sequence) {
            super("processing failed at sequence " + sequence, null, false, false);
        }
    }

    /** Rings made by the current test, halted after it so that a failed test leaves no thread waiting on one. */
    private final List<RingBuffer<?>> rings = new ArrayList<>();

    @AfterEach
    void haltRings() {
        rings.forEach(RingBuffer::halt);
    }

    RingBuffer<LongSlot> newRing(int producers, int capacity, WaitStrategy strategy) {
        RingBuffer<LongSlot> ring = producers == 1
                ? RingBuffer.singleProducer(LongSlot::new, capacity, strategy)
                : RingBuffer.multiProducer(LongSlot::new, capacity, strategy);
        rings.add(ring);
        return ring;
    }

    /** Takes one batch from {@code from} on, hands each value to {@code processor}, then releases it. */
    static long consumeBatch(RingBuffer<LongSlot> ring, long from, LongConsumer processor) {
        long hi = ring.waitFor(from, LONG_WAIT);
        for (long s = from; s <= hi; s++) {
            processor.accept(ring.get(s).value);
        }
        if (hi >= from) {
            ring.release(hi);
        }
        return hi + 1;
    }

    @ParameterizedTest(name = "{0} producer(s)")
    @ValueSource(ints = {1, 2})
    void shouldKeepUnreleasedBatchIntactForReplayAfterFailureMidBatch(int producers) {
        RingBuffer<LongSlot> ring = newRing(producers, 8, WaitStrategy.PARKING);
        for (int i = 0; i < 8; i++) {
            RingBufferContractTest.publishValue(ring, 100 + i);
        }
        List<Long> processed = new ArrayList<>();

        assertThatThrownBy(() -> consumeBatch(ring, 0, value -> {
            if (value == 105) {
                throw new SimulatedFailure(5);
            }
            processed.add(value);
        })).isInstanceOf(SimulatedFailure.class);

        assertThat(processed).containsExactly(100L, 101L, 102L, 103L, 104L);
        assertThat(ring.consumed()).as("nothing of the failed batch was released").isEqualTo(-1);
        assertThat(ring.tryNext(1)).as("the unreleased slots stay out of producers' reach").isEqualTo(-1);

        processed.clear();
        long next = consumeBatch(ring, ring.consumed() + 1, processed::add);

        assertThat(processed).as("the restarted consumer sees the whole unreleased batch once")
                .containsExactly(100L, 101L, 102L, 103L, 104L, 105L, 106L, 107L);
        assertThat(next).isEqualTo(8);
        assertThat(ring.consumed()).isEqualTo(7);
        long sequence = RingBufferContractTest.publishValue(ring, 108);
        assertThat(sequence).as("producers carry on where they were").isEqualTo(8);
        processed.clear();
        consumeBatch(ring, next, processed::add);
        assertThat(processed).containsExactly(108L);
    }

    @ParameterizedTest(name = "{0} producer(s), capacity {1}, {2}")
    @CsvSource({"1, 16, YIELDING", "4, 16, PARKING", "4, 4, BLOCKING"})
    void shouldSeeEveryEventExactlyOnceAfterRestartingFromLastReleasedSequence(int producers, int capacity,
                                                                               WaitStrategy strategy)
            throws Exception {
        long eventsPerProducer = 200_000 / producers;
        RingBuffer<LongSlot> ring = newRing(producers, capacity, strategy);
        List<CompletableFuture<Long>> running = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            running.add(startThread("failure-producer-" + p, () -> {
                for (long counter = 0; counter < eventsPerProducer; counter++) {
                    long sequence = ring.next();
                    ring.get(sequence).value = LongSlot.encode(producer, counter);
                    ring.publish(sequence);
                }
                return eventsPerProducer;
            }));
        }
        FailingConsumer consumer = new FailingConsumer(ring, producers, producers * eventsPerProducer);

        // a supervisor: whenever the consumer thread dies, start a new one from the last released sequence
        while (ring.consumed() < producers * eventsPerProducer - 1) {
            long from = ring.consumed() + 1;
            CompletableFuture<Long> run = startThread("failure-consumer", () -> consumer.consumeFrom(from));
            try {
                run.get(30, SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(SimulatedFailure.class);
                consumer.failures++;
            }
        }

        for (CompletableFuture<Long> producer : running) {
            assertThat(producer.get(5, SECONDS)).as("a producer finished normally").isEqualTo(eventsPerProducer);
        }
        for (int p = 0; p < producers; p++) {
            assertThat(consumer.committed[p]).as("events of producer %d processed and released", p)
                    .isEqualTo(eventsPerProducer);
        }
        assertThat(consumer.failures).as("the consumer did fail along the way").isGreaterThan(100);
        assertThat(ring.claimed()).isEqualTo(ring.consumed());
        assertThat(ring.remainingCapacity()).isEqualTo(capacity);
        System.out.printf("%d producer(s), capacity %d, %s: %d consumer failures, %d of them after part of the"
                + " batch was processed%n", producers, capacity, strategy, consumer.failures, consumer.midBatchFailures);
    }

    /**
     * Processes batches and fails now and then at a random position inside one. Progress per
     * producer is staged while a batch is processed and committed only with {@code release}, like a
     * stage that hands its output on at the end of each batch; a failure discards the staged part.
     */
    private static final class FailingConsumer {
        private static final int FAILURE_ODDS = 40;

        private final RingBuffer<LongSlot> ring;
        private final long total;
        private final SplittableRandom random = new SplittableRandom(42);
        final long[] committed;
        int failures;
        int midBatchFailures;

        FailingConsumer(RingBuffer<LongSlot> ring, int producers, long total) {
            this.ring = ring;
            this.total = total;
            this.committed = new long[producers];
        }

        long consumeFrom(long next) {
            while (next < total) {
                long available = ring.waitFor(next, LONG_WAIT);
                assertThat(available).as("waitFor(%d) with producers streaming", next).isGreaterThanOrEqualTo(next);
                long failAt = random.nextInt(FAILURE_ODDS) == 0 ? random.nextLong(next, available + 1) : -1;
                long[] staged = committed.clone();
                for (long s = next; s <= available; s++) {
                    if (s == failAt) {
                        if (s > next) {
                            midBatchFailures++;
                        }
                        throw new SimulatedFailure(s);
                    }
                    long value = ring.get(s).value;
                    int producer = LongSlot.producerOf(value);
                    assertThat(LongSlot.counterOf(value))
                            .as("sequence %d, producer %d (last released %d)", s, producer, ring.consumed())
                            .isEqualTo(staged[producer]);
                    staged[producer]++;
                }
                ring.release(available);
                System.arraycopy(staged, 0, committed, 0, staged.length);
                next = available + 1;
            }
            return next;
        }
    }
}
