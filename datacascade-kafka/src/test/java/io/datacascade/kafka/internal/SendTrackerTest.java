package io.datacascade.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.SinkContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
}
