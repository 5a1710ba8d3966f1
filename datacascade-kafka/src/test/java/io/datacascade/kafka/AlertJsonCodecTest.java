package io.datacascade.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datacascade.core.Alert;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertJsonCodecTest {
    private final AlertJsonCodec codec = AlertJsonCodec.create();

    @Test
    void shouldWriteTheAlertsTopicFormatAndReadItBack() {
        Alert alert = new Alert("cpu-high", "cpu.load", Alert.State.FIRING, 97.5, "value > 90", "critical",
                Map.of("team", "ops"), 1_732_822_000_000L, 1_732_822_000_000L);
        String json = new String(codec.value(alert), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"rule\":\"cpu-high\",\"series\":\"cpu.load\",\"state\":\"FIRING\",\"value\":97.5,"
                + "\"condition\":\"value > 90\",\"severity\":\"critical\",\"labels\":{\"team\":\"ops\"},"
                + "\"eventTime\":1732822000000,\"firedAt\":1732822000000}");
        assertThat(codec.key(alert)).isEqualTo("cpu.load".getBytes(StandardCharsets.UTF_8));
        assertThat(codec.decode(codec.value(alert))).isEqualTo(alert);
    }

    @Test
    void shouldWriteNullForAnAbsenceAlertsMissingValue() {
        Alert absent = new Alert("quiet", "sensor \"a\"", Alert.State.FIRING, Double.NaN, "no data for 2m", "warning",
                Map.of(), 5, 5);
        String json = new String(codec.value(absent), StandardCharsets.UTF_8);
        assertThat(json).contains("\"value\":null", "\"series\":\"sensor \\\"a\\\"\"");
        assertThat(codec.decode(codec.value(absent)).value()).isNaN();
    }

    @Test
    void shouldNameTheFieldWhenReadingABadAlert() {
        assertThatThrownBy(() -> codec.decode("{\"rule\":\"r\",\"series\":\"s\",\"state\":\"BURNING\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("field 'state' must be PENDING, FIRING or RESOLVED, was 'BURNING'");
        assertThatThrownBy(() -> codec.decode("{\"rule\":\"r\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("alert value needs 'rule', 'series' and 'state'");
        assertThatThrownBy(() -> codec.decode("[1]".getBytes(StandardCharsets.UTF_8))).hasMessage("alert value is not a JSON object");
    }
}
