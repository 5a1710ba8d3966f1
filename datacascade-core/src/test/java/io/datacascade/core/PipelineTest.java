package io.datacascade.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(60)
class PipelineTest {

    private static Point point(String series, long i) {
        return Point.of(series, i, i);
    }

    private static MemorySource<Point> filledSource(String series, int count) {
        MemorySource<Point> source = MemorySource.create();
        for (int i = 0; i < count; i++) {
            source.offer(point(series, i));
        }
        source.complete();
        return source;
    }

    private static void awaitTerminal(Pipeline<?> pipeline) throws InterruptedException {
        assertThat(pipeline.awaitTermination(Duration.ofSeconds(30))).as("pipeline terminated").isTrue();
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldDeliverEveryRecordInOrderThroughStagesAndComplete(WaitStrategy strategy) throws Exception {
        MemorySink<Point> sink = MemorySink.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("order").from(filledSource("s", 100_000))
                .map(p -> p.withValue(p.value() * 2))
                .filter(p -> p.timestamp() % 3 != 0)
                .to(sink).ringSize(256).waitStrategy(strategy).build();
        pipeline.start();
        awaitTerminal(pipeline);

        assertThat(pipeline.state()).isEqualTo(PipelineState.COMPLETED);
        List<Point> out = sink.records();
        long expected = 100_000 - (100_000 + 2) / 3;
        assertThat(out).hasSize((int) expected);
        long previous = -1;
        for (Point p : out) {
            assertThat(p.timestamp()).isGreaterThan(previous);
            assertThat(p.timestamp() % 3).isNotZero();
            assertThat(p.value()).isEqualTo(p.timestamp() * 2.0);
            previous = p.timestamp();
        }
        PipelineMetrics m = pipeline.metrics();
        assertThat(m.eventsIn()).isEqualTo(100_000);
        assertThat(m.eventsOut()).isEqualTo(expected);
        assertThat(m.durableSequence()).isEqualTo(99_999);
        assertThat(m.stages().get(1).in()).isEqualTo(100_000);
        assertThat(m.stages().get(1).out()).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldMergeSeveralSourcesWithoutLossDuplicationOrReordering(WaitStrategy strategy) throws Exception {
        MemorySink<Point> sink = MemorySink.create();
        int perSource = 50_000;
        Pipeline<Point> pipeline = DataCascade.pipeline("merge")
                .from(filledSource("a", perSource)).from(filledSource("b", perSource))
                .from(filledSource("c", perSource)).from(filledSource("d", perSource))
                .to(sink).ringSize(8).maxBatchSize(3).waitStrategy(strategy).build();
        pipeline.start();
        awaitTerminal(pipeline);

        assertThat(pipeline.state()).isEqualTo(PipelineState.COMPLETED);
        Map<String, Long> last = new java.util.HashMap<>();
        for (Point p : sink.records()) {
            long before = last.getOrDefault(p.series(), -1L);
            assertThat(p.timestamp()).as("next of series %s", p.series()).isEqualTo(before + 1);
            last.put(p.series(), p.timestamp());
        }
        assertThat(last).containsOnlyKeys("a", "b", "c", "d").allSatisfy((k, v) -> assertThat(v).isEqualTo(perSource - 1));
    }

    /**
     * More spinning source threads than cores: a source descheduled while it holds claimed slots
     * must not stall the others, and a spinning processor must let the sources it waits for run.
     * Before both were fixed this took minutes on two cores instead of well under a second.
     */
    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldKeepMovingWhenSourceThreadsOutnumberCores(WaitStrategy strategy) throws Exception {
        MemorySink<Point> sink = MemorySink.create();
        int sources = 4 * Runtime.getRuntime().availableProcessors();
        int perSource = 10_000;
        PipelineBuilder<Point, Point> builder = DataCascade.pipeline("crowded").from(filledSource("s0", perSource));
        for (int i = 1; i < sources; i++) {
            builder.from(filledSource("s" + i, perSource));
        }
        Pipeline<Point> pipeline = builder.to(sink).ringSize(8).maxBatchSize(3).waitStrategy(strategy).build();
        pipeline.start();
        awaitTerminal(pipeline);

        assertThat(pipeline.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(sink.size()).isEqualTo(sources * perSource);
    }

    @Test
    void shouldSkipAndCountRecordsAStageFailsOn() throws Exception {
        MemorySink<Point> sink = MemorySink.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("skip").from(filledSource("s", 1000))
                .map(p -> {
                    if (p.timestamp() % 10 == 0) {
                        throw new IllegalArgumentException("bad " + p.timestamp());
                    }
                    return p;
                }).onError(ErrorPolicy.skip())
                .to(sink).build();
        pipeline.start();
        awaitTerminal(pipeline);

        assertThat(pipeline.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(sink.size()).isEqualTo(900);
        assertThat(pipeline.metrics().errors()).isEqualTo(100);
        assertThat(pipeline.metrics().stages().get(0).errors()).isEqualTo(100);
        assertThat(pipeline.metrics().durableSequence()).as("skipped records are acknowledged too").isEqualTo(999);
    }

    @Test
    void shouldDeadLetterRecordWithStageAndReason() throws Exception {
        MemorySink<Point> sink = MemorySink.create();
        MemorySink<DeadLetter> dlq = MemorySink.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("dlq").from(filledSource("s", 100))
                .filter(p -> true)
                .map(p -> {
                    if (p.timestamp() == 42) {
                        throw new IllegalStateException("value out of range: " + p.value());
                    }
                    return p;
                }).named("validate").onError(ErrorPolicy.deadLetter(dlq))
                .to(sink).build();
        pipeline.start();
        awaitTerminal(pipeline);

        assertThat(sink.size()).isEqualTo(99);
        assertThat(dlq.records()).singleElement().satisfies(letter -> {
            assertThat(letter.pipeline()).isEqualTo("dlq");
            assertThat(letter.stage()).isEqualTo("validate");
            assertThat(letter.record()).isEqualTo(point("s", 42));
            assertThat(letter.reason()).isEqualTo("java.lang.IllegalStateException: value out of range: 42.0");
            assertThat(letter.error()).isInstanceOf(IllegalStateException.class);
            assertThat(letter.sequence()).isEqualTo(42);
        });
        assertThat(pipeline.metrics().deadLettered()).isEqualTo(1);
    }

    @Test
    void shouldFailNamingStageAndRecordAndKeepEarlierRecords() throws Exception {
        MemorySink<Point> sink = MemorySink.create();
        List<Throwable> heard = new CopyOnWriteArrayList<>();
        List<PipelineState> states = new CopyOnWriteArrayList<>();
        Pipeline<Point> pipeline = DataCascade.pipeline("strict").from(filledSource("s", 1000))
                .map(p -> {
                    if (p.timestamp() == 500) {
                        throw new ArithmeticException("boom");
                    }
                    return p;
                }).named("parse")
                .to(sink)
                .listener(new PipelineListener() {
                    @Override
                    public void onStateChange(Pipeline<?> p, PipelineState from, PipelineState to) {
                        states.add(to);
                    }

                    @Override
                    public void onFailure(Pipeline<?> p, Throwable error) {
                        heard.add(error);
                    }
                })
                .build();
        pipeline.start();
        awaitTerminal(pipeline);

        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
        assertThat(pipeline.failure()).get().isInstanceOf(PipelineException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .contains("stage 'parse' of pipeline 'strict' failed on record Point[series=s, timestamp=500")
                        .contains("sequence 500")
                        .contains("java.lang.ArithmeticException: boom"))
                .satisfies(e -> assertThat(e.getCause()).isInstanceOf(ArithmeticException.class));
        assertThat(heard).containsExactly(pipeline.failure().get());
        assertThat(states).containsExactly(PipelineState.RUNNING, PipelineState.STOPPING, PipelineState.FAILED);
        assertThat(sink.records()).extracting(Point::timestamp).hasSize(500).endsWith(499L);
        assertThat(pipeline.metrics().durableSequence()).isEqualTo(499);
    }

    @Test
    void shouldAcknowledgeSourcesOnlyUpToWhatEverySinkMadeDurable() throws Exception {
        HeldSink held = new HeldSink();
        MemorySink<Point> fast = MemorySink.create();
        AckRecordingSource source = new AckRecordingSource(1000);
        Pipeline<Point> pipeline = DataCascade.pipeline("ack").from(source)
                .filter(p -> p.timestamp() % 2 == 0)
                .to(held).to(fast).maxBatchSize(100).build();
        pipeline.start();
        assertThat(fast.await(500, Duration.ofSeconds(10))).isTrue();
        Thread.sleep(50);
        assertThat(source.acks).as("nothing durable in the held sink yet").isEmpty();

        long releasedUpTo = held.releaseFirst(3);
        assertThat(source.awaitAck(releasedUpTo)).isTrue();
        assertThat(source.acks).allSatisfy(a -> assertThat(a).isLessThanOrEqualTo(releasedUpTo));

        held.releaseAll();
        assertThat(source.awaitAck(999)).isTrue();
        pipeline.close();
        assertThat(pipeline.state()).isEqualTo(PipelineState.CLOSED);
        assertThat(source.acks).isSorted().last().isEqualTo(999L);
        assertThat(source.ackThreads).containsOnly(source.pollThread.get());
    }

    @Test
    void shouldLetASourceWaitUntilWhatItEmittedIsDurable() throws Exception {
        HeldSink held = new HeldSink();
        AtomicReference<Boolean> firstWait = new AtomicReference<>();
        AtomicReference<Boolean> secondWait = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Source<Point> source = new Source<>() {
            private boolean done;

            @Override
            public Poll poll(SourceContext<Point> context) throws Exception {
                if (done) {
                    return Poll.END;
                }
                long last = -1;
                for (int i = 0; i < 10; i++) {
                    last = context.emit(Point.of("s", i, i)); // still unpublished: awaitDurable must publish them
                }
                firstWait.set(context.awaitDurable(last, Duration.ofMillis(50)));
                waiting.countDown();
                secondWait.set(context.awaitDurable(last, Duration.ofSeconds(20)));
                done = true;
                return Poll.MORE;
            }
        };
        Pipeline<Point> pipeline = DataCascade.pipeline("await").from(source).to(held).build();
        pipeline.start();
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(firstWait.get()).as("not durable while the sink holds the batch").isFalse();
        held.releaseAll();
        awaitTerminal(pipeline);
        assertThat(secondWait.get()).as("durable once the sink confirmed").isTrue();
    }

    /** Writes even timestamps, declines odd ones through {@link SinkContext#reject}. */
    static final class EvenOnlySink implements Sink<Point> {
        final List<Point> written = new CopyOnWriteArrayList<>();
        private SinkContext context;

        @Override
        public void open(SinkContext ctx) {
            this.context = ctx;
        }

        @Override
        public void write(Batch<Point> batch) {
            for (int i = 0; i < batch.size(); i++) {
                Point p = batch.get(i);
                if (p.timestamp() % 2 == 1) {
                    context.reject(i, "odd timestamp " + p.timestamp(), null);
                } else {
                    written.add(p);
                }
            }
        }

        @Override
        public String toString() {
            return "even-only";
        }
    }

    @Test
    void shouldApplyTheErrorPolicyOnlyToTheRecordsASinkRejects() throws Exception {
        MemorySink<DeadLetter> dlq = MemorySink.create();
        EvenOnlySink sink = new EvenOnlySink();
        Pipeline<Point> pipeline = DataCascade.pipeline("rejects").from(filledSource("s", 1000)).to(sink)
                .errorPolicy(ErrorPolicy.deadLetter(dlq)).build();
        pipeline.start();
        awaitTerminal(pipeline);

        assertThat(pipeline.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(sink.written).hasSize(500).allSatisfy(p -> assertThat(p.timestamp() % 2).isZero());
        assertThat(dlq.records()).hasSize(500).allSatisfy(letter -> {
            assertThat(letter.stage()).isEqualTo("even-only");
            assertThat(letter.reason()).isEqualTo("odd timestamp " + ((Point) letter.record()).timestamp());
        });
        assertThat(pipeline.metrics().deadLettered()).isEqualTo(500);
        assertThat(pipeline.metrics().durableSequence()).isEqualTo(999);
    }

    @Test
    void shouldFailNamingTheRecordWhenASinkRejectsOneUnderTheFailPolicy() throws Exception {
        EvenOnlySink sink = new EvenOnlySink();
        Pipeline<Point> pipeline = DataCascade.pipeline("reject-fails").from(filledSource("s", 10)).to(sink).build();
        pipeline.start();
        awaitTerminal(pipeline);

        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
        assertThat(pipeline.failure()).get().satisfies(f -> assertThat(f.getMessage())
                .contains("sink 'even-only' rejected the record: odd timestamp 1"));
    }

    @Test
    void shouldRefuseRejectionsOutsideWrite() throws Exception {
        AtomicReference<SinkContext> context = new AtomicReference<>();
        Sink<Point> sink = new Sink<>() {
            @Override
            public void open(SinkContext ctx) {
                context.set(ctx);
            }

            @Override
            public void write(Batch<Point> batch) {
            }
        };
        Pipeline<Point> pipeline = DataCascade.pipeline("reject-outside").from(filledSource("s", 1)).to(sink).build();
        pipeline.start();
        awaitTerminal(pipeline);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> context.get().reject(0, "late", null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("only inside write()");
    }

    @Test
    void shouldDrainEverythingEmittedWhenClosed() throws Exception {
        CountingSink sink = new CountingSink();
        Pipeline<Point> pipeline = DataCascade.pipeline("drain")
                .from(SimulatorSource.builder().ratePerSecond(0).series(3).build())
                .map(p -> p.withValue(p.value() + 1))
                .to(sink).ringSize(1024).build();
        pipeline.start();
        while (sink.count.get() < 200_000) {
            Thread.sleep(5);
        }
        pipeline.close();

        assertThat(pipeline.state()).isEqualTo(PipelineState.CLOSED);
        PipelineMetrics m = pipeline.metrics();
        assertThat(m.eventsOut()).isEqualTo(m.eventsIn());
        assertThat(sink.count.get()).isEqualTo(m.eventsIn());
        assertThat(m.durableSequence()).isEqualTo(m.eventsIn() - 1);
        assertThat(m.ringRemaining()).isEqualTo(m.ringCapacity());
    }

    @Test
    void shouldFailWhenSourceThrowsAndNameTheSource() throws Exception {
        Source<Point> broken = new Source<>() {
            private int polls;

            @Override
            public Poll poll(SourceContext<Point> context) {
                if (++polls == 3) {
                    throw new IllegalStateException("connection reset");
                }
                context.emit(Point.of("x", polls, polls));
                return Poll.MORE;
            }

            @Override
            public String toString() {
                return "flaky-feed";
            }
        };
        MemorySink<Point> sink = MemorySink.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("src").from(broken).to(sink).build();
        pipeline.start();
        awaitTerminal(pipeline);

        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
        assertThat(pipeline.failure()).get().extracting(Throwable::getMessage).asString()
                .isEqualTo("source 'flaky-feed' of pipeline 'src' failed: java.lang.IllegalStateException: connection reset");
        assertThat(sink.size()).as("records emitted before the failure are still processed").isEqualTo(2);
    }

    @Test
    void shouldFailWhenAsyncSinkReportsAFailure() throws Exception {
        CountDownLatch reported = new CountDownLatch(1);
        Sink<Point> failing = new Sink<>() {
            private SinkContext context;

            @Override
            public void open(SinkContext sinkContext) {
                this.context = sinkContext;
            }

            @Override
            public boolean reportsDurability() {
                return true;
            }

            @Override
            public void write(Batch<Point> batch) {
                if (batch.isEmpty()) {
                    return;
                }
                Thread callback = new Thread(() -> {
                    context.fail(new java.io.IOException("broker unreachable"));
                    reported.countDown();
                });
                callback.start();
            }

            @Override
            public boolean flush(Duration timeout) throws InterruptedException {
                reported.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return false; // nothing was ever made durable
            }

            @Override
            public String toString() {
                return "remote";
            }
        };
        Pipeline<Point> pipeline = DataCascade.pipeline("async").from(filledSource("s", 10)).to(failing)
                .closeTimeout(Duration.ofSeconds(10)).build();
        pipeline.start();
        awaitTerminal(pipeline);

        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
        assertThat(pipeline.failure()).get().extracting(Throwable::getMessage).asString()
                .startsWith("sink 'remote' of pipeline 'async' failed: java.io.IOException: broker unreachable");
        assertThat(pipeline.metrics().durableSequence()).isEqualTo(-1);
    }

    @Test
    void shouldApplyPipelinePolicyWhenSynchronousSinkThrows() throws Exception {
        MemorySink<DeadLetter> dlq = MemorySink.create();
        MemorySink<Point> good = MemorySink.create();
        Sink<Point> picky = new Sink<>() {
            @Override
            public void write(Batch<Point> batch) {
                if (batch.get(0).timestamp() == 0) {
                    throw new IllegalArgumentException("first batch rejected");
                }
            }

            @Override
            public String toString() {
                return "picky";
            }
        };
        MemorySource<Point> source = MemorySource.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("sinkfail").from(source).to(picky).to(good)
                .errorPolicy(ErrorPolicy.deadLetter(dlq)).build();
        pipeline.start();
        source.offer(point("s", 0)).offer(point("s", 1));
        assertThat(good.await(2, Duration.ofSeconds(10))).isTrue();
        source.offer(point("s", 2));
        source.complete();
        awaitTerminal(pipeline);

        assertThat(pipeline.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(good.size()).isEqualTo(3);
        assertThat(dlq.records()).isNotEmpty().allSatisfy(letter -> {
            assertThat(letter.stage()).isEqualTo("picky");
            assertThat(letter.reason()).contains("first batch rejected");
        });
    }

    @Test
    void shouldApplyBackpressureThroughATinyRingWithoutLosingRecords() throws Exception {
        SlowSink slow = new SlowSink();
        Pipeline<Point> pipeline = DataCascade.pipeline("backpressure").from(filledSource("s", 20_000))
                .to(slow).ringSize(4).maxBatchSize(2).build();
        pipeline.start();
        awaitTerminal(pipeline);
        assertThat(slow.records()).extracting(Point::timestamp)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 20_000).boxed().toList());
    }

    @Test
    void shouldTellSourcesUsingTryEmitWhenTheRingIsFullAndLoseNothing() throws Exception {
        SlowSink slow = new SlowSink();
        int total = 20_000;
        int[] refused = {0};
        Source<Point> polite = new Source<>() {
            private int next;

            @Override
            public Poll poll(SourceContext<Point> context) {
                while (next < total) {
                    if (context.tryEmit(point("p", next), "offset-" + next) < 0) {
                        refused[0]++;
                        return Poll.IDLE; // the Kafka source pauses its partitions here and keeps polling
                    }
                    next++;
                }
                return Poll.END;
            }
        };
        Pipeline<Point> pipeline = DataCascade.pipeline("polite").from(polite).to(slow).ringSize(16).build();
        pipeline.start();
        awaitTerminal(pipeline);

        assertThat(pipeline.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(refused[0]).as("the ring was full at times").isPositive();
        assertThat(slow.records()).extracting(Point::timestamp)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, total).boxed().toList());
    }

    @Test
    void shouldStopWithinCloseTimeoutWhenSinkHangs() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        Sink<Point> stuck = batch -> {
            entered.countDown();
            new CountDownLatch(1).await();
        };
        MemorySource<Point> source = MemorySource.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("stuck").from(source).to(stuck)
                .closeTimeout(Duration.ofMillis(300)).build();
        pipeline.start();
        source.offer(point("s", 1));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        pipeline.close();
        assertThat(pipeline.state().isTerminal()).isTrue();
    }

    @Test
    void shouldExpandAndObserveWithFlatMapAndPeek() throws Exception {
        MemorySink<String> sink = MemorySink.create();
        AtomicLong peeked = new AtomicLong();
        Pipeline<Point> pipeline = DataCascade.pipeline("flat").from(filledSource("s", 10))
                .peek(p -> peeked.incrementAndGet())
                .flatMap(p -> p.timestamp() % 2 == 0 ? List.of(p.series() + p.timestamp(), "copy") : List.<String>of())
                .to(sink).build();
        pipeline.start();
        awaitTerminal(pipeline);
        assertThat(peeked.get()).isEqualTo(10);
        assertThat(sink.records()).hasSize(10).startsWith("s0", "copy", "s2", "copy");
    }

    @Test
    void shouldTerminateEvenWhenListenersThrowErrorsAndCloseFromTheirCallbacks() throws Exception {
        List<PipelineState> seen = new CopyOnWriteArrayList<>();
        PipelineListener rude = new PipelineListener() {
            @Override
            public void onStateChange(Pipeline<?> p, PipelineState from, PipelineState to) {
                seen.add(to);
                throw new AssertionError("listener bug on " + to);
            }

            @Override
            public void onFailure(Pipeline<?> p, Throwable error) {
                p.close(); // must not wait for the shutdown it is part of
                throw new AssertionError("listener bug on failure");
            }
        };
        Pipeline<Point> pipeline = DataCascade.pipeline("rude").from(filledSource("s", 100))
                .map(p -> {
                    if (p.timestamp() == 50) {
                        throw new IllegalStateException("bad record");
                    }
                    return p;
                })
                .to(MemorySink.create()).listener(rude).build();
        pipeline.start();
        awaitTerminal(pipeline);

        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
        assertThat(seen).containsExactly(PipelineState.RUNNING, PipelineState.STOPPING, PipelineState.FAILED);
    }

    @Test
    void shouldDeadLetterRecordsASinkFailsOnWithTheirOrigin() throws Exception {
        MemorySink<DeadLetter> dlq = MemorySink.create();
        Source<Point> withOrigins = new Source<>() {
            private int next;

            @Override
            public Poll poll(SourceContext<Point> context) {
                if (next == 3) {
                    return Poll.END;
                }
                context.emit(point("s", next), "partition-0@" + next);
                next++;
                return Poll.MORE;
            }
        };
        Sink<Point> rejectsOdd = new Sink<>() {
            @Override
            public void write(Batch<Point> batch) {
                for (Point p : batch) {
                    if (p.timestamp() % 2 == 1) {
                        throw new IllegalArgumentException("odd timestamp " + p.timestamp());
                    }
                }
            }

            @Override
            public String toString() {
                return "even-only";
            }
        };
        Pipeline<Point> pipeline = DataCascade.pipeline("origins").from(withOrigins).to(rejectsOdd)
                .errorPolicy(ErrorPolicy.deadLetter(dlq)).maxBatchSize(1).build();
        pipeline.start();
        awaitTerminal(pipeline);

        assertThat(pipeline.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(dlq.records()).singleElement().satisfies(letter -> {
            assertThat(letter.stage()).isEqualTo("even-only");
            assertThat(letter.origin()).isEqualTo("partition-0@1");
            assertThat(letter.sequence()).isEqualTo(1);
            assertThat(letter.reason()).isEqualTo("sink 'even-only' failed: java.lang.IllegalArgumentException: odd timestamp 1");
        });
        assertThat(pipeline.metrics().durableSequence()).isEqualTo(2);
    }

    /** An async sink that completes batches only when the test says so. */
    static final class HeldSink implements Sink<Point> {
        private final List<Long> pending = Collections.synchronizedList(new ArrayList<>());
        private volatile SinkContext context;
        private volatile boolean releaseAll;

        @Override
        public void open(SinkContext sinkContext) {
            this.context = sinkContext;
        }

        @Override
        public boolean reportsDurability() {
            return true;
        }

        @Override
        public void write(Batch<Point> batch) {
            if (releaseAll) {
                context.durable(batch.sequence());
            } else {
                pending.add(batch.sequence());
            }
        }

        long releaseFirst(int n) {
            long upTo;
            synchronized (pending) {
                upTo = pending.get(n - 1);
            }
            context.durable(upTo);
            return upTo;
        }

        void releaseAll() {
            releaseAll = true;
            synchronized (pending) {
                if (!pending.isEmpty()) {
                    context.durable(pending.get(pending.size() - 1));
                }
            }
        }

        @Override
        public boolean flush(Duration timeout) {
            releaseAll();
            return true;
        }
    }

    /** Emits {@code count} points, then ends; records every acknowledgement and its thread. */
    static final class AckRecordingSource implements Source<Point> {
        final List<Long> acks = new CopyOnWriteArrayList<>();
        final List<Thread> ackThreads = new CopyOnWriteArrayList<>();
        final AtomicReference<Thread> pollThread = new AtomicReference<>();
        private final int count;
        private int emitted;

        AckRecordingSource(int count) {
            this.count = count;
        }

        @Override
        public Poll poll(SourceContext<Point> context) {
            pollThread.set(Thread.currentThread());
            if (emitted < count) {
                context.emit(Point.of("a", emitted, emitted));
                emitted++;
                return Poll.MORE;
            }
            return Poll.IDLE; // stays open, so only the sinks decide what is durable
        }

        @Override
        public void onDurable(long sequence) {
            acks.add(sequence);
            ackThreads.add(Thread.currentThread());
        }

        boolean awaitAck(long sequence) throws InterruptedException {
            for (int i = 0; i < 1000; i++) {
                if (!acks.isEmpty() && acks.get(acks.size() - 1) >= sequence) {
                    return true;
                }
                Thread.sleep(10);
            }
            return false;
        }
    }

    static final class CountingSink implements Sink<Point> {
        final AtomicLong count = new AtomicLong();

        @Override
        public void write(Batch<Point> batch) {
            count.addAndGet(batch.size());
        }
    }

    /** A memory sink that sleeps now and then, so the ring fills up. */
    static final class SlowSink implements Sink<Point> {
        private final MemorySink<Point> delegate = MemorySink.create();
        private int batches;

        @Override
        public void write(Batch<Point> batch) throws InterruptedException {
            if (++batches % 500 == 0) {
                Thread.sleep(1);
            }
            delegate.write(batch);
        }

        List<Point> records() {
            return delegate.records();
        }
    }
}
