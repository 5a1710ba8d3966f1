package io.datacascade.examples.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.KafkaEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.datacascade.core.Point;
import io.datacascade.dynamodb.DynamoDbTimeSeriesStore;
import io.datacascade.dynamodb.PointItems;
import io.datacascade.testsupport.Dynalite;
import io.datacascade.testsupport.FaultProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The handler end to end: the sample MSK event, loaded as the Lambda Java runtime loads events,
 * through the handler into a real DynamoDB-compatible server (dynalite), read back with the
 * ordinary SDK client and {@link DynamoDbTimeSeriesStore}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MskToDynamoDbHandlerTest {
    private static final String SAMPLE_EVENT = "msk-event.json";
    private static final int ONE_MINUTE = 60_000;
    private static final AtomicInteger TABLES = new AtomicInteger();

    private static Dynalite dynalite;
    private static DynamoDbClient client;

    @BeforeAll
    static void startServer() {
        dynalite = Dynalite.start();
        client = DynamoDbClient.builder().endpointOverride(dynalite.endpoint()).region(Region.of(dynalite.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(Dynalite.accessKeyId(), Dynalite.secretAccessKey())))
                .build();
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

    /** Tables with names no other test uses: {@code prefix-points}, {@code -alerts}, {@code -dead-letters}. */
    private static final class Tables {
        final String points;
        final String alerts;
        final String deadLetters;

        Tables() {
            String prefix = "t" + TABLES.incrementAndGet();
            points = prefix + "-points";
            alerts = prefix + "-alerts";
            deadLetters = prefix + "-dead-letters";
        }
    }

    private static Map<String, String> env(URI endpoint, Tables tables, boolean alertAndDeadLetterTables) {
        Map<String, String> env = new HashMap<>();
        env.put("POINTS_TABLE", tables.points);
        if (alertAndDeadLetterTables) {
            env.put("ALERTS_TABLE", tables.alerts);
            env.put("DEAD_LETTER_TABLE", tables.deadLetters);
        }
        env.put("DEFAULT_SERIES", "legacy.value");
        env.put("DYNAMODB_ENDPOINT", endpoint.toString());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", Dynalite.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", Dynalite.secretAccessKey());
        return env;
    }

    private static KafkaEvent sampleEvent() {
        return EventLoader.loadKafkaEvent(SAMPLE_EVENT);
    }

    private static List<Map<String, AttributeValue>> scan(String table) {
        return client.scan(r -> r.tableName(table)).items();
    }

    private static Map<String, AttributeValue> itemAt(List<Map<String, AttributeValue>> items, String partitionKey) {
        return items.stream().filter(i -> i.get(PointItems.PARTITION_KEY).s().equals(partitionKey)).findFirst()
                .orElseThrow(() -> new AssertionError("no item with key " + partitionKey + " in " + items));
    }

    @Test
    void shouldStorePointsAlertsAndDeadLettersOfTheSampleEvent() {
        Tables tables = new Tables();
        BatchSummary summary;
        try (MskToDynamoDbHandler handler = new MskToDynamoDbHandler(env(dynalite.endpoint(), tables, true))) {
            summary = handler.handleRequest(sampleEvent(), new FakeContext(ONE_MINUTE));
        }

        assertThat(summary.getRecords()).isEqualTo(9);
        assertThat(summary.getPointsWritten()).isEqualTo(6);
        assertThat(summary.getDeadLettered()).isEqualTo(3);
        assertThat(summary.getAlerts()).isEqualTo(2);

        try (DynamoDbTimeSeriesStore store = DynamoDbTimeSeriesStore.of(client, tables.points, PointItems.create())) {
            assertThat(store.series()).containsExactly("legacy.value", "sensor.temp");
            Map<String, String> tags = Map.of("site", "lab", "topic", "sensors", "source", "msk");
            assertThat(store.range("sensor.temp", 0, Long.MAX_VALUE, true, 100)).containsExactly(
                    new Point("sensor.temp", 1732822000000L, 21.5, tags),
                    new Point("sensor.temp", 1732822001000L, 22.0, tags),
                    new Point("sensor.temp", 1732822002000L, 120.0, tags),
                    new Point("sensor.temp", 1732822003000L, 22.5, tags));
            Map<String, String> legacyTags = Map.of("topic", "sensors", "source", "msk");
            assertThat(store.range("legacy.value", 0, Long.MAX_VALUE, true, 100)).containsExactly(
                    new Point("legacy.value", 1732822000500L, 0.42, legacyTags),
                    new Point("legacy.value", 1732822001500L, 0.43, legacyTags));
        }

        List<Map<String, AttributeValue>> alerts = scan(tables.alerts);
        assertThat(alerts).hasSize(2);
        Map<String, AttributeValue> firing = alerts.stream().filter(a -> a.get("state").s().equals("FIRING")).findFirst()
                .orElseThrow();
        assertThat(firing.get("series").s()).isEqualTo("value-spike#sensor.temp");
        assertThat(firing.get("ts").n()).isEqualTo("1732822002000");
        assertThat(firing.get("rule").s()).isEqualTo("value-spike");
        assertThat(firing.get("alert_series").s()).isEqualTo("sensor.temp");
        assertThat(Double.parseDouble(firing.get("value").n())).isEqualTo(120.0);
        assertThat(firing.get("condition").s()).isEqualTo("value > 100");
        assertThat(firing.get("severity").s()).isEqualTo("critical");
        assertThat(firing.get("labels").m()).containsEntry("source", AttributeValue.fromS("lambda"));
        assertThat(firing.get("fired_at").n()).isEqualTo("1732822002000");
        Map<String, AttributeValue> resolved = alerts.stream().filter(a -> a.get("state").s().equals("RESOLVED"))
                .findFirst().orElseThrow();
        assertThat(resolved.get("ts").n()).isEqualTo("1732822003000");
        assertThat(resolved.get("fired_at").n()).isEqualTo("1732822002000");

        List<Map<String, AttributeValue>> deadLetters = scan(tables.deadLetters);
        assertThat(deadLetters).extracting(i -> i.get("series").s())
                .containsExactlyInAnyOrder("sensors-0-104", "sensors-0-105", "sensors-0-106");
        Map<String, AttributeValue> malformed = itemAt(deadLetters, "sensors-0-104");
        assertThat(malformed.get("ts").n()).isEqualTo("1732822004010");
        assertThat(malformed.get("stage").s()).isEqualTo("parse");
        assertThat(malformed.get("reason").s()).startsWith("payload is not valid UTF-8 JSON");
        assertThat(malformed.get("error_type").s()).endsWith("InvalidRecordException");
        assertThat(malformed.get("raw_value").s()).isEqualTo("{\"series\":\"sensor.temp\",\"time\":1732822004000,\"value\":");
        assertThat(malformed.get("raw_encoding").s()).isEqualTo("utf-8");
        assertThat(malformed.get("topic").s()).isEqualTo("sensors");
        assertThat(malformed.get("partition").n()).isEqualTo("0");
        assertThat(malformed.get("offset").n()).isEqualTo("104");
        assertThat(malformed.get("pipeline").s()).isEqualTo(MskToDynamoDbHandler.PIPELINE_NAME);
        Map<String, AttributeValue> nan = itemAt(deadLetters, "sensors-0-105");
        assertThat(nan.get("stage").s()).isEqualTo("parse");
        assertThat(nan.get("reason").s()).contains("NaN");
        assertThat(nan.get("raw_value").s()).endsWith("\"value\":NaN}");
        Map<String, AttributeValue> seconds = itemAt(deadLetters, "sensors-0-106");
        assertThat(seconds.get("stage").s()).isEqualTo("validate");
        assertThat(seconds.get("reason").s()).isEqualTo("time 1732822006 (1970-01-21T01:20:22.006Z) of series 'sensor.temp'"
                + " is before 2000-01-01T00:00:00Z: seconds instead of milliseconds?");
    }

    @Test
    void shouldLeaveTheSameItemsWhenTheSameEventIsDeliveredAgain() {
        Tables tables = new Tables();
        try (MskToDynamoDbHandler handler = new MskToDynamoDbHandler(env(dynalite.endpoint(), tables, true))) {
            handler.handleRequest(sampleEvent(), new FakeContext(ONE_MINUTE));
            Map<String, List<Map<String, AttributeValue>>> first = snapshot(tables);

            BatchSummary again = handler.handleRequest(sampleEvent(), new FakeContext(ONE_MINUTE));

            assertThat(again.getPointsWritten()).isEqualTo(6);
            assertThat(snapshot(tables)).isEqualTo(first);
            assertThat(first.get(tables.points)).hasSize(6 + 2); // six points and the registry items of two series
            assertThat(first.get(tables.alerts)).hasSize(2);
            assertThat(first.get(tables.deadLetters)).hasSize(3);
        }
    }

    /** Every item of the three tables, sorted by key, without the one attribute a replay changes (when it failed). */
    private static Map<String, List<Map<String, AttributeValue>>> snapshot(Tables tables) {
        Comparator<Map<String, AttributeValue>> byKey = Comparator
                .comparing((Map<String, AttributeValue> i) -> i.get(PointItems.PARTITION_KEY).s())
                .thenComparing(i -> Long.parseLong(i.get(PointItems.SORT_KEY).n()));
        return List.of(tables.points, tables.alerts, tables.deadLetters).stream().collect(Collectors.toMap(t -> t,
                t -> scan(t).stream().map(item -> {
                    Map<String, AttributeValue> copy = new HashMap<>(item);
                    copy.remove(DeadLetterItems.FAILED_AT);
                    return copy;
                }).sorted(byKey).toList()));
    }

    @Test
    void shouldLogAndCountDeadLettersAndAlertsWithoutTheirTables() {
        Tables tables = new Tables();
        try (MskToDynamoDbHandler handler = new MskToDynamoDbHandler(env(dynalite.endpoint(), tables, false))) {
            BatchSummary summary = handler.handleRequest(sampleEvent(), new FakeContext(ONE_MINUTE));

            assertThat(summary.getPointsWritten()).isEqualTo(6);
            assertThat(summary.getDeadLettered()).isEqualTo(3);
            assertThat(summary.getAlerts()).isEqualTo(2);
        }
        assertThat(client.listTables().tableNames()).contains(tables.points)
                .doesNotContain(tables.alerts, tables.deadLetters);
    }

    @Test
    void shouldNotFailTheInvocationWhenEveryRecordIsBad() {
        Tables tables = new Tables();
        KafkaEvent event = sampleEvent();
        event.getRecords().values().forEach(records -> records.forEach(r -> r.setValue("bm90IGpzb24="))); // "not json"
        event.getRecords().get("sensors-1").get(0).setValue("%%% not base64 %%%");
        try (MskToDynamoDbHandler handler = new MskToDynamoDbHandler(env(dynalite.endpoint(), tables, true))) {
            BatchSummary summary = handler.handleRequest(event, new FakeContext(ONE_MINUTE));

            assertThat(summary.getRecords()).isEqualTo(9);
            assertThat(summary.getPointsWritten()).isZero();
            assertThat(summary.getDeadLettered()).isEqualTo(9);
            assertThat(summary.getAlerts()).isZero();
        }
        Map<String, AttributeValue> notBase64 = itemAt(scan(tables.deadLetters), "sensors-1-7");
        assertThat(notBase64.get("reason").s()).startsWith("record value is not valid base64");
        assertThat(notBase64.get("raw_value").s()).isEqualTo("%%% not base64 %%%");
        assertThat(notBase64.get("raw_encoding").s()).isEqualTo("base64");
    }

    @Test
    void shouldReturnAnEmptySummaryForAnEventWithoutRecords() {
        Tables tables = new Tables();
        KafkaEvent event = sampleEvent();
        event.setRecords(Map.of());
        try (MskToDynamoDbHandler handler = new MskToDynamoDbHandler(env(dynalite.endpoint(), tables, true))) {
            BatchSummary summary = handler.handleRequest(event, new FakeContext(ONE_MINUTE));

            assertThat(summary.getRecords()).isZero();
            assertThat(summary.getPointsWritten()).isZero();
        }
    }

    @Test
    void shouldUseTheRulesFileNamedByRules(@TempDir Path dir) throws IOException {
        Tables tables = new Tables();
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "rules:\n  - name: warm\n    series: sensor.*\n    above: 22.2\n    severity: warning\n");
        Map<String, String> env = env(dynalite.endpoint(), tables, true);
        env.put("RULES", rules.toString());
        try (MskToDynamoDbHandler handler = new MskToDynamoDbHandler(env)) {
            BatchSummary summary = handler.handleRequest(sampleEvent(), new FakeContext(ONE_MINUTE));

            assertThat(summary.getAlerts()).isEqualTo(1); // fires at 120 and stays firing at 22.5
        }
        assertThat(scan(tables.alerts)).singleElement().satisfies(alert -> {
            assertThat(alert.get("series").s()).isEqualTo("warm#sensor.temp");
            assertThat(alert.get("state").s()).isEqualTo("FIRING");
            assertThat(alert.get("ts").n()).isEqualTo("1732822002000");
        });
    }

    @Test
    void shouldThrowNamingTheTablesWhenDynamoDbIsUnreachable() throws IOException {
        Tables tables = new Tables();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort);
        long started = System.nanoTime();
        try (MskToDynamoDbHandler handler = new MskToDynamoDbHandler(env(nowhere, tables, true))) {
            assertThatThrownBy(() -> handler.handleRequest(sampleEvent(), new FakeContext(ONE_MINUTE)))
                    .isInstanceOf(BatchNotStoredException.class)
                    .hasMessageStartingWith("batch of 9 record(s) from arn:aws:kafka:us-east-1:123456789012:cluster/datacascade-demo/")
                    .hasMessageContaining("not stored in DynamoDB (points table '" + tables.points + "', alerts table '"
                            + tables.alerts + "', dead-letter table '" + tables.deadLetters + "' at " + nowhere + ")")
                    .hasMessageContaining("127.0.0.1:" + closedPort)
                    .hasMessageEndingWith("; Lambda will retry the batch")
                    .hasCauseInstanceOf(RuntimeException.class);
        }
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).as("seconds until it failed").isLessThan(15);
    }

    @Test
    void shouldThrowWhenDynamoDbDoesNotConfirmTheWritesInTime() {
        Tables tables = new Tables();
        try (FaultProxy proxy = FaultProxy.builder(dynalite.endpoint()).faultTarget(FaultProxy.BATCH_WRITE_ITEM).start();
             MskToDynamoDbHandler handler = new MskToDynamoDbHandler(env(proxy.endpoint(), tables, true))) {
            handler.handleRequest(sampleEvent(), new FakeContext(ONE_MINUTE)); // creates the tables
            proxy.serverError(1.0); // every BatchWriteItem now answers HTTP 500: the sink retries with backoff
            // 10 s left: the handler must give up after 8 s (a fifth kept as margin), before Lambda's timeout
            // and long before the sink's 12 tries (about 30 s) run out

            long started = System.nanoTime();
            assertThatThrownBy(() -> handler.handleRequest(sampleEvent(), new FakeContext(10_000)))
                    .isInstanceOf(BatchNotStoredException.class)
                    .hasMessageContaining("not stored in DynamoDB (points table '" + tables.points + "'")
                    .hasMessageFindingMatch("not stored within \\d+ ms \\(the invocation's remaining \\d+ ms minus a margin"
                            + " of \\d+ ms\\)")
                    .hasMessageEndingWith("; Lambda will retry the batch");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("ms until it gave up")
                    .isLessThan(10_000);
            assertThat(proxy.serverErrors()).isPositive();
        }
    }

    @Test
    void shouldRefuseToStartWhenTooLittleTimeIsLeft() {
        Tables tables = new Tables();
        try (MskToDynamoDbHandler handler = new MskToDynamoDbHandler(env(dynalite.endpoint(), tables, true))) {
            assertThatThrownBy(() -> handler.handleRequest(sampleEvent(), new FakeContext(100)))
                    .isInstanceOf(BatchNotStoredException.class)
                    .hasMessageContaining("ms of the invocation were left; raise the function's timeout");
        }
        assertThat(client.listTables().tableNames()).doesNotContain(tables.points);
    }
}
