package io.datacascade.examples.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datacascade.examples.container.ImageArchive.Entry;
import io.datacascade.examples.container.ImageRoot.Result;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the image that {@code jib:buildTar} wrote to {@code target/jib-image.tar}: its config and
 * layers, then runs it from its own files (see {@link ImageRoot}): Java, the demo's help, and the
 * demo itself serving its dashboard until a SIGTERM stops it, as {@code docker stop} would.
 */
class ContainerImageIT {

    private static final String JAVA = "/opt/java/bin/java";
    private static final String DEMO_JAR = "/app/datacascade-demo.jar";
    private static final Duration AWAIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode config;
    private static List<Map<String, Entry>> layers;
    private static Path root;
    private static ImageRoot image;

    @BeforeAll
    static void extractImage() throws IOException {
        Path tar = Path.of(property("container.tar"));
        assertThat(tar).as("the image tar jib:buildTar writes in package").isRegularFile();
        ImageArchive archive = ImageArchive.open(tar);
        config = archive.containerConfig();
        root = Path.of(property("container.root"));
        deleteRecursively(root);
        layers = archive.extractTo(root);
        image = new ImageRoot(root, config);
    }

    @Test
    void shouldRunDemoJarWithOwnJavaAsNonRootUserListeningOnAllAddresses() {
        int uid = Integer.parseInt(property("container.uid"));
        assertThat(strings(config.path("Entrypoint")))
                .startsWith(JAVA)
                .containsSubsequence("-jar", DEMO_JAR)
                .endsWith("--bind", "0.0.0.0");
        assertThat(config.path("Cmd").isEmpty()).as("no Cmd after the entrypoint: %s", config.path("Cmd")).isTrue();
        assertThat(config.path("ExposedPorts").has("8080/tcp")).as("ExposedPorts %s", config.path("ExposedPorts")).isTrue();
        assertThat(config.path("User").asText()).isEqualTo(uid + ":" + uid);
        assertThat(strings(config.path("Env"))).contains("JAVA_HOME=/opt/java", "LANG=C.UTF-8");
    }

    @Test
    void shouldShipRuntimeLibrariesAndDemoJarInSeparateLayers() throws Exception {
        int runtime = layerOf(JAVA);
        int app = layerOf(DEMO_JAR);
        String loader = interpreter(root.resolve(JAVA.substring(1)));
        int libs = layerOf(loader);
        String libc = layers.get(libs).keySet().stream().filter(path -> path.endsWith("/libc.so.6")).findFirst()
                .orElseThrow(() -> new AssertionError("no libc.so.6 in the loader's layer: " + layers.get(libs).keySet()));
        assertThat(List.of(runtime, app, libs)).as("layers of java, the demo jar and the loader").doesNotHaveDuplicates();

        assertThat(Integer.toOctalString(entry(JAVA).mode())).as("mode of %s", JAVA).isEqualTo("755");
        assertThat(Integer.toOctalString(entry(loader).mode())).as("mode of the loader %s", loader).isEqualTo("755");
        assertThat(Integer.toOctalString(entry(libc).mode() & 0444)).as("read bits of %s", libc).isEqualTo("444");
        Path demoJar = Path.of(property("demo.jar"));
        assertThat(sha256(root.resolve(DEMO_JAR.substring(1))))
                .as("%s in the image is %s", DEMO_JAR, demoJar).isEqualTo(sha256(demoJar));
    }

    @Test
    void shouldLeaveOnlyTmpWritableForTheAppUser() {
        List<String> problems = new ArrayList<>();
        for (Map<String, Entry> layer : layers) {
            for (Entry e : layer.values()) {
                boolean tmp = e.path().equals("/tmp");
                if (e.uid() != 0 || e.gid() != 0) {
                    problems.add(e.path() + " owned by " + e.uid() + ":" + e.gid());
                } else if (!tmp && (e.mode() & 0022) != 0) {
                    problems.add(e.path() + " writable by others, mode " + Integer.toOctalString(e.mode()));
                } else if (tmp && (e.mode() & 0777) != 0777) {
                    problems.add("/tmp not writable by everyone, mode " + Integer.toOctalString(e.mode()));
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(layers.stream().anyMatch(layer -> layer.containsKey("/tmp"))).as("/tmp in a layer").isTrue();
    }

    @Test
    void shouldFindEveryLibraryOfTheRuntimeInTheImage() throws Exception {
        String loader = interpreter(root.resolve(JAVA.substring(1)));
        List<String> elfFiles;
        try (Stream<Path> files = Files.walk(root.resolve("opt/java"))) {
            elfFiles = files.filter(Files::isRegularFile).filter(ContainerImageIT::isElf)
                    .map(path -> "/" + root.relativize(path)).toList();
        }
        assertThat(elfFiles).contains(JAVA, "/opt/java/lib/server/libjvm.so");
        for (String elf : elfFiles) {
            // lib/*.so name libjvm.so, which the JVM has loaded from lib/server before them.
            Result listed = image.run(30, List.of(loader, "--library-path", "/opt/java/lib/server", "--list", elf));
            assertThat(listed.exitCode()).as("%s --list %s in the image:%n%s", loader, elf, listed.output()).isZero();
            assertThat(listed.output()).as("%s --list %s in the image", loader, elf).doesNotContain("not found");
        }
    }

    @Test
    void shouldRunTheImagesJavaAsTheImagesUser() throws Exception {
        Result java = image.run(60, List.of(JAVA, "-XshowSettings:properties", "-version"));
        assertThat(java.exitCode()).as("java -version in the image as %s:%n%s", image.user(), java.output()).isZero();
        assertThat(java.output()).contains("java.home = /opt/java", "file.encoding = UTF-8", "java.io.tmpdir = /tmp",
                "user.dir = /tmp");
        if (!image.user().startsWith("root")) {
            assertThat(java.output()).contains("user.name = nonroot");
        }
    }

    @Test
    void shouldPrintTheDemosHelpThroughTheEntrypoint() throws Exception {
        List<String> command = new ArrayList<>(strings(config.path("Entrypoint")));
        command.add("--help");
        Result help = image.run(60, command);
        assertThat(help.exitCode()).as("entrypoint --help in the image:%n%s", help.output()).isZero();
        assertThat(help.output()).contains("--http-port", "--bind");
    }

    @Test
    void shouldShowSimulatedSeriesOnTheDashboardAndStopOnSigterm() throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(strings(config.path("Entrypoint")));
        command.addAll(List.of("--http-port", String.valueOf(port), "--rate", "1000"));
        Path log = root.resolveSibling("demo-run.log");
        Process demo = image.start(log, command);
        try {
            URI dashboard = URI.create("http://127.0.0.1:" + port + "/");
            HttpResponse<String> page = await(demo, log, dashboard, response -> response.statusCode() == 200);
            assertThat(page.body()).containsIgnoringCase("<html");
            // Points reach the dashboard only through the whole pipeline (with the demo's default
            // embedded Kafka broker, which writes its log under /tmp as the image's user).
            HttpResponse<String> series = await(demo, log, dashboard.resolve("/api/series"),
                    response -> response.statusCode() == 200 && JSON.readTree(response.body()).path("seriesTotal").asInt() > 0);
            assertThat(JSON.readTree(series.body()).path("series").isArray()).isTrue();

            ImageRoot.command(demo).destroy(); // SIGTERM to PID 1, as docker stop sends
            assertThat(demo.waitFor(30, TimeUnit.SECONDS))
                    .as("demo still running 30 s after SIGTERM; output:%n%s", tail(log)).isTrue();
        } finally {
            if (demo.isAlive()) {
                demo.destroyForcibly().waitFor();
            }
        }
    }

    private interface ResponseCheck {
        boolean done(HttpResponse<String> response) throws IOException;
    }

    private static HttpResponse<String> await(Process demo, Path log, URI uri, ResponseCheck check) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + AWAIT.toNanos();
        HttpResponse<String> last = null;
        while (true) {
            if (!demo.isAlive()) {
                throw new AssertionError("demo exited with " + demo.exitValue() + " while waiting for " + uri
                        + "; output:\n" + tail(log));
            }
            IOException failure = null;
            try {
                last = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (check.done(last)) {
                    return last;
                }
            } catch (IOException notYet) {
                failure = notYet;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + AWAIT.toSeconds() + " s for " + uri + "; last answer "
                        + (last == null ? "none" : last.statusCode() + " " + last.body()) + "; output:\n" + tail(log), failure);
            }
            Thread.sleep(250);
        }
    }

    private static int layerOf(String path) {
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).containsKey(path)) {
                return i;
            }
        }
        throw new AssertionError(path + " is in no layer of the image");
    }

    private static Entry entry(String path) {
        return layers.get(layerOf(path)).get(path);
    }

    /** The program interpreter (PT_INTERP) of a 64-bit ELF file: the dynamic loader's path. */
    static String interpreter(Path elf) throws IOException {
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(elf)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(isElf(elf) && file.get(4) == 2 && file.get(5) == 1).as("%s is a 64-bit little-endian ELF file", elf).isTrue();
        long tableOffset = file.getLong(0x20);
        int entrySize = file.getShort(0x36) & 0xffff;
        int entries = file.getShort(0x38) & 0xffff;
        for (int i = 0; i < entries; i++) {
            int header = Math.toIntExact(tableOffset + (long) i * entrySize);
            if (file.getInt(header) == 3) { // PT_INTERP
                int offset = Math.toIntExact(file.getLong(header + 0x08));
                int size = Math.toIntExact(file.getLong(header + 0x20));
                return new String(file.array(), offset, size - 1, StandardCharsets.US_ASCII); // NUL-terminated
            }
        }
        throw new AssertionError(elf + " names no dynamic loader (PT_INTERP)");
    }

    private static boolean isElf(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        } catch (IOException e) {
            throw new AssertionError("reading " + path, e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        array.forEach(node -> strings.add(node.asText()));
        return strings;
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertThat(value).as("system property %s (set by the failsafe configuration in pom.xml)", name).isNotBlank();
        return value;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(path);
            }
        }
    }
}
