package io.datacascade.core.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The rules file shown in docs/alerts.md parses, with the meaning the comments give it. */
class DocsRulesFileTest {

    @Test
    void shouldLoadTheDocumentedExampleRulesFile() throws Exception {
        AlertRules rules = AlertRules.load(Path.of("..", "docs", "rules.yaml"));
        assertThat(rules.rules()).extracting(AlertRule::name).containsExactly("cpu-high", "cpu-busy", "disk-low",
                "temperature-rising", "window-avg-spike", "sensor-silent");
        AlertRule cpu = rules.rules().get(0);
        assertThat(cpu.describe()).isEqualTo("value > 90 (resolves <= 80)");
        assertThat(cpu.forMillis()).isEqualTo(30_000);
        assertThat(cpu.keepFiringForMillis()).isEqualTo(60_000);
        assertThat(cpu.repeatIntervalMillis()).isEqualTo(1_800_000);
        assertThat(cpu.labels()).containsEntry("team", "ops");
        assertThat(rules.rules().get(1).describe()).isEqualTo("avg(5m) > 75");
        assertThat(rules.rules().get(2).describe()).isEqualTo("min(1m) < 5 (resolves >= 10)");
        assertThat(rules.rules().get(3).describe()).isEqualTo("rate(30s) > 0.5");
        assertThat(rules.rules().get(5).isAbsence()).isTrue();
        assertThat(rules.rules().get(5).exactSeries()).containsExactly("sensor.a", "sensor.b");
    }
}
