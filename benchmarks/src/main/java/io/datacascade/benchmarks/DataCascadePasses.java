package io.datacascade.benchmarks;

import io.datacascade.core.Pipeline;
import io.datacascade.core.Point;
import io.datacascade.kafka.KafkaSource;
import io.datacascade.kafka.PointJsonCodec;
import io.datacascade.testsupport.EmbeddedKafka;

/**
 * What the DataCascade consuming contenders ({@link DataCascadeConsumerContender},
 * {@link DataCascadeWindowedContender}) share for one pass: the {@link KafkaSource} and the timed
 * run of a pipeline reading from it. Each contender keeps its stages, its group and pipeline names,
 * its expected count and the checks and notes of its own.
 */
final class DataCascadePasses {
    private DataCascadePasses() {
    }

    /**
     * A {@link KafkaSource} of {@code topic} with the {@link PointJsonCodec} decoder and consumer
     * group {@code group}, every other setting the source's default (offsets committed once
     * durable, at most every second; no dead-letter topic).
     */
    static KafkaSource<Point> source(EmbeddedKafka kafka, String topic, String group) {
        return KafkaSource.builder(PointJsonCodec.create())
                .bootstrapServers(kafka.bootstrapServers())
                .topics(topic)
                .groupId(group)
                .build();
    }

    /**
     * One pass of {@code pipeline}: timed from {@code start()} (which creates the consumer) until
     * {@code progress} reaches {@code expected}, failing early if the pipeline fails or stops; then
     * {@code atDone} (untimed, with the pipeline still running) and the close, untimed. Fails if the
     * pipeline failed, {@code source} dead-lettered any record or the count is not exactly
     * {@code expected}.
     *
     * @param records the input records of the pass, for the result
     */
    static KafkaContender.Pass run(String who, Pipeline<Point> pipeline, KafkaSource<Point> source, KafkaProgress progress,
                                   long expected, long records, Runnable atDone) {
        KafkaContender.Pass pass;
        long start = System.nanoTime();
        pipeline.start();
        try {
            pass = progress.await(who, expected, records, start, () -> {
                if (pipeline.failure().isPresent()) {
                    throw new IllegalStateException("pipeline failed: " + pipeline.failure().get(), pipeline.failure().get());
                }
                if (pipeline.state().isTerminal()) {
                    throw new IllegalStateException("pipeline stopped early: " + pipeline.state());
                }
            });
            atDone.run();
        } finally {
            pipeline.close();
        }
        if (pipeline.failure().isPresent()) {
            throw new IllegalStateException("pipeline failed: " + pipeline.failure().get(), pipeline.failure().get());
        }
        if (source.deadLettered() != 0) {
            throw new IllegalStateException("the source could not decode " + source.deadLettered() + " records");
        }
        progress.verifyExactly(who, expected);
        return pass;
    }
}
