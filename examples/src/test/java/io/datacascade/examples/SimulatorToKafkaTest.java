package io.datacascade.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.Point;
import io.datacascade.kafka.PointJsonCodec;
import io.datacascade.testsupport.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class SimulatorToKafkaTest {
    @Test
    void shouldPublishSimulatedPointsAsJsonKeyedBySeries() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("data-stream", 3);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit = SimulatorToKafka.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                    "--bootstrap-servers", kafka.bootstrapServers(), "--rate", "2000", "--series", "3", "--seconds", "3");
            String printed = out.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(printed).isZero();
            assertThat(printed).contains("acknowledged by Kafka");

            long written = kafka.endOffsetSum("data-stream");
            assertThat(written).isGreaterThan(1000);
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerConfig("check"))) {
                List<TopicPartition> parts = List.of(new TopicPartition("data-stream", 0), new TopicPartition("data-stream", 1),
                        new TopicPartition("data-stream", 2));
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (read.size() < written && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                }
            }
            assertThat(read).hasSize((int) written).allSatisfy(r -> {
                Point p = PointJsonCodec.create().decode(r);
                assertThat(p.series()).startsWith("sensor-");
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(p.series());
            });
        }
    }

    @Test
    void shouldRejectBadFlagsWithExitCode2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = SimulatorToKafka.run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), "--rate", "-5");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--rate must be a number >= 0, was -5.0");
    }
}
