package io.datacascade.testsupport;

import static io.datacascade.testsupport.DynamoTestClients.client;
import static io.datacascade.testsupport.DynamoTestClients.createSeriesTable;
import static io.datacascade.testsupport.DynamoTestClients.item;
import static io.datacascade.testsupport.DynamoTestClients.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

class FaultProxyTest {

    private static Dynalite dynalite;
    private static DynamoDbClient direct;
    private static int tables;

    private String table;

    @BeforeAll
    static void startDynalite() {
        dynalite = Dynalite.start();
        direct = client(dynalite.endpoint());
    }

    @AfterAll
    static void stopDynalite() {
        direct.close();
        dynalite.close();
        assertThat(DynaliteTest.dynaliteProcesses()).isEmpty();
    }

    @BeforeEach
    void createTable() {
        table = "metrics" + ++tables;
        createSeriesTable(direct, table);
    }

    @Test
    void shouldForwardRequestsUnchangedWithoutFaults() {
        try (FaultProxy proxy = FaultProxy.start(dynalite.endpoint()); DynamoDbClient dynamo = client(proxy.endpoint())) {
            dynamo.putItem(b -> b.tableName(table).item(item("cpu", 1, 0.5)));
            BatchWriteItemResponse batch = dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, puts("cpu", 2, 10))));
            Map<String, AttributeValue> read = dynamo.getItem(b -> b.tableName(table).key(key("cpu", 1))).item();

            assertThat(batch.unprocessedItems()).isEmpty();
            assertThat(read).isEqualTo(item("cpu", 1, 0.5));
            assertThat(storedTimestamps()).hasSize(11);
            assertThat(proxy.requests()).isEqualTo(3);
            assertThat(proxy.forwarded()).isEqualTo(3);
            assertThat(proxy.throttled() + proxy.serverErrors() + proxy.unprocessedItems()).isZero();
        }
    }

    @Test
    void shouldWriteOnlyItemsNotReportedAsUnprocessed() {
        try (FaultProxy proxy = FaultProxy.builder(dynalite.endpoint()).seed(7).start();
                DynamoDbClient dynamo = client(proxy.endpoint())) {
            proxy.unprocessed(0.5);

            BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, puts("cpu", 0, 25))));

            Set<Long> unprocessed = timestamps(response.unprocessedItems().getOrDefault(table, List.of()));
            assertThat(unprocessed).isNotEmpty().hasSizeLessThan(25);
            assertThat(response.unprocessedItems().get(table)).allMatch(w -> w.putRequest() != null);
            Set<Long> expected = new HashSet<>();
            for (long ts = 0; ts < 25; ts++) {
                if (!unprocessed.contains(ts)) {
                    expected.add(ts);
                }
            }
            assertThat(storedTimestamps()).isEqualTo(expected);
            assertThat(proxy.unprocessedItems()).isEqualTo(unprocessed.size());
            assertThat(proxy.forwarded()).isEqualTo(1);

            // Retrying the unprocessed items without faults writes the rest.
            proxy.clear();
            BatchWriteItemResponse retry = dynamo.batchWriteItem(b -> b.requestItems(response.unprocessedItems()));
            assertThat(retry.unprocessedItems()).isEmpty();
            assertThat(storedTimestamps()).hasSize(25);
        }
    }

    @Test
    void shouldWithholdDeletesAndAnswerAloneWhenEveryItemIsWithheld() {
        direct.batchWriteItem(b -> b.requestItems(Map.of(table, puts("cpu", 0, 5))));
        try (FaultProxy proxy = FaultProxy.start(dynalite.endpoint()); DynamoDbClient dynamo = client(proxy.endpoint())) {
            proxy.unprocessed(1.0);
            List<WriteRequest> deletes = new ArrayList<>();
            for (long ts = 0; ts < 5; ts++) {
                long t = ts;
                deletes.add(WriteRequest.builder().deleteRequest(d -> d.key(key("cpu", t))).build());
            }

            BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, deletes)));

            assertThat(response.unprocessedItems()).isEqualTo(Map.of(table, deletes));
            assertThat(storedTimestamps()).hasSize(5);
            assertThat(proxy.forwarded()).isZero();
            assertThat(proxy.unprocessedItems()).isEqualTo(5);
        }
    }

    @Test
    void shouldDrawTheSameFaultsForTheSameSeed() {
        List<Set<Long>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (FaultProxy proxy = FaultProxy.builder(dynalite.endpoint()).seed(42).start();
                    DynamoDbClient dynamo = client(proxy.endpoint())) {
                proxy.unprocessed(0.3);
                runs.add(timestamps(dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, puts("cpu", 0, 25))))
                        .unprocessedItems().getOrDefault(table, List.of())));
            }
        }
        assertThat(runs.get(0)).isNotEmpty().isEqualTo(runs.get(1));
    }

    @Test
    void shouldThrottleBatchWritesWithoutForwardingUntilCleared() {
        try (FaultProxy proxy = FaultProxy.start(dynalite.endpoint()); DynamoDbClient dynamo = client(proxy.endpoint())) {
            proxy.throttle(1.0);
            Map<String, List<WriteRequest>> batch = Map.of(table, puts("cpu", 0, 3));

            assertThatThrownBy(() -> dynamo.batchWriteItem(b -> b.requestItems(batch)))
                    .isInstanceOfSatisfying(ProvisionedThroughputExceededException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("injected throttling");
                    });
            dynamo.putItem(b -> b.tableName(table).item(item("mem", 1, 2.0))); // other operations pass
            assertThat(storedTimestamps()).containsExactly(1L);
            assertThat(proxy.throttled()).isEqualTo(1);

            proxy.clear();
            assertThat(dynamo.batchWriteItem(b -> b.requestItems(batch)).unprocessedItems()).isEmpty();
            assertThat(storedTimestamps()).containsExactlyInAnyOrder(0L, 1L, 2L);
            assertThat(proxy.requests()).isEqualTo(3);
            assertThat(proxy.forwarded()).isEqualTo(2);
        }
    }

    @Test
    void shouldAnswerInternalFailureForAnyOperationWhenTargetingAll() {
        try (FaultProxy proxy = FaultProxy.builder(dynalite.endpoint()).faultTarget(FaultProxy.ALL_OPERATIONS).start();
                DynamoDbClient dynamo = client(proxy.endpoint())) {
            proxy.serverError(1.0);

            assertThatThrownBy(() -> dynamo.getItem(b -> b.tableName(table).key(key("cpu", 1))))
                    .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(500);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalFailure");
                    });
            assertThat(proxy.serverErrors()).isEqualTo(1);
            assertThat(proxy.forwarded()).isZero();

            proxy.faultTarget("DynamoDB_20120810.PutItem");
            dynamo.getItem(b -> b.tableName(table).key(key("cpu", 1)));
            assertThat(proxy.forwarded()).isEqualTo(1);
        }
    }

    @Test
    void shouldCloseClientConnectionWhenTargetIsUnreachable() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        try (FaultProxy proxy = FaultProxy.start(URI.create("http://127.0.0.1:" + deadPort));
                DynamoDbClient dynamo = client(proxy.endpoint())) {
            assertThatThrownBy(() -> dynamo.listTables()).isInstanceOf(SdkClientException.class);
            assertThat(proxy.requests()).isEqualTo(1);
            assertThat(proxy.forwarded()).isZero();
        }
    }

    @Test
    void shouldServeConcurrentClientsThatRetryUntilEverythingIsWritten() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(dynalite.endpoint()); DynamoDbClient dynamo = client(proxy.endpoint())) {
            proxy.throttle(0.2);
            proxy.serverError(0.1);
            proxy.unprocessed(0.3);
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int writer = 0; writer < 4; writer++) {
                long firstTs = writer * 100L;
                writers.add(CompletableFuture.runAsync(() -> {
                    for (long ts = firstTs; ts < firstTs + 100; ts += 25) {
                        writeWithRetries(dynamo, Map.of(table, puts("cpu", ts, 25)));
                    }
                }));
            }
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            assertThat(storedTimestamps()).hasSize(400);
            assertThat(proxy.throttled()).isPositive();
            assertThat(proxy.serverErrors()).isPositive();
            assertThat(proxy.unprocessedItems()).isPositive();
            // the rest were answered by the proxy alone, every item of the batch withheld
            assertThat(proxy.requests()).isGreaterThanOrEqualTo(proxy.forwarded() + proxy.throttled() + proxy.serverErrors());
        }
    }

    /** What a sink does: resend unprocessed items, retry throttling and server errors. */
    private static void writeWithRetries(DynamoDbClient dynamo, Map<String, List<WriteRequest>> batch) {
        Map<String, List<WriteRequest>> pending = batch;
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            assertThat(attempt).as("attempts").isLessThan(100);
            Map<String, List<WriteRequest>> request = pending;
            try {
                pending = dynamo.batchWriteItem(b -> b.requestItems(request)).unprocessedItems();
            } catch (DynamoDbException e) {
                assertThat(e.statusCode()).isIn(400, 500);
            }
        }
    }

    @Test
    void shouldRejectInvalidSharesAndTargets() {
        try (FaultProxy proxy = FaultProxy.start(dynalite.endpoint())) {
            assertThatThrownBy(() -> proxy.throttle(1.5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("throttle share must be between 0 and 1, was 1.5");
            assertThatThrownBy(() -> proxy.unprocessed(Double.NaN))
                    .hasMessage("unprocessed share must be between 0 and 1, was NaN");
        }
        assertThatThrownBy(() -> FaultProxy.builder(URI.create("https://dynamodb.us-east-1.amazonaws.com/x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("target must be an http URI with host and port and no path, was "
                        + "https://dynamodb.us-east-1.amazonaws.com/x");
    }

    private static List<WriteRequest> puts(String series, long firstTs, int count) {
        List<WriteRequest> puts = new ArrayList<>();
        for (long ts = firstTs; ts < firstTs + count; ts++) {
            long t = ts;
            puts.add(WriteRequest.builder().putRequest(p -> p.item(item(series, t, t / 10.0))).build());
        }
        return puts;
    }

    private static Set<Long> timestamps(List<WriteRequest> requests) {
        return requests.stream()
                .map(w -> w.putRequest() != null ? w.putRequest().item().get("ts") : w.deleteRequest().key().get("ts"))
                .map(v -> Long.parseLong(v.n()))
                .collect(Collectors.toSet());
    }

    private Set<Long> storedTimestamps() {
        return direct.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().stream()
                .map(i -> Long.parseLong(i.get("ts").n()))
                .collect(Collectors.toSet());
    }
}
