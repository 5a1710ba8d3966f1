package io.datacascade.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.datacascade.core.internal.alert.RulesFile;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RulesFileTest {

    private static final String EVERY_FIELD_YAML = """
            # every field, every signal
            rules:
              - name: cpu-high
                series: "cpu.*"
                signal: value
                above: 90
                resolve: 80
                for: 30s
                keep_firing_for: 1m
                repeat_interval: 10m
                severity: critical
                labels: {team: ops, priority: 1, paged: true}
              - name: cpu-avg-high
                series: [cpu.a, "cpu.b*"]
                signal: avg
                over: 1m
                above: 75.5
                for: 1h30m
              - name: temp-rising
                signal: rate
                over: 30s
                above: 2
              - name: temp-jump
                signal: rate
                above: 5
              - name: disk-low
                signal: min
                over: 5m
                below: 10
                resolve: 15
              - name: requests-few
                signal: count
                over: 1m
                below: 1
                for: 0
              - name: bytes-weekly
                signal: sum
                over: 1w
                above: 1e9
              - name: peak
                signal: max
                over: 2d
                above: -3
              - name: sensor-silent
                series: sensor.a
                absent_for: 2m
                repeat_interval: 1h
                severity: info
                labels:
                  team: field
            """;

    private static final String EVERY_FIELD_JSON = """
            {"rules": [
              {"name": "cpu-high", "series": "cpu.*", "signal": "value", "above": 90, "resolve": 80, "for": "30s",
               "keep_firing_for": "1m", "repeat_interval": "10m", "severity": "critical",
               "labels": {"team": "ops", "priority": 1, "paged": true}},
              {"name": "cpu-avg-high", "series": ["cpu.a", "cpu.b*"], "signal": "avg", "over": "1m", "above": 75.5,
               "for": "1h30m"},
              {"name": "temp-rising", "signal": "rate", "over": "30s", "above": 2},
              {"name": "temp-jump", "signal": "rate", "above": 5},
              {"name": "disk-low", "signal": "min", "over": "5m", "below": 10, "resolve": 15},
              {"name": "requests-few", "signal": "count", "over": "1m", "below": 1, "for": 0},
              {"name": "bytes-weekly", "signal": "sum", "over": "1w", "above": 1e9},
              {"name": "peak", "signal": "max", "over": "2d", "above": -3},
              {"name": "sensor-silent", "series": "sensor.a", "absent_for": "2m", "repeat_interval": "1h",
               "severity": "info", "labels": {"team": "field"}}
            ]}
            """;

    // ---- valid files ----

    @Test
    void shouldReadEveryFieldWhenYamlFileIsValid() {
        List<AlertRule> rules = parse(EVERY_FIELD_YAML);

        assertThat(rules).extracting(AlertRule::name).containsExactly("cpu-high", "cpu-avg-high", "temp-rising",
                "temp-jump", "disk-low", "requests-few", "bytes-weekly", "peak", "sensor-silent");

        AlertRule cpuHigh = rules.get(0);
        assertThat(cpuHigh.series()).containsExactly("cpu.*");
        assertThat(cpuHigh.isAbsence()).isFalse();
        assertThat(cpuHigh.absentForMillis()).isZero();
        assertThat(cpuHigh.forMillis()).isEqualTo(30_000);
        assertThat(cpuHigh.keepFiringForMillis()).isEqualTo(60_000);
        assertThat(cpuHigh.repeatIntervalMillis()).isEqualTo(600_000);
        assertThat(cpuHigh.severity()).isEqualTo("critical");
        assertThat(cpuHigh.labels()).containsExactlyInAnyOrderEntriesOf(
                Map.of("team", "ops", "priority", "1", "paged", "true"));
        Threshold cpu = (Threshold) cpuHigh.condition();
        assertThat(cpu.signal().kind()).isEqualTo(Signal.Kind.VALUE);
        assertThat(cpu.signal().rangeMillis()).isZero();
        assertThat(cpu.isAbove()).isTrue();
        assertThat(cpu.level()).isEqualTo(90.0);
        assertThat(cpu.resolveLevel()).isEqualTo(80.0);

        AlertRule avg = rules.get(1);
        assertThat(avg.series()).containsExactly("cpu.a", "cpu.b*");
        assertThat(avg.forMillis()).isEqualTo(5_400_000);
        assertThat(avg.keepFiringForMillis()).isZero();
        assertThat(avg.repeatIntervalMillis()).isZero();
        assertThat(avg.severity()).isEqualTo("warning");
        assertThat(avg.labels()).isEmpty();
        assertThreshold(avg, Signal.Kind.AVG, 60_000, true, 75.5, 75.5);

        assertThat(rules.get(2).series()).isEmpty();
        assertThreshold(rules.get(2), Signal.Kind.RATE, 30_000, true, 2, 2);
        assertThreshold(rules.get(3), Signal.Kind.RATE, 0, true, 5, 5);
        assertThreshold(rules.get(4), Signal.Kind.MIN, 300_000, false, 10, 15);
        assertThreshold(rules.get(5), Signal.Kind.COUNT, 60_000, false, 1, 1);
        assertThat(rules.get(5).forMillis()).isZero();
        assertThreshold(rules.get(6), Signal.Kind.SUM, 604_800_000, true, 1e9, 1e9);
        assertThreshold(rules.get(7), Signal.Kind.MAX, 172_800_000, true, -3, -3);

        AlertRule silent = rules.get(8);
        assertThat(silent.isAbsence()).isTrue();
        assertThat(silent.condition()).isNull();
        assertThat(silent.absentForMillis()).isEqualTo(120_000);
        assertThat(silent.series()).containsExactly("sensor.a");
        assertThat(silent.forMillis()).isZero();
        assertThat(silent.repeatIntervalMillis()).isEqualTo(3_600_000);
        assertThat(silent.severity()).isEqualTo("info");
        assertThat(silent.labels()).containsExactly(Map.entry("team", "field"));
    }

    @Test
    void shouldReadTheSameRulesWhenFileIsJson() {
        List<AlertRule> fromJson = RulesFile.parse(EVERY_FIELD_JSON, "rules.json");

        assertThat(fromJson).extracting(RulesFileTest::summary)
                .containsExactlyElementsOf(parse(EVERY_FIELD_YAML).stream().map(RulesFileTest::summary).toList());
    }

    @Test
    void shouldReadRulesWhenTopLevelIsABareList() {
        List<AlertRule> rules = parse("""
                - name: cpu-high
                  above: 90
                - name: sensor-silent
                  series: sensor.a
                  absent_for: 2m
                """);

        assertThat(rules).extracting(AlertRule::name).containsExactly("cpu-high", "sensor-silent");
        assertThat(((Threshold) rules.get(0).condition()).level()).isEqualTo(90.0);
        assertThat(rules.get(1).absentForMillis()).isEqualTo(120_000);
    }

    @Test
    void shouldReadRulesWhenTopLevelIsABareJsonList() {
        List<AlertRule> rules = RulesFile.parse("[{\"name\": \"low\", \"below\": 0.5}]", "rules.json");

        assertThat(rules).hasSize(1);
        assertThreshold(rules.get(0), Signal.Kind.VALUE, 0, false, 0.5, 0.5);
    }

    @Test
    void shouldReturnNoRulesWhenRulesListIsEmpty() {
        assertThat(parse("rules: []")).isEmpty();
        assertThat(parse("[]")).isEmpty();
        assertThat(RulesFile.parse("{\"rules\": []}", "rules.json")).isEmpty();
    }

    @Test
    void shouldKeepYesAndOnAsTextWhenUsedAsValues() {
        AlertRule rule = parse("""
                rules:
                  - name: x
                    above: 1
                    severity: on
                    labels: {paged: yes, night: no, level: 1.5}
                """).get(0);

        assertThat(rule.severity()).isEqualTo("on");
        assertThat(rule.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("paged", "yes", "night", "no", "level", "1.5"));
    }

    @Test
    void shouldResolveAliasesWhenAnchorsAreUsed() {
        List<AlertRule> rules = parse("""
                rules:
                  - name: a
                    above: 90
                    series: &cpus [cpu.a, cpu.b]
                    labels: &ops {team: ops}
                  - name: b
                    below: 10
                    series: *cpus
                    labels: *ops
                """);

        assertThat(rules.get(1).series()).containsExactly("cpu.a", "cpu.b");
        assertThat(rules.get(1).labels()).containsExactly(Map.entry("team", "ops"));
    }

    // ---- syntax and shape ----

    @Test
    void shouldReportLineAndColumnWhenYamlIsMalformed() {
        String message = errorOf("""
                rules:
                  - name: a
                   above: 3
                """);

        assertThat(message).startsWith("invalid alert rules in rules.yaml:\n  ")
                .contains("line 3, column").contains("not valid YAML or JSON").contains("expected <block end>")
                .doesNotContain("^");
    }

    @Test
    void shouldReportLineAndColumnWhenJsonIsMalformed() {
        String message = errorOf("{\"rules\": [\n  {\"name\": \"a\",, \"above\": 1}\n]}");

        assertThat(message).contains("line 2, column").contains("not valid YAML or JSON");
    }

    @Test
    void shouldRejectWhenTextIsEmpty() {
        assertThat(errorOf("")).contains("it is empty").contains("rules: []");
        assertThat(errorOf("# nothing yet\n")).contains("it is empty");
    }

    @Test
    void shouldRejectWhenTopLevelIsNeitherMapNorList() {
        assertThat(errorOf("hello")).contains("expected a map with a 'rules' list, or a list of rules, was \"hello\"");
        assertThat(errorOf("42")).contains("was 42");
    }

    @Test
    void shouldRejectWhenRulesIsNotAList() {
        assertThat(errorOf("rules: {name: a, above: 1}"))
                .contains("line 1: field 'rules': expected a list of rules").contains("was {\"name\":\"a\",\"above\":1}");
        assertThat(errorOf("rules:\n")).contains("field 'rules': expected a list of rules").contains("was \"\"");
    }

    @Test
    void shouldRejectWhenTopLevelMapIsOneRule() {
        assertThat(errorOf("name: a\nabove: 1\n")).contains("was a single rule").doesNotContain("unknown field");
    }

    @Test
    void shouldRejectWhenTopLevelMapHasUnknownField() {
        String message = errorOf("rules: []\ngroups: []\n");
        assertThat(message).contains("line 2: unknown field 'groups'").contains("known fields: rules");

        assertThat(errorOf("rule: []\n")).contains("unknown field 'rule': did you mean 'rules'?")
                .contains("missing field 'rules'");
    }

    @Test
    void shouldRejectWhenRuleIsNotAMap() {
        assertThat(errorOf("rules:\n  - name: a\n    above: 1\n  - cpu-high\n"))
                .contains("line 4: rule #2: expected a map of fields").contains("was \"cpu-high\"");
    }

    @Test
    void shouldReportLineWhenKeyIsRepeated() {
        assertThat(errorOf("rules:\n  - name: a\n    above: 1\n    above: 2\n"))
                .contains("line 4: key 'above' appears twice in the same map (first on line 3)");
    }

    @Test
    void shouldRejectWhenFileHoldsTwoDocuments() {
        assertThat(errorOf("rules:\n  - name: a\n    above: 1\n---\nrules:\n  - name: b\n    above: 2\n"))
                .contains("line 5: a second YAML document starts here");
        assertThat(parse("rules: []\n---\n")).isEmpty();
        assertThat(parse("---\nrules: []\n...\n")).isEmpty();
    }

    @Test
    void shouldRejectWhenAliasIsUnknownOrOfASingleValue() {
        assertThat(errorOf("rules:\n  - name: a\n    above: *nowhere\n")).contains("line 3, column")
                .contains("alias '*nowhere' can't be resolved");
        assertThat(errorOf("rules:\n  - name: a\n    above: &level 1\n  - name: b\n    above: *level\n"))
                .contains("line 5, column").contains("alias '*level' can't be resolved").contains("write the value out");
    }

    // ---- names and fields ----

    @Test
    void shouldRejectWhenNameIsMissingBlankOrNotAString() {
        String message = errorOf("""
                rules:
                  - above: 1
                  - name: "  "
                    above: 1
                  - name: 42
                    above: 1
                """);

        assertThat(message).contains("line 2: rule #1: field 'name': missing")
                .contains("line 3: rule #2: field 'name': can't be blank, was \"  \"")
                .contains("line 5: rule #3: field 'name': expected a string, was 42");
    }

    @Test
    void shouldRejectWhenTwoRulesShareAName() {
        String message = errorOf("""
                rules:
                  - name: x
                    above: 1
                  - name: y
                    above: 1
                  - name: x
                    below: 1
                """);

        assertThat(message).contains("line 6: rule #3 'x': name already used by rule #1");
    }

    @Test
    void shouldSuggestTheClosestFieldWhenFieldIsUnknown() {
        String message = errorOf("""
                rules:
                  - name: cpu-high
                    above: 90
                    keep_firing: 1m
                    repeatInterval: 5m
                    sevrity: info
                    colour: red
                """);

        assertThat(message)
                .contains("line 4: rule #1 'cpu-high': unknown field 'keep_firing': did you mean 'keep_firing_for'?")
                .contains("unknown field 'repeatInterval': did you mean 'repeat_interval'?")
                .contains("unknown field 'sevrity': did you mean 'severity'?")
                .contains("unknown field 'colour' (known fields: name, series, signal, over, above, below, resolve, for,"
                        + " keep_firing_for, repeat_interval, severity, labels, absent_for, condition, with)");
    }

    @Test
    void shouldRejectWhenLevelIsNotANumber() {
        String message = errorOf("""
                rules:
                  - name: ok
                    above: 1
                  - name: cpu-high
                    above: ninety
                """);

        assertThat(message).isEqualTo("invalid alert rules in rules.yaml:\n"
                + "  line 5: rule #2 'cpu-high': field 'above': expected a number, was \"ninety\"");
    }

    @Test
    void shouldRejectWhenFieldsHaveWrongTypes() {
        String message = errorOf("""
                rules:
                  - name: a
                    above: "90"
                    resolve: true
                    severity: 5
                    series: [cpu.a, 5]
                    labels: [team, ops]
                  - name: b
                    below: 1
                    series: 5
                    labels: {team: [a, b], pager: null}
                  - name: c
                    below: 1
                    series: []
                """);

        assertThat(message)
                .contains("rule #1 'a': field 'above': expected a number, was \"90\"")
                .contains("rule #1 'a': field 'resolve': expected a number, was true")
                .contains("rule #1 'a': field 'severity': expected a string such as critical, warning or info, was 5")
                .contains("rule #1 'a': field 'series': item #2: expected a series name or pattern (a string), was 5")
                .contains("rule #1 'a': field 'labels': expected a map of label names to values, like {team: ops},"
                        + " was [\"team\",\"ops\"]")
                .contains("rule #2 'b': field 'series': expected a series name, a pattern or a list of them, was 5")
                .contains("rule #2 'b': field 'labels': label 'team': expected a string, a number or a boolean,"
                        + " was [\"a\",\"b\"]")
                .contains("rule #2 'b': field 'labels': label 'pager': expected a string, a number or a boolean, was null")
                .contains("rule #3 'c': field 'series': is an empty list");
    }

    @Test
    void shouldReportBuilderErrorsUnderRuleAndFieldWhenValuesAreBlank() {
        String message = errorOf("""
                rules:
                  - name: a
                    above: 1
                    series: ["cpu", " "]
                    severity: ""
                    labels: {"": x}
                """);

        assertThat(message)
                .contains("line 4: rule #1 'a': field 'series': series pattern can't be blank, was ' '")
                .contains("line 5: rule #1 'a': field 'severity': severity can't be blank")
                .contains("line 6: rule #1 'a': field 'labels': label key can't be blank");
    }

    // ---- signals and levels ----

    @Test
    void shouldRejectWhenSignalIsUnknown() {
        String message = errorOf("""
                rules:
                  - name: a
                    signal: average
                    over: 1x
                    above: 1
                  - name: b
                    signal: rates
                    above: 1
                  - name: c
                    signal: 3
                    above: 1
                """);

        assertThat(message)
                .contains("line 3: rule #1 'a': field 'signal': unknown signal \"average\""
                        + " (use value, avg, min, max, sum, count or rate)")
                .contains("line 4: rule #1 'a': field 'over': '1x' is not a duration")
                .contains("rule #2 'b': field 'signal': unknown signal \"rates\": did you mean 'rate'?")
                .contains("rule #3 'c': field 'signal': expected a string, was 3");
    }

    @Test
    void shouldRejectWhenBothAboveAndBelowAreSet() {
        assertThat(errorOf("rules:\n  - name: band\n    above: 90\n    below: 10\n"))
                .contains("line 4: rule #1 'band': fields 'above' and 'below': use only one of them, was above 90 and below 10");
    }

    @Test
    void shouldRejectWhenNeitherAboveNorBelowIsSet() {
        assertThat(errorOf("rules:\n  - name: nothing\n    series: cpu\n"))
                .contains("line 2: rule #1 'nothing': missing field 'above' or 'below'");
    }

    @Test
    void shouldRejectWhenOverIsMissingForAnAggregate() {
        assertThat(errorOf("rules:\n  - name: a\n    signal: avg\n    above: 1\n"))
                .contains("rule #1 'a': field 'over': missing: signal 'avg' needs the trailing range it aggregates");
    }

    @Test
    void shouldRejectWhenOverIsSetForValue() {
        assertThat(errorOf("rules:\n  - name: a\n    over: 1m\n    above: 1\n"))
                .contains("line 3: rule #1 'a': field 'over': not allowed for signal 'value' (the default)")
                .contains("was \"1m\"");
        assertThat(errorOf("rules:\n  - name: a\n    signal: value\n    over: 1m\n    above: 1\n"))
                .contains("field 'over': not allowed for signal 'value':");
    }

    @Test
    void shouldRejectWhenOverIsZeroForAnAggregate() {
        assertThat(errorOf("rules:\n  - name: a\n    signal: max\n    over: 0s\n    above: 1\n"))
                .contains("rule #1 'a': field 'over': must be more than 0 for signal 'max', was \"0s\"");
    }

    @Test
    void shouldRejectWhenResolveIsOnTheFiringSide() {
        String message = errorOf("""
                rules:
                  - name: hot
                    above: 90
                    resolve: 95
                  - name: cold
                    below: 10
                    resolve: 5
                """);

        assertThat(message)
                .contains("line 4: rule #1 'hot': field 'resolve': resolve level must be at or below the firing level 90.0,"
                        + " was 95.0")
                .contains("line 7: rule #2 'cold': field 'resolve': resolve level must be at or above the firing level 10.0,"
                        + " was 5.0");
    }

    @Test
    void shouldRejectWhenLevelIsNotFinite() {
        String message = errorOf("""
                rules:
                  - name: a
                    above: .nan
                  - name: b
                    below: -.inf
                  - name: c
                    above: 1
                    resolve: .inf
                  - name: d
                    above: 1e400
                """);

        assertThat(message)
                .contains("line 3: rule #1 'a': field 'above': must be a finite number, was .nan")
                .contains("line 5: rule #2 'b': field 'below': must be a finite number, was -.inf")
                .contains("line 8: rule #3 'c': field 'resolve': must be a finite number, was .inf")
                .contains("line 10: rule #4 'd': field 'above': must be a finite number, was .inf");
    }

    // ---- durations ----

    @Test
    void shouldRejectWhenDurationIsNegative() {
        String message = errorOf("""
                rules:
                  - name: a
                    above: 1
                    for: -5s
                    keep_firing_for: -1
                """);

        assertThat(message)
                .contains("line 4: rule #1 'a': field 'for': '-5s' is not a duration: durations can't be negative")
                .contains("line 5: rule #1 'a': field 'keep_firing_for': -1 is not a duration: durations can't be negative");
    }

    @Test
    void shouldRejectWhenDurationHasNoUnitOrAWrongOne() {
        String message = errorOf("""
                rules:
                  - name: a
                    above: 1
                    for: 30x
                    repeat_interval: 30
                    keep_firing_for: [1m]
                """);

        assertThat(message)
                .contains("rule #1 'a': field 'for': '30x' is not a duration: use a number and a unit,"
                        + " like 500ms, 30s, 5m, 1h or 1h30m")
                .contains("rule #1 'a': field 'repeat_interval': 30 is not a duration: use a number and a unit")
                .contains("rule #1 'a': field 'keep_firing_for': [\"1m\"] is not a duration");
    }

    @ParameterizedTest
    @CsvSource({
        "500ms, 500",
        "30s, 30000",
        "5m, 300000",
        "1h, 3600000",
        "1h30m, 5400000",
        "2d, 172800000",
        "1w, 604800000",
        "1w2d3h4m5s6ms, 788645006",
        "0, 0",
        "0s, 0",
    })
    void shouldParseDurationWhenWrittenAsInPrometheus(String text, long millis) {
        assertThat(RulesFile.parseDuration(text)).isEqualTo(Duration.ofMillis(millis));
        assertThat(parse("rules: [{name: a, above: 1, for: " + text + "}]").get(0).forMillis()).isEqualTo(millis);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "5x", "m5", "-5s", "1.5m", "5 m", "ms", "5M", "+5s", "30m1h", "1m1m", "99999999999999999999s"})
    void shouldRejectDurationWhenItIsNotNumberAndUnit(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> RulesFile.parseDuration(text))
                .withMessageStartingWith("'" + text + "' is not a duration: ");
        assertThat(errorOf("rules: [{name: a, above: 1, for: '" + text + "'}]"))
                .contains("rule #1 'a': field 'for': '" + text + "' is not a duration: ");
    }

    @Test
    void shouldExplainWhenDurationIsMalformed() {
        assertThatIllegalArgumentException().isThrownBy(() -> RulesFile.parseDuration("5x"))
                .withMessage("'5x' is not a duration: use a number and a unit, like 500ms, 30s, 5m, 1h or 1h30m");
        assertThatIllegalArgumentException().isThrownBy(() -> RulesFile.parseDuration("-5s"))
                .withMessage("'-5s' is not a duration: durations can't be negative");
        assertThatIllegalArgumentException().isThrownBy(() -> RulesFile.parseDuration("30m1h"))
                .withMessage("'30m1h' is not a duration: write each unit once, largest first, like 1h30m");
        assertThatIllegalArgumentException().isThrownBy(() -> RulesFile.parseDuration("99999999999999999999s"))
                .withMessage("'99999999999999999999s' is not a duration: it is too long");
    }

    // ---- absence rules ----

    @Test
    void shouldRejectWhenAbsenceRuleHasConditionFields() {
        String message = errorOf("""
                rules:
                  - name: silent
                    series: sensor.a
                    absent_for: 2m
                    signal: avg
                    over: 1m
                    above: 1
                    below: 0
                    resolve: 2
                    for: 30s
                    keep_firing_for: 1m
                """);

        assertThat(message)
                .contains("line 5: rule #1 'silent': field 'signal': not allowed in an absence rule (one with absent_for),"
                        + " was \"avg\"")
                .contains("line 6: rule #1 'silent': field 'over': not allowed in an absence rule")
                .contains("line 7: rule #1 'silent': field 'above': not allowed in an absence rule (one with absent_for),"
                        + " was 1")
                .contains("line 8: rule #1 'silent': field 'below': not allowed")
                .contains("line 9: rule #1 'silent': field 'resolve': not allowed")
                .contains("line 10: rule #1 'silent': field 'for': not allowed in an absence rule (one with absent_for),"
                        + " was \"30s\"")
                .contains("line 11: rule #1 'silent': field 'keep_firing_for': not allowed");
    }

    @Test
    void shouldRejectWhenAbsenceIsZero() {
        assertThat(errorOf("rules: [{name: silent, absent_for: 0}]"))
                .contains("rule #1 'silent': field 'absent_for': must be more than 0, was 0");
        assertThat(errorOf("rules: [{name: silent, absent_for: 2 minutes}]"))
                .contains("rule #1 'silent': field 'absent_for': '2 minutes' is not a duration");
    }

    // ---- many problems ----

    @Test
    void shouldReportEveryProblemWhenFileHasSeveral() {
        String message = errorOf("""
                rules:
                  - name: cpu-high
                    above: ninety
                    for: 30x
                  - name: fine
                    above: 1
                  - name: cpu-high
                    signal: avg
                    below: 5
                  - series: x
                    abov: 3
                """);

        assertThat(message.lines()).containsExactly(
                "invalid alert rules in rules.yaml:",
                "  line 3: rule #1 'cpu-high': field 'above': expected a number, was \"ninety\"",
                "  line 4: rule #1 'cpu-high': field 'for': '30x' is not a duration: use a number and a unit, like 500ms,"
                        + " 30s, 5m, 1h or 1h30m",
                "  line 7: rule #3 'cpu-high': name already used by rule #1",
                "  line 7: rule #3 'cpu-high': field 'over': missing: signal 'avg' needs the trailing range it aggregates,"
                        + " like over: 1m",
                "  line 10: rule #4: field 'name': missing: every rule needs a unique name, like cpu-high",
                "  line 10: rule #4: missing field 'above' or 'below': the level the signal is compared with"
                        + " (or absent_for, for an absence rule, or condition, for a plug-in)",
                "  line 11: rule #4: unknown field 'abov': did you mean 'above'? (known fields: name, series, signal, over,"
                        + " above, below, resolve, for, keep_firing_for, repeat_interval, severity, labels, absent_for, condition, with)");
    }

    // ---- the public API ----

    @Test
    void shouldReadRulesWhenParsedThroughAlertRules() {
        AlertRules rules = AlertRules.parse(EVERY_FIELD_YAML, "rules.yaml");

        assertThat(rules.size()).isEqualTo(9);
        assertThat(rules.rules().get(0).name()).isEqualTo("cpu-high");
        assertThat(catchThrowable(() -> AlertRules.parse("rules: [{name: a, above: x}]", "inline rules")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid alert rules in inline rules:")
                .hasMessageContaining("rule #1 'a': field 'above': expected a number, was \"x\"");
    }

    @Test
    void shouldReadRulesWhenLoadedFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, EVERY_FIELD_YAML, StandardCharsets.UTF_8);

        AlertRules rules = AlertRules.load(file);

        assertThat(rules.rules()).extracting(RulesFileTest::summary)
                .containsExactlyElementsOf(parse(EVERY_FIELD_YAML).stream().map(RulesFileTest::summary).toList());
    }

    @Test
    void shouldNameTheFileWhenLoadedFileIsInvalid(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"rules\": [{\"name\": \"a\", \"below\": \"low\"}]}", StandardCharsets.UTF_8);

        assertThat(catchThrowable(() -> AlertRules.load(file)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid alert rules in " + file + ":")
                .hasMessageContaining("rule #1 'a': field 'below': expected a number, was \"low\"");
    }

    // ---- without Jackson ----

    @Test
    void shouldNameTheArtifactWhenJacksonIsNotOnTheClassPath() throws Exception {
        URL classes = RulesFile.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader withoutJackson = new URLClassLoader(new URL[] {classes}, null)) {
            Class<?> isolated = Class.forName(RulesFile.class.getName(), true, withoutJackson);
            assertThat(isolated.getClassLoader()).isSameAs(withoutJackson);
            Method parse = isolated.getMethod("parse", String.class, String.class);

            Throwable thrown = catchThrowable(() -> parse.invoke(null, "rules: []", "rules.yaml"));

            assertThat(thrown).isInstanceOf(InvocationTargetException.class);
            assertThat(thrown.getCause()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("com.fasterxml.jackson.dataformat:jackson-dataformat-yaml")
                    .hasMessageContaining("class path");
        }
    }

    // ---- helpers ----

    private static List<AlertRule> parse(String text) {
        return RulesFile.parse(text, "rules.yaml");
    }

    private static String errorOf(String text) {
        Throwable thrown = catchThrowable(() -> RulesFile.parse(text, "rules.yaml"));
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid alert rules in rules.yaml:\n  ");
        return thrown.getMessage();
    }

    private static void assertThreshold(AlertRule rule, Signal.Kind kind, long rangeMillis, boolean above, double level,
            double resolveLevel) {
        assertThat(rule.isAbsence()).as(rule.name()).isFalse();
        Threshold t = (Threshold) rule.condition();
        assertThat(t.signal().kind()).as(rule.name()).isEqualTo(kind);
        assertThat(t.signal().rangeMillis()).as(rule.name()).isEqualTo(rangeMillis);
        assertThat(t.isAbove()).as(rule.name()).isEqualTo(above);
        assertThat(t.level()).as(rule.name()).isEqualTo(level);
        assertThat(t.resolveLevel()).as(rule.name()).isEqualTo(resolveLevel);
    }

    /** Everything a rule holds, as text, to compare rules read from different files. */
    private static String summary(AlertRule rule) {
        String condition = "absent " + rule.absentForMillis();
        if (rule.condition() instanceof Threshold t) {
            condition = t.signal().kind() + "/" + t.signal().rangeMillis() + (t.isAbove() ? " > " : " < ") + t.level()
                    + " resolve " + t.resolveLevel();
        }
        return String.join(" | ", rule.name(), rule.series().toString(), condition, rule.describe(),
                "for " + rule.forMillis(), "keep " + rule.keepFiringForMillis(), "repeat " + rule.repeatIntervalMillis(),
                rule.severity(), new TreeMap<>(rule.labels()).toString());
    }

    @Test
    void shouldRefuseAliasesThatExpandTooFar() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        char previous = 'a';
        for (char c = 'b'; c <= 'h'; c++) {
            bomb.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 10; i++) {
                bomb.append(i == 0 ? "" : ", ").append('*').append(previous);
            }
            bomb.append("]\n");
            previous = c;
        }
        bomb.append("rules: []\n");
        assertThat(errorOf(bomb.toString())).contains("aliases expand to more than 100000 values");
    }

    @Test
    void shouldAcceptSignalNamesInAnyCaseAndYearsInDurations() {
        List<AlertRule> rules = parse("rules:\n  - name: a\n    signal: AVG\n    over: 1m\n    above: 1\n    repeat_interval: 1y\n");
        assertThat(rules.get(0).describe()).isEqualTo("avg(1m) > 1");
        assertThat(rules.get(0).repeatIntervalMillis()).isEqualTo(365L * 24 * 3600 * 1000);
    }
}
