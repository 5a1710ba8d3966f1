package io.datacascade.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    @Test
    void shouldRoundTripRecordsAndReportCommittedOffsets() throws Exception {
        Path logDir;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            logDir = kafka.logDir();
            assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(logDir.toAbsolutePath().toString()).contains("datacascade-kafka-");
            kafka.createTopic("events", 3, Map.of("retention.ms", "-1"));

            produce(kafka, "events", 0, 1_000);
            List<String> values = consume(kafka, "events", "group-a", 1_000);

            assertThat(values).hasSize(1_000).doesNotHaveDuplicates();
            assertThat(kafka.endOffsetSum("events")).isEqualTo(1_000);
            Map<TopicPartition, Long> committed = kafka.committedOffsets("group-a", "events");
            assertThat(committed).containsOnlyKeys(
                    new TopicPartition("events", 0), new TopicPartition("events", 1), new TopicPartition("events", 2));
            assertThat(committed.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1_000);
            assertThat(kafka.committedOffsets("no-such-group", "events")).isEmpty();
            assertThat(topicConfig(kafka, "events").get("retention.ms").value()).isEqualTo("-1");
            assertThatThrownBy(() -> kafka.createTopic("events", 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("creating topic 'events'")
                    .hasCauseInstanceOf(TopicExistsException.class);
        }
        assertThat(logDir).doesNotExist();
    }

    @Test
    void shouldServeSameAddressAndDataAfterStopAndRestart() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        try {
            String address = kafka.bootstrapServers();
            kafka.createTopic("ticks", 2);
            produce(kafka, "ticks", 0, 100);
            assertThat(consume(kafka, "ticks", "group-b", 100)).hasSize(100);

            long stopStarted = System.nanoTime();
            kafka.stop();
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStarted);
            assertThat(kafka.isRunning()).isFalse();
            kafka.stop();

            long restartStarted = System.nanoTime();
            kafka.restart();
            long restartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartStarted);
            System.out.printf("stop took %d ms, restart took %d ms%n", stopMillis, restartMillis);

            assertThat(kafka.isRunning()).isTrue();
            assertThat(kafka.bootstrapServers()).isEqualTo(address);
            assertThat(kafka.endOffsetSum("ticks")).isEqualTo(100);
            produce(kafka, "ticks", 100, 50);
            assertThat(consume(kafka, "ticks", "group-b", 50)).allMatch(v -> Integer.parseInt(v) >= 100);
            assertThat(kafka.committedOffsets("group-b", "ticks").values().stream().mapToLong(Long::longValue).sum())
                    .isEqualTo(150);

            kafka.close();
            kafka.close();
            assertThat(kafka.isRunning()).isFalse();
            assertThat(kafka.logDir()).doesNotExist();
            assertThatThrownBy(kafka::restart)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("the Kafka broker at " + address + " is closed");
        } finally {
            kafka.close();
        }
    }

    @Test
    void shouldRetryRestartWhileAnotherProcessHoldsThePortBriefly() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("held", 1);
            produce(kafka, "held", 0, 5);
            kafka.stop();
            int port = Integer.parseInt(kafka.bootstrapServers().substring(kafka.bootstrapServers().indexOf(':') + 1));
            ServerSocket squatter = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"));
            Thread release = new Thread(() -> {
                try {
                    Thread.sleep(1_500);
                    squatter.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            release.start();
            try {
                kafka.restart();
            } finally {
                release.join();
                squatter.close();
            }
            assertThat(kafka.endOffsetSum("held")).isEqualTo(5);
        }
    }

    @Test
    void shouldAutoCreateTopicsAndKeepFixedLogDirForNextBroker(@TempDir Path dir) throws Exception {
        Path logDir = dir.resolve("kafka-logs");
        String firstAddress;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                .partitions(2)
                .brokerProperties(Map.of("message.max.bytes", "2000000"))
                .logDir(logDir)
                .start()) {
            firstAddress = kafka.bootstrapServers();
            produce(kafka, "auto", 0, 10);
            try (Admin admin = kafka.admin()) {
                assertThat(admin.describeTopics(List.of("auto")).allTopicNames().get().get("auto").partitions())
                        .hasSize(2);
            }
        }
        assertThat(logDir.resolve("meta.properties")).exists();

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().logDir(logDir).start()) {
            assertThat(kafka.bootstrapServers()).isNotEqualTo(firstAddress);
            assertThat(kafka.endOffsetSum("auto")).isEqualTo(10);
            assertThat(consume(kafka, "auto", "group-c", 10)).hasSize(10);
        }
        assertThat(Files.list(logDir).count()).isPositive();
    }

    @Test
    void shouldRejectInvalidOptionsNamingTheValue() {
        assertThatThrownBy(() -> EmbeddedKafka.builder().partitions(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partitions must be at least 1, was 0");
        assertThatThrownBy(() -> EmbeddedKafka.builder().brokerProperties(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("properties can't be null");
    }

    private static void produce(EmbeddedKafka kafka, String topic, int from, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerConfig())) {
            for (int i = from; i < from + count; i++) {
                byte[] value = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, value, value));
            }
            producer.flush();
        }
    }

    private static List<String> consume(EmbeddedKafka kafka, String topic, String group, int count) {
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerConfig(group))) {
            consumer.subscribe(List.of(topic));
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(record.value(), StandardCharsets.UTF_8));
                }
            }
            consumer.commitSync();
        }
        return values;
    }

    private static Config topicConfig(EmbeddedKafka kafka, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = kafka.admin()) {
            return admin.describeConfigs(List.of(resource)).all().get().get(resource);
        }
    }
}
