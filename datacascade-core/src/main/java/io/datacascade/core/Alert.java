package io.datacascade.core;

import java.util.Map;
import java.util.Objects;

/**
 * One change of an alert's state: what alert rules emit and alert sinks (the {@code alerts} Kafka
 * topic, the dashboard's alert panel, the log) receive.
 *
 * <p>An alert is identified by its {@code rule} and {@code series}: a rule watching many series
 * raises one alert per series. Like a Prometheus alert it goes {@link State#PENDING} while its
 * condition has not yet held long enough, then {@link State#FIRING}, then {@link State#RESOLVED}.
 *
 * @param rule      the rule's name, for example {@code "cpu-high"}; never blank
 * @param series    the series the alert is about; never blank
 * @param state     the new state
 * @param value     the value that caused this change (NaN when there is none, as for absence)
 * @param condition the condition in words, for example {@code "value > 90"}; never null
 * @param severity  a free-form severity such as {@code "critical"} or {@code "warning"}; never null
 * @param labels    extra labels for routing and display; never null, unmodifiable
 * @param eventTime the event time (epoch milliseconds) of the data that caused this change
 * @param firedAt   when the alert started firing (epoch milliseconds), or 0 if it never fired
 */
public record Alert(String rule, String series, State state, double value, String condition, String severity,
                    Map<String, String> labels, long eventTime, long firedAt) {

    /** The states of an alert, as in Prometheus alerting rules. */
    public enum State {
        /** The condition holds but has not held for the rule's {@code for} duration yet. */
        PENDING,
        /** The condition has held long enough: people should look. */
        FIRING,
        /** The condition stopped holding after the alert fired. */
        RESOLVED
    }

    /**
     * Creates an alert event.
     *
     * @throws NullPointerException     if any object argument is null
     * @throws IllegalArgumentException if {@code rule} or {@code series} is blank
     */
    public Alert {
        Objects.requireNonNull(rule, "rule can't be null");
        Objects.requireNonNull(series, "series can't be null");
        Objects.requireNonNull(state, "state can't be null");
        Objects.requireNonNull(condition, "condition can't be null");
        Objects.requireNonNull(severity, "severity can't be null");
        Objects.requireNonNull(labels, "labels can't be null (use Map.of())");
        if (rule.isBlank()) {
            throw new IllegalArgumentException("rule can't be blank, was '" + rule + "'");
        }
        if (series.isBlank()) {
            throw new IllegalArgumentException("series can't be blank, was '" + series + "'");
        }
        labels = Map.copyOf(labels);
    }
}
