package io.datacascade.benchmarks;

import io.datacascade.core.DataCascade;
import io.datacascade.core.Pipeline;
import io.datacascade.core.Point;
import io.datacascade.core.window.Aggregators;
import io.datacascade.core.window.Windows;
import io.datacascade.kafka.KafkaSource;
import io.datacascade.kafka.PointJsonCodec;
import io.datacascade.testsupport.EmbeddedKafka;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code datacascade-windowed}: {@link KafkaSource} (the {@link PointJsonCodec} decoder, a consumer
 * group, every default, as {@code datacascade}) → {@code peek} (count the input record) →
 * {@code window(Windows.tumbling(1 s).aggregate(avg))} (event time from each point's timestamp,
 * one watermark per series, zero out-of-orderness: the equivalent of Streams' no-grace windows) →
 * a sink adding each batch's size to a result counter, in a pipeline with default settings (ring
 * of 16,384, PARKING, batches of ≤ 1,024). Timed from {@code start()}, which creates the consumer.
 *
 * <p><b>Done</b>, as for the Streams windowed contenders: every input record was decoded and
 * handed to the window stage, counted by the {@code peek} right before it. The pipeline is closed
 * after that, untimed. A window is emitted once, when its series' watermark passes its end, i.e.
 * at the series' first point of a later window; the last window of each series stays open (the
 * source never ends, and the 10 s idle timeout does not pass before the close), so after the close
 * the sink must have counted exactly {@code windows - series} results, which is checked. Records
 * of open windows are not acknowledged, so the committed offsets stop short of the topic's end by
 * design (a restart recomputes those windows); they are printed ({@code committed}), not checked.
 */
final class DataCascadeWindowedContender implements KafkaContender {
    static final Windows WINDOWS = Windows.tumbling(Duration.ofMillis(KafkaWorkload.WINDOW_MILLIS))
            .aggregate(Aggregators.avg());

    private final EmbeddedKafka kafka;
    private final String topic;
    private final KafkaWorkload workload;

    DataCascadeWindowedContender(EmbeddedKafka kafka, String topic, KafkaWorkload workload) {
        this.kafka = kafka;
        this.topic = topic;
        this.workload = workload;
    }

    @Override
    public String name() {
        return "datacascade-windowed";
    }

    @Override
    public Pass run(String passId) {
        String group = "e2e-datacascade-win-" + passId;
        KafkaSource<Point> source = DataCascadePasses.source(kafka, topic, group);
        KafkaProgress progress = new KafkaProgress();
        LongAdder results = new LongAdder();
        Pipeline<Point> pipeline = DataCascade.pipeline("e2e-win-" + passId)
                .from(source)
                .peek(p -> progress.increment())
                .window(WINDOWS)
                .to(batch -> results.add(batch.size()))
                .build();
        AtomicLong resultsAtDone = new AtomicLong();
        Pass pass = DataCascadePasses.run(name(), pipeline, source, progress, workload.points.length, workload.points.length,
                () -> resultsAtDone.set(results.sum()));
        long closedWindows = workload.windowsClosedByLaterPoints();
        if (results.sum() != closedWindows) {
            throw new IllegalStateException(name() + " emitted " + results.sum() + " window results, expected "
                    + closedWindows + " (every window but the last of each series)");
        }
        long committed = kafka.committedOffsets(group, topic).values().stream().mapToLong(Long::longValue).sum();
        return pass.withNote(String.format(Locale.ROOT, "windows=%d results_at_done=%d results=%d committed=%d source_pauses=%d",
                workload.windows, resultsAtDone.get(), results.sum(), committed, source.pauses()));
    }
}
