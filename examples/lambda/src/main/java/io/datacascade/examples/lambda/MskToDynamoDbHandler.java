package io.datacascade.examples.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KafkaEvent;
import io.datacascade.core.Alert;
import io.datacascade.core.DataCascade;
import io.datacascade.core.ErrorPolicy;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineBuilder;
import io.datacascade.core.PipelineMetrics;
import io.datacascade.core.PipelineState;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import io.datacascade.core.alert.AlertLogSink;
import io.datacascade.core.alert.AlertRule;
import io.datacascade.core.alert.AlertRules;
import io.datacascade.core.alert.Signal;
import io.datacascade.core.alert.Threshold;
import io.datacascade.dynamodb.DynamoDbSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * An AWS Lambda handler for Amazon MSK (or self-managed Kafka) event source mappings: it parses
 * each record of the batch into a point, validates it, evaluates alert rules, and stores points,
 * alerts and dead letters in DynamoDB, with one DataCascade pipeline per invocation.
 *
 * <pre>
 * MSK event ──▶ parse ──▶ validate ──▶ enrich ──▶ alerts ──▶ DynamoDB points table
 *   (base64     (PointJsonCodec,  (finite,   (source=msk,   │
 *    records)    both JSON forms)  sane time) topic=…)      └─▶ alerts table (if set) + log
 *        bad records at any stage ──▶ dead letters: log line + count + dead-letter table (if set)
 * </pre>
 *
 * <h2>Configuration (environment variables)</h2>
 * <ul>
 *   <li>{@code POINTS_TABLE} (required): the points table, {@code series} S + {@code ts} N.</li>
 *   <li>{@code ALERTS_TABLE} (optional): store alert events there (see {@code AlertItems});
 *       they are logged either way.</li>
 *   <li>{@code DEAD_LETTER_TABLE} (optional): store dead letters there, keyed by source position
 *       {@code topic-partition-offset}; they are logged and counted either way.</li>
 *   <li>{@code RULES} (optional): path of an alert rules file (YAML or JSON); default the
 *       bundled {@code rules.yaml}, one value threshold.</li>
 *   <li>{@code DEFAULT_SERIES} (optional): the series of records in the original stack's
 *       {@code {"time":…,"value":…}} form; without it their Kafka key names the series.</li>
 *   <li>{@code DYNAMODB_ENDPOINT} (optional): a DynamoDB-compatible server for local runs.</li>
 *   <li>{@code CREATE_TABLES} (optional, default {@code true}): create missing tables; with
 *       {@code false} the role needs no {@code dynamodb:CreateTable}.</li>
 *   <li>{@code AWS_REGION} and the credentials variables, which Lambda sets.</li>
 * </ul>
 * A missing or invalid variable fails the constructor (the function's init) with a message naming
 * each variable and its value. The DynamoDB client is built once per container, in the constructor,
 * and reused by every invocation.
 *
 * <h2>What fails the invocation, and what does not</h2>
 * Bad input never does: a record that is not valid base64 or JSON, not a point, or has a
 * non-finite value or an implausible time becomes a dead letter, logged as one line with its stage,
 * reason and {@code topic-partition-offset}. A storage problem always does: when DynamoDB cannot be
 * reached or refuses writes (after the sink's retries), or the batch is not confirmed stored within
 * the invocation's remaining time minus a margin, the handler throws {@link BatchNotStoredException}
 * and Lambda delivers the batch again. Replays are safe: points are keyed by (series, time), alerts
 * by (rule and series, time), dead letters by source position, so a replay overwrites items and
 * never duplicates them.
 *
 * <h2>Alert state lives in one invocation</h2>
 * Each invocation starts its rules from scratch and sees only its own batch. Value thresholds
 * ({@code above}/{@code below} on each point's value) work exactly as in the long-running service.
 * Anything that needs memory across batches does not: {@code for} and {@code keep_firing_for} only
 * count time inside one batch, range signals ({@code avg}, {@code rate}... {@code over}) only see
 * one batch's points, absence rules never fire (an invocation ends before anything can be absent),
 * and a condition that persists across batches raises its {@code FIRING} again in each batch that
 * shows it. The constructor logs a warning for each rule of that kind. Those rules belong in a
 * long-running pipeline (the DataCascade demo or your own service with a {@code KafkaSource}).
 */
public final class MskToDynamoDbHandler implements RequestHandler<KafkaEvent, BatchSummary>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MskToDynamoDbHandler.class);

    /** The pipeline's name, in thread names, logs and dead letters. */
    static final String PIPELINE_NAME = "msk-to-dynamodb";
    /** Longest time one DynamoDB request may take before the sink counts it failed and retries it. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** The largest safety margin kept free at the end of an invocation; a fifth of the remaining time if that is less. */
    static final long MAX_MARGIN_MILLIS = 5_000;
    /** Less time than this left after the margin, and the batch is not even started. */
    static final long MIN_BUDGET_MILLIS = 200;
    private static final int RING_SIZE = 1024;

    private final HandlerConfig config;
    private final DynamoDbClient client;

    /** The handler Lambda creates: configured from the process environment. */
    public MskToDynamoDbHandler() {
        this(System.getenv());
    }

    /**
     * A handler configured from {@code environment} instead of the process environment (tests, local
     * runs); it builds its DynamoDB client now.
     *
     * @throws NullPointerException     if {@code environment} is null
     * @throws IllegalArgumentException naming every missing or invalid variable and its value
     */
    public MskToDynamoDbHandler(Map<String, String> environment) {
        this.config = HandlerConfig.from(environment);
        this.client = createClient(config);
        warnAboutCrossBatchRules(config.rules);
        LOG.info("MskToDynamoDbHandler ready: {}", config);
    }

    /**
     * Processes one batch: every record is parsed, validated and alerted on, and stored or
     * dead-lettered, before this returns.
     *
     * @return counts of what happened to the batch
     * @throws NullPointerException     if {@code context} is null
     * @throws BatchNotStoredException  if the batch could not be stored completely; Lambda retries it
     */
    @Override
    public BatchSummary handleRequest(KafkaEvent event, Context context) {
        Objects.requireNonNull(context, "context can't be null (Lambda always passes one)");
        long started = System.nanoTime();
        List<MskRecord> records = MskRecord.of(event);
        String from = event == null || event.getEventSourceArn() == null ? "an unknown event source" : event.getEventSourceArn();
        if (records.isEmpty()) {
            LOG.info("batch from {}: no records", from);
            return new BatchSummary(0, 0, 0, 0);
        }
        long remaining = context.getRemainingTimeInMillis();
        long margin = Math.min(MAX_MARGIN_MILLIS, remaining / 5);
        long budget = remaining - margin;
        if (budget < MIN_BUDGET_MILLIS) {
            throw new BatchNotStoredException(describe(records.size(), from) + ": only " + remaining
                    + " ms of the invocation were left; raise the function's timeout. Lambda will retry the batch", null);
        }

        BatchSource source = new BatchSource(records);
        DeadLetterSink deadLetters = new DeadLetterSink(config.deadLetterTable == null ? null
                : tableSink(DynamoDbSink.builder(config.deadLetterTable, new DeadLetterItems())));
        AtomicLong alerts = new AtomicLong();
        Sink<Alert> alertCounter = batch -> alerts.addAndGet(batch.size());
        PointStages stages = new PointStages(config.codec, System::currentTimeMillis);

        PipelineBuilder<MskRecord, Point> builder = DataCascade.pipeline(PIPELINE_NAME)
                .from(source)
                .map(stages::parse).named(PointStages.PARSE)
                .map(stages::validate).named(PointStages.VALIDATE)
                .map(stages::enrich).named(PointStages.ENRICH)
                .alerts(config.rules).named(PointStages.ALERTS)
                .alertsTo(AlertLogSink.create())
                .alertsTo(alertCounter);
        if (config.alertsTable != null) {
            builder.alertsTo(tableSink(DynamoDbSink.builder(config.alertsTable, new AlertItems())));
        }
        Pipeline<MskRecord> pipeline = builder
                .to(tableSink(DynamoDbSink.points(config.pointsTable)))
                .errorPolicy(ErrorPolicy.deadLetter(deadLetters))
                .ringSize(RING_SIZE)
                .closeTimeout(Duration.ofMillis(budget))
                .build();

        pipeline.start();
        boolean terminated;
        try {
            terminated = pipeline.awaitTermination(Duration.ofMillis(budget));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeInBackground(pipeline);
            throw new BatchNotStoredException(describe(records.size(), from) + ": interrupted while storing it; "
                    + "Lambda will retry the batch", e);
        }
        if (!terminated) {
            closeInBackground(pipeline);
            throw new BatchNotStoredException(describe(records.size(), from) + ": not stored within " + budget
                    + " ms (the invocation's remaining " + remaining + " ms minus a margin of " + margin
                    + " ms); Lambda will retry the batch", null);
        }
        Throwable failure = pipeline.failure().orElse(null);
        if (failure != null || pipeline.state() != PipelineState.COMPLETED) {
            throw new BatchNotStoredException(describe(records.size(), from) + ": "
                    + (failure != null ? failure.getMessage() : "the pipeline ended " + pipeline.state())
                    + "; Lambda will retry the batch", failure);
        }
        if (!source.allDurable()) {
            throw new BatchNotStoredException(describe(records.size(), from) + ": DynamoDB did not confirm every write within "
                    + budget + " ms; Lambda will retry the batch", null);
        }

        PipelineMetrics metrics = pipeline.metrics();
        BatchSummary summary = new BatchSummary(records.size(), metrics.eventsOut() - deadLetters.pointsRejectedBySinks(),
                deadLetters.count(), alerts.get());
        LOG.info("batch from {}: {} in {} ms", from, summary, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return summary;
    }

    /** Closes the DynamoDB client. Lambda never calls it (the container is simply discarded); tests and local runs do. */
    @Override
    public void close() {
        client.close();
    }

    private <T> DynamoDbSink<T> tableSink(DynamoDbSink.Builder<T> builder) {
        return builder.client(client).createTable(config.createTables).build();
    }

    /** "batch of 9 record(s) from arn:… not stored in DynamoDB (points table 'points', …)". */
    private String describe(int records, String from) {
        return "batch of " + records + " record(s) from " + from + " not stored in DynamoDB (points table '"
                + config.pointsTable + "'" + (config.alertsTable != null ? ", alerts table '" + config.alertsTable + "'" : "")
                + (config.deadLetterTable != null ? ", dead-letter table '" + config.deadLetterTable + "'" : "")
                + (config.endpoint != null ? " at " + config.endpoint : " in " + config.region) + ")";
    }

    /**
     * Stops a pipeline that overran its time without holding up the invocation: the handler throws
     * at once, and the pipeline drains and closes on its own (its writes are idempotent).
     */
    private static void closeInBackground(Pipeline<?> pipeline) {
        Thread closer = new Thread(pipeline::close, "datacascade-" + PIPELINE_NAME + "-closer");
        closer.setDaemon(true);
        closer.start();
    }

    /**
     * The client every invocation shares: the region Lambda sets, the endpoint override if any,
     * the credentials Lambda puts in the environment (or the SDK's default chain when the
     * environment has none), no SDK retries (the sinks retry with backoff themselves) and a bounded
     * time per request.
     */
    static DynamoDbClient createClient(HandlerConfig config) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .region(Region.of(config.region))
                .credentialsProvider(credentials(config))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(REQUEST_TIMEOUT)
                        .apiCallAttemptTimeout(REQUEST_TIMEOUT));
        if (config.endpoint != null) {
            builder.endpointOverride(config.endpoint);
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(HandlerConfig config) {
        if (config.accessKeyId == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(config.sessionToken != null
                ? AwsSessionCredentials.create(config.accessKeyId, config.secretAccessKey, config.sessionToken)
                : AwsBasicCredentials.create(config.accessKeyId, config.secretAccessKey));
    }

    /** Logs a warning for each rule that needs state across batches, which one invocation can't keep. */
    private static void warnAboutCrossBatchRules(AlertRules rules) {
        for (AlertRule rule : rules) {
            List<String> needs = new ArrayList<>();
            if (rule.isAbsence()) {
                needs.add("absence (absent_for)");
            }
            if (rule.forMillis() > 0) {
                needs.add("'for'");
            }
            if (rule.keepFiringForMillis() > 0) {
                needs.add("'keep_firing_for'");
            }
            if (rule.condition() instanceof Threshold t && t.signal().kind() != Signal.Kind.VALUE) {
                needs.add("a range signal (" + t.signal() + ")");
            }
            if (!needs.isEmpty()) {
                LOG.warn("alert rule '{}' uses {}: alert state lives in one invocation here, so it only sees one batch "
                        + "(absence never fires); run it in a long-running pipeline instead", rule.name(),
                        String.join(", ", needs));
            }
        }
    }

    @Override
    public String toString() {
        return "MskToDynamoDbHandler[" + config + "]";
    }
}
