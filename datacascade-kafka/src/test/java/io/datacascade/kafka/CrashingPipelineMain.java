package io.datacascade.kafka;

import io.datacascade.core.DataCascade;
import io.datacascade.core.Pipeline;
import io.datacascade.core.Point;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A Kafka-to-Kafka pipeline in its own JVM, for tests that SIGKILL it mid-stream. Arguments:
 * bootstrap servers, input topic, output topic, group, {@code at-least-once} or
 * {@code exactly-once}, nanoseconds to spend per record (to keep it mid-stream long enough).
 * Prints {@code STARTED} once running; runs until killed.
 */
public final class CrashingPipelineMain {
    private CrashingPipelineMain() {
    }

    public static void main(String[] args) throws Exception {
        String servers = args[0];
        String in = args[1];
        String out = args[2];
        String group = args[3];
        boolean exactlyOnce = "exactly-once".equals(args[4]);
        long nanosPerRecord = Long.parseLong(args[5]);
        KafkaSource<Point> source = KafkaSource.builder(PointJsonCodec.create()).bootstrapServers(servers).topics(in)
                .groupId(group).commitInterval(Duration.ofSeconds(1)) // a wide window of written-but-uncommitted records
                .property("session.timeout.ms", 6000) // the killed member's partitions move on quickly
                .build();
        KafkaSink.Builder<Point> sink = KafkaSink.builder(PointJsonCodec.create()).bootstrapServers(servers).topic(out);
        if (exactlyOnce) {
            sink.exactlyOnce("crash-test-" + group, source);
        }
        Pipeline<Point> pipeline = DataCascade.pipeline("crash").from(source).map(p -> {
            if (nanosPerRecord > 0) {
                LockSupport.parkNanos(nanosPerRecord);
            }
            return p.withTag("run", "x");
        }).to(sink.build()).ringSize(1024).build();
        pipeline.start();
        System.out.println("STARTED");
        System.out.flush();
        pipeline.awaitTermination(Duration.ofHours(1));
        System.out.println("ENDED " + pipeline.state() + " " + pipeline.failure().map(Throwable::toString).orElse(""));
    }
}
