package io.datacascade.benchmarks;

import io.datacascade.core.DataCascade;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineState;
import io.datacascade.core.Point;
import io.datacascade.dynamodb.DynamoDbSink;
import io.datacascade.dynamodb.PointItems;
import io.datacascade.dynamodb.internal.Tables;
import io.datacascade.testsupport.Dynalite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * How fast {@link DynamoDbSink} stores points compared with the obvious loop, against dynalite
 * started on a free port, in the same run: {@code naive} puts one item per point, one request at
 * a time ({@code PutItem}); {@code datacascade} runs a pipeline from an array of the same points
 * into the sink (25-item {@code BatchWriteItem}s, several in flight) until every item is durable.
 * One untimed warm-up pass each, then {@code --passes} timed passes into fresh tables; prints the
 * median points per second and the ratio to {@code naive}. Tables are deleted after each run so
 * dynalite's in-memory store does not grow from pass to pass. Numbers are for dynalite on this
 * machine, not for AWS (where round trips are longer and the sink's parallelism matters more).
 */
@Command(name = "DynamoDbSinkBench", mixinStandardHelpOptions = true, version = "DataCascade DynamoDB sink harness",
        description = "Stores the same points with one PutItem per point and with DynamoDbSink, against dynalite, "
                + "and prints points per second per contender.")
public final class DynamoDbSinkBench implements Callable<Integer> {
    @Option(names = "--points", defaultValue = "100000", description = "Points per pass (default ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--passes", defaultValue = "3", description = "Timed passes per contender after one warm-up (default ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--concurrency", defaultValue = "4", description = "The sink's requests in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DynamoDbSinkBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (points < 1 || passes < 1 || concurrency < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--points, --passes and --concurrency must be >= 1");
        }
        Point[] data = new Point[points];
        for (int i = 0; i < points; i++) {
            data[i] = Point.of("s" + (i % 10), 1_700_000_000_000L + i, i * 0.5).withTag("host", "h" + (i % 3));
        }
        try (Dynalite dynalite = Dynalite.start();
                DynamoDbClient client = DynamoDbClient.builder().endpointOverride(dynalite.endpoint()).region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(Dynalite.accessKeyId(), Dynalite.secretAccessKey())))
                        .build()) {
            System.out.printf(Locale.ROOT, "dynalite at %s; %,d points per pass, %d timed passes, sink concurrency %d%n",
                    dynalite.endpoint(), points, passes, concurrency);
            List<Double> naive = new ArrayList<>();
            List<Double> sink = new ArrayList<>();
            for (int p = 0; p <= passes; p++) {
                int pass = p;
                double n = naive(client, data, "naive-" + pass);
                client.deleteTable(r -> r.tableName("naive-" + pass)); // dynalite slows down as its store grows
                double d = datacascade(client, data, "sink-" + pass);
                client.deleteTable(r -> r.tableName("sink-" + pass));
                String label = pass == 0 ? "warm-up" : "pass " + pass;
                System.out.printf(Locale.ROOT, "%s: naive %,.0f points/s, datacascade %,.0f points/s%n", label, n, d);
                if (pass > 0) {
                    naive.add(n);
                    sink.add(d);
                }
            }
            double naiveMedian = median(naive);
            double sinkMedian = median(sink);
            System.out.printf(Locale.ROOT, "contender=naive points_per_s=%.0f ratio_to_naive=1.00%n", naiveMedian);
            System.out.printf(Locale.ROOT, "contender=datacascade points_per_s=%.0f ratio_to_naive=%.2f%n", sinkMedian,
                    sinkMedian / naiveMedian);
        }
        return 0;
    }

    private static double naive(DynamoDbClient client, Point[] data, String table) {
        createTable(client, table);
        PointItems layout = PointItems.create();
        long start = System.nanoTime();
        for (Point p : data) {
            client.putItem(r -> r.tableName(table).item(layout.toItem(p)));
        }
        return data.length / ((System.nanoTime() - start) / 1e9);
    }

    private double datacascade(DynamoDbClient client, Point[] data, String table) throws InterruptedException {
        createTable(client, table);
        DynamoDbSink<Point> sink = DynamoDbSink.points(table).client(client).maxConcurrentRequests(concurrency).build();
        Pipeline<Point> pipeline = DataCascade.pipeline("dynamodb-bench").from(new ArraySource<>(data)).to(sink).build();
        long start = System.nanoTime();
        pipeline.start();
        if (!pipeline.awaitTermination(Duration.ofMinutes(30)) || pipeline.state() != PipelineState.COMPLETED) {
            throw new IllegalStateException("pipeline did not complete: " + pipeline.state() + " " + pipeline.failure());
        }
        double rate = data.length / ((System.nanoTime() - start) / 1e9);
        if (pipeline.metrics().durableSequence() != data.length - 1) {
            throw new IllegalStateException("only " + (pipeline.metrics().durableSequence() + 1) + " of " + data.length + " durable");
        }
        return rate;
    }

    /** Created up front so both contenders time writes only. */
    private static void createTable(DynamoDbClient client, String table) {
        Tables.ensure(client, table, true, Duration.ofMinutes(1));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
