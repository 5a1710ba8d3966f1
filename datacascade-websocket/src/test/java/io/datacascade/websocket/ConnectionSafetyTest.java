package io.datacascade.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.junit.jupiter.api.Test;

/** Bad client messages, origins, tokens and capacity: refused or answered, never a crash. */
class ConnectionSafetyTest extends ChartTestSupport {

    @Test
    void shouldAnswerMalformedMessagesWithAnErrorFrameAndKeepServing() throws Exception {
        ChartServer chart = server(ChartServer.builder());
        WsClient client = track(WsClient.connect(chart));
        client.await("status");
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("not json at all", "not valid JSON");
        cases.put("[1,2,3]", "must be a JSON object");
        cases.put("{\"type\":\"subscribe\"", "not valid JSON");
        cases.put("{\"series\":[\"a\"]}", "needs a \"type\"");
        cases.put("{\"type\":\"dance\"}", "unknown message type 'dance'");
        cases.put("{\"type\":\"subscribe\",\"series\":\"a\"}", "\"series\" must be a non-empty array");
        cases.put("{\"type\":\"subscribe\",\"series\":[]}", "\"series\" must be a non-empty array");
        cases.put("{\"type\":\"subscribe\",\"series\":[1]}", "only non-empty strings");
        cases.put("{\"type\":\"subscribe\",\"series\":[\"a\"],\"history\":-5}", "\"history\" must be a number from 0 to 3600000, was -5.0");
        cases.put("{\"type\":\"subscribe\",\"series\":[\"a\"],\"history\":\"1h\"}", "\"history\" must be a number");
        cases.put("{\"type\":\"subscribe\",\"series\":[\"a\"],\"maxPoints\":1}", "\"maxPoints\" must be a number from 3 to 2048");
        cases.put("{\"type\":\"subscribe\",\"series\":[\"a\"]} trailing", "not valid JSON");
        cases.put("{\"type\":\"unsubscribe\"}", "\"series\" must be a non-empty array");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            client.send(c.getKey());
            JsonNode error = client.await("error");
            assertThat(error.path("message").asText()).as("answer to %s", c.getKey()).contains(c.getValue());
            assertThat(error.path("code").asText()).isIn("bad-request", "unknown-type");
        }
        client.sendBinary(new byte[] {1, 2, 3});
        assertThat(client.await("error").path("message").asText()).contains("binary messages are not part of the protocol");

        // still serving: a proper subscription works on the same connection
        client.send(Map.of("type", "subscribe", "series", List.of("ok")));
        assertThat(client.await("history").path("series").asText()).isEqualTo("ok");
        assertThat(chart.metrics().badMessages()).isEqualTo(cases.size() + 1);
        assertThat(client.isClosed()).isFalse();
    }

    @Test
    void shouldCloseAClientThatSendsAnOversizedMessage() throws Exception {
        ChartServer chart = server(ChartServer.builder().maxMessageBytes(1024));
        WsClient client = track(WsClient.connect(chart));
        client.await("status");
        client.send("{\"type\":\"subscribe\",\"series\":[\"" + "x".repeat(2000) + "\"]}");
        assertThat(client.awaitClose(Duration.ofSeconds(10))).isEqualTo(1009);
        WsClient other = track(WsClient.connect(chart));
        assertThat(other.await("status").path("auth").asText()).isEqualTo("ok");
    }

    @Test
    void shouldCloseAClientThatKeepsSendingGarbage() throws Exception {
        ChartServer chart = server(ChartServer.builder());
        WsClient client = track(WsClient.connect(chart));
        client.await("status");
        for (int i = 0; i < 60 && !client.isClosed(); i++) {
            client.send("garbage " + i);
        }
        assertThat(client.awaitClose(Duration.ofSeconds(10))).isEqualTo(1008);
        assertThat(client.closeReason()).isEqualTo("too many bad messages");
    }

    @Test
    void shouldAcceptOnlyTheSameOriginByDefault() throws Exception {
        ChartServer chart = server(ChartServer.builder());
        URI ws = WsClient.wsUri(chart);
        String self = "http://127.0.0.1:" + chart.port();
        track(WsClient.connect(ws, Map.of("Origin", self))).await("status");
        track(WsClient.connect(ws, Map.of())).await("status"); // no Origin: not a browser
        assertThatThrownBy(() -> WsClient.connect(ws, Map.of("Origin", "http://evil.example")))
                .hasCauseInstanceOf(UpgradeException.class).rootCause().hasMessageContaining("403");
        assertThatThrownBy(() -> WsClient.connect(ws, Map.of("Origin", "http://127.0.0.1:1")))
                .rootCause().hasMessageContaining("403");
        assertThat(chart.metrics().rejectedConnections()).isEqualTo(2);
    }

    @Test
    void shouldAcceptConfiguredOrigins() throws Exception {
        ChartServer chart = server(ChartServer.builder().allowedOrigins("https://ops.example.com"));
        URI ws = WsClient.wsUri(chart);
        track(WsClient.connect(ws, Map.of("Origin", "https://OPS.example.com:443"))).await("status");
        assertThatThrownBy(() -> WsClient.connect(ws, Map.of("Origin", "http://ops.example.com")))
                .rootCause().hasMessageContaining("403");
        track(WsClient.connect(ws, Map.of("Origin", "http://127.0.0.1:" + chart.port())))
                .await("status"); // the server's own page still works
        assertThatThrownBy(() -> WsClient.connect(ws, Map.of("Origin", "https://other.example.com")))
                .rootCause().hasMessageContaining("403");
    }

    @Test
    void shouldRequireTheTokenInTheHeaderOrTheFirstMessage() throws Exception {
        ChartServer chart = server(ChartServer.builder().token("s3cret-token").authTimeout(Duration.ofSeconds(2)));
        URI ws = WsClient.wsUri(chart);

        WsClient header = track(WsClient.connect(ws, Map.of("Authorization", "Bearer s3cret-token")));
        assertThat(header.await("status").path("auth").asText()).isEqualTo("ok");

        assertThatThrownBy(() -> WsClient.connect(ws, Map.of("Authorization", "Bearer wrong-token")))
                .rootCause().hasMessageContaining("401");

        WsClient browser = track(WsClient.connect(ws, Map.of()));
        JsonNode status = browser.await("status");
        assertThat(status.path("auth").asText()).isEqualTo("required");
        assertThat(status.path("series").size()).isZero();
        browser.send(Map.of("type", "subscribe", "series", List.of("a")));
        assertThat(browser.await("error").path("code").asText()).isEqualTo("unauthorized");
        browser.send(Map.of("type", "auth", "token", "s3cret-token"));
        assertThat(browser.await("status").path("auth").asText()).isEqualTo("ok");
        browser.send(Map.of("type", "subscribe", "series", List.of("a")));
        browser.await("history");

        WsClient wrong = track(WsClient.connect(ws, Map.of()));
        wrong.await("status");
        wrong.send(Map.of("type", "auth", "token", "guess-guess"));
        assertThat(wrong.awaitClose(Duration.ofSeconds(10))).isEqualTo(1008);

        WsClient silent = track(WsClient.connect(ws, Map.of()));
        silent.await("status");
        assertThat(silent.awaitClose(Duration.ofSeconds(10))).isEqualTo(1008);
        assertThat(silent.closeReason()).contains("no token within 2 s");
        assertThat(header.isClosed()).isFalse();
        assertThat(browser.isClosed()).isFalse();
    }

    @Test
    void shouldAnswerOnlyToLoopbackNamesWhenBoundToLoopback() throws Exception {
        ChartServer chart = server(ChartServer.builder());
        assertThat(statusLine(chart.port(), "localhost:" + chart.port())).contains(" 200 ");
        assertThat(statusLine(chart.port(), "127.0.0.1:" + chart.port())).contains(" 200 ");
        // DNS rebinding: a page at http://evil.example:port whose name now points to 127.0.0.1
        assertThat(statusLine(chart.port(), "evil.example:" + chart.port())).contains(" 403 ");
        assertThatThrownBy(() -> WsClient.connect(URI.create("ws://127.0.0.1:" + chart.port() + "/ws"),
                Map.of("Host", "evil.example:" + chart.port(), "Origin", "http://evil.example:" + chart.port())))
                .rootCause().hasMessageContaining("403");
        ChartServer named = server(ChartServer.builder().allowedHosts("charts.example.com"));
        assertThat(statusLine(named.port(), "charts.example.com")).contains(" 200 ");
        assertThat(statusLine(named.port(), "localhost:" + named.port())).contains(" 403 ");
    }

    /** The status line of {@code GET /} sent with this Host header (the JDK's HttpClient will not send a foreign one). */
    private static String statusLine(int port, String host) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void shouldNotLetConnectionsWithoutTheTokenCrowdOutRealUsers() throws Exception {
        ChartServer chart = server(ChartServer.builder().token("s3cret-token").maxClients(2));
        URI ws = WsClient.wsUri(chart);
        for (int i = 0; i < 16; i++) {
            track(WsClient.connect(ws, Map.of())).await("status");
        }
        assertThatThrownBy(() -> WsClient.connect(ws, Map.of())).rootCause().hasMessageContaining("503");
        WsClient user = track(WsClient.connect(ws, Map.of("Authorization", "Bearer s3cret-token")));
        assertThat(user.await("status").path("auth").asText()).isEqualTo("ok");
        assertThat(chart.metrics().clients()).isEqualTo(1);
    }

    @Test
    void shouldCompressFramesOnlyWhenAskedTo() throws Exception {
        List<String> deflate = List.of("permessage-deflate");
        ChartServer plain = server(ChartServer.builder());
        WsClient client = track(WsClient.connect(WsClient.wsUri(plain), Map.of(), deflate));
        client.await("status");
        assertThat(client.extensions()).isEmpty();
        ChartServer compressing = server(ChartServer.builder().compression(true));
        WsClient other = track(WsClient.connect(WsClient.wsUri(compressing), Map.of(), deflate));
        other.await("status");
        assertThat(other.extensions()).containsExactly("permessage-deflate");
    }

    @Test
    void shouldRefuseClientsBeyondTheMaximum() throws Exception {
        ChartServer chart = server(ChartServer.builder().maxClients(2));
        URI ws = WsClient.wsUri(chart);
        track(WsClient.connect(ws, Map.of())).await("status");
        WsClient second = track(WsClient.connect(ws, Map.of()));
        second.await("status");
        assertThatThrownBy(() -> WsClient.connect(ws, Map.of())).rootCause().hasMessageContaining("503");
        second.close();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (chart.metrics().clients() > 1) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(10);
        }
        track(WsClient.connect(ws, Map.of())).await("status");
    }

    @Test
    void shouldLimitSeriesPerClient() throws Exception {
        ChartServer chart = server(ChartServer.builder().maxSeriesPerClient(2));
        WsClient client = track(WsClient.connect(chart));
        client.await("status");
        client.send(Map.of("type", "subscribe", "series", List.of("a", "b", "c")));
        assertThat(client.await("error").path("code").asText()).isEqualTo("too-many-series");
        List<String> histories = new ArrayList<>();
        histories.add(client.await("history").path("series").asText());
        histories.add(client.await("history").path("series").asText());
        assertThat(histories).containsExactlyInAnyOrder("a", "b");
    }
}
