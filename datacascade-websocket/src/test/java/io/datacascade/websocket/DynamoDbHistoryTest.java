package io.datacascade.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.datacascade.core.DataCascade;
import io.datacascade.core.MemorySource;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineState;
import io.datacascade.core.Point;
import io.datacascade.dynamodb.DynamoDbSink;
import io.datacascade.dynamodb.DynamoDbTimeSeriesStore;
import io.datacascade.dynamodb.PointItems;
import io.datacascade.testsupport.Dynalite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** History older than the chart's memory comes from the DynamoDB table the pipeline writes. */
class DynamoDbHistoryTest {

    @Test
    void shouldJoinDynamoDbHistoryAndMemoryIntoOneCompleteHistory() throws Exception {
        try (Dynalite dynalite = Dynalite.start();
                DynamoDbClient client = DynamoDbClient.builder().endpointOverride(dynalite.endpoint())
                        .region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(Dynalite.accessKeyId(), Dynalite.secretAccessKey())))
                        .build()) {
            DynamoDbTimeSeriesStore table = DynamoDbTimeSeriesStore.of(client, "chart-history", PointItems.create());
            HistoryStore fromTable = (series, from, to, limit) -> {
                List<Point> newestFirst = table.range(series, from, to - 1, false, limit);
                Collections.reverse(newestFirst);
                return newestFirst;
            };
            try (ChartServer chart = ChartServer.builder().port(0).historyCapacity(100).history(fromTable).start()) {
                MemorySource<Point> source = MemorySource.create();
                Pipeline<Point> pipeline = DataCascade.pipeline("to-table-and-chart").from(source)
                        .to(DynamoDbSink.points("chart-history").client(client).build())
                        .to(chart.sink())
                        .build();
                pipeline.start();
                int n = 3_000;
                long base = System.currentTimeMillis() - 40 * 60_000; // 40 minutes ago, one point a second-ish
                for (int i = 0; i < n; i++) {
                    source.offer(Point.of("temp", base + i * 700L, 20 + (i % 50) / 10.0));
                }
                source.complete();
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (pipeline.state() != PipelineState.COMPLETED) {
                    assertThat(pipeline.state()).isNotEqualTo(PipelineState.FAILED);
                    assertThat(System.nanoTime()).as("pipeline done").isLessThan(deadline);
                    Thread.sleep(20);
                }
                pipeline.close();

                WsClient ws = WsClient.connect(chart);
                try {
                    ws.await("status");
                    ws.send(Map.of("type", "subscribe", "series", List.of("temp"), "history", 3_600_000,
                            "historyPoints", 10_000));
                    JsonNode history = ws.await("history", m -> true, Duration.ofSeconds(30));
                    assertThat(history.has("downsampled")).isFalse();
                    List<Long> times = new ArrayList<>();
                    history.path("t").forEach(t -> times.add(t.asLong()));
                    List<Long> expected = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        expected.add(base + i * 700L);
                    }
                    assertThat(times).as("older points from DynamoDB, the newest 100 from memory").isEqualTo(expected);
                    assertThat(history.path("v").get(n - 1).asDouble()).isEqualTo(20 + ((n - 1) % 50) / 10.0);
                } finally {
                    ws.close();
                }
            }
        }
    }
}
