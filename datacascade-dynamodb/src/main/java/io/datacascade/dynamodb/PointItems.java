package io.datacascade.dynamodb;

import io.datacascade.core.Point;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The table layout for {@link Point}s, one item per (series, timestamp):
 *
 * <table>
 *   <caption>Item attributes</caption>
 *   <tr><th>Attribute</th><th>Type</th><th>What</th></tr>
 *   <tr><td>{@code series}</td><td>S, partition key</td><td>the series name, or {@code name#bucketStart}
 *       with {@linkplain #withTimeBuckets time buckets}</td></tr>
 *   <tr><td>{@code ts}</td><td>N, sort key</td><td>epoch milliseconds</td></tr>
 *   <tr><td>{@code value}</td><td>N</td><td>the value (finite only: DynamoDB numbers have no NaN)</td></tr>
 *   <tr><td>{@code tags}</td><td>M of S</td><td>tags, omitted when empty</td></tr>
 *   <tr><td>{@code name}</td><td>S</td><td>the series name, with time buckets only</td></tr>
 *   <tr><td>{@code expires_at}</td><td>N</td><td>epoch seconds, with {@linkplain #withTtl a TTL} only</td></tr>
 * </table>
 *
 * <p>Why: a series' points sort by time inside one partition, so a time-range read is one Query;
 * the same (series, ts) is the same item, so replays overwrite instead of duplicating. A very hot
 * series can be spread over several partitions with time buckets; reads then query each bucket.
 */
public final class PointItems implements ItemMapper<Point> {
    /** The partition key attribute. */
    public static final String PARTITION_KEY = "series";
    /** The sort key attribute. */
    public static final String SORT_KEY = "ts";
    /** The value attribute. */
    public static final String VALUE = "value";
    /** The tags attribute. */
    public static final String TAGS = "tags";
    /** The series name attribute written with time buckets. */
    public static final String NAME = "name";
    /** The expiry attribute written with a TTL (enable TTL on it in the table to have items deleted). */
    public static final String EXPIRES_AT = "expires_at";

    private final long ttlSeconds;
    private final long bucketMillis;

    private PointItems(long ttlSeconds, long bucketMillis) {
        this.ttlSeconds = ttlSeconds;
        this.bucketMillis = bucketMillis;
    }

    /** The plain layout: no TTL, no time buckets. */
    public static PointItems create() {
        return new PointItems(0, 0);
    }

    /** Also writes {@value #EXPIRES_AT} = point time + {@code ttl}, for DynamoDB's TTL to delete old points. */
    public PointItems withTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl can't be null");
        if (ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("ttl must be at least one second, was " + ttl);
        }
        return new PointItems(ttl.toSeconds(), bucketMillis);
    }

    /**
     * Puts each series' points in one partition per {@code bucket} of time ({@code name#start}),
     * to spread a hot series' writes; readers must use the same setting.
     */
    public PointItems withTimeBuckets(Duration bucket) {
        Objects.requireNonNull(bucket, "bucket can't be null");
        if (bucket.toMillis() < 1000) {
            throw new IllegalArgumentException("bucket must be at least one second, was " + bucket);
        }
        return new PointItems(ttlSeconds, bucket.toMillis());
    }

    /** The bucket length in milliseconds, or 0 without time buckets. */
    public long bucketMillis() {
        return bucketMillis;
    }

    /** The partition key value for a point of {@code series} at {@code timestamp}. */
    public String partitionKey(String series, long timestamp) {
        return bucketMillis == 0 ? series : series + "#" + Math.floorDiv(timestamp, bucketMillis) * bucketMillis;
    }

    @Override
    public Map<String, AttributeValue> toItem(Point point) {
        if (!Double.isFinite(point.value())) {
            throw new IllegalArgumentException("value of series '" + point.series() + "' at " + point.timestamp()
                    + " is " + point.value() + "; DynamoDB numbers must be finite");
        }
        if (point.series().isBlank()) {
            throw new IllegalArgumentException("series name is blank; DynamoDB keys must not be empty");
        }
        Map<String, AttributeValue> item = new HashMap<>(8);
        item.put(PARTITION_KEY, AttributeValue.fromS(partitionKey(point.series(), point.timestamp())));
        item.put(SORT_KEY, AttributeValue.fromN(Long.toString(point.timestamp())));
        item.put(VALUE, AttributeValue.fromN(Double.toString(point.value())));
        if (!point.tags().isEmpty()) {
            Map<String, AttributeValue> tags = new HashMap<>(point.tags().size() * 2);
            point.tags().forEach((k, v) -> tags.put(k, AttributeValue.fromS(v)));
            item.put(TAGS, AttributeValue.fromM(tags));
        }
        if (bucketMillis != 0) {
            item.put(NAME, AttributeValue.fromS(point.series()));
        }
        if (ttlSeconds != 0) {
            item.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(Math.floorDiv(point.timestamp(), 1000) + ttlSeconds)));
        }
        return item;
    }

    /** The point an item written by this layout holds. */
    public Point fromItem(Map<String, AttributeValue> item) {
        String key = item.get(PARTITION_KEY).s();
        AttributeValue name = item.get(NAME);
        String series = name != null ? name.s() : bucketMillis == 0 ? key : key.substring(0, key.lastIndexOf('#'));
        Map<String, String> tags = Map.of();
        AttributeValue t = item.get(TAGS);
        if (t != null && t.hasM()) {
            Map<String, String> m = new HashMap<>();
            t.m().forEach((k, v) -> m.put(k, v.s()));
            tags = m;
        }
        return new Point(series, Long.parseLong(item.get(SORT_KEY).n()), Double.parseDouble(item.get(VALUE).n()), tags);
    }

    @Override
    public String toString() {
        return "PointItems[ttlSeconds=" + ttlSeconds + ", bucketMillis=" + bucketMillis + "]";
    }
}
