package io.datacascade.core.alert;

import io.datacascade.core.Alert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One alerting rule: which series it watches, when its condition holds, and how its alerts move
 * between {@link Alert.State#PENDING}, {@link Alert.State#FIRING} and
 * {@link Alert.State#RESOLVED}. Immutable; build with {@link #builder(String)}.
 *
 * <pre>{@code
 * AlertRule cpuHigh = AlertRule.builder("cpu-high")
 *         .series("cpu.*")
 *         .when(Signal.value().above(90).resolveAt(80))
 *         .forDuration(Duration.ofSeconds(30))
 *         .severity("critical")
 *         .label("team", "ops")
 *         .build();
 * AlertRule silent = AlertRule.builder("sensor-silent").series("sensor.a").absentFor(Duration.ofMinutes(2)).build();
 * }</pre>
 *
 * <h2>Semantics (after Prometheus alerting rules)</h2>
 * Each watched series has its own alert. When the condition starts to hold the alert is
 * {@code PENDING} (an event is sent); once it has held for {@link Builder#forDuration for} it is
 * {@code FIRING}; without a {@code for} it fires at once, with no pending event. When the condition
 * stops holding a firing alert keeps firing for {@link Builder#keepFiringFor keepFiringFor}, then
 * {@code RESOLVED}; a pending alert whose condition stops holding is {@code RESOLVED} with
 * {@link Alert#firedAt()} 0 (it never fired). One {@code FIRING} event per alert until it resolves,
 * repeated every {@link Builder#repeatInterval repeatInterval} if one is set. Durations are measured
 * in the series' event time, so replayed data alerts as it did live; absence is measured on the
 * pipeline's clock, since a silent series has no event time.
 */
public final class AlertRule {
    private final String name;
    private final List<String> series;
    private final List<Pattern> patterns;
    private final AlertCondition condition;
    private final long absentForMillis;
    private final long forMillis;
    private final long keepFiringForMillis;
    private final long repeatIntervalMillis;
    private final String severity;
    private final Map<String, String> labels;

    private AlertRule(Builder b) {
        this.name = b.name;
        this.series = List.copyOf(b.series);
        List<Pattern> ps = new ArrayList<>();
        for (String s : series) {
            ps.add(glob(s));
        }
        this.patterns = List.copyOf(ps);
        this.condition = b.condition;
        this.absentForMillis = b.absentFor;
        this.forMillis = b.forMillis;
        this.keepFiringForMillis = b.keepFiringFor;
        this.repeatIntervalMillis = b.repeatInterval;
        this.severity = b.severity;
        this.labels = Map.copyOf(b.labels);
    }

    /**
     * A builder for a rule called {@code name}: a short, unique word such as {@code cpu-high}.
     *
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static Builder builder(String name) {
        Objects.requireNonNull(name, "name can't be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("rule name can't be blank, was '" + name + "'");
        }
        return new Builder(name);
    }

    /** The rule's name. */
    public String name() {
        return name;
    }

    /** The series patterns watched ({@code *} matches any run of characters); empty means every series. */
    public List<String> series() {
        return series;
    }

    /** Whether this rule watches {@code seriesName}. */
    public boolean watches(String seriesName) {
        if (patterns.isEmpty()) {
            return true;
        }
        for (Pattern p : patterns) {
            if (p.matcher(seriesName).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The condition, or null for an absence rule. */
    public AlertCondition condition() {
        return condition;
    }

    /** Whether this rule fires when a series goes quiet (instead of on a condition). */
    public boolean isAbsence() {
        return condition == null;
    }

    /** For an absence rule, how long a series must be quiet; else 0. */
    public long absentForMillis() {
        return absentForMillis;
    }

    /** How long the condition must hold before the alert fires. */
    public long forMillis() {
        return forMillis;
    }

    /** How long a firing alert keeps firing after its condition stopped holding. */
    public long keepFiringForMillis() {
        return keepFiringForMillis;
    }

    /** How often a still-firing alert is sent again, 0 for never. */
    public long repeatIntervalMillis() {
        return repeatIntervalMillis;
    }

    /** The severity sent with every alert. */
    public String severity() {
        return severity;
    }

    /** The labels sent with every alert. */
    public Map<String, String> labels() {
        return labels;
    }

    /** The condition in words, as sent in alerts. */
    public String describe() {
        return condition != null ? condition.describe() : "no data for " + Threshold.duration(absentForMillis);
    }

    @Override
    public String toString() {
        return "AlertRule[" + name + ": " + describe() + (series.isEmpty() ? "" : " on " + series)
                + (forMillis > 0 ? " for " + Threshold.duration(forMillis) : "") + "]";
    }

    /** Series names that are plain names (no {@code *}): an absence rule watches them from the start. */
    public List<String> exactSeries() {
        List<String> exact = new ArrayList<>();
        for (String s : series) {
            if (s.indexOf('*') < 0) {
                exact.add(s);
            }
        }
        return exact;
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    /** Collects a rule's settings; {@link #build()} checks them together. Mutable, not thread-safe. */
    public static final class Builder {
        private final String name;
        private final List<String> series = new ArrayList<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private AlertCondition condition;
        private long absentFor;
        private long forMillis;
        private long keepFiringFor;
        private long repeatInterval;
        private String severity = "warning";

        private Builder(String name) {
            this.name = name;
        }

        /**
         * The series to watch, by name or pattern ({@code cpu.*}); call again to add more. Without
         * any, the rule watches every series that reaches its stage.
         *
         * @throws IllegalArgumentException if a pattern is null or blank
         */
        public Builder series(String... patterns) {
            Objects.requireNonNull(patterns, "patterns can't be null");
            for (String p : patterns) {
                if (p == null || p.isBlank()) {
                    throw new IllegalArgumentException("rule '" + name + "': series pattern can't be blank, was "
                            + (p == null ? "null" : "'" + p + "'"));
                }
                series.add(p);
            }
            return this;
        }

        /** The condition that makes the alert active (for example {@code Signal.value().above(90)}). */
        public Builder when(AlertCondition alertCondition) {
            this.condition = Objects.requireNonNull(alertCondition, "condition can't be null");
            return this;
        }

        /**
         * Makes this an absence rule: it fires when a watched series sends no point for
         * {@code duration} (on the pipeline clock), and resolves with the next point. Series named
         * exactly (without {@code *}) are watched from the start, so one that never sends fires too.
         *
         * @throws IllegalArgumentException if {@code duration} is below 1 ms
         */
        public Builder absentFor(Duration duration) {
            this.absentFor = positive(duration, "absentFor");
            return this;
        }

        /** How long the condition must hold before the alert fires (Prometheus' {@code for}; default 0). */
        public Builder forDuration(Duration duration) {
            this.forMillis = nonNegative(duration, "forDuration");
            return this;
        }

        /** How long a firing alert keeps firing after its condition stopped holding (default 0). */
        public Builder keepFiringFor(Duration duration) {
            this.keepFiringFor = nonNegative(duration, "keepFiringFor");
            return this;
        }

        /** Sends a still-firing alert again this often (default 0: once until it resolves). */
        public Builder repeatInterval(Duration duration) {
            this.repeatInterval = nonNegative(duration, "repeatInterval");
            return this;
        }

        /** A severity such as {@code critical}, {@code warning} (the default) or {@code info}. */
        public Builder severity(String level) {
            Objects.requireNonNull(level, "severity can't be null");
            if (level.isBlank()) {
                throw new IllegalArgumentException("rule '" + name + "': severity can't be blank");
            }
            this.severity = level;
            return this;
        }

        /** Adds a label sent with every alert of this rule (routing, team, runbook link). */
        public Builder label(String key, String value) {
            Objects.requireNonNull(key, "label key can't be null");
            Objects.requireNonNull(value, "label value can't be null");
            if (key.isBlank()) {
                throw new IllegalArgumentException("rule '" + name + "': label key can't be blank");
            }
            labels.put(key, value);
            return this;
        }

        /**
         * Builds the rule.
         *
         * @throws IllegalArgumentException naming the rule and the setting if the settings don't fit together
         */
        public AlertRule build() {
            List<String> errors = new ArrayList<>();
            if (condition == null && absentFor == 0) {
                errors.add("needs a condition: call when(...) or absentFor(...)");
            }
            if (condition != null && absentFor > 0) {
                errors.add("has both a condition and absentFor: an absence rule has no condition");
            }
            if (absentFor > 0 && (forMillis > 0 || keepFiringFor > 0)) {
                errors.add("absence rules take no forDuration or keepFiringFor (the absence duration is the wait), was "
                        + "forDuration " + forMillis + " ms, keepFiringFor " + keepFiringFor + " ms");
            }
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException("rule '" + name + "' " + String.join("; ", errors));
            }
            return new AlertRule(this);
        }

        private long positive(Duration d, String what) {
            Objects.requireNonNull(d, what + " can't be null");
            if (d.isNegative() || d.toMillis() < 1) {
                throw new IllegalArgumentException("rule '" + name + "': " + what + " must be at least 1 ms, was " + d);
            }
            return d.toMillis();
        }

        private long nonNegative(Duration d, String what) {
            Objects.requireNonNull(d, what + " can't be null");
            if (d.isNegative()) {
                throw new IllegalArgumentException("rule '" + name + "': " + what + " must not be negative, was " + d);
            }
            return d.toMillis();
        }
    }
}
