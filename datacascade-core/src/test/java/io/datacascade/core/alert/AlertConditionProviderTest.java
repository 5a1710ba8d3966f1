package io.datacascade.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datacascade.core.Alert;
import io.datacascade.core.DataCascade;
import io.datacascade.core.MemorySink;
import io.datacascade.core.MemorySource;
import io.datacascade.core.Pipeline;
import io.datacascade.core.Point;
import io.datacascade.testkit.PipelineTestDriver;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plug-in conditions in rule files, found through ServiceLoader (core's own {@code tag-equals}). */
class AlertConditionProviderTest {

    @Test
    void shouldUseAConditionPluginNamedInTheRulesFile() {
        AlertRules rules = AlertRules.parse("""
                rules:
                  - name: status-error
                    condition: tag-equals
                    with: {tag: status, value: error}
                    severity: critical
                """, "rules.yaml");
        assertThat(rules.rules().get(0).describe()).isEqualTo("tag status == error");
        MemorySink<Alert> alerts = MemorySink.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("plugin").from(MemorySource.<Point>create())
                .alerts(rules).alertsTo(alerts).to(MemorySink.create()).build();
        try (PipelineTestDriver<Point> d = PipelineTestDriver.create(pipeline)) {
            d.push(new Point("job", 1, 0, Map.of("status", "ok")));
            d.push(new Point("job", 2, 0, Map.of("status", "error")));
            d.push(new Point("job", 3, 0, Map.of("status", "ok")));
        }
        assertThat(alerts.records()).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        assertThat(alerts.records().get(0).condition()).isEqualTo("tag status == error");
    }

    @Test
    void shouldNameUnknownPluginsBadSettingsAndFieldsThatDontFit() {
        assertThatThrownBy(() -> AlertRules.parse("""
                rules:
                  - name: a
                    condition: tag-equal
                  - name: b
                    condition: tag-equals
                    with: {tag: status}
                  - name: c
                    condition: tag-equals
                    with: {tag: status, value: error}
                    above: 3
                  - name: d
                    with: {tag: status}
                    above: 1
                """, "rules.yaml"))
                .hasMessageContaining("rule #1 'a': field 'condition': no condition plug-in named \"tag-equal\": did you mean 'tag-equals'?")
                .hasMessageContaining("rule #2 'b': field 'with': tag-equals needs 'tag' and 'value', was {tag=status}")
                .hasMessageContaining("rule #3 'c': field 'above': not allowed with 'condition'")
                .hasMessageContaining("rule #4 'd': field 'with': needs 'condition'");
    }
}
