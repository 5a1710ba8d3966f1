package io.datacascade.core.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.Alert;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertLogSinkTest {

    @Test
    void shouldWriteOneReadableLinePerAlert() {
        Alert firing = new Alert("sensor-spike", "sensor-0.avg", Alert.State.FIRING, 189.7131890557041, "value > 100",
                "critical", Map.of("team", "lab"), 1_764_406_147_000L, 1_764_406_147_000L);
        assertThat(AlertLogSink.line(firing)).isEqualTo(
                "FIRING sensor-spike [critical] sensor-0.avg: value > 100, value 189.713 at 2025-11-29T08:49:07Z {team=lab}");
    }

    @Test
    void shouldShowValuesWithSixSignificantDigits() {
        assertThat(AlertLogSink.readable(95.0)).isEqualTo("95");
        assertThat(AlertLogSink.readable(-0.123456789)).isEqualTo("-0.123457");
        assertThat(AlertLogSink.readable(1e-7)).isEqualTo("1E-7");
        assertThat(AlertLogSink.readable(123_456_789)).isEqualTo("1.23457E+8");
        assertThat(AlertLogSink.readable(0.0)).isEqualTo("0.0");
        assertThat(AlertLogSink.readable(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
    }
}
