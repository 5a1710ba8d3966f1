package io.datacascade.core.alert;

import io.datacascade.core.internal.alert.RulesFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A set of alert rules with unique names, from code or from a YAML or JSON file, for
 * {@link io.datacascade.core.PipelineBuilder#alerts}. Immutable.
 *
 * <pre>{@code
 * AlertRules rules = AlertRules.load(Path.of("rules.yaml"));
 * }</pre>
 *
 * <p>A rules file (JSON is written the same way, YAML being a superset of it):
 * <pre>
 * rules:
 *   - name: cpu-high
 *     series: "cpu.*"           # a name, a pattern or a list of them; all series if left out
 *     signal: value             # value (default), avg, min, max, sum, count or rate
 *     above: 90                 # or below
 *     resolve: 80               # optional: resolve at this level instead (hysteresis)
 *     for: 30s                  # optional: how long it must hold before firing
 *     keep_firing_for: 1m       # optional
 *     repeat_interval: 10m      # optional
 *     severity: critical        # optional, default warning
 *     labels: {team: ops}       # optional
 *   - name: cpu-avg-high
 *     signal: avg
 *     over: 1m                  # the trailing range of avg/min/max/sum/count/rate
 *     above: 75
 *   - name: sensor-silent
 *     series: sensor.a
 *     absent_for: 2m            # fires when the series sends nothing for 2 minutes
 * </pre>
 * Durations are written as in Prometheus: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h},
 * {@code 1h30m}. Reading needs {@code com.fasterxml.jackson.dataformat:jackson-dataformat-yaml}
 * on the class path (the Kafka module and the demo bring it).
 */
public final class AlertRules implements Iterable<AlertRule> {
    private final List<AlertRule> rules;

    private AlertRules(List<AlertRule> rules) {
        Set<String> names = new HashSet<>();
        for (AlertRule r : rules) {
            Objects.requireNonNull(r, "rules can't contain null");
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("two rules are named '" + r.name() + "': names must be unique");
            }
        }
        this.rules = List.copyOf(rules);
    }

    /**
     * These rules.
     *
     * @throws IllegalArgumentException if two share a name
     */
    public static AlertRules of(AlertRule... rules) {
        Objects.requireNonNull(rules, "rules can't be null");
        return new AlertRules(Arrays.asList(rules));
    }

    /**
     * These rules.
     *
     * @throws IllegalArgumentException if two share a name
     */
    public static AlertRules of(List<AlertRule> rules) {
        Objects.requireNonNull(rules, "rules can't be null");
        return new AlertRules(new ArrayList<>(rules));
    }

    /**
     * Reads rules from a YAML or JSON file.
     *
     * @throws IOException              if the file can't be read
     * @throws IllegalArgumentException listing every problem, each naming the file, the rule, the field and the bad value
     */
    public static AlertRules load(Path file) throws IOException {
        Objects.requireNonNull(file, "file can't be null");
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Reads rules from YAML or JSON text; {@code origin} names it in error messages.
     *
     * @throws IllegalArgumentException listing every problem, each naming the origin, the rule, the field and the bad value
     */
    public static AlertRules parse(String text, String origin) {
        Objects.requireNonNull(text, "text can't be null");
        Objects.requireNonNull(origin, "origin can't be null");
        return new AlertRules(RulesFile.parse(text, origin));
    }

    /** The rules, in order. */
    public List<AlertRule> rules() {
        return rules;
    }

    /** The number of rules. */
    public int size() {
        return rules.size();
    }

    @Override
    public Iterator<AlertRule> iterator() {
        return rules.iterator();
    }

    @Override
    public String toString() {
        return "AlertRules" + rules;
    }
}
