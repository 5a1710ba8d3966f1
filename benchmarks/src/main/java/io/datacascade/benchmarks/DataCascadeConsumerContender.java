package io.datacascade.benchmarks;

import io.datacascade.core.DataCascade;
import io.datacascade.core.Pipeline;
import io.datacascade.core.Point;
import io.datacascade.kafka.KafkaSource;
import io.datacascade.kafka.PointJsonCodec;
import io.datacascade.testsupport.EmbeddedKafka;

/**
 * {@code datacascade}: {@link KafkaSource} (the {@link PointJsonCodec} decoder, a consumer group,
 * every default: offsets committed once durable, at most every second) → {@code map} → {@code filter}
 * → a sink counting each batch, in a pipeline with default settings (ring of 16,384, PARKING,
 * batches of ≤ 1,024). No dead-letter topic, like the raw consumer ({@code KafkaSource.points}
 * would add one, and a producer for it). Timed from {@code start()}, which creates the consumer,
 * until the counter reaches the expected count; the pipeline is closed after that, untimed.
 */
final class DataCascadeConsumerContender implements KafkaContender {
    private final EmbeddedKafka kafka;
    private final String topic;
    private final KafkaWorkload workload;

    DataCascadeConsumerContender(EmbeddedKafka kafka, String topic, KafkaWorkload workload) {
        this.kafka = kafka;
        this.topic = topic;
        this.workload = workload;
    }

    @Override
    public String name() {
        return "datacascade";
    }

    @Override
    public Pass run(String passId) {
        String group = "e2e-datacascade-" + passId;
        KafkaSource<Point> source = DataCascadePasses.source(kafka, topic, group);
        KafkaProgress progress = new KafkaProgress();
        Pipeline<Point> pipeline = DataCascade.pipeline("e2e-" + passId)
                .from(source)
                .map(KafkaWorkload::map)
                .filter(KafkaWorkload::filter)
                .to(batch -> progress.add(batch.size()))
                .build();
        Pass pass = DataCascadePasses.run(name(), pipeline, source, progress, workload.expectedKept, workload.points.length,
                () -> { });
        workload.verifyCommitted(kafka, group, topic);
        return pass.withNote("source_pauses=" + source.pauses());
    }
}
