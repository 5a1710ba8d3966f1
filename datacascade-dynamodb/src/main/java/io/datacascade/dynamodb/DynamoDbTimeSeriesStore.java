package io.datacascade.dynamodb;

import io.datacascade.core.Point;
import io.datacascade.dynamodb.internal.Clients;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Reads back what a {@link DynamoDbSink} of points wrote: a series between two times, its latest
 * points, and the list of series (from the registry items the sink writes under
 * {@value DynamoDbSink#SERIES_REGISTRY_KEY} the first time it sees each series). The dashboard's
 * history backfill uses it. Thread-safe.
 *
 * <pre>{@code
 * try (DynamoDbTimeSeriesStore store = DynamoDbTimeSeriesStore.create("points", "eu-west-1", null)) {
 *     List<Point> lastHour = store.range("cpu.load", now - 3_600_000, now, true, 10_000);
 * }
 * }</pre>
 */
public final class DynamoDbTimeSeriesStore implements AutoCloseable {
    private final DynamoDbClient client;
    private final boolean ownsClient;
    private final String table;
    private final PointItems layout;

    private DynamoDbTimeSeriesStore(DynamoDbClient client, boolean ownsClient, String table, PointItems layout) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.table = Objects.requireNonNull(table, "table can't be null");
        this.layout = Objects.requireNonNull(layout, "layout can't be null");
    }

    /** A store on {@code table} with its own client for {@code region}, at {@code endpoint} if not null. */
    public static DynamoDbTimeSeriesStore create(String table, String region, URI endpoint) {
        return new DynamoDbTimeSeriesStore(Clients.create(region, endpoint, true), true, table, PointItems.create());
    }

    /** A store on {@code table} through {@code client} (not closed by the store), reading the given layout. */
    public static DynamoDbTimeSeriesStore of(DynamoDbClient client, String table, PointItems layout) {
        return new DynamoDbTimeSeriesStore(Objects.requireNonNull(client, "client can't be null"), false, table, layout);
    }

    /**
     * Points of {@code series} with {@code from <= time <= to}, oldest first if {@code ascending},
     * at most {@code limit}; pages through the table as needed.
     *
     * @throws IllegalArgumentException if {@code to < from} or {@code limit < 1}
     */
    public List<Point> range(String series, long from, long to, boolean ascending, int limit) {
        Objects.requireNonNull(series, "series can't be null");
        if (to < from) {
            throw new IllegalArgumentException("to must not be before from, was from " + from + ", to " + to);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        List<Point> out = new ArrayList<>();
        List<String> partitions = partitions(series, from, to);
        if (!ascending) {
            Collections.reverse(partitions);
        }
        for (String partition : partitions) {
            queryPartition(partition, from, to, ascending, limit, out);
            if (out.size() >= limit) {
                break;
            }
        }
        return out;
    }

    /** The latest {@code n} points of {@code series}, oldest first. */
    public List<Point> latest(String series, int n) {
        if (layout.bucketMillis() != 0) {
            throw new UnsupportedOperationException("latest() needs a time range with time buckets; use range(...) with descending order");
        }
        List<Point> newestFirst = range(series, Long.MIN_VALUE, Long.MAX_VALUE, false, n);
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** Every series a sink has registered in this table, sorted by name. */
    public List<String> series() {
        TreeSet<String> names = new TreeSet<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse page = client.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", PointItems.PARTITION_KEY))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(DynamoDbSink.SERIES_REGISTRY_KEY)))
                    .exclusiveStartKey(exclusiveStart).build());
            page.items().forEach(item -> names.add(item.get(PointItems.NAME).s()));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return new ArrayList<>(names);
    }

    private List<String> partitions(String series, long from, long to) {
        List<String> keys = new ArrayList<>();
        long bucket = layout.bucketMillis();
        if (bucket == 0) {
            keys.add(series);
            return keys;
        }
        long first = Math.floorDiv(from, bucket);
        long last = Math.floorDiv(to, bucket);
        if (last - first > 100_000) {
            throw new IllegalArgumentException("range spans " + (last - first + 1) + " time buckets; narrow it");
        }
        for (long b = first; b <= last; b++) {
            keys.add(layout.partitionKey(series, b * bucket));
        }
        return keys;
    }

    private void queryPartition(String partition, long from, long to, boolean ascending, int limit, List<Point> out) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse page = client.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("#pk = :pk AND #ts BETWEEN :from AND :to")
                    .expressionAttributeNames(Map.of("#pk", PointItems.PARTITION_KEY, "#ts", PointItems.SORT_KEY))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition),
                            ":from", AttributeValue.fromN(Long.toString(from)), ":to", AttributeValue.fromN(Long.toString(to))))
                    .scanIndexForward(ascending).limit(Math.min(limit - out.size(), 1000))
                    .exclusiveStartKey(exclusiveStart).build());
            for (Map<String, AttributeValue> item : page.items()) {
                out.add(layout.fromItem(item));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && out.size() < limit);
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
