package io.datacascade.core.internal.ring;

import static io.datacascade.core.internal.ring.TestThreads.pause;
import static io.datacascade.core.internal.ring.TestThreads.startThread;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.datacascade.core.WaitStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link RingBuffer} must have, whatever its claiming strategy. Each
 * implementation runs this suite through a thin subclass that only says how to build the ring
 * (Disruptor's {@code SequencerTest}, JCTools' {@code QueueSanityTest}).
 */
@Timeout(30)
abstract class RingBufferContractTest {
    /** Long enough that a test relying on it would hang rather than pass by timing out. */
    static final long LONG_WAIT = SECONDS.toNanos(30);
    static final long SHORT_WAIT = MILLISECONDS.toNanos(20);

    /** Rings made by the current test, halted after it so that a failed test leaves no thread waiting on one. */
    private final List<RingBuffer<?>> rings = new ArrayList<>();

    @AfterEach
    void haltRings() {
        rings.forEach(RingBuffer::halt);
    }

    /** Builds the ring under test. */
    abstract <E> RingBuffer<E> newRing(Supplier<? extends E> factory, int capacity, WaitStrategy waitStrategy);

    RingBuffer<LongSlot> newRing(int capacity, WaitStrategy waitStrategy) {
        RingBuffer<LongSlot> ring = newRing(LongSlot::new, capacity, waitStrategy);
        rings.add(ring);
        return ring;
    }

    RingBuffer<LongSlot> newRing(int capacity) {
        return newRing(capacity, WaitStrategy.PARKING);
    }

    /** Claims one slot, writes {@code value} into it and publishes it; returns its sequence. */
    static long publishValue(RingBuffer<LongSlot> ring, long value) {
        long sequence = ring.next();
        ring.get(sequence).value = value;
        ring.publish(sequence);
        return sequence;
    }

    /** Publishes {@code count} values and hands them straight back, as a consumer would. */
    static void passThrough(RingBuffer<LongSlot> ring, int count) {
        for (int i = 0; i < count; i++) {
            long sequence = publishValue(ring, i);
            assertThat(ring.waitFor(sequence, LONG_WAIT)).isEqualTo(sequence);
            ring.release(sequence);
        }
    }

    // ---------------------------------------------------------------- construction

    @ParameterizedTest
    @ValueSource(ints = {0, 3, -1, 6, 1000, Integer.MIN_VALUE})
    void shouldRejectCapacityThatIsNotAPositivePowerOfTwoNamingTheValue(int capacity) {
        assertThatThrownBy(() -> newRing(capacity))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be a power of two >= 1, was " + capacity);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 1024, 1 << 16})
    void shouldAcceptPowerOfTwoCapacity(int capacity) {
        RingBuffer<LongSlot> ring = newRing(capacity);

        assertThat(ring.capacity()).isEqualTo(capacity);
        assertThat(ring.remainingCapacity()).isEqualTo(capacity);
    }

    @Test
    void shouldRejectNullArgumentsNamingThem() {
        assertThatThrownBy(() -> newRing(null, 4, WaitStrategy.PARKING))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("factory");
        assertThatThrownBy(() -> newRing(LongSlot::new, 4, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("waitStrategy");
        assertThatThrownBy(() -> newRing(() -> null, 4, WaitStrategy.PARKING))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("factory returned null");
    }

    @Test
    void shouldPreallocateOneDistinctSlotPerIndexAndReuseItEveryLap() {
        RingBuffer<LongSlot> ring = newRing(4);

        Set<LongSlot> distinct = new HashSet<>();
        for (long sequence = 0; sequence < 4; sequence++) {
            distinct.add(ring.get(sequence));
            assertThat(ring.get(sequence + 4)).isSameAs(ring.get(sequence));
            assertThat(ring.get(sequence + 4 * 1000)).isSameAs(ring.get(sequence));
        }
        assertThat(distinct).hasSize(4);
    }

    // ---------------------------------------------------------------- claim, publish, consume

    @Test
    void shouldStartEmpty() {
        RingBuffer<LongSlot> ring = newRing(8);

        assertThat(ring.claimed()).isEqualTo(-1);
        assertThat(ring.consumed()).isEqualTo(-1);
        assertThat(ring.remainingCapacity()).isEqualTo(8);
        assertThat(ring.waitFor(0, SHORT_WAIT)).isEqualTo(-1);
    }

    @Test
    void shouldHandOutConsecutiveSequencesStartingAtZero() {
        RingBuffer<LongSlot> ring = newRing(8);

        assertThat(ring.next()).isEqualTo(0);
        assertThat(ring.next()).isEqualTo(1);
        assertThat(ring.next(3)).as("a batch claim returns its highest sequence").isEqualTo(4);
        assertThat(ring.tryNext(1)).isEqualTo(5);
        assertThat(ring.tryNext(2)).isEqualTo(7);
    }

    @Test
    void shouldDeliverPublishedValueToConsumer() {
        RingBuffer<LongSlot> ring = newRing(8);

        long sequence = publishValue(ring, 42);

        assertThat(ring.waitFor(sequence, LONG_WAIT)).isEqualTo(0);
        assertThat(ring.get(0).value).isEqualTo(42);
        ring.release(0);
        assertThat(ring.consumed()).isEqualTo(0);
        assertThat(ring.claimed()).isEqualTo(0);
    }

    @Test
    void shouldReturnHighestPublishedSequenceSoConsumerTakesOneBatch() {
        RingBuffer<LongSlot> ring = newRing(8);
        for (int i = 0; i < 5; i++) {
            publishValue(ring, 100 + i);
        }

        assertThat(ring.waitFor(0, LONG_WAIT)).isEqualTo(4);
        assertThat(ring.waitFor(3, LONG_WAIT)).as("asking for a later sequence").isEqualTo(4);
        for (int i = 0; i < 5; i++) {
            assertThat(ring.get(i).value).isEqualTo(100 + i);
        }
    }

    @Test
    void shouldPublishBatchClaimAsAWhole() {
        RingBuffer<LongSlot> ring = newRing(8);

        long hi = ring.next(3);
        for (long s = hi - 2; s <= hi; s++) {
            ring.get(s).value = s * 10;
        }
        ring.publish(hi - 2, hi);

        assertThat(ring.waitFor(0, LONG_WAIT)).isEqualTo(2);
        assertThat(ring.get(2).value).isEqualTo(20);
    }

    @Test
    void shouldAcceptBatchClaimOfExactlyTheCapacity() {
        RingBuffer<LongSlot> ring = newRing(4);

        long hi = ring.next(4);
        ring.publish(0, hi);

        assertThat(hi).isEqualTo(3);
        assertThat(ring.waitFor(0, LONG_WAIT)).isEqualTo(3);
        assertThat(ring.remainingCapacity()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 0, -1, Integer.MAX_VALUE})
    void shouldRejectBatchClaimOutsideOneToCapacityNamingTheValue(int n) {
        RingBuffer<LongSlot> ring = newRing(4);
        String message = "n must be between 1 and the capacity 4, was " + n;

        assertThatThrownBy(() -> ring.next(n)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> ring.tryNext(n)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThat(ring.claimed()).as("a rejected claim claims nothing").isEqualTo(-1);
    }

    @Test
    void shouldKeepValuesAcrossManyLapsOfATinyRing() {
        RingBuffer<LongSlot> ring = newRing(2);

        for (long i = 0; i < 1_000; i++) {
            long sequence = publishValue(ring, i * 7);
            assertThat(sequence).isEqualTo(i);
            assertThat(ring.waitFor(i, LONG_WAIT)).isEqualTo(i);
            assertThat(ring.get(i).value).isEqualTo(i * 7);
            ring.release(i);
        }
        assertThat(ring.remainingCapacity()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- full ring

    @Test
    void shouldReturnMinusOneFromTryNextWhenFullAndClaimNothing() {
        RingBuffer<LongSlot> ring = newRing(4);
        for (int i = 0; i < 4; i++) {
            publishValue(ring, i);
        }

        assertThat(ring.tryNext(1)).isEqualTo(-1);
        assertThat(ring.tryNext(4)).isEqualTo(-1);
        assertThat(ring.claimed()).isEqualTo(3);
        assertThat(ring.remainingCapacity()).isZero();
    }

    @Test
    void shouldReturnMinusOneFromTryNextWhenBatchDoesNotFitButSingleSlotDoes() {
        RingBuffer<LongSlot> ring = newRing(4);
        for (int i = 0; i < 3; i++) {
            publishValue(ring, i);
        }

        assertThat(ring.tryNext(2)).isEqualTo(-1);
        assertThat(ring.tryNext(1)).isEqualTo(3);
    }

    @Test
    void shouldSucceedWithTryNextOnceConsumerReleases() {
        RingBuffer<LongSlot> ring = newRing(4);
        for (int i = 0; i < 4; i++) {
            publishValue(ring, i);
        }
        assertThat(ring.tryNext(1)).isEqualTo(-1);

        assertThat(ring.waitFor(0, LONG_WAIT)).isEqualTo(3);
        ring.release(1);

        assertThat(ring.tryNext(2)).isEqualTo(5);
        assertThat(ring.tryNext(1)).isEqualTo(-1);
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldBlockProducerOnFullRingUntilConsumerReleases(WaitStrategy strategy) throws Exception {
        RingBuffer<LongSlot> ring = newRing(2, strategy);
        publishValue(ring, 0);
        publishValue(ring, 1);

        CompletableFuture<Long> producer = startThread("ring-producer", ring::next);
        pause(50);
        assertThat(producer).as("a producer must not overtake the consumer by a whole lap").isNotDone();

        ring.release(0);

        assertThat(producer.get(5, SECONDS)).isEqualTo(2);
        assertThat(ring.get(2)).as("the released slot is reused").isSameAs(ring.get(0));
    }

    // ---------------------------------------------------------------- remaining capacity

    @Test
    void shouldCountPublishedButUnreleasedSlotsAsTaken() {
        RingBuffer<LongSlot> ring = newRing(8);

        publishValue(ring, 1);
        publishValue(ring, 2);
        assertThat(ring.remainingCapacity()).isEqualTo(6);

        ring.waitFor(0, LONG_WAIT);
        ring.release(0);
        assertThat(ring.remainingCapacity()).isEqualTo(7);
        ring.release(1);
        assertThat(ring.remainingCapacity()).isEqualTo(8);
    }

    @Test
    void shouldReportClaimedButUnpublishedSequenceAsClaimed() {
        RingBuffer<LongSlot> ring = newRing(4);

        long hi = ring.next(3);

        assertThat(ring.claimed()).as("claimed() is documented as 'published or about to be'").isEqualTo(hi);
    }

    @Test
    void shouldCountClaimedButUnpublishedSlotsAsTaken() {
        RingBuffer<LongSlot> ring = newRing(4);

        ring.next(3);

        assertThat(ring.remainingCapacity())
                .as("remainingCapacity() must agree with tryNext: after claiming 3 of 4 slots, only 1 is free")
                .isEqualTo(1);
        assertThat(ring.tryNext(2)).isEqualTo(-1);
    }

    // ---------------------------------------------------------------- timeout, alert, halt

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldReturnSequenceBelowRequestedWhenNothingIsPublishedInTime(WaitStrategy strategy) {
        RingBuffer<LongSlot> ring = newRing(4, strategy);
        passThrough(ring, 3);

        assertThat(ring.waitFor(3, SHORT_WAIT)).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldHonourTimeoutWithoutReturningEarlyOrOverrunningItByMuch(WaitStrategy strategy) {
        RingBuffer<LongSlot> ring = newRing(4, strategy);
        Duration timeout = Duration.ofMillis(100);

        long start = System.nanoTime();
        long result = ring.waitFor(0, timeout.toNanos());
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result).isEqualTo(-1);
        assertThat(waited).as("waitFor(0, %s) with %s waited %s", timeout, strategy, waited)
                .isGreaterThanOrEqualTo(timeout)
                .isLessThan(timeout.multipliedBy(10));
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldWakeWaitingConsumerPromptlyOnAlert(WaitStrategy strategy) throws Exception {
        RingBuffer<LongSlot> ring = newRing(4, strategy);
        CompletableFuture<Long> consumer = startThread("ring-consumer", () -> ring.waitFor(0, LONG_WAIT));
        pause(50);
        assertThat(consumer).isNotDone();

        ring.alert();

        assertThat(consumer.get(5, SECONDS)).isEqualTo(-1);
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldReturnAtOnceWhileAlertedAndWaitAgainAfterClearAlert(WaitStrategy strategy) throws Exception {
        RingBuffer<LongSlot> ring = newRing(4, strategy);
        ring.alert();

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertThat(ring.waitFor(0, LONG_WAIT)).isEqualTo(-1);
            assertThat(ring.waitFor(0, LONG_WAIT)).as("the alert stays until cleared").isEqualTo(-1);
        });

        ring.clearAlert();
        CompletableFuture<Long> consumer = startThread("ring-consumer", () -> ring.waitFor(0, LONG_WAIT));
        pause(50);
        assertThat(consumer).as("after clearAlert() the consumer waits for data again").isNotDone();
        publishValue(ring, 7);
        assertThat(consumer.get(5, SECONDS)).isEqualTo(0);
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldWakeWaitingConsumerPromptlyOnHalt(WaitStrategy strategy) throws Exception {
        RingBuffer<LongSlot> ring = newRing(4, strategy);
        CompletableFuture<Long> consumer = startThread("ring-consumer", () -> ring.waitFor(0, LONG_WAIT));
        pause(50);
        assertThat(consumer).isNotDone();

        ring.halt();

        assertThat(consumer.get(5, SECONDS)).isEqualTo(-1);
        assertThat(ring.isHalted()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldThrowRingHaltedToProducerBlockedOnFullRing(WaitStrategy strategy) {
        RingBuffer<LongSlot> ring = newRing(2, strategy);
        publishValue(ring, 0);
        publishValue(ring, 1);
        CompletableFuture<Long> producer = startThread("ring-producer", ring::next);
        pause(50);
        assertThat(producer).isNotDone();

        ring.halt();

        assertThatThrownBy(() -> producer.get(5, SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isSameAs(RingHaltedException.INSTANCE);
        assertThat(ring.claimed()).as("the halted claim claimed nothing").isEqualTo(1);
    }

    @Test
    void shouldThrowRingHaltedAtOnceToProducerThatFindsHaltedRingFull() {
        RingBuffer<LongSlot> ring = newRing(2, WaitStrategy.BLOCKING);
        publishValue(ring, 0);
        publishValue(ring, 1);
        ring.halt();

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertThatThrownBy(ring::next).isSameAs(RingHaltedException.INSTANCE);
            assertThatThrownBy(() -> ring.next(2)).isSameAs(RingHaltedException.INSTANCE);
        });
        assertThat(ring.tryNext(1)).as("tryNext never waits, so it reports a full ring").isEqualTo(-1);
    }

    @Test
    void shouldLetConsumerDrainWhatWasPublishedBeforeHalt() {
        RingBuffer<LongSlot> ring = newRing(4);
        publishValue(ring, 10);
        publishValue(ring, 11);

        ring.halt();

        assertThat(ring.waitFor(0, LONG_WAIT)).isEqualTo(1);
        assertThat(ring.get(1).value).isEqualTo(11);
        ring.release(1);
        assertThat(ring.waitFor(2, LONG_WAIT)).as("nothing more: returns at once").isEqualTo(1);
    }

    @Test
    void shouldUseTheSharedStacklessHaltedException() {
        assertThat(RingHaltedException.INSTANCE.getStackTrace()).isEmpty();
        assertThat(RingHaltedException.INSTANCE).hasMessage("ring buffer halted");
    }
}
