package io.datacascade.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.window.Aggregators;
import io.datacascade.core.window.LateData;
import io.datacascade.core.window.Windows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Acknowledgements under threads: several sources pausing at random (so idle timeouts emit windows
 * on clock ticks), a sink confirming on its own thread after random delays. Every time a source
 * hears "durable up to d", each of its records up to d must be accounted for: its window's result
 * confirmed by the sink, or the record itself set aside as late. And at the end, every record is.
 */
class WindowAckStressTest {
    private static final int SOURCES = 4;
    private static final int PER_SOURCE = 30_000;
    private static final long WINDOW = 50;

    /** An asynchronous sink: a confirmer thread marks results confirmed, then reports the batch durable. */
    static final class SlowConfirmingSink implements Sink<Point> {
        final Set<String> confirmed = ConcurrentHashMap.newKeySet();
        final LinkedBlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
        final AtomicLong pending = new AtomicLong();
        private Thread confirmer;

        @Override
        public void open(SinkContext ctx) {
            confirmer = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(7);
                try {
                    while (true) {
                        Object[] item = queue.take();
                        if (item.length == 0) {
                            return;
                        }
                        if (random.nextInt(20) == 0) {
                            Thread.sleep(random.nextInt(3));
                        }
                        @SuppressWarnings("unchecked")
                        List<String> results = (List<String>) item[1];
                        confirmed.addAll(results);
                        ctx.durable((Long) item[0]);
                        pending.decrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "confirmer");
            confirmer.start();
        }

        @Override
        public boolean reportsDurability() {
            return true;
        }

        @Override
        public void write(Batch<Point> batch) {
            List<String> results = new ArrayList<>(batch.size());
            batch.forEach(p -> results.add(p.series() + "@" + p.timestamp()));
            pending.incrementAndGet();
            queue.add(new Object[] {batch.sequence(), results});
        }

        @Override
        public boolean flush(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (pending.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            return pending.get() == 0;
        }

        @Override
        public void close() throws InterruptedException {
            queue.add(new Object[0]);
            confirmer.join(10_000);
        }
    }

    /** Emits one series with pauses; checks every acknowledgement against what the sinks hold. */
    static final class CheckingSource implements Source<Point> {
        final String series;
        final SplittableRandom random;
        final SlowConfirmingSink sink;
        final Set<Point> late;
        final AtomicReference<Throwable> failure;
        final List<long[]> emitted = new ArrayList<>(); // {sequence, timestamp}
        int checked;
        long time;
        long lastAck = -1;

        CheckingSource(String series, long seed, SlowConfirmingSink sink, Set<Point> late, AtomicReference<Throwable> failure) {
            this.series = series;
            this.random = new SplittableRandom(seed);
            this.sink = sink;
            this.late = late;
            this.failure = failure;
        }

        @Override
        public Poll poll(SourceContext<Point> ctx) {
            if (emitted.size() >= PER_SOURCE) {
                return Poll.END;
            }
            if (random.nextInt(50) == 0) {
                return Poll.IDLE; // a pause: long enough, now and then, for the idle timeout
            }
            int n = Math.min(PER_SOURCE - emitted.size(), 1 + random.nextInt(200));
            for (int i = 0; i < n; i++) {
                time += random.nextInt(3);
                long seq = ctx.emit(Point.of(series, time, 1));
                emitted.add(new long[] {seq, time});
            }
            return Poll.MORE;
        }

        @Override
        public void onDurable(long sequence) {
            if (sequence < lastAck) {
                failure.compareAndSet(null, new AssertionError(series + ": acknowledgements went back from " + lastAck
                        + " to " + sequence));
            }
            lastAck = sequence;
            while (checked < emitted.size() && emitted.get(checked)[0] <= sequence) {
                long[] record = emitted.get(checked);
                long start = Math.floorDiv(record[1], WINDOW) * WINDOW;
                String result = series + ".count@" + start;
                if (!sink.confirmed.contains(result) && !late.contains(Point.of(series, record[1], 1))) {
                    failure.compareAndSet(null, new AssertionError(series + ": record " + record[0] + " at " + record[1]
                            + " acknowledged (durable " + sequence + ") before its window's result " + result
                            + " was confirmed"));
                }
                checked++;
            }
        }
    }

    @RepeatedTest(6)
    void shouldAcknowledgeNoRecordBeforeItsWindowResultIsConfirmed() throws Exception {
        SlowConfirmingSink sink = new SlowConfirmingSink();
        Set<Point> late = ConcurrentHashMap.newKeySet();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<CheckingSource> sources = new ArrayList<>();
        for (int i = 0; i < SOURCES; i++) {
            sources.add(new CheckingSource("s" + i, 100 + i, sink, late, failure));
        }
        PipelineBuilder<Point, Point> builder = DataCascade.pipeline("ack-stress").from(sources.get(0));
        for (int i = 1; i < SOURCES; i++) {
            builder.from(sources.get(i));
        }
        Pipeline<Point> pipeline = builder
                .window(Windows.tumbling(Duration.ofMillis(WINDOW)).idleTimeout(Duration.ofMillis(2))
                        .aggregate(Aggregators.count()).lateData(LateData.sideOutput(batch -> batch.forEach(late::add))))
                .to(sink).ringSize(64).maxBatchSize(16).build();
        pipeline.start();
        assertThat(pipeline.awaitTermination(Duration.ofSeconds(120))).isTrue();
        assertThat(pipeline.state()).isEqualTo(PipelineState.COMPLETED);
        if (failure.get() != null) {
            throw new AssertionError(failure.get().getMessage(), failure.get());
        }
        long total = (long) SOURCES * PER_SOURCE;
        assertThat(pipeline.metrics().durableSequence()).isEqualTo(total - 1);
        for (CheckingSource s : sources) {
            assertThat(s.checked).as("%s: every record acknowledged and checked", s.series).isEqualTo(PER_SOURCE);
        }
        assertThat(TimeUnit.MILLISECONDS.toMillis(late.size())).isLessThan(total);
    }
}
