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
        KafkaSource<Point> source = KafkaSource.builder(PointJsonCodec.create())
                .bootstrapServers(kafka.bootstrapServers())
                .topics(topic)
                .groupId(group)
                .build();
        KafkaProgress progress = new KafkaProgress();
        Pipeline<Point> pipeline = DataCascade.pipeline("e2e-" + passId)
                .from(source)
                .map(KafkaWorkload::map)
                .filter(KafkaWorkload::filter)
                .to(batch -> progress.add(batch.size()))
                .build();
        long expected = workload.expectedKept;
        Pass pass;
        long start = System.nanoTime();
        pipeline.start();
        try {
            pass = progress.await(name(), expected, workload.points.length, start, () -> {
                if (pipeline.failure().isPresent()) {
                    throw new IllegalStateException("pipeline failed: " + pipeline.failure().get(), pipeline.failure().get());
                }
                if (pipeline.state().isTerminal()) {
                    throw new IllegalStateException("pipeline stopped early: " + pipeline.state());
                }
            });
        } finally {
            pipeline.close();
        }
        if (pipeline.failure().isPresent()) {
            throw new IllegalStateException("pipeline failed: " + pipeline.failure().get(), pipeline.failure().get());
        }
        if (source.deadLettered() != 0) {
            throw new IllegalStateException("the source could not decode " + source.deadLettered() + " records");
        }
        progress.verifyExactly(name(), expected);
        workload.verifyCommitted(kafka, group, topic);
        return pass.withNote("source_pauses=" + source.pauses());
    }
}
