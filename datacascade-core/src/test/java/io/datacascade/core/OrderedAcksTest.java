package io.datacascade.core;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;

class OrderedAcksTest {
    /** Records reports and checks the SinkContext contract: increasing and never after a failure. */
    static final class Recording implements SinkContext {
        final List<Long> durable = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        @Override
        public synchronized void durable(long sequence) {
            assertThat(failures).as("no report after a failure").isEmpty();
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
    void shouldReportOnlyWhenABatchAndAllBeforeItAreCompleteIncludingEmptyBatches() {
        Recording ctx = new Recording();
        OrderedAcks acks = new OrderedAcks(ctx, e -> e);
        OrderedAcks.Ticket a = acks.open(3);
        a.add();
        acks.seal(a);
        OrderedAcks.Ticket empty = acks.open(4);
        acks.seal(empty);
        OrderedAcks.Ticket b = acks.open(9);
        b.add();
        b.add();
        acks.seal(b);

        b.done();
        b.done();
        assertThat(ctx.durable).isEmpty();
        a.done();
        assertThat(ctx.durable).containsExactly(9L);
        assertThat(acks.outstanding()).isZero();
        assertThat(acks.awaitAll(Duration.ZERO)).isTrue();
    }

    @Test
    void shouldFailOnceAndReportNothingAfterALostWrite() {
        Recording ctx = new Recording();
        OrderedAcks acks = new OrderedAcks(ctx, e -> new IllegalStateException("table t: " + e.getMessage(), e));
        OrderedAcks.Ticket a = acks.open(1);
        a.add();
        acks.seal(a);
        OrderedAcks.Ticket b = acks.open(2);
        b.add();
        acks.seal(b);
        a.fail(new RuntimeException("gone"));
        a.fail(new RuntimeException("gone again"));
        b.done();

        assertThat(ctx.durable).isEmpty();
        assertThat(ctx.failures).singleElement().satisfies(f -> assertThat(f).hasMessage("table t: gone"));
        assertThat(acks.failure()).isSameAs(ctx.failures.get(0));
        assertThat(acks.awaitAll(Duration.ofMillis(5))).isFalse();
    }

    @Test
    void shouldReportTheLastBatchWhenCompletionsComeFromManyThreadsInAnyOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 20; round++) {
                Recording ctx = new Recording();
                OrderedAcks acks = new OrderedAcks(ctx, e -> e);
                Random random = new Random(round);
                List<OrderedAcks.Ticket> writes = new ArrayList<>();
                for (int batch = 0; batch < 2_000; batch++) {
                    OrderedAcks.Ticket t = acks.open(batch);
                    for (int w = random.nextInt(4); w > 0; w--) {
                        t.add();
                        writes.add(t);
                    }
                    acks.seal(t);
                }
                Collections.shuffle(writes, random);
                CountDownLatch done = new CountDownLatch(writes.size());
                writes.forEach(t -> pool.execute(() -> {
                    t.done();
                    done.countDown();
                }));
                assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(acks.awaitAll(Duration.ofSeconds(5))).isTrue();
                assertThat(ctx.durable.get(ctx.durable.size() - 1)).isEqualTo(1_999L);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
