package io.datacascade.core.internal.ring;

import static io.datacascade.core.internal.ring.TestThreads.startThread;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.datacascade.core.WaitStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hunts lost wake-ups in {@link WaitStrategy#BLOCKING}: the consumer parks with a long timeout, so
 * a publication whose signal is lost leaves it asleep while data waits. Producers pause for random
 * short times before publishing, so the publication lands in every phase of the consumer's wait:
 * still spinning, announcing itself, re-checking, parked. A watchdog fails the test, with a thread
 * dump, when published events stay unconsumed for {@link #STALL}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BlockingWaitStrategyWakeUpTest {
    /** The consumer's per-call timeout: far longer than any legitimate wait in these tests. */
    private static final long CONSUMER_WAIT_NANOS = SECONDS.toNanos(10);
    /** Published data left unconsumed this long means the consumer slept through its wake-up. */
    private static final Duration STALL = Duration.ofSeconds(5);

    /** Rings made by the current test, halted after it so that a failed test leaves no thread waiting on one. */
    private final List<RingBuffer<?>> rings = new ArrayList<>();

    @AfterEach
    void haltRings() {
        rings.forEach(RingBuffer::halt);
    }

    RingBuffer<LongSlot> newRing(int producers, int capacity) {
        RingBuffer<LongSlot> ring = producers == 1
                ? RingBuffer.singleProducer(LongSlot::new, capacity, WaitStrategy.BLOCKING)
                : RingBuffer.multiProducer(LongSlot::new, capacity, WaitStrategy.BLOCKING);
        rings.add(ring);
        return ring;
    }

    @ParameterizedTest(name = "{0} producer(s)")
    @ValueSource(ints = {1, 2})
    void shouldWakeConsumerForEveryEventWhenEachPublicationMustWakeIt(int producers) throws Exception {
        int eventsPerProducer = 60_000 / producers;
        RingBuffer<LongSlot> ring = newRing(producers, 8);

        // each producer publishes one event and waits until it is consumed, so (with one producer)
        // no later publication can make up for a lost wake-up
        run(ring, producers, eventsPerProducer, (producer, random) -> {
            for (long counter = 0; counter < eventsPerProducer; counter++) {
                randomPause(random);
                long sequence = publish(ring, producer, counter);
                awaitConsumed(ring, sequence);
            }
        });
    }

    @ParameterizedTest(name = "{0} producer(s), capacity {1}")
    @CsvSource({"1, 1", "1, 8", "2, 1", "2, 8", "4, 4"})
    void shouldDeliverEveryEventPublishedWithRandomPauses(int producers, int capacity) throws Exception {
        int eventsPerProducer = 60_000 / producers;
        RingBuffer<LongSlot> ring = newRing(producers, capacity);

        run(ring, producers, eventsPerProducer, (producer, random) -> {
            for (long counter = 0; counter < eventsPerProducer; counter++) {
                if (random.nextInt(4) == 0) {
                    randomPause(random);
                }
                publish(ring, producer, counter);
            }
        });
    }

    interface Producer {
        void run(int producer, SplittableRandom random);
    }

    /**
     * Runs the producers and a checking consumer, watching that published events never wait
     * {@link #STALL} for the consumer.
     */
    private static void run(RingBuffer<LongSlot> ring, int producers, long eventsPerProducer, Producer body)
            throws Exception {
        long total = producers * eventsPerProducer;
        List<CompletableFuture<Long>> producing = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            SplittableRandom random = new SplittableRandom(1_000 + p);
            producing.add(startThread("wakeup-producer-" + p, () -> {
                body.run(producer, random);
                return eventsPerProducer;
            }));
        }
        CompletableFuture<long[]> consuming = startThread("wakeup-consumer", () -> consume(ring, producers, total));

        long began = System.nanoTime();
        watchForStalls(ring, consuming);
        long[] received = consuming.get();
        long elapsedNanos = System.nanoTime() - began;

        for (CompletableFuture<Long> producer : producing) {
            assertThat(producer.get(5, SECONDS)).isEqualTo(eventsPerProducer);
        }
        assertThat(received).containsOnly(eventsPerProducer);
        System.out.printf("BLOCKING, %d producer(s), capacity %d: %,d events in %d ms%n", producers,
                ring.capacity(), total, elapsedNanos / 1_000_000);
    }

    private static long[] consume(RingBuffer<LongSlot> ring, int producers, long total) {
        long[] received = new long[producers];
        long next = 0;
        while (next < total) {
            long available = ring.waitFor(next, CONSUMER_WAIT_NANOS);
            if (available < next) {
                if (ring.isHalted()) {
                    return received; // the watchdog halted the ring and reports the stall
                }
                throw new AssertionError("waitFor(" + next + ") returned " + available
                        + " although the ring was neither alerted nor halted and the watchdog saw no stall");
            }
            for (long s = next; s <= available; s++) {
                long value = ring.get(s).value;
                int producer = LongSlot.producerOf(value);
                assertThat(LongSlot.counterOf(value)).as("sequence %d of producer %d", s, producer)
                        .isEqualTo(received[producer]);
                received[producer]++;
            }
            ring.release(available);
            next = available + 1;
        }
        return received;
    }

    private static void watchForStalls(RingBuffer<LongSlot> ring, CompletableFuture<?> consuming)
            throws InterruptedException, ExecutionException {
        long lastConsumed = ring.consumed();
        long lastProgress = System.nanoTime();
        while (true) {
            try {
                consuming.get(10, MILLISECONDS);
                return;
            } catch (TimeoutException stillRunning) {
                long consumed = ring.consumed();
                long claimed = ring.claimed();
                long now = System.nanoTime();
                if (consumed != lastConsumed) {
                    lastConsumed = consumed;
                    lastProgress = now;
                } else if (claimed > consumed && now - lastProgress > STALL.toNanos()) {
                    String threads = TestThreads.dumpThreads("wakeup-");
                    ring.halt();
                    fail("lost wake-up: sequences %d..%d published but the consumer has not taken them for %s%s",
                            consumed + 1, claimed, STALL, threads);
                }
            }
        }
    }

    private static long publish(RingBuffer<LongSlot> ring, int producer, long counter) {
        long sequence = ring.next();
        ring.get(sequence).value = LongSlot.encode(producer, counter);
        ring.publish(sequence);
        return sequence;
    }

    /**
     * Pauses for a random short time, so the next publication lands in a random phase of the
     * consumer's wait. The consumer spins about a hundred {@link Thread#onSpinWait()} rounds before
     * it parks, so most pauses are spins of that order: they aim at the few instructions in which
     * the consumer announces itself and re-checks the cursor, where a lost wake-up would happen.
     */
    private static void randomPause(SplittableRandom random) {
        int kind = random.nextInt(10);
        if (kind < 6) {
            spin(random.nextInt(250));
        } else if (kind < 7) {
            Thread.yield();
        } else if (kind < 9) {
            LockSupport.parkNanos(random.nextLong(1_000, 50_000));
        }
        // else: publish at once
    }

    private static void spin(int rounds) {
        for (int i = 0; i < rounds; i++) {
            Thread.onSpinWait();
        }
    }

    /** Waits for the consumer to take {@code sequence}, spinning first so the next pause starts on time. */
    private static void awaitConsumed(RingBuffer<LongSlot> ring, long sequence) {
        int round = 0;
        while (ring.consumed() < sequence && !ring.isHalted()) {
            if (++round < 1_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }
}
