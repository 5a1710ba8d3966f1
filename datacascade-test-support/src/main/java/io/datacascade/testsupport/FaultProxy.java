package io.datacascade.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP/1.1 proxy in front of a DynamoDB-compatible server (e.g. {@link Dynalite}) that
 * injects faults a real DynamoDB produces under load, for tests of a sink's retry and
 * partial-failure handling. Point the client's endpoint at {@link #endpoint()} instead of the
 * server's.
 *
 * <pre>{@code
 * try (Dynalite dynalite = Dynalite.start();
 *      FaultProxy proxy = FaultProxy.builder(dynalite.endpoint()).seed(42).start()) {
 *     DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(proxy.endpoint()) ... .build();
 *     proxy.throttle(0.2);      // 20% of BatchWriteItem calls: ProvisionedThroughputExceededException
 *     proxy.unprocessed(0.3);   // 30% of the items of the others come back as UnprocessedItems
 *     // run the pipeline ...
 *     proxy.clear();            // back to plain forwarding
 *     assertThat(proxy.throttled()).isPositive();
 * }
 * }</pre>
 *
 * <p>Requests are forwarded with their method, path, body and headers unchanged, except the
 * hop-by-hop headers ({@code Connection}, {@code Keep-Alive}, {@code Transfer-Encoding} and the
 * like), {@code Host}, {@code Content-Length} and {@code Expect}, which the proxy's own HTTP
 * client sets. Responses come back with their status, headers and body. A request whose body the
 * proxy rewrites ({@link #unprocessed(double)}) no longer matches its SigV4 signature: that is
 * fine for dynalite, which does not check signatures, but not for AWS. A rewritten or injected
 * response carries a freshly computed {@code x-amz-crc32} header, which the AWS SDK checks. If
 * the target cannot be reached, the proxy closes the client's connection without an answer, as
 * an unreachable server would.
 *
 * <p>Faults are drawn from one {@link Random} with a fixed seed, so a single-threaded test sees
 * the same faults on every run. Instances are thread-safe; faults can be changed while requests
 * are in flight.
 */
public final class FaultProxy implements AutoCloseable {

    /** The {@code X-Amz-Target} of DynamoDB's BatchWriteItem operation, the default fault target. */
    public static final String BATCH_WRITE_ITEM = "DynamoDB_20120810.BatchWriteItem";
    /** A fault target matching every request, see {@link #faultTarget(String)}. */
    public static final String ALL_OPERATIONS = "*";

    static final String THROTTLING_BODY = "{\"__type\":\"com.amazonaws.dynamodb.v20120810"
            + "#ProvisionedThroughputExceededException\",\"message\":\"injected throttling\"}";
    static final String SERVER_ERROR_BODY = "{\"__type\":\"com.amazon.coral.service#InternalFailure\","
            + "\"message\":\"injected\"}";

    private static final String HOST = "127.0.0.1";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.0";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Request headers the proxy does not forward: hop-by-hop ones and those HttpClient sets. */
    private static final Set<String> SKIPPED_REQUEST_HEADERS = caseInsensitive("connection", "keep-alive",
            "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding",
            "upgrade", "host", "content-length", "expect");
    /** Response headers the proxy does not copy back: hop-by-hop ones and those HttpServer sets. */
    private static final Set<String> SKIPPED_RESPONSE_HEADERS = caseInsensitive("connection", "keep-alive",
            "proxy-authenticate", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
            "content-length", "date");

    private enum Action { FORWARD, THROTTLE, SERVER_ERROR }

    private final URI target;
    private final URI endpoint;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;

    /** Guarded by {@code this}, like the fault settings below. */
    private final Random random;
    private String faultTarget;
    private double throttleShare;
    private double serverErrorShare;
    private double unprocessedShare;
    private boolean closed;

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong unprocessedItems = new AtomicLong();

    private FaultProxy(Builder options) throws IOException {
        this.target = options.target;
        this.random = new Random(options.seed);
        this.faultTarget = options.faultTarget;
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(0, 64, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(task, "datacascade-faultproxy-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(HOST), 0), 64);
        this.server.createContext("/", this::handle);
        this.server.setExecutor(executor);
        this.server.start();
        this.endpoint = URI.create("http://" + HOST + ":" + server.getAddress().getPort());
    }

    /**
     * Starts a proxy without faults in front of the target, with seed 0.
     *
     * @param target the server to forward to, e.g. {@link Dynalite#endpoint()}
     * @return the running proxy; close it to stop it
     * @throws UncheckedIOException if no port could be bound
     */
    public static FaultProxy start(URI target) {
        return builder(target).start();
    }

    /**
     * Returns a builder for a proxy in front of the target.
     *
     * @param target the server to forward to: an {@code http} URI with host and port, without path
     * @return a new builder
     * @throws IllegalArgumentException if {@code target} is not such a URI
     */
    public static Builder builder(URI target) {
        Objects.requireNonNull(target, "target can't be null");
        if (!"http".equalsIgnoreCase(target.getScheme()) || target.getHost() == null
                || (target.getRawPath() != null && !target.getRawPath().isEmpty() && !target.getRawPath().equals("/"))) {
            throw new IllegalArgumentException("target must be an http URI with host and port and no path, was " + target);
        }
        return new Builder(target);
    }

    /**
     * The URI clients send requests to instead of the target's, {@code http://127.0.0.1:PORT}.
     *
     * @return the proxy's endpoint
     */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * The server requests are forwarded to.
     *
     * @return the target URI given to the builder
     */
    public URI target() {
        return target;
    }

    /**
     * Chooses which requests {@link #throttle(double)} and {@link #serverError(double)} hit: those
     * whose {@code X-Amz-Target} header equals the given value, or all with
     * {@link #ALL_OPERATIONS}. Defaults to {@link #BATCH_WRITE_ITEM}.
     *
     * @param xAmzTarget an {@code X-Amz-Target} value such as {@code DynamoDB_20120810.PutItem},
     *        or {@code "*"}
     */
    public synchronized void faultTarget(String xAmzTarget) {
        this.faultTarget = Objects.requireNonNull(xAmzTarget, "xAmzTarget can't be null");
    }

    /**
     * Answers this share of the fault target's requests (see {@link #faultTarget(String)}) with
     * HTTP 400 {@code ProvisionedThroughputExceededException}, without forwarding them. Replaces
     * the previous throttling share. Throttling is drawn before {@link #serverError(double)}: if
     * both shares add up to more than 1, server errors get what is left.
     *
     * @param share between 0 (off) and 1 (every request)
     * @throws IllegalArgumentException if {@code share} is not between 0 and 1
     */
    public synchronized void throttle(double share) {
        throttleShare = checkShare(share, "throttle");
    }

    /**
     * Answers this share of the fault target's requests (see {@link #faultTarget(String)}) with
     * HTTP 500 {@code InternalFailure}, without forwarding them. Replaces the previous share.
     *
     * @param share between 0 (off) and 1 (every request)
     * @throws IllegalArgumentException if {@code share} is not between 0 and 1
     */
    public synchronized void serverError(double share) {
        serverErrorShare = checkShare(share, "serverError");
    }

    /**
     * Withholds this share of the items of every forwarded BatchWriteItem request (put and delete
     * requests alike, each drawn on its own): they are not sent to the server, and the client gets
     * the server's answer with them added to {@code UnprocessedItems}, as DynamoDB does when it
     * cannot write everything. If every item of a request is withheld, the proxy answers alone
     * with all of them unprocessed. Applies to BatchWriteItem whatever the fault target.
     *
     * @param share between 0 (off) and 1 (no item is ever written)
     * @throws IllegalArgumentException if {@code share} is not between 0 and 1
     */
    public synchronized void unprocessed(double share) {
        unprocessedShare = checkShare(share, "unprocessed");
    }

    /**
     * Removes all faults, so every request is forwarded as it is. The fault target, the counters
     * and the random sequence are kept.
     */
    public synchronized void clear() {
        throttleShare = 0;
        serverErrorShare = 0;
        unprocessedShare = 0;
    }

    /**
     * Counts the requests the proxy received.
     *
     * @return requests received since start
     */
    public long requests() {
        return requests.get();
    }

    /**
     * Counts the requests sent on to the target, whole or with items withheld.
     *
     * @return requests forwarded since start
     */
    public long forwarded() {
        return forwarded.get();
    }

    /**
     * Counts the requests answered with an injected {@code ProvisionedThroughputExceededException}.
     *
     * @return throttled requests since start
     */
    public long throttled() {
        return throttled.get();
    }

    /**
     * Counts the requests answered with an injected {@code InternalFailure}.
     *
     * @return injected server errors since start
     */
    public long serverErrors() {
        return serverErrors.get();
    }

    /**
     * Counts the BatchWriteItem items withheld and reported back as {@code UnprocessedItems}.
     *
     * @return withheld items since start
     */
    public long unprocessedItems() {
        return unprocessedItems.get();
    }

    /**
     * Stops listening and closes all client connections. Calling it again does nothing.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "FaultProxy " + endpoint + " -> " + target;
    }

    // ---------------------------------------------------------------- request handling

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String operation = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            Action action = decide(operation);
            if (action == Action.THROTTLE) {
                throttled.incrementAndGet();
                respond(exchange, 400, THROTTLING_BODY.getBytes(StandardCharsets.UTF_8));
            } else if (action == Action.SERVER_ERROR) {
                serverErrors.incrementAndGet();
                respond(exchange, 500, SERVER_ERROR_BODY.getBytes(StandardCharsets.UTF_8));
            } else if (BATCH_WRITE_ITEM.equals(operation)) {
                forwardBatchWrite(exchange, body);
            } else {
                HttpResponse<byte[]> response = forward(exchange, body, false);
                copyBack(exchange, response, response.body(), false);
            }
        }
    }

    private synchronized Action decide(String operation) {
        boolean hit = ALL_OPERATIONS.equals(faultTarget) || faultTarget.equals(operation);
        if (!hit || (throttleShare == 0 && serverErrorShare == 0)) {
            return Action.FORWARD;
        }
        double draw = random.nextDouble();
        if (draw < throttleShare) {
            return Action.THROTTLE;
        }
        return draw < throttleShare + serverErrorShare ? Action.SERVER_ERROR : Action.FORWARD;
    }

    private void forwardBatchWrite(HttpExchange exchange, byte[] body) throws IOException {
        ObjectNode request = null;
        ObjectNode withheld = JSON.createObjectNode();
        synchronized (this) {
            if (unprocessedShare > 0) {
                request = parseObject(body);
                if (request != null && request.get("RequestItems") instanceof ObjectNode) {
                    withhold((ObjectNode) request.get("RequestItems"), withheld);
                }
            }
        }
        if (withheld.isEmpty()) {
            HttpResponse<byte[]> response = forward(exchange, body, false);
            copyBack(exchange, response, response.body(), false);
            return;
        }
        int withheldCount = 0;
        for (JsonNode items : withheld) {
            withheldCount += items.size();
        }
        if (request.get("RequestItems").isEmpty()) {
            unprocessedItems.addAndGet(withheldCount);
            ObjectNode answer = JSON.createObjectNode();
            answer.set("UnprocessedItems", withheld);
            respond(exchange, 200, JSON.writeValueAsBytes(answer));
            return;
        }
        HttpResponse<byte[]> response = forward(exchange, JSON.writeValueAsBytes(request), true);
        ObjectNode answer = response.statusCode() == 200 ? parseObject(response.body()) : null;
        if (answer == null) {
            copyBack(exchange, response, response.body(), false); // an error: the client retries everything
            return;
        }
        JsonNode existing = answer.get("UnprocessedItems");
        ObjectNode unprocessed = existing instanceof ObjectNode ? (ObjectNode) existing : answer.putObject("UnprocessedItems");
        withheld.properties().forEach(table -> {
            JsonNode items = unprocessed.get(table.getKey());
            ArrayNode merged = items instanceof ArrayNode ? (ArrayNode) items : unprocessed.putArray(table.getKey());
            merged.addAll((ArrayNode) table.getValue());
        });
        unprocessedItems.addAndGet(withheldCount);
        copyBack(exchange, response, JSON.writeValueAsBytes(answer), true);
    }

    /** Moves a random share of each table's write requests from {@code requestItems} to {@code withheld}. */
    private void withhold(ObjectNode requestItems, ObjectNode withheld) {
        for (Iterator<Map.Entry<String, JsonNode>> tables = requestItems.properties().iterator(); tables.hasNext(); ) {
            Map.Entry<String, JsonNode> table = tables.next();
            if (!(table.getValue() instanceof ArrayNode)) {
                continue;
            }
            ArrayNode kept = JSON.createArrayNode();
            ArrayNode dropped = JSON.createArrayNode();
            for (JsonNode item : table.getValue()) {
                (random.nextDouble() < unprocessedShare ? dropped : kept).add(item);
            }
            if (!dropped.isEmpty()) {
                withheld.set(table.getKey(), dropped);
            }
            if (kept.isEmpty()) {
                tables.remove();
            } else {
                table.setValue(kept);
            }
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body, boolean identityEncoding)
            throws IOException {
        URI requestUri = exchange.getRequestURI();
        String base = target.toString().endsWith("/") ? target.toString().substring(0, target.toString().length() - 1)
                : target.toString();
        String path = requestUri.getRawPath() == null || requestUri.getRawPath().isEmpty() ? "/" : requestUri.getRawPath();
        URI uri = URI.create(base + path + (requestUri.getRawQuery() == null ? "" : "?" + requestUri.getRawQuery()));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .method(exchange.getRequestMethod(), body.length == 0
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        Set<String> connectionTokens = connectionTokens(exchange.getRequestHeaders());
        exchange.getRequestHeaders().forEach((name, values) -> {
            boolean skipped = SKIPPED_REQUEST_HEADERS.contains(name) || connectionTokens.contains(name)
                    || (identityEncoding && name.equalsIgnoreCase("accept-encoding"));
            if (!skipped) {
                values.forEach(value -> request.header(name, value));
            }
        });
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            forwarded.incrementAndGet();
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forwarding to " + uri, e);
        }
        // An IOException (target unreachable) escapes: HttpServer then closes the client's connection.
    }

    private static void copyBack(HttpExchange exchange, HttpResponse<byte[]> response, byte[] body, boolean rewritten)
            throws IOException {
        Headers headers = exchange.getResponseHeaders();
        response.headers().map().forEach((name, values) -> {
            if (!name.startsWith(":") && !SKIPPED_RESPONSE_HEADERS.contains(name)) {
                headers.put(name, List.copyOf(values));
            }
        });
        if (rewritten) {
            headers.remove("Content-Encoding");
            headers.set("x-amz-crc32", crc32(body));
        }
        exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    /** Sends an answer made up by the proxy, with the headers DynamoDB sends. */
    private void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", CONTENT_TYPE);
        headers.set("x-amzn-RequestId", "FAULTPROXY" + requests.get());
        headers.set("x-amz-crc32", crc32(body));
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    // ---------------------------------------------------------------- helpers

    private static ObjectNode parseObject(byte[] json) {
        try {
            JsonNode node = JSON.readTree(json);
            return node instanceof ObjectNode ? (ObjectNode) node : null;
        } catch (IOException e) {
            return null; // not JSON: forwarded as it is, the server answers
        }
    }

    private static Set<String> connectionTokens(Headers headers) {
        Set<String> tokens = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        List<String> values = headers.get("Connection");
        if (values != null) {
            for (String value : values) {
                for (String token : value.split(",")) {
                    tokens.add(token.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return tokens;
    }

    private static String crc32(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        return Long.toString(crc.getValue());
    }

    private static double checkShare(double share, String what) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException(what + " share must be between 0 and 1, was " + share);
        }
        return share;
    }

    private static Set<String> caseInsensitive(String... names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(List.of(names));
        return set;
    }

    /**
     * Options for a {@link FaultProxy}; {@link #start()} starts one. Mutable and not thread-safe.
     */
    public static final class Builder {

        private final URI target;
        private long seed;
        private String faultTarget = BATCH_WRITE_ITEM;

        private Builder(URI target) {
            this.target = target;
        }

        /**
         * Seeds the random draws that decide which requests and items get faults. Defaults to 0.
         *
         * @param seed the seed of the proxy's {@link Random}
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the initial fault target, see {@link FaultProxy#faultTarget(String)}. Defaults to
         * {@link FaultProxy#BATCH_WRITE_ITEM}.
         *
         * @param xAmzTarget an {@code X-Amz-Target} value, or {@link FaultProxy#ALL_OPERATIONS}
         * @return this builder
         */
        public Builder faultTarget(String xAmzTarget) {
            this.faultTarget = Objects.requireNonNull(xAmzTarget, "xAmzTarget can't be null");
            return this;
        }

        /**
         * Starts the proxy on a free loopback port, without faults.
         *
         * @return the running proxy
         * @throws UncheckedIOException if no port could be bound
         */
        public FaultProxy start() {
            try {
                return new FaultProxy(this);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start a proxy for " + target + " on " + HOST, e);
            }
        }
    }
}
