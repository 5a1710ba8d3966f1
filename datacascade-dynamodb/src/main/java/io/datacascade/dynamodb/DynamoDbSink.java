package io.datacascade.dynamodb;

import io.datacascade.core.Batch;
import io.datacascade.core.OrderedAcks;
import io.datacascade.core.PipelineException;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import io.datacascade.core.SinkContext;
import io.datacascade.dynamodb.internal.Clients;
import io.datacascade.dynamodb.internal.ItemSize;
import io.datacascade.dynamodb.internal.Tables;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes a pipeline's records to a DynamoDB table, one item per key.
 *
 * <ul>
 *   <li><b>Batched and parallel.</b> Each pipeline batch becomes {@code BatchWriteItem} requests of
 *       at most 25 items, up to {@link Builder#maxConcurrentRequests} in flight; when that many
 *       are out, the pipeline waits (backpressure).</li>
 *   <li><b>Idempotent.</b> An item's key is (series, ts): writing a record again replaces the item.
 *       Two records with the same key in one batch are merged (the later wins), because DynamoDB
 *       refuses duplicate keys in one request. Replays after a crash therefore leave exactly one
 *       item per key: at-least-once delivery, exactly-once result.</li>
 *   <li><b>Retried, then surfaced.</b> {@code UnprocessedItems}, throttling, 5xx answers and
 *       connection failures are retried with exponential backoff and full jitter, up to
 *       {@link Builder#maxAttempts}; after that the pipeline fails, never drops.</li>
 *   <li><b>Bad records go to the error policy.</b> Items DynamoDB can never take (over 400 KB, a
 *       NaN value, an empty key) are declined one by one with the reason, so the pipeline's
 *       error policy skips, dead-letters or fails on them while the rest is written.</li>
 *   <li><b>Durable means accepted.</b> A batch is reported durable once the server accepted every
 *       item of it and of every batch before it.</li>
 * </ul>
 *
 * <pre>{@code
 * DynamoDbSink<Point> sink = DynamoDbSink.points("points").region("eu-west-1").build();
 * // a DynamoDB-compatible server instead of AWS:
 * DynamoDbSink<Point> local = DynamoDbSink.points("points").endpoint(URI.create("http://localhost:8000")).build();
 * }</pre>
 *
 * @param <T> the record type
 */
public final class DynamoDbSink<T> implements Sink<T> {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbSink.class);
    /** DynamoDB's limit of items per {@code BatchWriteItem}. */
    public static final int MAX_BATCH_ITEMS = 25;
    /** Partition key of the registry items that list the series the sink has written. */
    public static final String SERIES_REGISTRY_KEY = "__series__";

    private final String table;
    private final ItemMapper<T> mapper;
    private final Builder<T> settings;
    private final boolean registerSeries;
    private final Set<String> registered = new HashSet<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong itemsWritten = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();

    private DynamoDbClient client;
    private boolean ownsClient;
    private ExecutorService pool;
    private Semaphore inFlight;
    private OrderedAcks acks;
    private SinkContext context;

    private DynamoDbSink(Builder<T> b) {
        this.table = b.table;
        this.mapper = b.mapper;
        this.settings = b;
        this.registerSeries = b.mapper instanceof PointItems;
    }

    /** A builder for a sink of {@link Point}s in the {@link PointItems} layout. */
    public static Builder<Point> points(String table) {
        return builder(table, PointItems.create());
    }

    /** A builder for a sink of records {@code mapper} turns into items. */
    public static <T> Builder<T> builder(String table, ItemMapper<T> mapper) {
        return new Builder<>(table, Objects.requireNonNull(mapper, "mapper can't be null"));
    }

    /** {@code BatchWriteItem} requests sent, retries included. */
    public long requests() {
        return requests.get();
    }

    /** Requests sent again: unprocessed items, throttling, server and connection errors. */
    public long retries() {
        return retries.get();
    }

    /** Requests the server answered with throttling. */
    public long throttled() {
        return throttled.get();
    }

    /** Items the server accepted (registry items included). */
    public long itemsWritten() {
        return itemsWritten.get();
    }

    @Override
    public void open(SinkContext ctx) {
        this.context = ctx;
        if (settings.client != null) {
            client = settings.client;
        } else {
            client = Clients.create(settings.region, settings.endpoint, false);
            ownsClient = true;
        }
        Tables.ensure(client, table, settings.createTable, Duration.ofMinutes(2));
        int threads = settings.maxConcurrentRequests;
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "datacascade-" + ctx.pipelineName() + "-" + ctx.sinkName() + "-writer");
            t.setDaemon(true);
            return t;
        });
        inFlight = new Semaphore(threads);
        acks = new OrderedAcks(ctx, e -> new PipelineException("DynamoDB sink '" + ctx.sinkName() + "' could not write to table '"
                + table + "': " + e.getMessage(), e));
        LOG.info("DynamoDB sink '{}' writes to table '{}'{} with up to {} requests in flight", ctx.sinkName(), table,
                settings.endpoint != null ? " at " + settings.endpoint : "", threads);
    }

    @Override
    public boolean reportsDurability() {
        return true;
    }

    @Override
    public void write(Batch<T> batch) throws InterruptedException {
        if (acks.failure() != null) {
            throw new IllegalStateException("DynamoDB sink for '" + table + "' failed earlier; see the pipeline's failure");
        }
        OrderedAcks.Ticket ticket = acks.open(batch.sequence());
        try {
            Map<List<String>, Map<String, AttributeValue>> byKey = new LinkedHashMap<>();
            for (int i = 0, n = batch.size(); i < n; i++) {
                Map<String, AttributeValue> item = itemOf(batch, i);
                if (item != null) {
                    byKey.put(keyOf(item), item); // same key twice in a batch: the later wins
                }
            }
            List<WriteRequest> chunk = new ArrayList<>(MAX_BATCH_ITEMS);
            for (String series : registerLater) {
                byKey.put(List.of(SERIES_REGISTRY_KEY, Long.toString(seriesId(series))), registryItem(series));
            }
            registerLater.clear();
            for (Map<String, AttributeValue> item : byKey.values()) {
                chunk.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
                if (chunk.size() == MAX_BATCH_ITEMS) {
                    submit(chunk, ticket);
                    chunk = new ArrayList<>(MAX_BATCH_ITEMS);
                }
            }
            if (!chunk.isEmpty()) {
                submit(chunk, ticket);
            }
        } finally {
            acks.seal(ticket);
        }
    }

    /** The record's item, plus a registry item the first time a series is seen; null if declined. */
    private Map<String, AttributeValue> itemOf(Batch<T> batch, int index) {
        T record = batch.get(index);
        Map<String, AttributeValue> item;
        try {
            item = mapper.toItem(record);
            AttributeValue pk = item.get(PointItems.PARTITION_KEY);
            AttributeValue sk = item.get(PointItems.SORT_KEY);
            if (pk == null || pk.s() == null || pk.s().isEmpty() || sk == null || sk.n() == null) {
                throw new IllegalArgumentException("item needs a non-empty '" + PointItems.PARTITION_KEY + "' (S) and a '"
                        + PointItems.SORT_KEY + "' (N), got " + pk + " and " + sk);
            }
            long size = ItemSize.of(item);
            if (size > ItemSize.LIMIT) {
                throw new IllegalArgumentException("item of " + size + " bytes exceeds DynamoDB's limit of " + ItemSize.LIMIT
                        + " bytes (key " + pk.s() + "/" + sk.n() + ")");
            }
        } catch (RuntimeException e) {
            context.reject(index, e.getMessage(), e);
            return null;
        }
        if (registerSeries && record instanceof Point p && registered.add(p.series())) {
            registerLater.add(p.series());
        }
        return item;
    }

    /** Series seen for the first time in the batch being written: their registry items go with it. */
    private final List<String> registerLater = new ArrayList<>();

    private static List<String> keyOf(Map<String, AttributeValue> item) {
        return List.of(item.get(PointItems.PARTITION_KEY).s(), item.get(PointItems.SORT_KEY).n());
    }

    private void submit(List<WriteRequest> chunk, OrderedAcks.Ticket ticket) throws InterruptedException {
        inFlight.acquire();
        ticket.add();
        List<WriteRequest> requestItems = chunk;
        pool.execute(() -> {
            try {
                writeWithRetries(requestItems);
                ticket.done();
            } catch (RuntimeException e) {
                ticket.fail(e);
            } finally {
                inFlight.release();
            }
        });
    }

    /** The registry item listing {@code series}: partition {@value #SERIES_REGISTRY_KEY}, sort key its id. */
    private static Map<String, AttributeValue> registryItem(String series) {
        return Map.of(
                PointItems.PARTITION_KEY, AttributeValue.fromS(SERIES_REGISTRY_KEY),
                PointItems.SORT_KEY, AttributeValue.fromN(Long.toString(seriesId(series))),
                PointItems.NAME, AttributeValue.fromS(series));
    }

    /** A stable 63-bit id of a series name (FNV-1a 64), the registry item's sort key. */
    static long seriesId(String series) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < series.length(); i++) {
            h ^= series.charAt(i);
            h *= 0x100000001b3L;
        }
        return h & Long.MAX_VALUE;
    }

    /** Sends one request of at most 25 items until the server has accepted all of them. */
    private void writeWithRetries(List<WriteRequest> items) {
        List<WriteRequest> pending = items;
        int attempt = 0;
        while (true) {
            attempt++;
            String why;
            try {
                requests.incrementAndGet();
                List<WriteRequest> sent = pending;
                BatchWriteItemResponse response = client.batchWriteItem(r -> r.requestItems(Map.of(table, sent)));
                List<WriteRequest> unprocessed = response.hasUnprocessedItems()
                        ? response.unprocessedItems().getOrDefault(table, List.of()) : List.of();
                itemsWritten.addAndGet(sent.size() - unprocessed.size());
                if (unprocessed.isEmpty()) {
                    return;
                }
                pending = unprocessed;
                why = unprocessed.size() + " unprocessed item(s)";
            } catch (AwsServiceException e) {
                if (e.isThrottlingException()) {
                    throttled.incrementAndGet();
                } else if (e.statusCode() < 500) {
                    throw new IllegalStateException("DynamoDB refused a request of " + pending.size() + " item(s) for table '"
                            + table + "' (" + e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage()
                            + "); not retried", e);
                }
                why = e.awsErrorDetails().errorCode() + " (HTTP " + e.statusCode() + ")";
            } catch (SdkClientException e) {
                why = "no answer: " + e.getMessage();
            }
            if (attempt >= settings.maxAttempts) {
                throw new IllegalStateException("gave up on " + pending.size() + " item(s) for table '" + table + "' after "
                        + attempt + " attempts; last: " + why);
            }
            retries.incrementAndGet();
            if (attempt == 3 || attempt % 10 == 0) {
                LOG.warn("DynamoDB sink: table '{}': attempt {} of {} failed ({}); retrying", table, attempt, settings.maxAttempts,
                        why);
            }
            sleepBeforeRetry(attempt);
        }
    }

    /** Exponential backoff with full jitter: a random wait up to min(cap, base * 2^attempt). */
    private void sleepBeforeRetry(int attempt) {
        long base = settings.baseBackoff.toNanos();
        long cap = settings.maxBackoff.toNanos();
        long ceiling = attempt >= 30 ? cap : Math.min(cap, base << attempt);
        long nanos = ThreadLocalRandom.current().nextLong(ceiling + 1);
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry a write to table '" + table + "'", e);
        }
    }

    @Override
    public boolean flush(Duration timeout) {
        return acks == null || acks.awaitAll(timeout);
    }

    @Override
    public void close() throws InterruptedException {
        if (pool != null) {
            pool.shutdown();
            if (!pool.awaitTermination(settings.closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        }
        if (ownsClient && client != null) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "DynamoDbSink[" + table + "]";
    }

    /**
     * Settings of a {@link DynamoDbSink}. Where: {@link #region} (default {@code us-east-1} or
     * what the AWS SDK's default chain says), or {@link #endpoint} for a DynamoDB-compatible
     * server, or your own {@link #client}.
     *
     * @param <T> the record type
     */
    public static final class Builder<T> {
        private final String table;
        private final ItemMapper<T> mapper;
        private DynamoDbClient client;
        private String region = "us-east-1";
        private URI endpoint;
        private boolean createTable = true;
        private int maxConcurrentRequests = 4;
        private int maxAttempts = 12;
        private Duration baseBackoff = Duration.ofMillis(25);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private Duration closeTimeout = Duration.ofSeconds(30);

        private Builder(String table, ItemMapper<T> mapper) {
            if (table == null || table.length() < 3 || table.length() > 255 || !table.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("table must be 3-255 characters of letters, digits, '_', '-', '.', was "
                        + (table == null ? "null" : "\"" + table + "\""));
            }
            this.table = table;
            this.mapper = mapper;
        }

        /** Uses this client (the sink does not close it); region and endpoint are then ignored. */
        public Builder<T> client(DynamoDbClient client) {
            this.client = Objects.requireNonNull(client, "client can't be null");
            return this;
        }

        /** The AWS region, e.g. {@code eu-west-1}; default {@code us-east-1}. */
        public Builder<T> region(String region) {
            if (region == null || region.isBlank()) {
                throw new IllegalArgumentException("region must not be blank, was " + region);
            }
            this.region = region;
            return this;
        }

        /** A DynamoDB-compatible server instead of AWS, e.g. {@code http://localhost:8000}. */
        public Builder<T> endpoint(URI endpoint) {
            Objects.requireNonNull(endpoint, "endpoint can't be null");
            if (endpoint.getScheme() == null || endpoint.getHost() == null) {
                throw new IllegalArgumentException("endpoint must be an absolute http(s) URI, was " + endpoint);
            }
            this.endpoint = endpoint;
            return this;
        }

        /** Whether to create the table when it is missing (default true); an existing table's keys are always checked. */
        public Builder<T> createTable(boolean create) {
            this.createTable = create;
            return this;
        }

        /** Requests in flight at once, 1 to 64; default 4. */
        public Builder<T> maxConcurrentRequests(int n) {
            if (n < 1 || n > 64) {
                throw new IllegalArgumentException("maxConcurrentRequests must be between 1 and 64, was " + n);
            }
            this.maxConcurrentRequests = n;
            return this;
        }

        /** Tries per request before the pipeline fails, 1 to 100; default 12 (about half a minute of backoff). */
        public Builder<T> maxAttempts(int n) {
            if (n < 1 || n > 100) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and 100, was " + n);
            }
            this.maxAttempts = n;
            return this;
        }

        /** First and largest backoff between tries; defaults 25 ms and 5 s. */
        public Builder<T> backoff(Duration base, Duration max) {
            Objects.requireNonNull(base, "base backoff can't be null");
            Objects.requireNonNull(max, "max backoff can't be null");
            if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
                throw new IllegalArgumentException("backoff must be 0 < base <= max, was base " + base + ", max " + max);
            }
            this.baseBackoff = base;
            this.maxBackoff = max;
            return this;
        }

        /** The sink. */
        public DynamoDbSink<T> build() {
            return new DynamoDbSink<>(this);
        }
    }
}
