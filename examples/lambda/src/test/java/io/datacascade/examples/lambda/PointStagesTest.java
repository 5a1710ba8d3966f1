package io.datacascade.examples.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.KafkaEvent.KafkaEventRecord;
import io.datacascade.core.Point;
import io.datacascade.kafka.PointJsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parse, validate and enrich stages on single records. */
class PointStagesTest {
    private static final long NOW = 1732822000000L;
    private final PointStages stages = new PointStages(PointJsonCodec.create().withDefaultSeries("legacy.value"), () -> NOW);

    private static MskRecord record(String json) {
        KafkaEventRecord r = new KafkaEventRecord();
        r.setTopic("sensors");
        r.setPartition(2);
        r.setOffset(42);
        r.setTimestamp(NOW);
        r.setTimestampType("CREATE_TIME");
        r.setValue(Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)));
        r.setHeaders(List.of());
        return new MskRecord(new SourcePosition("sensors", 2, 42, NOW, r.getValue()), r);
    }

    @Test
    void shouldParseTheSeriesFormAndTagItWithTheTopic() {
        Point p = stages.parse(record("{\"series\":\"cpu.load\",\"time\":1732822000000,\"value\":0.5,\"tags\":{\"host\":\"a\"}}"));

        assertThat(p).isEqualTo(new Point("cpu.load", NOW, 0.5, Map.of("host", "a", "topic", "sensors")));
    }

    @Test
    void shouldParseTheOriginalTimeValueFormWithTheDefaultSeries() {
        Point p = stages.parse(record("{\"time\":\"2024-11-28T19:26:40Z\",\"value\":0.42}"));

        assertThat(p).isEqualTo(new Point("legacy.value", NOW, 0.42, Map.of("topic", "sensors")));
    }

    @Test
    void shouldKeepATopicTagTheProducerSet() {
        Point p = stages.parse(record("{\"series\":\"x\",\"time\":1,\"value\":1,\"tags\":{\"topic\":\"mine\"}}"));

        assertThat(p.tags()).containsEntry("topic", "mine");
    }

    @Test
    void shouldRejectAValueThatIsNotBase64() {
        MskRecord bad = record("{}");
        bad.record().setValue("not base64!");

        assertThatThrownBy(() -> stages.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("record value is not valid base64 (");
    }

    @Test
    void shouldRejectAPointWhoseValueIsNaN() {
        assertThatThrownBy(() -> stages.validate(Point.of("cpu.load", NOW, Double.NaN)))
                .isInstanceOf(PointStages.InvalidPointException.class)
                .hasMessage("value of series 'cpu.load' at 1732822000000 is NaN: not a finite number")
                .hasNoCause();
    }

    @Test
    void shouldRejectAPointWhoseValueIsInfinite() {
        assertThatThrownBy(() -> stages.validate(Point.of("cpu.load", NOW, Double.NEGATIVE_INFINITY)))
                .hasMessage("value of series 'cpu.load' at 1732822000000 is -Infinity: not a finite number");
    }

    @Test
    void shouldRejectAPointWithABlankSeries() {
        assertThatThrownBy(() -> stages.validate(Point.of(" ", NOW, 1))).hasMessage("series name is blank");
    }

    @Test
    void shouldRejectATimeInSeconds() {
        assertThatThrownBy(() -> stages.validate(Point.of("cpu.load", 1732822000L, 1)))
                .hasMessage("time 1732822000 (1970-01-21T01:20:22Z) of series 'cpu.load' is before 2000-01-01T00:00:00Z:"
                        + " seconds instead of milliseconds?");
    }

    @Test
    void shouldRejectATimeMoreThanADayAhead() {
        long tooLate = NOW + PointStages.MAX_AHEAD.toMillis() + 1;

        assertThatThrownBy(() -> stages.validate(Point.of("cpu.load", tooLate, 1)))
                .hasMessage("time 1732908400001 (2024-11-29T19:26:40.001Z) of series 'cpu.load' is more than 24 h ahead of the clock");
    }

    @Test
    void shouldPassAPlausiblePointUnchanged() {
        Point p = Point.of("cpu.load", NOW + PointStages.MAX_AHEAD.toMillis(), -3.5);

        assertThat(stages.validate(p)).isSameAs(p);
    }

    @Test
    void shouldTagTheSourceUnlessTheProducerDid() {
        assertThat(stages.enrich(Point.of("a", NOW, 1)).tags()).containsEntry("source", "msk");
        assertThat(stages.enrich(Point.of("a", NOW, 1).withTag("source", "plc-7")).tags()).containsEntry("source", "plc-7");
    }
}
