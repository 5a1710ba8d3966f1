package io.datacascade.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.SinkContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class SendTrackerTest {
    /** Records what the tracker reports, checking the SinkContext contract: increasing, in order. */
    static final class RecordingContext implements SinkContext {
        final List<Long> durable = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        @Override
        public synchronized void durable(long sequence) {
            if (!durable.isEmpty()) {
                assertThat(sequence).isGreaterThan(durable.get(durable.size() - 1));
            }
            durable.add(sequence);
        }

        @Override
        public void fail(Throwable error) {
            failures.add(error);
        }

        @Override
        public String pipelineName() {
            return "p";
        }

        @Override
        public String sinkName() {
            return "s";
        }
    }

    @Test
    void shouldReportABatchOnlyWhenItAndEveryEarlierBatchAreComplete() {
        RecordingContext ctx = new RecordingContext();
        SendTracker tracker = new SendTracker(ctx, e -> e);
        SendTracker.Pending first = tracker.open(10);
        first.add();
        first.add();
        tracker.seal(first);
        SendTracker.Pending second = tracker.open(20);
        second.add();
        tracker.seal(second);
        SendTracker.Pending empty = tracker.open(25);
        tracker.seal(empty);

        second.onCompletion(null, null);
        assertThat(ctx.durable).isEmpty();
        first.onCompletion(null, null);
        assertThat(ctx.durable).isEmpty();
        first.onCompletion(null, null);
        assertThat(ctx.durable).containsExactly(25L);
        assertThat(tracker.outstanding()).isZero();
        assertThat(tracker.awaitAll(Duration.ZERO)).isTrue();
    }

    @Test
    void shouldFailOnceAndNeverReportAnythingAfterALostRecord() {
        RecordingContext ctx = new RecordingContext();
        SendTracker tracker = new SendTracker(ctx, e -> new IllegalStateException("wrapped: " + e.getMessage(), e));
        SendTracker.Pending first = tracker.open(1);
        first.add();
        first.add();
        tracker.seal(first);
        SendTracker.Pending second = tracker.open(2);
        second.add();
        tracker.seal(second);
        first.onCompletion(null, new TimeoutException("expired"));
        first.onCompletion(null, new TimeoutException("expired again"));
        second.onCompletion(null, null);

        assertThat(ctx.durable).isEmpty();
        assertThat(ctx.failures).singleElement().satisfies(f -> assertThat(f).hasMessage("wrapped: expired"));
        assertThat(tracker.awaitAll(Duration.ofMillis(10))).isFalse();
    }

    @Test
    void shouldReportEveryBatchInOrderWhenCallbacksComeFromManyThreadsInAnyOrder() throws Exception {
        ExecutorService io = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 20; round++) {
                RecordingContext ctx = new RecordingContext();
                SendTracker tracker = new SendTracker(ctx, e -> e);
                List<SendTracker.Pending> sends = new ArrayList<>();
                Random random = new Random(round);
                int batches = 2000;
                for (int b = 0; b < batches; b++) {
                    SendTracker.Pending p = tracker.open(b);
                    int records = random.nextInt(5);
                    for (int r = 0; r < records; r++) {
                        p.add();
                        sends.add(p);
                    }
                    tracker.seal(p);
                }
                Collections.shuffle(sends, random);
                CountDownLatch done = new CountDownLatch(sends.size());
                for (SendTracker.Pending p : sends) {
                    io.execute(() -> {
                        p.onCompletion(null, null);
                        done.countDown();
                    });
                }
                assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(tracker.awaitAll(Duration.ofSeconds(5))).isTrue();
                assertThat(ctx.durable).isNotEmpty();
                assertThat(ctx.durable.get(ctx.durable.size() - 1)).isEqualTo(batches - 1);
            }
        } finally {
            io.shutdownNow();
        }
    }
}
