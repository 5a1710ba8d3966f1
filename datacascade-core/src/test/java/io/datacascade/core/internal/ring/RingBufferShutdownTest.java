package io.datacascade.core.internal.ring;

import static io.datacascade.core.internal.ring.TestThreads.pause;
import static io.datacascade.core.internal.ring.TestThreads.startThread;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datacascade.core.WaitStrategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Shutting a ring down while its producers wait for room: {@link RingBuffer#halt()} must release
 * every one of them with {@link RingHaltedException}, whatever the wait strategy, so that no
 * source thread outlives its pipeline; what was published before the halt stays readable.
 */
@Timeout(60)
class RingBufferShutdownTest {
    private static final int CAPACITY = 4;

    /** The single-producer ring with its one producer, the multi-producer ring with several. */
    static Stream<Arguments> producersAndStrategies() {
        return Stream.of(WaitStrategy.values())
                .flatMap(strategy -> Stream.of(Arguments.of(1, strategy), Arguments.of(4, strategy)));
    }

    /** Rings made by the current test, halted after it so that a failed test leaves no thread waiting on one. */
    private final List<RingBuffer<?>> rings = new ArrayList<>();

    @AfterEach
    void haltRings() {
        rings.forEach(RingBuffer::halt);
    }

    RingBuffer<LongSlot> newRing(int producers, WaitStrategy strategy) {
        RingBuffer<LongSlot> ring = producers == 1
                ? RingBuffer.singleProducer(LongSlot::new, CAPACITY, strategy)
                : RingBuffer.multiProducer(LongSlot::new, CAPACITY, strategy);
        rings.add(ring);
        return ring;
    }

    @ParameterizedTest(name = "{0} producer(s), {1}")
    @MethodSource("producersAndStrategies")
    void shouldThrowRingHaltedToEveryProducerBlockedInNext(int producers, WaitStrategy strategy) {
        RingBuffer<LongSlot> ring = newRing(producers, strategy);
        AtomicLongArray published = new AtomicLongArray(producers);
        List<CompletableFuture<Long>> running = startStreamingProducers(ring, published);

        awaitFullRing(ring);
        pause(50);
        assertThat(running).as("nobody consumes, so every producer waits").noneMatch(CompletableFuture::isDone);

        ring.halt();

        assertEveryProducerHalted(running);
        assertThat(ring.claimed()).as("no claim got past the full ring").isEqualTo(CAPACITY - 1);
        assertThat(sum(published)).isEqualTo(CAPACITY);
    }

    @ParameterizedTest(name = "{0} producer(s), {1}")
    @MethodSource("producersAndStrategies")
    void shouldThrowRingHaltedToProducersBlockedOnBatchClaimThatDoesNotFit(int producers, WaitStrategy strategy) {
        RingBuffer<LongSlot> ring = newRing(producers, strategy);
        long hi = ring.next(CAPACITY - 1);
        ring.publish(0, hi);
        List<CompletableFuture<Long>> blocked = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            blocked.add(startThread("halt-producer-" + p, () -> ring.next(2)));
        }
        pause(50);
        assertThat(blocked).as("one slot is free, a claim of two must wait").noneMatch(CompletableFuture::isDone);

        ring.halt();

        assertEveryProducerHalted(blocked);
        assertThat(ring.claimed()).isEqualTo(hi);
    }

    @ParameterizedTest(name = "{0} producer(s), {1}")
    @MethodSource("producersAndStrategies")
    void shouldLetTryNextLoopsSeeTheHaltAndStop(int producers, WaitStrategy strategy) throws Exception {
        RingBuffer<LongSlot> ring = newRing(producers, strategy);
        List<CompletableFuture<Long>> running = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            running.add(startThread("halt-producer-" + p, () -> {
                long sent = 0;
                while (true) {
                    long sequence = ring.tryNext(1);
                    if (sequence < 0) {
                        if (ring.isHalted()) {
                            return sent;
                        }
                        Thread.yield();
                        continue;
                    }
                    ring.get(sequence).value = LongSlot.encode(producer, sent++);
                    ring.publish(sequence);
                }
            }));
        }
        awaitFullRing(ring);
        pause(50);
        assertThat(running).noneMatch(CompletableFuture::isDone);

        ring.halt();

        long sent = 0;
        for (CompletableFuture<Long> producer : running) {
            sent += producer.get(5, SECONDS);
        }
        assertThat(sent).isEqualTo(CAPACITY);
    }

    @ParameterizedTest(name = "{0} producer(s), {1}")
    @MethodSource("producersAndStrategies")
    void shouldHaltProducersOfAStalledConsumerAndKeepPublishedEventsReadable(int producers, WaitStrategy strategy)
            throws Exception {
        RingBuffer<LongSlot> ring = newRing(producers, strategy);
        AtomicLongArray published = new AtomicLongArray(producers);
        long[] received = new long[producers];
        List<CompletableFuture<Long>> running = startStreamingProducers(ring, published);

        long next = consume(ring, 0, 1_000, received);
        // the consumer stops taking events: the ring fills up and every producer waits
        awaitFullRing(ring);
        pause(50);
        assertThat(running).noneMatch(CompletableFuture::isDone);

        ring.halt();

        assertEveryProducerHalted(running);
        consume(ring, next, Long.MAX_VALUE, received);
        for (int p = 0; p < producers; p++) {
            assertThat(received[p]).as("events of producer %d read after draining the halted ring", p)
                    .isEqualTo(published.get(p));
        }
    }

    /** Producers that publish {@code (producer, counter)} events until the ring stops them. */
    private static List<CompletableFuture<Long>> startStreamingProducers(RingBuffer<LongSlot> ring,
                                                                         AtomicLongArray published) {
        List<CompletableFuture<Long>> running = new ArrayList<>();
        for (int p = 0; p < published.length(); p++) {
            int producer = p;
            running.add(startThread("halt-producer-" + p, () -> {
                for (long counter = 0; ; counter++) {
                    long sequence = ring.next();
                    ring.get(sequence).value = LongSlot.encode(producer, counter);
                    ring.publish(sequence);
                    published.set(producer, counter + 1);
                }
            }));
        }
        return running;
    }

    /**
     * Reads events from {@code next} on, checking each producer's order, until {@code limit}
     * events were read or none is left; returns the next sequence to read.
     */
    private static long consume(RingBuffer<LongSlot> ring, long next, long limit, long[] received) {
        long read = 0;
        while (read < limit) {
            long available = ring.waitFor(next, ring.isHalted() ? 0 : SECONDS.toNanos(10));
            if (available < next) {
                assertThat(ring.isHalted()).as("waitFor(%d) gave up while producers were streaming", next).isTrue();
                return next;
            }
            for (long s = next; s <= available; s++) {
                long value = ring.get(s).value;
                int producer = LongSlot.producerOf(value);
                assertThat(LongSlot.counterOf(value)).as("sequence %d of producer %d", s, producer)
                        .isEqualTo(received[producer]);
                received[producer]++;
                read++;
            }
            ring.release(available);
            next = available + 1;
        }
        return next;
    }

    private static void awaitFullRing(RingBuffer<LongSlot> ring) {
        long deadline = System.nanoTime() + SECONDS.toNanos(10);
        while (ring.claimed() - ring.consumed() < CAPACITY) {
            assertThat(System.nanoTime() - deadline).as("ring filled up in time").isNegative();
            Thread.yield();
        }
    }

    private static void assertEveryProducerHalted(List<CompletableFuture<Long>> producers) {
        for (int p = 0; p < producers.size(); p++) {
            CompletableFuture<Long> producer = producers.get(p);
            assertThatThrownBy(() -> producer.get(5, SECONDS))
                    .as("producer %d after halt()", p)
                    .isInstanceOf(ExecutionException.class)
                    .cause().isSameAs(RingHaltedException.INSTANCE);
        }
    }

    private static long sum(AtomicLongArray values) {
        long[] copy = new long[values.length()];
        Arrays.setAll(copy, values::get);
        return Arrays.stream(copy).sum();
    }
}
