package io.datacascade.core.internal.ring;

import static io.datacascade.core.internal.ring.TestThreads.pause;
import static io.datacascade.core.internal.ring.TestThreads.startThread;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.WaitStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the ring contract against the multi-producer ring, plus what only it can meet: producers
 * that publish out of claim order, so the consumer must stop at the first gap.
 */
class MultiProducerRingBufferTest extends RingBufferContractTest {

    @Override
    <E> RingBuffer<E> newRing(Supplier<? extends E> factory, int capacity, WaitStrategy waitStrategy) {
        return RingBuffer.multiProducer(factory, capacity, waitStrategy);
    }

    @Test
    void shouldHideLaterPublicationUntilTheGapBeforeItIsFilled() {
        RingBuffer<LongSlot> ring = newRing(8);
        long first = ring.next();
        long second = ring.next();
        ring.get(second).value = 2;

        ring.publish(second);

        assertThat(ring.waitFor(first, SHORT_WAIT)).as("sequence 1 is published but 0 is not").isEqualTo(-1);

        ring.get(first).value = 1;
        ring.publish(first);

        assertThat(ring.waitFor(first, LONG_WAIT)).isEqualTo(second);
        assertThat(ring.get(first).value).isEqualTo(1);
        assertThat(ring.get(second).value).isEqualTo(2);
    }

    @Test
    void shouldEndBatchAtFirstGap() {
        RingBuffer<LongSlot> ring = newRing(8);
        long hi = ring.next(5);
        ring.publish(0, 1);
        ring.publish(3, hi);

        assertThat(ring.waitFor(0, LONG_WAIT)).isEqualTo(1);
        ring.release(1);
        assertThat(ring.waitFor(2, SHORT_WAIT)).isEqualTo(1);

        ring.publish(2);

        assertThat(ring.waitFor(2, LONG_WAIT)).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldKeepWaitingWhileTheRequestedSequenceIsClaimedButNotYetPublished(WaitStrategy strategy)
            throws Exception {
        RingBuffer<LongSlot> ring = newRing(8, strategy);
        long slow = ring.next();
        long fast = ring.next();
        ring.publish(fast);

        CompletableFuture<Long> consumer = startThread("ring-consumer", () -> ring.waitFor(slow, LONG_WAIT));
        pause(100);
        ring.publish(slow);

        assertThat(consumer.get(5, SECONDS))
                .as("waitFor(%d, 30 s) must wait for the slow producer, not give up with no timeout, alert or halt",
                        slow)
                .isEqualTo(fast);
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldTimeOutWhileTheRequestedSequenceStaysClaimedButUnpublished(WaitStrategy strategy) {
        RingBuffer<LongSlot> ring = newRing(8, strategy);
        long slow = ring.next();
        ring.publish(ring.next());
        Duration timeout = Duration.ofMillis(100);

        long start = System.nanoTime();
        long result = ring.waitFor(slow, timeout.toNanos());
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result).isEqualTo(slow - 1);
        assertThat(waited).as("waitFor(%d, %s) with %s waited %s", slow, timeout, strategy, waited)
                .isGreaterThanOrEqualTo(timeout)
                .isLessThan(timeout.multipliedBy(10));
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldKeepWaitingWhenOnlyLaterSequencesArePublishedWhileConsumerWaits(WaitStrategy strategy)
            throws Exception {
        RingBuffer<LongSlot> ring = newRing(8, strategy);
        CompletableFuture<Long> consumer = startThread("ring-consumer", () -> ring.waitFor(0, LONG_WAIT));
        pause(50);
        long slow = ring.next();
        long fast = ring.next();

        ring.publish(fast);
        pause(50);
        assertThat(consumer).as("only sequence 1 is published").isNotDone();
        ring.publish(slow);

        assertThat(consumer.get(5, SECONDS)).isEqualTo(fast);
    }

    @Test
    void shouldNotMistakeSlotPublishedInThePreviousLapForTheCurrentOne() {
        RingBuffer<LongSlot> ring = newRing(1);
        passThrough(ring, 1);

        long sequence = ring.next();

        assertThat(sequence).isEqualTo(1);
        assertThat(ring.waitFor(sequence, SHORT_WAIT)).as("slot 0 still carries lap 0's mark").isEqualTo(0);
        ring.publish(sequence);
        assertThat(ring.waitFor(sequence, LONG_WAIT)).isEqualTo(1);
    }

    @Test
    void shouldLetProducersClaimConcurrentlyWithoutOverlap() throws Exception {
        RingBuffer<LongSlot> ring = newRing(1024, WaitStrategy.YIELDING);
        int producers = 4;
        int claimsEach = 200;
        List<CompletableFuture<long[]>> claims = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            claims.add(startThread("ring-producer-" + p, () -> {
                long[] mine = new long[claimsEach];
                for (int i = 0; i < claimsEach; i++) {
                    mine[i] = ring.next();
                }
                return mine;
            }));
        }

        boolean[] seen = new boolean[producers * claimsEach];
        for (CompletableFuture<long[]> claim : claims) {
            for (long sequence : claim.get(10, SECONDS)) {
                assertThat(seen[(int) sequence]).as("sequence %d claimed twice", sequence).isFalse();
                seen[(int) sequence] = true;
            }
        }
        assertThat(ring.claimed()).isEqualTo(producers * claimsEach - 1);
    }
}
