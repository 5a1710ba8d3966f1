package io.datacascade.core.internal.ring;

import static io.datacascade.core.WaitStrategy.BLOCKING;
import static io.datacascade.core.WaitStrategy.BUSY_SPIN;
import static io.datacascade.core.WaitStrategy.PARKING;
import static io.datacascade.core.WaitStrategy.YIELDING;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.datacascade.core.WaitStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pushes millions of events from several producers through tiny rings, so that every run wraps
 * around thousands of times, and checks the history the single consumer saw: every event of
 * every producer exactly once, in the producer's order, never read before it was written, and
 * never overwritten before it was read.
 *
 * <p>Sizes are set for two cores shared with other builds: about 10 s on an idle machine, under a
 * minute on a busy one, where repeats are cut short after {@link #REPEAT_BUDGET}. Busy-spinning
 * runs only where threads do not outnumber the cores by much, since a spinner that loses its core
 * stalls its partner. Throughput is printed for information; nothing here asserts on time except
 * the per-run limit that turns a lost wake-up into a failure.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RingBufferStressTest {
    private static final int REPEATS = 3;
    /** Repeats stop once a scenario has run this long, so a busy machine cannot push the class past its budget. */
    private static final Duration REPEAT_BUDGET = Duration.ofSeconds(5);
    /** A run that has not finished by then has stalled: a lost wake-up or a lost event. */
    private static final Duration RUN_LIMIT = Duration.ofSeconds(30);
    /** Long, so that a consumer that misses its wake-up stalls visibly instead of timing out and recovering. */
    private static final long CONSUMER_WAIT_NANOS = SECONDS.toNanos(10);
    private static final AtomicLong TOTAL_EVENTS = new AtomicLong();

    /** How producers claim slots. */
    enum Claim { NEXT, TRY_NEXT }

    /** One configuration of ring and producers. */
    record Scenario(boolean multiProducer, int producers, int capacity, WaitStrategy strategy, int batch,
                    Claim claim, long eventsPerProducer) {

        RingBuffer<LongSlot> newRing() {
            return multiProducer
                    ? RingBuffer.multiProducer(LongSlot::new, capacity, strategy)
                    : RingBuffer.singleProducer(LongSlot::new, capacity, strategy);
        }

        long totalEvents() {
            return producers * eventsPerProducer;
        }

        @Override
        public String toString() {
            return String.format("%s x%d, capacity %d, %s%s%s, %,d events", multiProducer ? "multi" : "single",
                    producers, capacity, strategy, batch > 1 ? ", batches of " + batch : "",
                    claim == Claim.TRY_NEXT ? ", tryNext" : "", totalEvents());
        }
    }

    static Scenario single(int capacity, WaitStrategy strategy, long events) {
        return new Scenario(false, 1, capacity, strategy, 1, Claim.NEXT, events);
    }

    static Scenario multi(int producers, int capacity, WaitStrategy strategy, long eventsPerProducer) {
        return new Scenario(true, producers, capacity, strategy, 1, Claim.NEXT, eventsPerProducer);
    }

    static Stream<Scenario> scenarios() {
        return Stream.of(
                single(1024, BUSY_SPIN, 2_000_000),
                single(2, YIELDING, 300_000),
                single(4, PARKING, 300_000),
                single(1, BLOCKING, 300_000),
                single(1024, BLOCKING, 2_000_000),
                new Scenario(false, 1, 4, YIELDING, 4, Claim.NEXT, 1_000_000),
                new Scenario(false, 1, 2, PARKING, 1, Claim.TRY_NEXT, 300_000),

                multi(2, 1024, BUSY_SPIN, 100_000),
                multi(2, 1, PARKING, 100_000),
                multi(2, 4, YIELDING, 200_000),
                multi(2, 2, BLOCKING, 200_000),
                multi(4, 1, PARKING, 50_000),
                multi(4, 4, PARKING, 100_000),
                multi(4, 1024, YIELDING, 300_000),
                multi(4, 2, BLOCKING, 100_000),
                new Scenario(true, 4, 8, PARKING, 3, Claim.NEXT, 200_000),
                new Scenario(true, 4, 8, YIELDING, 2, Claim.TRY_NEXT, 150_000),
                multi(8, 1, YIELDING, 25_000),
                multi(8, 4, PARKING, 50_000),
                multi(8, 1024, YIELDING, 200_000),
                multi(8, 1024, BLOCKING, 200_000),
                new Scenario(true, 8, 16, PARKING, 16, Claim.NEXT, 200_000));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void shouldDeliverEveryEventOnceInOrderPerProducer(Scenario scenario) throws InterruptedException {
        long began = System.nanoTime();
        for (int run = 1; run <= REPEATS; run++) {
            runOnce(scenario, run);
            if (run < REPEATS && System.nanoTime() - began > REPEAT_BUDGET.toNanos()) {
                System.out.printf("%-70s skipping %d repeat(s): the machine is busy%n", scenario, REPEATS - run);
                break;
            }
        }
    }

    @AfterAll
    static void printTotal() {
        System.out.printf("RingBufferStressTest: %,d events in total%n", TOTAL_EVENTS.get());
    }

    private static void runOnce(Scenario scenario, int run) throws InterruptedException {
        RingBuffer<LongSlot> ring = scenario.newRing();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        HistoryCheckingConsumer consumer = new HistoryCheckingConsumer(ring, scenario.producers(),
                scenario.eventsPerProducer());

        List<Thread> threads = new ArrayList<>();
        Thread consumerThread = participant("stress-consumer", ring, failures, () -> {
            start.await();
            consumer.run();
        });
        threads.add(consumerThread);
        for (int p = 0; p < scenario.producers(); p++) {
            int producer = p;
            threads.add(participant("stress-producer-" + p, ring, failures, () -> {
                start.await();
                produce(ring, producer, scenario);
            }));
        }

        long began = System.nanoTime();
        start.countDown();
        consumerThread.join(RUN_LIMIT.toMillis());
        long elapsedNanos = System.nanoTime() - began;
        if (consumerThread.isAlive()) {
            String threadDump = TestThreads.dumpThreads("stress-");
            ring.halt();
            joinAll(threads);
            fail("%s, run %d: stalled for %s with the consumer at sequence %d of %d, claimed %d, consumed %d%s",
                    scenario, run, RUN_LIMIT, consumer.position(), scenario.totalEvents(), ring.claimed(),
                    ring.consumed(), threadDump);
        }
        joinAll(threads);
        rethrowFirst(failures);

        consumer.assertReceivedEverything();
        assertThat(ring.claimed()).isEqualTo(scenario.totalEvents() - 1);
        assertThat(ring.consumed()).isEqualTo(scenario.totalEvents() - 1);
        assertThat(ring.remainingCapacity()).isEqualTo(scenario.capacity());

        TOTAL_EVENTS.addAndGet(scenario.totalEvents());
        System.out.printf("%-70s run %d: %5d ms, %,12.0f events/s%n", scenario, run, elapsedNanos / 1_000_000,
                scenario.totalEvents() * 1e9 / elapsedNanos);
    }

    /** Writes {@code (producer, counter)} into each claimed slot, after checking the consumer is done with it. */
    private static void produce(RingBuffer<LongSlot> ring, int producer, Scenario scenario) {
        long counter = 0;
        while (counter < scenario.eventsPerProducer()) {
            int n = (int) Math.min(scenario.batch(), scenario.eventsPerProducer() - counter);
            long hi = scenario.claim() == Claim.NEXT ? ring.next(n) : tryNextUntilClaimed(ring, n);
            long lo = hi - n + 1;
            for (long s = lo; s <= hi; s++) {
                LongSlot slot = ring.get(s);
                if (slot.value != LongSlot.EMPTY) {
                    throw new AssertionError("producer " + producer + " was handed sequence " + s
                            + " whose slot still holds " + LongSlot.describe(slot.value) + ", not yet consumed");
                }
                slot.value = LongSlot.encode(producer, counter++);
            }
            ring.publish(lo, hi);
        }
    }

    private static long tryNextUntilClaimed(RingBuffer<LongSlot> ring, int n) {
        long hi;
        while ((hi = ring.tryNext(n)) < 0) {
            if (ring.isHalted()) {
                throw RingHaltedException.INSTANCE;
            }
            Thread.yield();
        }
        return hi;
    }

    /**
     * The single consumer: takes batches, checks each event against what each producer must have
     * sent next, and clears each slot before releasing it so a stale or doubly delivered slot shows.
     */
    private static final class HistoryCheckingConsumer {
        private final RingBuffer<LongSlot> ring;
        private final long[] nextCounter;
        private final long eventsPerProducer;
        private final long total;
        private volatile long position;

        HistoryCheckingConsumer(RingBuffer<LongSlot> ring, int producers, long eventsPerProducer) {
            this.ring = ring;
            this.nextCounter = new long[producers];
            this.eventsPerProducer = eventsPerProducer;
            this.total = producers * eventsPerProducer;
        }

        void run() {
            long next = 0;
            while (next < total) {
                long askedAt = System.nanoTime();
                long available = ring.waitFor(next, CONSUMER_WAIT_NANOS);
                if (available < next) {
                    if (ring.isHalted()) {
                        return; // another participant failed and halted the ring; its failure is reported
                    }
                    if (System.nanoTime() - askedAt < CONSUMER_WAIT_NANOS) {
                        throw new AssertionError("waitFor(" + next + ") returned " + available
                                + " before its timeout, without alert or halt");
                    }
                    continue; // timed out: keep waiting, the run limit reports a stall
                }
                if (available >= total) {
                    throw new AssertionError("waitFor(" + next + ") returned " + available + " but only " + total
                            + " events were sent");
                }
                for (long s = next; s <= available; s++) {
                    accept(s, ring.get(s));
                }
                ring.release(available);
                next = available + 1;
                position = next;
            }
        }

        private void accept(long sequence, LongSlot slot) {
            long value = slot.value;
            slot.value = LongSlot.EMPTY;
            if (value == LongSlot.EMPTY) {
                throw new AssertionError("sequence " + sequence + " was delivered before it was written, or twice");
            }
            int producer = LongSlot.producerOf(value);
            if (producer >= nextCounter.length) {
                throw new AssertionError("sequence " + sequence + " holds a corrupt value " + value);
            }
            long counter = LongSlot.counterOf(value);
            long expected = nextCounter[producer];
            if (counter != expected) {
                throw new AssertionError("sequence " + sequence + ": expected producer " + producer + " #" + expected
                        + " but got #" + counter + (counter > expected ? " (events lost)" : " (duplicated or reordered)"));
            }
            nextCounter[producer] = expected + 1;
        }

        long position() {
            return position;
        }

        void assertReceivedEverything() {
            for (int p = 0; p < nextCounter.length; p++) {
                assertThat(nextCounter[p]).as("events received from producer %d", p).isEqualTo(eventsPerProducer);
            }
        }
    }

    interface Body {
        void run() throws Exception;
    }

    /**
     * A thread that records its failure and halts the ring, so the other participants stop too. A
     * {@link RingHaltedException} is only the echo of such a failure (or of a stall) and is not recorded.
     */
    private static Thread participant(String name, RingBuffer<?> ring, Queue<Throwable> failures, Body body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (RingHaltedException halted) {
                // the ring was halted because of a failure reported elsewhere
            } catch (Throwable t) {
                failures.add(new AssertionError(Thread.currentThread().getName() + " failed: " + t, t));
                ring.halt();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void joinAll(List<Thread> threads) throws InterruptedException {
        for (Thread thread : threads) {
            thread.join(SECONDS.toMillis(10));
            assertThat(thread.isAlive()).as("%s still running after halt()", thread.getName()).isFalse();
        }
    }

    private static void rethrowFirst(Queue<Throwable> failures) {
        Throwable first = failures.poll();
        if (first != null) {
            failures.forEach(first::addSuppressed);
            if (first instanceof AssertionError error) {
                throw error;
            }
            throw new AssertionError(first);
        }
    }
}
