package io.datacascade.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.DataCascade;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineState;
import io.datacascade.core.Point;
import io.datacascade.core.SimulatorSource;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Brokers that are not there, or go away: bounded retries, then a failure that says what happened. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokerOutageTest extends WithBroker {

    private static int unusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Throwable awaitFailure(Pipeline<?> pipeline, Duration within) throws InterruptedException {
        assertThat(pipeline.awaitTermination(within)).as("pipeline stopped within %s", within).isTrue();
        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
        return pipeline.failure().orElseThrow();
    }

    @Test
    void shouldFailWithAClearMessageWhenNoBrokerAnswersAtStart() throws Exception {
        String address = "127.0.0.1:" + unusedPort();
        KafkaSource<Point> source = KafkaSource.builder(PointJsonCodec.create()).bootstrapServers(address).topics("t")
                .groupId("g").brokerTimeout(Duration.ofSeconds(3)).build();
        long start = System.nanoTime();
        try (Pipeline<Point> pipeline = DataCascade.pipeline("no-broker").from(source).to(batch -> { }).build()) {
            pipeline.start();
            Throwable failure = awaitFailure(pipeline, Duration.ofSeconds(30));
            assertThat(failure).hasMessageContaining("could not reach Kafka at " + address).hasMessageContaining("PT3S");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void shouldFailTheSourceAfterTheBrokerTimeoutWhenTheBrokerGoesAwayMidStreamAndTheSinkWhenItsSendsExpire()
            throws Exception {
        String in = "outage-in";
        kafka.createTopic(in, 1);
        KafkaTestData.producePoints(kafka, in, 0, 1000);
        KafkaSourceTest.DistinctSink sink = new KafkaSourceTest.DistinctSink(0);
        KafkaSource<Point> source = KafkaSource.builder(PointJsonCodec.create()).bootstrapServers(kafka.bootstrapServers())
                .topics(in).groupId("g-outage").brokerTimeout(Duration.ofSeconds(4)).build();
        KafkaSink<Point> out = KafkaSink.builder(PointJsonCodec.create()).bootstrapServers(kafka.bootstrapServers())
                .topic("outage-out").deliveryTimeout(Duration.ofSeconds(3)).build();
        Pipeline<Point> reading = DataCascade.pipeline("reading").from(source).to(sink).build();
        Pipeline<Point> writing = DataCascade.pipeline("writing")
                .from(SimulatorSource.builder().series(2).ratePerSecond(500).build()).to(out).build();
        try (reading; writing) {
            reading.start();
            writing.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((sink.keys.size() < 1000 || kafka.endOffsetSum("outage-out") == 0) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(sink.keys).hasSize(1000);

            kafka.stop();
            Throwable sinkFailure = awaitFailure(writing, Duration.ofSeconds(30));
            assertThat(sinkFailure).hasMessageContaining("could not write to topic 'outage-out'");
            Throwable sourceFailure = awaitFailure(reading, Duration.ofSeconds(40));
            assertThat(sourceFailure).hasMessageContaining("lost Kafka at " + kafka.bootstrapServers());
        } finally {
            kafka.restart();
        }
    }
}
