package io.datacascade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datacascade.core.Batch;
import io.datacascade.core.DataCascade;
import io.datacascade.core.DeadLetter;
import io.datacascade.core.ErrorPolicy;
import io.datacascade.core.MemorySink;
import io.datacascade.core.MemorySource;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineException;
import io.datacascade.core.Point;
import io.datacascade.core.SimulatorSource;
import io.datacascade.core.Sink;
import io.datacascade.core.SinkContext;
import io.datacascade.core.Source;
import io.datacascade.core.SourceContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineTestDriverTest {

    @Test
    void shouldRunPushedRecordsThroughStagesSynchronously() {
        MemorySink<Point> out = MemorySink.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("t").from(MemorySource.<Point>create())
                .filter(p -> p.value() >= 0)
                .map(p -> p.withTag("checked", "yes"))
                .to(out).build();
        try (PipelineTestDriver<Point> driver = PipelineTestDriver.create(pipeline)) {
            driver.push(Point.of("a", 1, 1.0)).push(Point.of("a", 2, -1.0));
            assertThat(out.records()).containsExactly(Point.of("a", 1, 1.0).withTag("checked", "yes"));
            driver.pushAll(List.of(Point.of("b", 3, 3), Point.of("b", 4, 4)));
            assertThat(out.size()).isEqualTo(3);
            assertThat(driver.metrics().eventsIn()).isEqualTo(4);
            assertThat(driver.durableSequence()).isEqualTo(3);
        }
    }

    @Test
    void shouldSplitPushesIntoBatchesOfMaxBatchSize() {
        List<Integer> sizes = new ArrayList<>();
        Sink<Point> sizer = batch -> sizes.add(batch.size());
        Pipeline<Point> pipeline = DataCascade.pipeline("t").from(MemorySource.<Point>create()).to(sizer)
                .maxBatchSize(4).build();
        try (PipelineTestDriver<Point> driver = PipelineTestDriver.create(pipeline)) {
            List<Point> ten = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ten.add(Point.of("a", i, i));
            }
            driver.pushAll(ten);
            assertThat(sizes).containsExactly(4, 4, 2);
            assertThat(driver.durableSequence()).isEqualTo(9);
        }
    }

    @Test
    void shouldLetSourcesEmitOnVirtualTime() {
        MemorySink<Point> out = MemorySink.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("t")
                .from(SimulatorSource.builder().series(2).ratePerSecond(10).build()).to(out).build();
        try (PipelineTestDriver<Point> driver = PipelineTestDriver.create(pipeline)) {
            driver.advanceTime(Duration.ZERO);
            assertThat(out.size()).isEqualTo(1);
            driver.advanceTime(Duration.ofSeconds(1));
            assertThat(out.size()).isEqualTo(11);
            driver.advanceTime(Duration.ofMinutes(1));
            assertThat(out.size()).isEqualTo(611);
            assertThat(out.records().get(610).timestamp())
                    .isEqualTo(PipelineTestDriver.DEFAULT_START.toEpochMilli() + 61_000);
        }
    }

    @Test
    void shouldThrowFailuresFromTheCallThatCausedThem() {
        Pipeline<Point> pipeline = DataCascade.pipeline("t").from(MemorySource.<Point>create())
                .map(p -> {
                    if (Double.isNaN(p.value())) {
                        throw new IllegalArgumentException("value is NaN");
                    }
                    return p;
                }).named("validate")
                .to(MemorySink.create()).build();
        try (PipelineTestDriver<Point> driver = PipelineTestDriver.create(pipeline)) {
            driver.push(Point.of("a", 1, 1));
            assertThatThrownBy(() -> driver.push(Point.of("a", 2, Double.NaN)))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("stage 'validate' of pipeline 't' failed")
                    .hasMessageContaining("value is NaN");
        }
    }

    @Test
    void shouldDeliverRecordsBeforeAFailureAndRefuseRecordsAfterIt() {
        MemorySink<Point> out = MemorySink.create();
        AckSource acks = new AckSource();
        Pipeline<Point> pipeline = DataCascade.pipeline("t").from(acks)
                .map(p -> {
                    if (Double.isNaN(p.value())) {
                        throw new IllegalArgumentException("value is NaN");
                    }
                    return p;
                })
                .to(out).build();
        PipelineTestDriver<Point> driver = PipelineTestDriver.create(pipeline);
        assertThatThrownBy(() -> driver.pushAll(List.of(Point.of("a", 1, 1), Point.of("a", 2, Double.NaN),
                Point.of("a", 3, 3))))
                .isInstanceOf(PipelineException.class);
        assertThat(out.records()).extracting(Point::timestamp).containsExactly(1L);
        assertThat(driver.durableSequence()).isZero();
        assertThatThrownBy(() -> driver.push(Point.of("a", 4, 4)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("pipeline 't' failed earlier and takes no more records");
        driver.close();
        assertThat(acks.acks).containsExactly(0L);
    }

    @Test
    void shouldRouteToDeadLetterSinkAndAcknowledgeThroughIt() {
        MemorySink<DeadLetter> dlq = MemorySink.create();
        AckSource source = new AckSource();
        Pipeline<Point> pipeline = DataCascade.pipeline("t").from(source)
                .filter(p -> {
                    if (p.value() < 0) {
                        throw new IllegalArgumentException("negative value " + p.value());
                    }
                    return true;
                })
                .to(MemorySink.create()).errorPolicy(ErrorPolicy.deadLetter(dlq)).build();
        try (PipelineTestDriver<Point> driver = PipelineTestDriver.create(pipeline)) {
            driver.advanceTime(Duration.ofMillis(1));
            assertThat(dlq.records()).extracting(DeadLetter::reason)
                    .containsExactly("java.lang.IllegalArgumentException: negative value -1.0");
            assertThat(dlq.records().get(0).origin()).isEqualTo("offset-1");
            assertThat(source.acks).containsExactly(2L);
        }
    }

    @Test
    void shouldReportDurabilityOnlyWhenAsyncSinkConfirms() {
        DeferredSink deferred = new DeferredSink();
        AckSource source = new AckSource();
        Pipeline<Point> pipeline = DataCascade.pipeline("t").from(source).to(deferred).build();
        try (PipelineTestDriver<Point> driver = PipelineTestDriver.create(pipeline)) {
            driver.advanceTime(Duration.ofMillis(1));
            assertThat(driver.durableSequence()).isEqualTo(-1);
            assertThat(source.acks).isEmpty();
            deferred.confirmAll();
            driver.advanceTime(Duration.ofMillis(1));
            assertThat(source.acks).containsExactly(2L);
        }
    }

    @Test
    void shouldHandAsyncSinksEmptyBatchesSoFilteredRecordsAreAcknowledged() {
        DeferredSink deferred = new DeferredSink();
        AckSource source = new AckSource();
        Pipeline<Point> pipeline = DataCascade.pipeline("t").from(source).filter(p -> false).to(deferred).build();
        try (PipelineTestDriver<Point> driver = PipelineTestDriver.create(pipeline)) {
            driver.advanceTime(Duration.ofMillis(1));
            assertThat(deferred.emptyBatches).isEqualTo(1);
            assertThat(source.acks).as("not before the async sink confirms").isEmpty();
            deferred.confirmAll();
            driver.advanceTime(Duration.ofMillis(1));
            assertThat(source.acks).containsExactly(2L);
        }
    }

    @Test
    void shouldRefuseStartedPipelines() {
        Pipeline<Point> pipeline = DataCascade.pipeline("t").from(MemorySource.<Point>create()).to(MemorySink.create()).build();
        pipeline.start();
        try {
            assertThatThrownBy(() -> PipelineTestDriver.create(pipeline))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("pipeline 't' must not be started, was RUNNING");
        } finally {
            pipeline.close();
        }
    }

    /** Emits three points once, with origins, and records acknowledgements. */
    static final class AckSource implements Source<Point> {
        final List<Long> acks = new ArrayList<>();
        private boolean done;

        @Override
        public Poll poll(SourceContext<Point> context) {
            if (!done) {
                context.emit(Point.of("s", 0, 0), "offset-0");
                context.emit(Point.of("s", 1, -1), "offset-1");
                context.emit(Point.of("s", 2, 2), "offset-2");
                done = true;
            }
            return Poll.IDLE;
        }

        @Override
        public void onDurable(long sequence) {
            acks.add(sequence);
        }
    }

    static final class DeferredSink implements Sink<Point> {
        private SinkContext context;
        private long last = -1;
        int emptyBatches;

        @Override
        public void open(SinkContext sinkContext) {
            context = sinkContext;
        }

        @Override
        public boolean reportsDurability() {
            return true;
        }

        @Override
        public void write(Batch<Point> batch) {
            if (batch.isEmpty()) {
                emptyBatches++;
            }
            last = batch.sequence();
        }

        void confirmAll() {
            context.durable(last);
        }
    }
}
