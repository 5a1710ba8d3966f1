package io.datacascade.core.alert;

import io.datacascade.core.Alert;
import io.datacascade.core.Batch;
import io.datacascade.core.Sink;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes alerts to the log (SLF4J logger {@code io.datacascade.alerts}): firing at WARN, pending
 * and resolved at INFO, one line each. A pipeline with alert rules and no alert sink logs this way.
 */
public final class AlertLogSink implements Sink<Alert> {
    private static final Logger LOG = LoggerFactory.getLogger("io.datacascade.alerts");

    private AlertLogSink() {
    }

    /** A log sink. */
    public static AlertLogSink create() {
        return new AlertLogSink();
    }

    @Override
    public void write(Batch<Alert> batch) {
        for (Alert a : batch) {
            if (a.state() == Alert.State.FIRING) {
                LOG.warn("{}", line(a));
            } else {
                LOG.info("{}", line(a));
            }
        }
    }

    /** A value as a person reads it: six significant digits, {@code 189.713} rather than {@code 189.7131890557041}. */
    static String readable(double value) {
        if (Double.isInfinite(value) || value == 0) {
            return Double.toString(value);
        }
        return new java.math.BigDecimal(value).round(new java.math.MathContext(6)).stripTrailingZeros().toString();
    }

    /** One alert as one readable line. */
    static String line(Alert a) {
        StringBuilder sb = new StringBuilder();
        sb.append(a.state()).append(' ').append(a.rule()).append(" [").append(a.severity()).append("] ")
                .append(a.series()).append(": ").append(a.condition());
        if (!Double.isNaN(a.value())) {
            sb.append(", value ").append(readable(a.value()));
        }
        sb.append(" at ").append(Instant.ofEpochMilli(a.eventTime()));
        if (a.state() == Alert.State.RESOLVED && a.firedAt() == 0) {
            sb.append(" (was pending, never fired)");
        }
        if (!a.labels().isEmpty()) {
            sb.append(' ').append(a.labels());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "AlertLogSink";
    }
}
