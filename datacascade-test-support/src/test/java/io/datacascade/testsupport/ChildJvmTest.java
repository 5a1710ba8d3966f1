package io.datacascade.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {

    @Test
    void shouldRunMainInSeparateProcessAndDieOnSigkill() throws Exception {
        Path outputFile;
        long pid;
        try (ChildJvm child = ChildJvm.builder(SleepingMain.class)
                .jvmArgs("-Xmx64m")
                .systemProperty("greeting", "hello world")
                .args("a", "b c")
                .start()) {
            outputFile = child.outputFile();
            pid = child.pid();
            assertThat(child.awaitOutput("ready pid=", Duration.ofSeconds(20))).as(child.output()).isTrue();

            assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
            assertThat(child.output())
                    .contains("ready pid=" + pid)
                    .contains("greeting=hello world args=a,b c")
                    .containsPattern("maxHeapMiB=(5|6)\\d\\b");
            assertThat(child.isAlive()).isTrue();
            assertThatThrownBy(() -> child.waitFor(Duration.ofMillis(50)))
                    .isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("still running");

            child.kill();

            assertThat(child.isAlive()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
            assertThat(child.waitFor(Duration.ofSeconds(1))).isEqualTo(137);
        }
        assertThat(outputFile).doesNotExist();
    }

    @Test
    void shouldReportExitCodeAndKeepChosenOutputFile(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("child.log");
        try (ChildJvm child = ChildJvm.builder(SleepingMain.class.getName()).args("exit:3").outputFile(log).start()) {
            assertThat(child.waitFor(Duration.ofSeconds(20))).isEqualTo(3);
            assertThat(child.isAlive()).isFalse();
            assertThat(child.awaitOutput("never printed", Duration.ofSeconds(5))).isFalse();
        }
        assertThat(Files.readString(log)).contains("exiting");
    }

    @Test
    void shouldKillChildStillRunningOnClose() throws Exception {
        ChildJvm child = ChildJvm.builder(SleepingMain.class).start();
        try {
            assertThat(child.awaitOutput("ready", Duration.ofSeconds(20))).as(child.output()).isTrue();
            ProcessHandle handle = ProcessHandle.of(child.pid()).orElseThrow();

            child.close();
            child.close();

            assertThat(handle.isAlive()).isFalse();
        } finally {
            child.close();
        }
    }
}
