package io.datacascade.testsupport;

import static io.datacascade.testsupport.DynamoTestClients.client;
import static io.datacascade.testsupport.DynamoTestClients.createSeriesTable;
import static io.datacascade.testsupport.DynamoTestClients.item;
import static io.datacascade.testsupport.DynamoTestClients.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

class DynaliteTest {

    @AfterEach
    void shouldLeaveNoNodeProcessBehind() {
        assertThat(dynaliteProcesses()).isEmpty();
    }

    @Test
    void shouldServeDynamoDbApiInMemory() {
        Path outputFile;
        try (Dynalite dynalite = Dynalite.start(); DynamoDbClient dynamo = client(dynalite.endpoint())) {
            assertThat(dynalite.endpoint().toString()).isEqualTo("http://127.0.0.1:" + dynalite.port());
            assertThat(dynalite.region()).isEqualTo("us-east-1");
            assertThat(dynalite.dataDir()).isEmpty();
            assertThat(dynalite.isRunning()).isTrue();
            assertThat(dynalite.output()).contains("Dynalite listening at: http://127.0.0.1:" + dynalite.port());
            assertThat(dynaliteProcesses()).hasSize(1);

            createSeriesTable(dynamo, "metrics");
            assertThat(dynamo.describeTable(b -> b.tableName("metrics")).table().tableStatus())
                    .isEqualTo(TableStatus.ACTIVE);
            dynamo.putItem(b -> b.tableName("metrics").item(item("cpu", 1000, 0.5)));

            assertThat(dynamo.getItem(b -> b.tableName("metrics").key(key("cpu", 1000)).consistentRead(true)).item())
                    .isEqualTo(item("cpu", 1000, 0.5));
            outputFile = dynalite.outputFile();
            assertThat(outputFile).exists();
        }
        assertThat(outputFile).doesNotExist();
    }

    @Test
    void shouldKeepDataOnDiskAcrossStopAndRestart() {
        Path dataDir;
        try (Dynalite dynalite = Dynalite.builder().onDisk().start(); DynamoDbClient dynamo = client(dynalite.endpoint())) {
            dataDir = dynalite.dataDir().orElseThrow();
            createSeriesTable(dynamo, "metrics");
            dynamo.putItem(b -> b.tableName("metrics").item(item("cpu", 1000, 0.5)));

            dynalite.stop();

            assertThat(dynalite.isRunning()).isFalse();
            assertThat(dynaliteProcesses()).isEmpty();
            assertThatThrownBy(() -> dynamo.getItem(b -> b.tableName("metrics").key(key("cpu", 1000))))
                    .isInstanceOf(SdkClientException.class);
            dynalite.stop(); // idempotent

            dynalite.restart();

            assertThat(dynalite.isRunning()).isTrue();
            assertThat(dynamo.getItem(b -> b.tableName("metrics").key(key("cpu", 1000)).consistentRead(true)).item())
                    .isEqualTo(item("cpu", 1000, 0.5));
            dynalite.restart(); // running: nothing happens
            assertThat(dynaliteProcesses()).hasSize(1);
        }
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void shouldLoseDataOfInMemoryServerOnRestart() {
        try (Dynalite dynalite = Dynalite.start()) {
            try (DynamoDbClient dynamo = client(dynalite.endpoint())) {
                createSeriesTable(dynamo, "metrics");
            }
            dynalite.stop();
            dynalite.restart();
            // A new client: the old one's pooled connection died with the server, and a client that
            // does not retry would fail its next request with "The target server failed to respond".
            try (DynamoDbClient dynamo = client(dynalite.endpoint())) {
                assertThatThrownBy(() -> dynamo.describeTable(b -> b.tableName("metrics")))
                        .isInstanceOf(ResourceNotFoundException.class);
            }
        }
    }

    @Test
    void shouldReuseAndKeepGivenDataDir(@TempDir Path dir) {
        Path dataDir = dir.resolve("leveldb");
        try (Dynalite first = Dynalite.builder().onDisk(dataDir).start(); DynamoDbClient dynamo = client(first.endpoint())) {
            createSeriesTable(dynamo, "metrics");
            dynamo.putItem(b -> b.tableName("metrics").item(item("mem", 7, 1.25)));
        }
        assertThat(dataDir).isDirectory();
        try (Dynalite second = Dynalite.builder().onDisk(dataDir).start(); DynamoDbClient dynamo = client(second.endpoint())) {
            assertThat(second.dataDir()).contains(dataDir);
            assertThat(dynamo.getItem(b -> b.tableName("metrics").key(key("mem", 7)).consistentRead(true)).item())
                    .isEqualTo(item("mem", 7, 1.25));
        }
        assertThat(dataDir).isDirectory();
    }

    @Test
    void shouldRestartOnSamePortOnceItIsFreeAgain() throws Exception {
        try (Dynalite dynalite = Dynalite.start()) {
            dynalite.stop();
            ServerSocket squatter = new ServerSocket();
            squatter.setReuseAddress(true);
            squatter.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), dynalite.port()));
            CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
                sleep(Duration.ofMillis(1500));
                close(squatter);
            });

            dynalite.restart();

            assertThat(release).isDone();
            assertThat(dynalite.output()).contains("EADDRINUSE");
            try (Socket socket = new Socket("127.0.0.1", dynalite.port())) {
                assertThat(socket.isConnected()).isTrue();
            }
        }
    }

    @Test
    void shouldKillServerAndDeleteFilesWhenJvmExitsWithoutClosing() throws Exception {
        try (ChildJvm jvm = ChildJvm.builder(DynaliteHoldingMain.class).jvmArgs("-Xmx64m").args("exit").start()) {
            assertThat(jvm.waitFor(Duration.ofSeconds(20))).as(jvm.output()).isZero();

            assertThat(awaitGone(nodePid(jvm))).as("node process gone").isTrue();
            assertThat(Path.of(field(jvm.output(), "outputFile=")).getParent()).doesNotExist();
        }
    }

    @Test
    void shouldEndServerWhenJvmIsKilledWithoutShutdownHooks() throws Exception {
        try (ChildJvm jvm = ChildJvm.builder(DynaliteHoldingMain.class).jvmArgs("-Xmx64m").args("hang").start()) {
            assertThat(jvm.awaitOutput(" ready", Duration.ofSeconds(20))).as(jvm.output()).isTrue();
            long nodePid = nodePid(jvm);
            assertThat(ProcessHandle.of(nodePid).map(ProcessHandle::isAlive)).contains(true);

            ProcessHandle.of(jvm.pid()).ifPresent(ProcessHandle::destroyForcibly); // the JVM only, not its children

            assertThat(awaitGone(nodePid)).as("node process gone").isTrue();
            // the temporary directory stays behind in this case: nothing in the dead JVM can delete it
            EmbeddedKafka.deleteRecursively(Path.of(field(jvm.output(), "outputFile=")).getParent());
        }
    }

    private static long nodePid(ChildJvm jvm) {
        long pid = Long.parseLong(field(jvm.output(), "nodePid="));
        assertThat(pid).as(jvm.output()).isPositive();
        return pid;
    }

    private static boolean awaitGone(long pid) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(Duration.ofMillis(20));
        }
        return true;
    }

    private static String field(String output, String name) {
        int start = output.indexOf(name);
        assertThat(start).as(output).isNotNegative();
        return output.substring(start + name.length()).split("\\s", 2)[0];
    }

    @Test
    void shouldRefuseRestartAfterCloseAndCloseTwice() {
        Dynalite dynalite = Dynalite.start();
        dynalite.close();
        dynalite.close();
        assertThat(dynalite.isRunning()).isFalse();
        assertThatThrownBy(dynalite::restart)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("dynalite at " + dynalite.endpoint() + " is closed");
    }

    @Test
    void shouldTellHowToInstallDynaliteWhenItIsMissing(@TempDir Path empty) {
        assertThatThrownBy(() -> Dynalite.builder().installDir(empty).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Builder.installDir names " + empty)
                .hasMessageContaining("Run `npm ci --prefix dynalite` in the repository root");
    }

    @Test
    void shouldReportServerOutputWhenItDoesNotStart(@TempDir Path dir) throws IOException {
        Path fakeNode = dir.resolve("fake-node");
        Files.writeString(fakeNode, "#!/bin/sh\necho \"fake node got: $*\"\nexit 3\n");
        assertThat(fakeNode.toFile().setExecutable(true)).isTrue();

        assertThatThrownBy(() -> Dynalite.builder().node(fakeNode).startTimeout(Duration.ofSeconds(5)).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dynalite did not start on 127.0.0.1:")
                .hasMessageContaining("its output:\nfake node got: ")
                .hasMessageContaining("node_modules/dynalite/cli.js --host 127.0.0.1 --port ")
                .hasMessageContaining("--createTableMs 0 --deleteTableMs 0 --updateTableMs 0");
    }

    @Test
    void shouldRejectNonPositiveStartTimeout() {
        assertThatThrownBy(() -> Dynalite.builder().startTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("startTimeout must be positive, was PT0S");
    }

    static List<ProcessHandle> dynaliteProcesses() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("dynalite/cli.js"))
                .toList();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
