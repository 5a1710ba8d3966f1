package io.datacascade.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.Point;
import io.datacascade.dynamodb.DynamoDbTimeSeriesStore;
import io.datacascade.testsupport.Dynalite;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --dynamodb-endpoint}: the demo also writes the averages to a DynamoDB table, here on a
 * real dynalite through the ordinary AWS SDK client, exactly as it would to AWS with {@code --region}.
 */
@Timeout(180)
class DemoDynamoDbTest {
    @Test
    void shouldStoreTheAveragesInDynamoDbWhenGivenAnEndpoint() throws Exception {
        try (Dynalite dynalite = Dynalite.start();
             DemoRunner demo = DemoRunner.start("--dynamodb-endpoint", dynalite.endpoint().toString(), "--dynamodb-table",
                     "demo-points", "--series", "2", "--spike-every", "0", "--http-port", "0", "--status-every", "1");
             DynamoDbTimeSeriesStore table = DynamoDbTimeSeriesStore.create("demo-points", "us-east-1", dynalite.endpoint())) {
            long deadline = DashboardClient.deadline(Duration.ofSeconds(90));
            demo.url(deadline); // started
            java.util.concurrent.atomic.AtomicReference<List<Point>> latest = new java.util.concurrent.atomic.AtomicReference<>(List.of());
            assertThat(DashboardClient.await(() -> {
                try {
                    latest.set(table.latest("sensor-1.avg", 3));
                    return latest.get().size() == 3;
                } catch (RuntimeException tableNotThereYet) {
                    return false;
                }
            }, deadline)).as(demo.output()).isTrue();
            assertThat(latest.get()).allSatisfy(p -> {
                assertThat(p.timestamp() % 1000).as("window start").isZero();
                assertThat(p.value()).isBetween(0.0, 100.0);
                assertThat(p.tags()).containsEntry("site", "demo-lab");
            });
            assertThat(demo.output()).contains("DynamoDB table demo-points");
        }
    }
}
