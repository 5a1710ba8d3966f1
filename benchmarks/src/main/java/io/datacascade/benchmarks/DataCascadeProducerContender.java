package io.datacascade.benchmarks;

import io.datacascade.core.DataCascade;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineMetrics;
import io.datacascade.core.PipelineState;
import io.datacascade.core.Point;
import io.datacascade.kafka.KafkaSink;
import io.datacascade.testsupport.EmbeddedKafka;
import java.time.Duration;

/**
 * {@code producer-datacascade}: a pipeline from an {@link ArraySource} of the pre-built points
 * straight into {@code KafkaSink.points(..)} (JSON keyed by series, every sink default: acks=all,
 * idempotence, linger.ms=5, batch.size=131072), default pipeline settings. Timed from
 * {@code start()} to the pipeline's completion ({@code awaitTermination}), which comes after the
 * sink's final flush has seen every record acknowledged and its producer closed.
 */
final class DataCascadeProducerContender implements KafkaContender {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final EmbeddedKafka kafka;
    private final KafkaWorkload workload;
    private final int partitions;

    DataCascadeProducerContender(EmbeddedKafka kafka, KafkaWorkload workload, int partitions) {
        this.kafka = kafka;
        this.workload = workload;
        this.partitions = partitions;
    }

    @Override
    public String name() {
        return "producer-datacascade";
    }

    @Override
    public Pass run(String passId) throws InterruptedException {
        String topic = KafkaEndToEnd.createProduceTopic(kafka, "e2e-produce-datacascade-" + passId, partitions);
        Point[] points = workload.points;
        Pipeline<Point> pipeline = DataCascade.pipeline("e2e-produce-" + passId)
                .from(new ArraySource<>(points))
                .to(KafkaSink.points(kafka.bootstrapServers(), topic))
                .build();
        long nanos;
        try {
            long start = System.nanoTime();
            pipeline.start();
            boolean done = pipeline.awaitTermination(TIMEOUT);
            nanos = System.nanoTime() - start;
            if (!done) {
                throw new IllegalStateException("producing pipeline did not complete within " + TIMEOUT);
            }
        } finally {
            pipeline.close();
        }
        if (pipeline.failure().isPresent()) {
            throw new IllegalStateException("producing pipeline failed: " + pipeline.failure().get(), pipeline.failure().get());
        }
        PipelineMetrics metrics = pipeline.metrics();
        if (pipeline.state() != PipelineState.COMPLETED || metrics.eventsOut() != points.length
                || metrics.durableSequence() != points.length - 1) {
            throw new IllegalStateException("producing pipeline ended " + pipeline.state() + " with " + metrics.eventsOut()
                    + " records out and durable sequence " + metrics.durableSequence() + ", expected " + points.length
                    + " records all durable");
        }
        KafkaEndToEnd.verifyProduceTopic(kafka, topic, points.length);
        return new Pass(points.length, nanos, -1, "");
    }
}
