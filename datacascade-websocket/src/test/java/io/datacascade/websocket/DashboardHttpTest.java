package io.datacascade.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.datacascade.core.Point;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/** The page, its assets, the JSON API and their security headers; mounting into a host's Jetty. */
class DashboardHttpTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(URI uri, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeThePageAndItsAssetsWithAStrictContentSecurityPolicy() throws Exception {
        try (ChartServer chart = ChartServer.start(0)) {
            URI base = URI.create("http://127.0.0.1:" + chart.port() + "/");
            HttpResponse<String> page = get(base);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
            assertThat(page.body()).contains("<title>DataCascade dashboard</title>").doesNotContain("<script>");
            String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'",
                    "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

            for (String asset : List.of("dashboard.js", "dashboard.css", "vendor/uplot/uPlot.iife.min.js",
                    "vendor/uplot/uPlot.min.css")) {
                HttpResponse<String> r = get(base.resolve(asset));
                assertThat(r.statusCode()).as(asset).isEqualTo(200);
                assertThat(r.body()).as(asset).isNotEmpty();
                String etag = r.headers().firstValue("ETag").orElseThrow();
                assertThat(get(base.resolve(asset), "If-None-Match", etag).statusCode()).as("revalidated " + asset).isEqualTo(304);
            }
            assertThat(get(base.resolve("vendor/uplot/uPlot.iife.min.js")).body()).contains("uPlot");
            assertThat(get(base.resolve("nothing-here")).statusCode()).isEqualTo(404);
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(base).POST(HttpRequest.BodyPublishers.ofString("x"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            // last: Jetty closes the connection after refusing an ambiguous path
            assertThat(get(base.resolve("../../etc/passwd")).statusCode()).isIn(400, 404);
        }
    }

    @Test
    void shouldListSeriesAsJsonWithNamesEscaped() throws Exception {
        try (ChartServer chart = ChartServer.start(0); Feed feed = new Feed(chart)) {
            String nasty = "<img src=x onerror=alert(1)> \"quoted\" \\ \u2028";
            feed.offer(nasty, 1_000, 1.5);
            feed.offer("cpu.load", 2_000, 0.25);
            Feed.awaitPointsIn(chart, 2);
            HttpResponse<String> r = get(URI.create("http://127.0.0.1:" + chart.port() + "/api/series"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode series = WsClient.JSON.readTree(r.body()).path("series");
            assertThat(series).hasSize(2);
            assertThat(ChartServerTest.names(series)).containsExactly(nasty, "cpu.load");
            JsonNode first = series.get(0);
            assertThat(first.path("t").asLong()).isEqualTo(1_000);
            assertThat(first.path("v").asDouble()).isEqualTo(1.5);
            assertThat(first.path("points").asLong()).isEqualTo(1);

            WsClient client = WsClient.connect(chart);
            try {
                assertThat(ChartServerTest.names(client.await("status").path("series"))).contains(nasty);
            } finally {
                client.close();
            }
        }
    }

    @Test
    void shouldSkipValuesAChartCannotDrawAndCountThem() throws Exception {
        try (ChartServer chart = ChartServer.start(0); Feed feed = new Feed(chart)) {
            feed.source.offer(new Point("x", 1, Double.NaN, Map.of()));
            feed.source.offer(new Point("x", 2, Double.POSITIVE_INFINITY, Map.of()));
            feed.offer("x", 3, 7);
            Feed.awaitPointsIn(chart, 3);
            assertThat(chart.metrics().pointsSkipped()).isEqualTo(2);
            assertThat(chart.metrics().pointsIn()).isEqualTo(1);
        }
    }

    @Test
    void shouldProtectTheSeriesApiWithTheToken() throws Exception {
        try (ChartServer chart = ChartServer.builder().port(0).token("s3cret-token").start()) {
            URI api = URI.create("http://127.0.0.1:" + chart.port() + "/api/series");
            HttpResponse<String> refused = get(api);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(get(api, "Authorization", "Bearer s3cret-token").statusCode()).isEqualTo(200);
            assertThat(get(URI.create("http://127.0.0.1:" + chart.port() + "/")).statusCode())
                    .as("the page itself is public: it asks for the token").isEqualTo(200);
        }
    }

    @Test
    void shouldMountIntoAnApplicationsOwnJetty() throws Exception {
        Server host = new Server();
        ServerConnector connector = new ServerConnector(host);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        host.addConnector(connector);
        ChartServer chart = ChartServer.builder().contextPath("/charts").mount(host);
        ContextHandler app = new ContextHandler(new Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                                  Callback callback) {
                response.write(true, java.nio.ByteBuffer.wrap("app".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        callback);
                return true;
            }
        }, "/app");
        host.setHandler(new ContextHandlerCollection(app, chart.handler()));
        host.start();
        try (Feed feed = new Feed(chart)) {
            int port = connector.getLocalPort();
            assertThat(get(URI.create("http://127.0.0.1:" + port + "/app/")).body()).isEqualTo("app");
            assertThat(get(URI.create("http://127.0.0.1:" + port + "/charts/")).body()).contains("DataCascade dashboard");
            WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + port + "/charts/ws"), Map.of());
            try {
                client.await("status");
                client.send(Map.of("type", "subscribe", "series", List.of("m")));
                client.await("history");
                feed.offer("m", System.currentTimeMillis(), 42);
                JsonNode points = client.await("points");
                assertThat(points.path("data").get(0).path("v").get(0).asDouble()).isEqualTo(42);
            } finally {
                client.close();
            }
        } finally {
            host.stop();
        }
        assertThat(chart.metrics().clients()).isZero();
    }
}
