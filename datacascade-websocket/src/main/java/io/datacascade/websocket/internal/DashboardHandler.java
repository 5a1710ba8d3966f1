package io.datacascade.websocket.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the dashboard page, its script and stylesheet, uPlot from its WebJar, and
 * {@code GET /api/series}. Everything static is read from the classpath once, at start, and sent
 * with a strict Content-Security-Policy: the page runs only its own script and talks only to its
 * own origin.
 */
public final class DashboardHandler extends Handler.Abstract {

    /** What the page may do: its own scripts, styles and socket, nothing inline, nothing framed. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private static final String PAGE = "io/datacascade/websocket/dashboard/";
    private static final String UPLOT = "META-INF/resources/webjars/uplot/";

    private final Hub hub;
    private final Map<String, Asset> assets;

    public DashboardHandler(Hub hub) {
        this.hub = hub;
        String uplot = UPLOT + uplotVersion() + "/dist/";
        Asset index = load(PAGE + "index.html", "text/html;charset=utf-8");
        this.assets = Map.of(
                "/", index,
                "/index.html", index,
                "/dashboard.js", load(PAGE + "dashboard.js", "text/javascript;charset=utf-8"),
                "/dashboard.css", load(PAGE + "dashboard.css", "text/css;charset=utf-8"),
                "/vendor/uplot/uPlot.iife.min.js", load(uplot + "uPlot.iife.min.js", "text/javascript;charset=utf-8"),
                "/vendor/uplot/uPlot.min.css", load(uplot + "uPlot.min.css", "text/css;charset=utf-8"));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        boolean api = path.equals("/api/series");
        Asset asset = assets.get(path);
        if (!api && asset == null) {
            return false;
        }
        securityHeaders(response);
        if (!hub.hostAllowed(request)) {
            Response.writeError(request, response, callback, 403, "unknown host name");
            return true;
        }
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            Response.writeError(request, response, callback, 405, "only GET and HEAD are allowed here");
            return true;
        }
        if (api) {
            series(request, response, callback);
            return true;
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put(HttpHeader.ETAG, asset.etag);
        if (asset.etag.equals(request.getHeaders().get(HttpHeader.IF_NONE_MATCH))) {
            response.setStatus(304);
            response.write(true, null, callback);
            return true;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, asset.bytes.length);
        response.write(true, method.equals("HEAD") ? null : ByteBuffer.wrap(asset.bytes), callback);
        return true;
    }

    private void series(Request request, Response response, Callback callback) {
        if (hub.settings.token() != null) {
            String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            if (authorization == null || !hub.tokenMatches(Hub.bearer(authorization))) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
                Response.writeError(request, response, callback, 401, "send the dashboard token as 'Authorization: Bearer …'");
                return;
            }
        }
        byte[] body = hub.seriesJson(new StringBuilder(256).append('{')).append('}').toString()
                .getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, request.getMethod().equals("HEAD") ? null : ByteBuffer.wrap(body), callback);
    }

    private static void securityHeaders(Response response) {
        response.getHeaders().put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put("X-Frame-Options", "DENY");
    }

    private static String uplotVersion() {
        Properties p = new Properties();
        try (InputStream in = resource("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    private static InputStream resource(String name) {
        InputStream in = DashboardHandler.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("the dashboard resource " + name + " is missing from the classpath; "
                    + (name.startsWith(PAGE) ? "the datacascade-websocket jar is incomplete"
                    : "add org.webjars.npm:uplot (a dependency of datacascade-websocket) to it"));
        }
        return in;
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = resource(name)) {
            byte[] bytes = in.readAllBytes();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return new Asset(bytes, contentType, "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Asset(byte[] bytes, String contentType, String etag) {
    }
}
