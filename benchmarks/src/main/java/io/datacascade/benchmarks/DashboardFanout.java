package io.datacascade.benchmarks;

import io.datacascade.core.DataCascade;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineMetrics;
import io.datacascade.core.PipelineState;
import io.datacascade.core.Point;
import io.datacascade.core.Source;
import io.datacascade.websocket.ChartMetrics;
import io.datacascade.websocket.ChartServer;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The live dashboard end to end: a real pipeline pushes points at a given rate into a
 * {@link ChartServer}'s sink while real Jetty WebSocket clients, subscribed to every series,
 * measure how old each point is when it reaches them.
 *
 * <p>The server and the pipeline run in this JVM; the clients run in a child JVM
 * ({@link DashboardFanoutClients}, same classpath) driven over its stdin/stdout, so that this
 * JVM's heap holds only server-side state. Phases, each {@code --warmup} seconds of warm-up and
 * then measured:
 *
 * <ol>
 *   <li>History store memory: a separate server with {@code historyCapacity(100_000)}, heap after
 *       {@code System.gc()} before and after 10 series × 100,000 points went through a
 *       pipeline into it.</li>
 *   <li>{@code alone-rate} ({@code --seconds}): no clients, source at {@code --rate}: the rate
 *       achieved.</li>
 *   <li>Heap with 0 clients (after one client connected and left once, so Jetty's lazy state
 *       exists), the source paused and drained.</li>
 *   <li>{@code fanout-rate} ({@code --seconds}): {@code --clients} clients, source at
 *       {@code --rate}: latency, frames and points per client, gaps, disconnects, the rate
 *       achieved.</li>
 *   <li>Heap with the clients connected and subscribed, source paused and drained; the difference
 *       to step 3 divided by the clients is the server's memory per client. (The same under load,
 *       at the end of steps 2 and 4, is printed too: it includes frames not yet written.)</li>
 *   <li>{@code --max-passes} passes ({@code --max-seconds} each) of {@code fanout-max} (the
 *       clients connected, source unthrottled) and {@code alone-max} (none connected), in
 *       alternating order (F A, A F, F A, …): the pipeline's maximum throughput with and without
 *       clients. Several alternating passes because the unthrottled rate is bimodal on a small
 *       machine (the ring's two modes, see RESULTS.md): one window each can give any ratio.</li>
 * </ol>
 *
 * <p>With {@code --rate 0} there is no {@code alone-rate} phase and {@code fanout-rate} runs
 * unthrottled. Prints a line per phase
 * (with the points per second of every second, and the CPU both JVMs used), a readable summary
 * and one {@code dashboard-fanout-summary key=value ...} line. Latency is the client's wall clock
 * when a frame arrives minus each point's ingest time, which {@link DashboardFanoutSource} puts in
 * the value (µs; the time a paced point was due, so a late source shows as latency). The client
 * JVM shares the machine's cores with the server: on a small machine its reading and parsing
 * slows the server, and the server's work delays the clients' reading; both JVMs' CPU is printed.
 *
 * <pre>{@code
 * java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar io.datacascade.benchmarks.DashboardFanout \
 *     --clients 50 --rate 1000000 --seconds 20
 * }</pre>
 *
 * <p>A fixed heap keeps the phases comparable: the {@code System.gc()} calls of the memory readings
 * otherwise shrink the heap between phases.
 */
@Command(name = "DashboardFanout", mixinStandardHelpOptions = true, version = "DataCascade dashboard fan-out harness",
        description = "Pushes points through a pipeline into a ChartServer at a given rate with N WebSocket clients "
                + "subscribed to every series, and reports ingest-to-client latency, per-client delivery, pipeline "
                + "throughput with and without clients, and server memory per client and per stored point.")
public final class DashboardFanout implements Callable<Integer> {

    @Option(names = "--clients", defaultValue = "50", description = "WebSocket clients (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--rate", defaultValue = "1000000",
            description = "Points per second over all series; 0 = as fast as possible (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--seconds", defaultValue = "20",
            description = "Measured seconds of the phases at --rate (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "5", description = "Warm-up seconds before each phase (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--series", defaultValue = "10", description = "Series, s0..s(N-1) (default ${DEFAULT-VALUE}).")
    int series;

    @Option(names = "--max-points", defaultValue = "0",
            description = "maxPoints per series per frame the clients ask for, 2..2048; 0 = the server's default ("
                    + ChartServer.DEFAULT_MAX_POINTS + ").")
    int maxPoints;

    @Option(names = "--max-passes", defaultValue = "3",
            description = "Alternating passes of the unthrottled phases with and without clients (default ${DEFAULT-VALUE}).")
    int maxPasses;

    @Option(names = "--max-seconds", defaultValue = "10",
            description = "Measured seconds of each unthrottled phase (default ${DEFAULT-VALUE}).")
    int maxSeconds;

    @Option(names = "--client-jvm-option", paramLabel = "OPTION",
            description = "A JVM option for the clients' JVM, e.g. --client-jvm-option=-Xmx1g (repeatable).")
    List<String> clientJvmOptions = new ArrayList<>();

    @Option(names = "--client-cpus", paramLabel = "LIST",
            description = "Run the clients' JVM on these CPUs only (taskset -c LIST), e.g. 1 while the server runs "
                    + "under taskset -c 0: the clients (browsers, in real life on other machines) then do not take "
                    + "the server's CPU.")
    String clientCpus;

    private static final int HISTORY_SERIES = 50;
    private static final int HISTORY_CAPACITY = ChartServer.DEFAULT_HISTORY_CAPACITY; // 50 x 20,000 = 1M points
    private static final int MAX_SERIES = 64; // ChartServer's default maxSeriesPerClient: "*" covers at most this many
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    private String busyWarning;
    private double cpuBusyStart;
    private ChartServer chart;
    private Pipeline<Point> pipeline;
    private DashboardFanoutSource source;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DashboardFanout()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || !(rate >= 0) || Double.isInfinite(rate) || seconds < 1 || warmup < 0 || series < 1
                || series > MAX_SERIES || (maxPoints != 0 && (maxPoints < 2 || maxPoints > 2048)) || maxPasses < 1
                || maxSeconds < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "need --clients >= 1, --rate >= 0, --seconds >= 1, "
                    + "--warmup >= 0, --series 1.." + MAX_SERIES + ", --max-points 0 or 2..2048, --max-passes >= 1, "
                    + "--max-seconds >= 1");
        }
        String loadStart = loadAverage();
        printHeader(loadStart);

        long historyBytes = historyStoreBytes();

        long baseMicros = DashboardFanoutSource.wallMicros();
        source = new DashboardFanoutSource(series, rate, baseMicros);
        Phase aloneRate;
        Phase fanout;
        List<Phase> aloneMax = new ArrayList<>();
        List<Phase> fanoutMax = new ArrayList<>();
        Heap loadAlone;
        Heap idleAlone;
        Heap loadClients;
        Heap idleClients;
        int idleClientsConnected;
        try (ChartServer server = ChartServer.builder().port(0).maxClients(clients + 16).start()) {
            chart = server;
            pipeline = DataCascade.pipeline("dashboard-fanout").from(source).to(server.sink()).build();
            pipeline.start();
            System.out.printf(Locale.ROOT, "server port=%d; initial warm-up %d s at the target rate%n", server.port(), warmup);
            sleepSeconds(warmup);

            if (rate > 0) {
                aloneRate = measure("alone-rate", rate, null, seconds);
            } else {
                aloneRate = null;
                source.rate(0);
                sleepSeconds(warmup);
            }
            loadAlone = heap("0 clients, source running");

            try (ClientJvm jvm = new ClientJvm(clientCpus, clientJvmOptions, server.port(), series, baseMicros)) {
                // one client comes and goes before the 0-client heap, so Jetty's lazily built state is in both
                source.rate(rate);
                jvm.command("connect 1 " + maxPoints, "ok connect");
                sleepSeconds(1);
                jvm.command("close", "ok close");
                settle();
                idleAlone = heap(server.metrics().clients() + " clients, source paused");

                source.rate(rate);
                String answer = jvm.command("connect " + clients + " " + maxPoints, "ok connect");
                System.out.println("clients: " + answer);
                fanout = measure("fanout-rate", rate, jvm, seconds);
                loadClients = heap(clients + " clients, source running");
                settle();
                idleClientsConnected = server.metrics().clients();
                idleClients = heap(idleClientsConnected + " clients, source paused");
                // F A, A F, F A, ...: one connect or close inside each pass, none between passes
                boolean connected = true;
                for (int pass = 1; pass <= maxPasses; pass++) {
                    for (int k = 0; k < 2; k++) {
                        if (connected) {
                            fanoutMax.add(measure("fanout-max#" + pass, 0, jvm, maxSeconds));
                        } else {
                            aloneMax.add(measure("alone-max#" + pass, 0, null, maxSeconds));
                        }
                        if (k == 0) {
                            jvm.command(connected ? "close" : "connect " + clients + " " + maxPoints,
                                    connected ? "ok close" : "ok connect");
                            connected = !connected;
                        }
                    }
                }
                if (connected) {
                    jvm.command("close", "ok close");
                }
            }
            pipeline.close();
            if (pipeline.state() == PipelineState.FAILED) {
                throw new IllegalStateException("the pipeline failed: " + pipeline.failure().orElse(null));
            }
        }

        printSummary(aloneMax, aloneRate, fanout, fanoutMax, loadAlone, idleAlone, loadClients, idleClients,
                idleClientsConnected, historyBytes, loadStart);
        return 0;
    }

    // ------------------------------------------------------------------ phases

    /** One measured phase: the server's counters over the window and, with clients, their report. */
    private record Phase(String name, double targetRate, int clients, double seconds, double pointsInPerSecond,
                         List<Double> perSecond, long framesSent, long pointsSent, long gaps, long slowDisconnects,
                         int clientsAtEnd, double maxBacklogMillis, double serverCpu, double clientCpu,
                         Map<String, String> report) {

        double clientValue(String key) {
            String v = report.get(key);
            return v == null ? Double.NaN : Double.parseDouble(v);
        }
    }

    private Phase measure(String name, double phaseRate, ClientJvm jvm, int measuredSeconds) throws Exception {
        source.rate(phaseRate);
        sleepSeconds(warmup);
        if (jvm != null) {
            jvm.command("reset", "ok reset");
        }
        source.takeMaxBacklog();
        long serverCpu0 = processCpuNanos();
        long clientCpu0 = jvm == null ? 0 : jvm.cpuNanos();
        ChartMetrics first = chart.metrics();
        long start = System.nanoTime();
        ChartMetrics last = first;
        long lastNanos = start;
        List<Double> perSecond = new ArrayList<>();
        for (int s = 1; s <= measuredSeconds; s++) {
            long wake = start + TimeUnit.SECONDS.toNanos(s);
            for (long left = wake - System.nanoTime(); left > 0; left = wake - System.nanoTime()) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
            ChartMetrics m = chart.metrics();
            long now = System.nanoTime();
            perSecond.add((m.pointsIn() - last.pointsIn()) / ((now - lastNanos) / 1e9));
            last = m;
            lastNanos = now;
        }
        double window = (lastNanos - start) / 1e9;
        double serverCpu = (processCpuNanos() - serverCpu0) / 1e9 / window;
        double clientCpu = jvm == null ? 0 : (jvm.cpuNanos() - clientCpu0) / 1e9 / window;
        Map<String, String> report = jvm == null ? Map.of() : jvm.report();
        long backlog = source.takeMaxBacklog();
        checkPipeline();
        Phase p = new Phase(name, phaseRate, jvm == null ? 0 : clients, window, (last.pointsIn() - first.pointsIn()) / window,
                perSecond, last.framesSent() - first.framesSent(), last.pointsSent() - first.pointsSent(),
                last.gaps() - first.gaps(), last.slowDisconnects() - first.slowDisconnects(), last.clients(),
                phaseRate > 0 ? backlog * 1000.0 / phaseRate : 0, serverCpu, clientCpu, report);
        System.out.printf(Locale.ROOT, "phase=%s target=%s clients=%d window_s=%.3f points_in_per_s=%.0f per_second_k=%s "
                        + "server_frames_per_s=%.1f server_points_sent_per_s=%.0f server_gaps=%d slow_disconnects=%d "
                        + "clients_connected=%d source_max_behind_ms=%.1f server_cpu_cores=%.2f clients_cpu_cores=%.2f%n",
                name, phaseRate == 0 ? "unthrottled" : String.format(Locale.ROOT, "%.0f", phaseRate), p.clients(), window,
                p.pointsInPerSecond(), perSecond.stream().map(v -> String.format(Locale.ROOT, "%.0f", v / 1e3))
                        .collect(Collectors.joining(",")),
                p.framesSent() / window, p.pointsSent() / window, p.gaps(), p.slowDisconnects(), p.clientsAtEnd(),
                p.maxBacklogMillis(), serverCpu, clientCpu);
        if (jvm != null) {
            System.out.println("phase=" + name + " clients_report " + report.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
        }
        return p;
    }

    /** G1's region size, or "n/a": arrays larger than half a region are allocated as whole regions. */
    private static String regionBytes() {
        try {
            return ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("G1HeapRegionSize").getValue();
        } catch (RuntimeException e) {
            return "n/a";
        }
    }

    /** CPU time of this JVM (every thread), in ns. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Pauses the source and waits until the ring is drained and the last frames went out. */
    private void settle() throws InterruptedException {
        source.pause();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            PipelineMetrics m = pipeline.metrics();
            if (m.eventsOut() >= m.eventsIn() && m.ringRemaining() == m.ringCapacity()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the pipeline did not drain within 30 s: " + m);
            }
            Thread.sleep(10);
        }
        Thread.sleep(1_000); // a few frame ticks: pending points go out, clients read what was sent
        checkPipeline();
    }

    private void checkPipeline() {
        if (pipeline.state() != PipelineState.RUNNING) {
            throw new IllegalStateException("the pipeline is " + pipeline.state() + ": " + pipeline.failure().orElse(null));
        }
    }

    // ------------------------------------------------------------------ memory

    /** Heap used right after a full GC (the lowest of three) and direct buffers in use. */
    private record Heap(long used, long direct) {
    }

    private static Heap heap(String label) throws InterruptedException {
        Heap h = heap();
        System.out.printf(Locale.ROOT, "heap state=\"%s\" used_bytes=%d direct_bytes=%d%n", label, h.used(), h.direct());
        return h;
    }

    private static Heap heap() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            long u = memory.getHeapMemoryUsage().getUsed();
            if (i > 0) {
                used = Math.min(used, u);
            }
            Thread.sleep(100);
        }
        long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        return new Heap(used, direct);
    }

    /**
     * Heap bytes of a server holding {@value #HISTORY_SERIES} series × {@value #HISTORY_CAPACITY}
     * points (historyCapacity {@value #HISTORY_CAPACITY}) minus the same server empty.
     */
    private static long historyStoreBytes() throws InterruptedException {
        long total = (long) HISTORY_SERIES * HISTORY_CAPACITY;
        try (ChartServer store = ChartServer.builder().port(0).historyCapacity(HISTORY_CAPACITY).start()) {
            Heap empty = heap();
            fill(store, total);
            Thread.sleep(200); // the frame thread takes the last pending points
            Heap full = heap();
            ChartMetrics m = store.metrics();
            if (m.pointsIn() != total || m.series() != HISTORY_SERIES) {
                throw new IllegalStateException("the history store took " + m + ", expected " + total + " points");
            }
            long bytes = full.used() - empty.used();
            System.out.printf(Locale.ROOT, "history_store series=%d points=%d capacity=%d empty_bytes=%d full_bytes=%d "
                            + "delta_bytes=%d bytes_per_point=%.2f%n",
                    HISTORY_SERIES, total, HISTORY_CAPACITY, empty.used(), full.used(), bytes, (double) bytes / total);
            Reference.reachabilityFence(store);
            return bytes;
        }
    }

    /** Runs {@code total} points through a pipeline into the store's sink (in its own frame: nothing stays reachable). */
    private static void fill(ChartServer store, long total) throws InterruptedException {
        String[] names = new String[HISTORY_SERIES];
        for (int i = 0; i < names.length; i++) {
            names[i] = "h" + i;
        }
        long t0 = System.currentTimeMillis() - total;
        long[] next = {0};
        Source<Point> points = ctx -> {
            long end = Math.min(total, next[0] + 4096);
            for (long i = next[0]; i < end; i++) {
                ctx.emit(Point.of(names[(int) (i % HISTORY_SERIES)], t0 + i / HISTORY_SERIES, i));
            }
            next[0] = end;
            return end == total ? Source.Poll.END : Source.Poll.MORE;
        };
        try (Pipeline<Point> p = DataCascade.pipeline("dashboard-fanout-history").from(points).to(store.sink()).build()) {
            p.start();
            if (!p.awaitTermination(Duration.ofMinutes(5)) || p.state() != PipelineState.COMPLETED) {
                throw new IllegalStateException("the history fill did not complete: " + p.state() + " " + p.failure());
            }
        }
    }

    // ------------------------------------------------------------------ output

    private void printHeader(String load) {
        int cpus = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "dashboard-fanout date=%s clients=%d series=%d rate=%.0f seconds=%d warmup=%d max_points=%s "
                        + "max_frame_rate=%d cpus=%d java=%s vm=%s max_heap_mib=%d gc=%s g1_region_bytes=%s loadavg_start=%s%n",
                Instant.now(), clients, series, rate, seconds, warmup, maxPoints == 0 ? "server-default" : maxPoints,
                ChartServer.DEFAULT_MAX_FRAME_RATE, cpus, System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                        .collect(Collectors.joining("+")).replace(' ', '_'),
                regionBytes(), load);
        System.out.println("jvm_args=" + ManagementFactory.getRuntimeMXBean().getInputArguments()
                + " client_jvm_args=" + clientJvmOptions);
        double load1 = loadOne(load);
        double loadLimit = Math.max(1.0, cpus * 0.25);
        double busy = cpuBusy();
        cpuBusyStart = busy;
        System.out.printf(Locale.ROOT, "cpu_busy_start=%.1f%% (all CPUs, over 1 s before the run)%n", busy * 100);
        if (load1 >= loadLimit || busy >= 0.25) {
            busyWarning = String.format(Locale.ROOT, "WARNING: the machine was busy at the start (1-minute load average %.2f, "
                    + "limit %.2f on %d CPUs; CPU %.0f%% busy over 1 s, limit 25%%): this harness needs the whole machine, "
                    + "expect noisy, pessimistic numbers", load1, loadLimit, cpus, busy * 100);
            System.out.println(busyWarning);
        }
        java.lang.management.MemoryUsage heapUsage = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        if (heapUsage.getInit() != heapUsage.getMax()) {
            System.out.println("NOTE: the heap is not fixed (-Xms != -Xmx): the System.gc() calls of the memory readings "
                    + "resize it between phases; run with e.g. -Xms1g -Xmx1g for comparable phases");
        }
        int ratePhases = rate > 0 ? 2 : 1;
        System.out.printf(Locale.ROOT, "expected duration: about %d s%n",
                warmup + ratePhases * (warmup + seconds) + 2 * maxPasses * (warmup + maxSeconds) + 20);
    }

    private void printSummary(List<Phase> aloneMax, Phase aloneRate, Phase fanout, List<Phase> fanoutMax, Heap loadAlone,
                              Heap idleAlone, Heap loadClients, Heap idleClients, int idleClientsConnected, long historyBytes,
                              String loadStart) {
        String loadEnd = loadAverage();
        double perClientIdle = (double) (idleClients.used() - idleAlone.used()) / Math.max(1, idleClientsConnected);
        double perClientLoad = (double) (loadClients.used() - loadAlone.used()) / Math.max(1, fanout.clientsAtEnd());
        double directPerClient = (double) (idleClients.direct() - idleAlone.direct()) / Math.max(1, idleClientsConnected);
        double historyPerMillion = historyBytes * 1e6 / ((double) HISTORY_SERIES * HISTORY_CAPACITY);
        List<Double> aloneRates = aloneMax.stream().map(Phase::pointsInPerSecond).toList();
        List<Double> fanoutRates = fanoutMax.stream().map(Phase::pointsInPerSecond).toList();
        double aloneMedian = median(aloneRates);
        double fanoutMedian = median(fanoutRates);
        double ratio = fanoutMedian / aloneMedian;
        List<Double> passRatios = new ArrayList<>();
        for (int i = 0; i < Math.min(aloneRates.size(), fanoutRates.size()); i++) {
            passRatios.add(fanoutRates.get(i) / aloneRates.get(i));
        }
        List<Double> aloneSeconds = aloneMax.stream().flatMap(p -> p.perSecond().stream()).toList();
        List<Double> fanoutSeconds = fanoutMax.stream().flatMap(p -> p.perSecond().stream()).toList();
        double p50 = fanout.clientValue("lat_p50_ms");
        double p99 = fanout.clientValue("lat_p99_ms");
        double max = fanout.clientValue("lat_max_ms");
        double reprMean = fanout.clientValue("represented_per_s_mean");
        double coverage = reprMean / fanout.pointsInPerSecond();
        long maxSeqMissing = fanoutMax.stream().mapToLong(p -> (long) p.clientValue("seq_missing")).sum();
        long maxGapMessages = fanoutMax.stream().mapToLong(p -> (long) p.clientValue("gap_messages")).sum();
        long maxServerGaps = fanoutMax.stream().mapToLong(Phase::gaps).sum();
        long maxSlow = fanoutMax.stream().mapToLong(Phase::slowDisconnects).sum();
        double maxP99 = fanoutMax.stream().mapToDouble(p -> p.clientValue("lat_p99_ms")).max().orElse(Double.NaN);
        double maxFramesMin = fanoutMax.stream().mapToDouble(p -> p.clientValue("frames_per_s_min")).min().orElse(Double.NaN);
        int cpus = Runtime.getRuntime().availableProcessors();

        System.out.println();
        System.out.println("==================== DashboardFanout summary ====================");
        System.out.printf(Locale.ROOT, "%d clients (child JVM), %d series, target %s points/s, %d s measured after %d s warm-up; "
                        + "frames at most %d/s per client, maxPoints %s%n",
                clients, series, rate == 0 ? "unthrottled" : String.format(Locale.ROOT, "%,.0f", rate), seconds, warmup,
                ChartServer.DEFAULT_MAX_FRAME_RATE, maxPoints == 0 ? ChartServer.DEFAULT_MAX_POINTS + " (server default)" : maxPoints);
        System.out.printf(Locale.ROOT, "Latency ingest -> client, every received point (%s points, phase %s):%n",
                fanout.report().get("lat_n"), fanout.name());
        System.out.printf(Locale.ROOT, "    p50 %.1f ms   p90 %.1f ms   p99 %.1f ms   p99.9 %.1f ms   max %.1f ms   [target p99 <= 100 ms: %s]%n",
                p50, fanout.clientValue("lat_p90_ms"), p99, fanout.clientValue("lat_p999_ms"), max, p99 <= 100 ? "met" : "MISSED");
        System.out.printf(Locale.ROOT, "    newest point of each frame: p50 %.1f ms   p99 %.1f ms   max %.1f ms; worst client's p99 %.1f ms%n",
                fanout.clientValue("frame_lat_p50_ms"), fanout.clientValue("frame_lat_p99_ms"), fanout.clientValue("frame_lat_max_ms"),
                fanout.clientValue("client_p99_ms_max"));
        System.out.printf(Locale.ROOT, "    time between frames: p50 %.1f ms   p99 %.1f ms   max %.1f ms%n",
                fanout.clientValue("interval_p50_ms"), fanout.clientValue("interval_p99_ms"), fanout.clientValue("interval_max_ms"));
        System.out.printf(Locale.ROOT, "Delivered per client: %.1f frames/s mean (min %.1f), %,.0f points/s mean (min %,.0f); "
                        + "the frames stand for %,.0f points/s mean (min %,.0f) = %.1f%% of the points ingested%n",
                fanout.clientValue("frames_per_s_mean"), fanout.clientValue("frames_per_s_min"),
                fanout.clientValue("points_per_s_mean"), fanout.clientValue("points_per_s_min"),
                reprMean, fanout.clientValue("represented_per_s_min"), coverage * 100);
        System.out.printf(Locale.ROOT, "Losses in %s: frames missing (seq) %s, gap messages %s (points dropped %s), server gaps %d, "
                        + "slow disconnects %d, closed clients %s, clients connected at end %d%n",
                fanout.name(), fanout.report().get("seq_missing"), fanout.report().get("gap_messages"),
                fanout.report().get("gap_dropped_points"), fanout.gaps(), fanout.slowDisconnects(), fanout.report().get("closes"),
                fanout.clientsAtEnd());
        System.out.printf(Locale.ROOT, "Losses in the %d fanout-max phases: frames missing (seq) %d, gap messages %d, server gaps %d, "
                        + "slow disconnects %d; worst p99 latency %.1f ms, lowest frames/s of a client %.1f%n",
                fanoutMax.size(), maxSeqMissing, maxGapMessages, maxServerGaps, maxSlow, maxP99, maxFramesMin);
        System.out.printf(Locale.ROOT, "CPU during %s: server JVM %.2f cores, client JVM %.2f cores (of %d); during fanout-max: %s / %s%n",
                fanout.name(), fanout.serverCpu(), fanout.clientCpu(), cpus,
                join(fanoutMax.stream().map(Phase::serverCpu).toList(), "%.2f"),
                join(fanoutMax.stream().map(Phase::clientCpu).toList(), "%.2f"));
        System.out.println("Pipeline throughput (points into the chart sink per second):");
        System.out.printf(Locale.ROOT, "    unthrottled, median of %d alternating passes of %d s: %,.0f with 0 clients, %,.0f with %d clients "
                        + "= %.2fx   [target >= 0.9x: %s]%n",
                maxPasses, maxSeconds, aloneMedian, fanoutMedian, clients, ratio, ratio >= 0.9 ? "met" : "MISSED");
        System.out.printf(Locale.ROOT, "    passes (M/s): 0 clients %s; %d clients %s; ratio per pass %s%n",
                join(aloneRates.stream().map(v -> v / 1e6).toList(), "%.2f"), clients,
                join(fanoutRates.stream().map(v -> v / 1e6).toList(), "%.2f"), join(passRatios, "%.2f"));
        double aloneSpread = spread(aloneSeconds);
        double fanoutSpread = spread(fanoutSeconds);
        System.out.printf(Locale.ROOT, "    single seconds (M/s): 0 clients %.2f..%.2f, %d clients %.2f..%.2f%s%n",
                min(aloneSeconds) / 1e6, maxOf(aloneSeconds) / 1e6, clients, min(fanoutSeconds) / 1e6, maxOf(fanoutSeconds) / 1e6,
                Math.max(aloneSpread, fanoutSpread) > 1.5
                        ? " -- over 1.5x apart: the rate is bimodal here, trust the median over passes, not one window" : "");
        if (aloneRate != null) {
            System.out.printf(Locale.ROOT, "    at %,.0f/s: achieved %,.0f with 0 clients, %,.0f with %d clients "
                            + "(source at most %.1f / %.1f ms behind schedule)%n",
                    rate, aloneRate.pointsInPerSecond(), fanout.pointsInPerSecond(), clients,
                    aloneRate.maxBacklogMillis(), fanout.maxBacklogMillis());
        }
        System.out.printf(Locale.ROOT, "Server heap per connected client: %,.0f B idle (%d connected, source paused; direct buffers "
                        + "%,.0f B/client), %,.0f B under load (includes unsent frames)%n",
                perClientIdle, idleClientsConnected, directPerClient, perClientLoad);
        System.out.printf(Locale.ROOT, "In-memory history: %,.0f B per 1M stored points (%.1f MiB; %d series x %,d, historyCapacity %,d; "
                        + "G1 region %s B: a ring array over half a region takes whole regions)%n",
                historyPerMillion, historyPerMillion / (1 << 20), HISTORY_SERIES, HISTORY_CAPACITY, HISTORY_CAPACITY, regionBytes());
        System.out.printf(Locale.ROOT, "Load average: %s at start, %s at end%n", loadStart, loadEnd);
        if (busyWarning != null) {
            System.out.println(busyWarning);
        }
        System.out.println("=================================================================");
        System.out.printf(Locale.ROOT, "dashboard-fanout-summary clients=%d series=%d rate=%.0f seconds=%d max_points=%d "
                        + "lat_p50_ms=%.3f lat_p99_ms=%.3f lat_max_ms=%.3f frame_lat_p99_ms=%.3f "
                        + "frames_per_s_mean=%.1f frames_per_s_min=%.1f points_per_s_mean=%.0f points_per_s_min=%.0f coverage=%.4f "
                        + "seq_missing=%s gap_messages=%s server_gaps=%d slow_disconnects=%d "
                        + "max_passes=%d max_seconds=%d max_rate_0_clients=%.0f max_rate_n_clients=%.0f max_ratio=%.3f "
                        + "max_pass_ratios=%s max_seq_missing=%d max_server_gaps=%d max_slow_disconnects=%d "
                        + "rate_0_clients=%.0f rate_n_clients=%.0f "
                        + "heap_per_client_idle_b=%.0f heap_per_client_load_b=%.0f direct_per_client_b=%.0f history_b_per_1m=%.0f "
                        + "server_cpu_cores=%.2f clients_cpu_cores=%.2f cpu_busy_start=%.3f loadavg_start=%s loadavg_end=%s%n",
                clients, series, rate, seconds, maxPoints == 0 ? ChartServer.DEFAULT_MAX_POINTS : maxPoints,
                p50, p99, max, fanout.clientValue("frame_lat_p99_ms"),
                fanout.clientValue("frames_per_s_mean"), fanout.clientValue("frames_per_s_min"),
                fanout.clientValue("points_per_s_mean"), fanout.clientValue("points_per_s_min"), coverage,
                fanout.report().get("seq_missing"), fanout.report().get("gap_messages"), fanout.gaps(), fanout.slowDisconnects(),
                maxPasses, maxSeconds, aloneMedian, fanoutMedian, ratio, join(passRatios, "%.3f"),
                maxSeqMissing, maxServerGaps, maxSlow,
                aloneRate == null ? Double.NaN : aloneRate.pointsInPerSecond(), fanout.pointsInPerSecond(),
                perClientIdle, perClientLoad, directPerClient, historyPerMillion, fanout.serverCpu(), fanout.clientCpu(),
                cpuBusyStart, loadStart, loadEnd);
    }

    private static String join(List<Double> values, String format) {
        return values.stream().map(v -> String.format(Locale.ROOT, format, v)).collect(Collectors.joining(","));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double maxOf(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** Highest over lowest, 1 when there is nothing to compare. */
    private static double spread(List<Double> values) {
        double lo = min(values);
        return lo > 0 ? maxOf(values) / lo : 1;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split(" ");
            return f[0] + "," + f[1] + "," + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** The share of all CPUs' time not idle over one second, from {@code /proc/stat}; 0 when unreadable. */
    private static double cpuBusy() {
        try {
            long[] a = cpuTimes();
            Thread.sleep(1_000);
            long[] b = cpuTimes();
            double total = b[0] - a[0];
            return total <= 0 ? 0 : 1 - (b[1] - a[1]) / total;
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Total and idle (idle + iowait) jiffies of all CPUs. */
    private static long[] cpuTimes() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0).trim().split(" +");
        long total = 0;
        for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
            total += Long.parseLong(f[i]);
        }
        return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    }

    private static double loadOne(String load) {
        try {
            return Double.parseDouble(load.split(",")[0]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static void sleepSeconds(int s) throws InterruptedException {
        Thread.sleep(TimeUnit.SECONDS.toMillis(s));
    }

    // ------------------------------------------------------------------ the clients' JVM

    /** {@link DashboardFanoutClients} in a child JVM with this JVM's classpath, one command and one answer at a time. */
    private static final class ClientJvm implements AutoCloseable {
        private final Process process;
        private final BufferedWriter commands;
        private final LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();

        ClientJvm(String cpus, List<String> jvmOptions, int port, int series, long baseMicros) throws IOException {
            List<String> cmd = new ArrayList<>();
            if (cpus != null) {
                cmd.addAll(List.of("taskset", "-c", cpus));
            }
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmOptions);
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(DashboardFanoutClients.class.getName());
            cmd.add(Integer.toString(port));
            cmd.add(Integer.toString(series));
            cmd.add(Long.toString(baseMicros));
            process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            commands = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            Thread reader = new Thread(this::readAnswers, "dashboard-fanout-clients-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        private void readAnswers() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith(DashboardFanoutClients.PREFIX)) {
                        answers.add(line.substring(DashboardFanoutClients.PREFIX.length()));
                    } else {
                        System.out.println("[clients] " + line);
                    }
                }
            } catch (IOException e) {
                answers.add("error reading the client JVM's output: " + e);
            }
            answers.add("error the client JVM exited");
        }

        String command(String command, String expected) throws IOException, InterruptedException {
            commands.write(command);
            commands.newLine();
            commands.flush();
            String answer = answers.poll(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (answer == null) {
                throw new IllegalStateException("the client JVM did not answer '" + command + "' within " + COMMAND_TIMEOUT);
            }
            if (!answer.startsWith(expected)) {
                throw new IllegalStateException("the client JVM answered '" + command + "' with: " + answer);
            }
            return answer;
        }

        /** CPU time of the client JVM so far, in ns (0 when the OS does not tell). */
        long cpuNanos() {
            return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }

        Map<String, String> report() throws IOException, InterruptedException {
            String answer = command("report", "report ");
            Map<String, String> values = new LinkedHashMap<>();
            for (String kv : answer.substring("report ".length()).split(" ")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    values.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            return values;
        }

        /** Asks the client JVM to exit; ends it when it has not within 20 s. */
        @Override
        public void close() {
            try {
                commands.write("quit");
                commands.newLine();
                commands.flush();
            } catch (IOException gone) {
                // already exited
            }
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
