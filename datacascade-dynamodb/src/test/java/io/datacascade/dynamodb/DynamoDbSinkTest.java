package io.datacascade.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datacascade.core.DataCascade;
import io.datacascade.core.DeadLetter;
import io.datacascade.core.ErrorPolicy;
import io.datacascade.core.MemorySink;
import io.datacascade.core.MemorySource;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineState;
import io.datacascade.core.Point;
import io.datacascade.testsupport.Dynalite;
import io.datacascade.testsupport.FaultProxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Select;

/** The sink and the store against a real DynamoDB-compatible server (dynalite), through the ordinary SDK client. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DynamoDbSinkTest {
    private static Dynalite dynalite;
    private static DynamoDbClient client;

    @BeforeAll
    static void startServer() {
        dynalite = Dynalite.start();
        client = client(dynalite.endpoint());
    }

    @AfterAll
    static void stopServer() {
        if (client != null) {
            client.close();
        }
        if (dynalite != null) {
            dynalite.close();
        }
    }

    static DynamoDbClient client(URI endpoint) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(Dynalite.accessKeyId(), Dynalite.secretAccessKey())))
                .build();
    }

    /** A client that never retries by itself, so every fault reaches the sink's own retry loop (and its counters). */
    static DynamoDbClient clientWithoutRetries(URI endpoint) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(Dynalite.accessKeyId(), Dynalite.secretAccessKey())))
                .overrideConfiguration(c -> c.retryStrategy(
                        software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** Point i of a test run: 7 series, strictly increasing times per series, a tag on every third. */
    static Point point(int i) {
        Point p = Point.of("s" + (i % 7), 1_700_000_000_000L + i * 10L, i * 0.25 - 1000);
        return i % 3 == 0 ? p.withTag("host", "h" + (i % 5)) : p;
    }

    private static MemorySource<Point> source(int from, int to) {
        MemorySource<Point> source = MemorySource.create();
        for (int i = from; i < to; i++) {
            source.offer(point(i));
        }
        source.complete();
        return source;
    }

    private static void runToEnd(Pipeline<Point> pipeline, Duration within) throws InterruptedException {
        pipeline.start();
        assertThat(pipeline.awaitTermination(within)).as("pipeline finished").isTrue();
        assertThat(pipeline.state()).as("state, failure %s", pipeline.failure()).isEqualTo(PipelineState.COMPLETED);
    }

    private static long count(String table) {
        long n = 0;
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> start = null;
        do {
            var exclusiveStart = start;
            var page = client.scan(r -> r.tableName(table).select(Select.COUNT).exclusiveStartKey(exclusiveStart));
            n += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return n;
    }

    private static List<Point> expected(int from, int to, String series) {
        List<Point> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            if (point(i).series().equals(series)) {
                out.add(point(i));
            }
        }
        return out;
    }

    @Test
    void shouldStoreFiftyThousandPointsAndReadThemBackExactlyInOrder() throws Exception {
        int n = 50_000;
        DynamoDbSink<Point> sink = DynamoDbSink.points("points-50k").client(client).build();
        runToEnd(DataCascade.pipeline("to-dynamo").from(source(0, n)).to(sink).build(), Duration.ofSeconds(150));

        assertThat(count("points-50k")).as("items: points plus one registry item per series").isEqualTo(n + 7);
        DynamoDbTimeSeriesStore store = DynamoDbTimeSeriesStore.of(client, "points-50k", PointItems.create());
        assertThat(store.series()).containsExactly("s0", "s1", "s2", "s3", "s4", "s5", "s6");
        for (String series : store.series()) {
            List<Point> back = store.range(series, Long.MIN_VALUE, Long.MAX_VALUE, true, n);
            assertThat(back).as("series %s", series).isEqualTo(expected(0, n, series));
        }
        List<Point> s3 = expected(0, n, "s3");
        assertThat(store.latest("s3", 5)).isEqualTo(s3.subList(s3.size() - 5, s3.size()));
        long from = s3.get(100).timestamp();
        long to = s3.get(2_599).timestamp();
        List<Point> descending = store.range("s3", from, to, false, 2_000);
        assertThat(descending).hasSize(2_000).first().isEqualTo(s3.get(2_599));
        assertThat(descending.get(1_999)).isEqualTo(s3.get(600));
        assertThat(sink.itemsWritten()).isEqualTo(n + 7);
        assertThat(sink.requests()).isGreaterThanOrEqualTo((n + 7) / DynamoDbSink.MAX_BATCH_ITEMS);
    }

    @Test
    void shouldLeaveExactlyOneItemPerKeyWhenTheSameInputIsWrittenTwiceAndMergeDuplicatesInABatch() throws Exception {
        int n = 5_000;
        for (int run = 0; run < 2; run++) {
            DynamoDbSink<Point> sink = DynamoDbSink.points("replayed").client(client).build();
            runToEnd(DataCascade.pipeline("replay-" + run).from(source(0, n)).to(sink).build(), Duration.ofSeconds(60));
        }
        MemorySource<Point> duplicates = MemorySource.create();
        duplicates.offer(Point.of("dup", 1, 1.0));
        duplicates.offer(Point.of("dup", 1, 2.0));
        duplicates.offer(Point.of("dup", 2, 3.0));
        duplicates.complete();
        runToEnd(DataCascade.pipeline("dups").from(duplicates).to(DynamoDbSink.points("replayed").client(client).build())
                .build(), Duration.ofSeconds(30));

        assertThat(count("replayed")).isEqualTo(n + 7 + 2 + 1);
        DynamoDbTimeSeriesStore store = DynamoDbTimeSeriesStore.of(client, "replayed", PointItems.create());
        assertThat(store.range("dup", 0, 10, true, 10)).containsExactly(Point.of("dup", 1, 2.0), Point.of("dup", 2, 3.0));
    }

    @Test
    void shouldGetEverythingThroughThrottlingServerErrorsAndUnprocessedItemsExactlyOnce() throws Exception {
        int n = 5_000;
        try (FaultProxy proxy = FaultProxy.builder(dynalite.endpoint()).seed(7).start();
                DynamoDbClient viaProxy = clientWithoutRetries(proxy.endpoint())) {
            DynamoDbSink<Point> sink = DynamoDbSink.points("faulty").client(viaProxy).maxConcurrentRequests(4)
                    .backoff(Duration.ofMillis(2), Duration.ofMillis(50)).maxAttempts(60).build();
            Pipeline<Point> pipeline = DataCascade.pipeline("faults").from(source(0, n)).to(sink).build();
            Tablesetup.create(client, "faulty");
            proxy.throttle(0.2);
            proxy.serverError(0.1);
            proxy.unprocessed(0.3);
            runToEnd(pipeline, Duration.ofSeconds(150));

            assertThat(sink.retries()).as("retries").isPositive();
            assertThat(sink.throttled()).as("throttled answers").isPositive();
            assertThat(proxy.throttled()).isPositive();
            assertThat(proxy.serverErrors()).isPositive();
            assertThat(proxy.unprocessedItems()).isPositive();
            System.out.printf("faults: %d requests, %d retries, %d throttled, %d server errors, %d items withheld%n",
                    sink.requests(), sink.retries(), proxy.throttled(), proxy.serverErrors(), proxy.unprocessedItems());
        }
        assertThat(count("faulty")).isEqualTo(n + 7);
        DynamoDbTimeSeriesStore store = DynamoDbTimeSeriesStore.of(client, "faulty", PointItems.create());
        for (int s = 0; s < 7; s++) {
            assertThat(store.range("s" + s, Long.MIN_VALUE, Long.MAX_VALUE, true, n)).isEqualTo(expected(0, n, "s" + s));
        }
    }

    @Test
    void shouldStopAdvancingWhileTheServerIsDownAndLoseNothingOnceItIsBack() throws Exception {
        try (Dynalite disk = Dynalite.builder().onDisk().start(); DynamoDbClient diskClient = clientWithoutRetries(disk.endpoint())) {
            MemorySource<Point> source = MemorySource.create();
            DynamoDbSink<Point> sink = DynamoDbSink.points("restarts").client(diskClient)
                    .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).maxAttempts(100).build();
            Pipeline<Point> pipeline = DataCascade.pipeline("restarts").from(source).to(sink).build();
            pipeline.start();
            for (int i = 0; i < 2_000; i++) {
                source.offer(point(i));
            }
            awaitDurable(pipeline, 1_999);

            disk.stop();
            for (int i = 2_000; i < 4_000; i++) {
                source.offer(point(i));
            }
            Thread.sleep(1_500);
            long whileDown = pipeline.metrics().durableSequence();
            assertThat(whileDown).as("durable point while the server is down").isLessThan(3_999);
            Thread.sleep(500);
            assertThat(pipeline.metrics().durableSequence()).isEqualTo(whileDown);

            disk.restart();
            source.complete();
            assertThat(pipeline.awaitTermination(Duration.ofSeconds(60))).isTrue();
            assertThat(pipeline.state()).as("failure %s", pipeline.failure()).isEqualTo(PipelineState.COMPLETED);
            assertThat(pipeline.metrics().durableSequence()).isEqualTo(3_999);
            DynamoDbTimeSeriesStore store = DynamoDbTimeSeriesStore.of(diskClient, "restarts", PointItems.create());
            for (int s = 0; s < 7; s++) {
                assertThat(store.range("s" + s, Long.MIN_VALUE, Long.MAX_VALUE, true, 10_000))
                        .isEqualTo(expected(0, 4_000, "s" + s));
            }
            System.out.printf("restart: durable point held at %d while down; %d retries%n", whileDown, sink.retries());
            assertThat(sink.retries()).isPositive();
        }
    }

    private static void awaitDurable(Pipeline<Point> pipeline, long sequence) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pipeline.metrics().durableSequence() < sequence && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(pipeline.metrics().durableSequence()).isEqualTo(sequence);
    }

    @Test
    void shouldSendItemsDynamoDbCannotTakeToTheErrorPolicyWithTheReasonAndWriteTheRest() throws Exception {
        MemorySource<Point> source = MemorySource.create();
        source.offer(Point.of("ok", 1, 1.0));
        source.offer(Point.of("big", 2, 2.0).withTag("blob", "x".repeat(500 * 1024)));
        source.offer(Point.of("nan", 3, Double.NaN));
        source.offer(Point.of(" ", 4, 4.0));
        source.offer(Point.of("ok", 5, 5.0));
        source.complete();
        MemorySink<DeadLetter> dlq = MemorySink.create();
        DynamoDbSink<Point> sink = DynamoDbSink.points("bad-input").client(client).build();
        runToEnd(DataCascade.pipeline("bad-input").from(source).to(sink).errorPolicy(ErrorPolicy.deadLetter(dlq)).build(),
                Duration.ofSeconds(30));

        DynamoDbTimeSeriesStore store = DynamoDbTimeSeriesStore.of(client, "bad-input", PointItems.create());
        assertThat(store.range("ok", 0, 10, true, 10)).containsExactly(Point.of("ok", 1, 1.0), Point.of("ok", 5, 5.0));
        assertThat(dlq.records()).extracting(DeadLetter::reason).satisfiesExactly(
                big -> assertThat(big).contains("exceeds DynamoDB's limit of 409600 bytes"),
                nan -> assertThat(nan).contains("is NaN; DynamoDB numbers must be finite"),
                blank -> assertThat(blank).contains("series name is blank"));
        assertThat(dlq.records()).allSatisfy(letter -> assertThat(letter.stage()).isEqualTo("DynamoDbSink[bad-input]"));
    }

    @Test
    void shouldCreateAMissingTableAndRefuseOneWithOtherKeys() throws Exception {
        client.createTable(r -> r.tableName("wrong-keys").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
        Pipeline<Point> pipeline = DataCascade.pipeline("wrong").from(source(0, 10))
                .to(DynamoDbSink.points("wrong-keys").client(client).build()).build();
        pipeline.start();
        assertThat(pipeline.awaitTermination(Duration.ofSeconds(30))).isTrue();
        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
        assertThat(pipeline.failure()).get().satisfies(f -> assertThat(f.getMessage())
                .contains("table 'wrong-keys' has partition key [id S] and sort key [null]")
                .contains("partition key [series S] and sort key [ts N]"));

        assertThatThrownBy(() -> DynamoDbSink.points("x")).hasMessageContaining("table must be 3-255 characters")
                .hasMessageContaining("\"x\"");
    }

    @Test
    void shouldWriteThroughADynamoDbUri() throws Exception {
        String uri = "dynamodb://via-uri?endpoint=" + dynalite.endpoint() + "&region=us-east-1&concurrency=2";
        runToEnd(DataCascade.pipeline("uri").from(source(0, 700)).to(DataCascade.sink(uri)).build(), Duration.ofSeconds(60));
        assertThat(count("via-uri")).isEqualTo(707);
        assertThatThrownBy(() -> DataCascade.sink("dynamodb://t-t?colour=red")).hasMessageContaining("colour");
    }
}
