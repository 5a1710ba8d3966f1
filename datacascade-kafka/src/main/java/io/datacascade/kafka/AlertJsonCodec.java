package io.datacascade.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.datacascade.core.Alert;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads and writes {@link Alert}s as JSON Kafka record values: the {@code alerts} topic's format.
 *
 * <pre>{@code
 * {"rule":"cpu-high","series":"cpu.load","state":"FIRING","value":97.5,"condition":"value > 90",
 *  "severity":"critical","labels":{"team":"ops"},"eventTime":1732822000000,"firedAt":1732822000000}
 * }</pre>
 *
 * <p>{@code value} is {@code null} when there is none (absence alerts) or it is not finite; {@code firedAt} is 0 for a
 * pending alert and for the resolution of one that never fired. The key is the series, so the
 * alerts of one series stay in order on one partition. Immutable and thread-safe.
 */
public final class AlertJsonCodec implements KafkaEncoder<Alert>, KafkaDecoder<Alert> {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final AlertJsonCodec INSTANCE = new AlertJsonCodec();

    private AlertJsonCodec() {
    }

    /** The codec. */
    public static AlertJsonCodec create() {
        return INSTANCE;
    }

    @Override
    public byte[] key(Alert alert) {
        return alert.series().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] value(Alert alert) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("rule", alert.rule());
            g.writeStringField("series", alert.series());
            g.writeStringField("state", alert.state().name());
            g.writeFieldName("value");
            if (Double.isFinite(alert.value())) {
                g.writeNumber(alert.value());
            } else {
                g.writeNull();
            }
            g.writeStringField("condition", alert.condition());
            g.writeStringField("severity", alert.severity());
            g.writeObjectFieldStart("labels");
            for (Map.Entry<String, String> e : alert.labels().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeNumberField("eventTime", alert.eventTime());
            g.writeNumberField("firedAt", alert.firedAt());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads an alert written by {@link #value}; unknown fields are ignored.
     *
     * @throws IllegalArgumentException naming the field when the value is not such an alert
     */
    @Override
    public Alert decode(ConsumerRecord<byte[], byte[]> record) {
        return decode(record.value());
    }

    /**
     * Reads an alert from JSON bytes.
     *
     * @throws IllegalArgumentException naming the field when the bytes are not such an alert
     */
    public Alert decode(byte[] json) {
        if (json == null) {
            throw new IllegalArgumentException("alert value is null");
        }
        String rule = null;
        String series = null;
        Alert.State state = null;
        double value = Double.NaN;
        String condition = "";
        String severity = "";
        Map<String, String> labels = new LinkedHashMap<>();
        long eventTime = 0;
        long firedAt = 0;
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("alert value is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "rule" -> rule = text(p, t, field);
                    case "series" -> series = text(p, t, field);
                    case "state" -> state = state(text(p, t, field));
                    case "value" -> value = t == JsonToken.VALUE_NULL ? Double.NaN : number(p, t, field);
                    case "condition" -> condition = text(p, t, field);
                    case "severity" -> severity = text(p, t, field);
                    case "eventTime" -> eventTime = millis(p, t, field);
                    case "firedAt" -> firedAt = millis(p, t, field);
                    case "labels" -> {
                        if (t != JsonToken.START_OBJECT) {
                            throw new IllegalArgumentException("field 'labels' must be an object, was " + t);
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            labels.put(key, text(p, p.nextToken(), "labels." + key));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("alert value is not valid JSON: " + e.getMessage(), e);
        }
        if (rule == null || series == null || state == null) {
            throw new IllegalArgumentException("alert value needs 'rule', 'series' and 'state'");
        }
        return new Alert(rule, series, state, value, condition, severity, labels, eventTime, firedAt);
    }

    private static String text(JsonParser p, JsonToken t, String field) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("field '" + field + "' must be a string, was " + t);
        }
        return p.getText();
    }

    private static double number(JsonParser p, JsonToken t, String field) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new IllegalArgumentException("field '" + field + "' must be a number, was " + t);
        }
        return p.getDoubleValue();
    }

    private static long millis(JsonParser p, JsonToken t, String field) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw new IllegalArgumentException("field '" + field + "' must be whole epoch milliseconds, was " + t);
        }
        return p.getLongValue();
    }

    private static Alert.State state(String s) {
        try {
            return Alert.State.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field 'state' must be PENDING, FIRING or RESOLVED, was '" + s + "'", e);
        }
    }

    @Override
    public String toString() {
        return "AlertJsonCodec";
    }
}
