package io.datacascade.examples.lambda;

import io.datacascade.core.Alert;
import io.datacascade.dynamodb.ItemMapper;
import io.datacascade.dynamodb.PointItems;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The alerts table's layout: one item per alert event, keyed so that a replayed batch overwrites
 * the events it raised before instead of adding copies.
 *
 * <table>
 *   <caption>Alert item attributes</caption>
 *   <tr><th>Attribute</th><th>Type</th><th>What</th></tr>
 *   <tr><td>{@code series}</td><td>S, partition key</td><td>{@code rule#series}, e.g. {@code value-spike#sensor.temp}</td></tr>
 *   <tr><td>{@code ts}</td><td>N, sort key</td><td>event time of the point that changed the state, epoch ms</td></tr>
 *   <tr><td>{@code rule}, {@code alert_series}</td><td>S</td><td>the rule's name and the series</td></tr>
 *   <tr><td>{@code state}</td><td>S</td><td>{@code PENDING}, {@code FIRING} or {@code RESOLVED}</td></tr>
 *   <tr><td>{@code value}</td><td>N</td><td>the value that caused the change; omitted when there is none</td></tr>
 *   <tr><td>{@code condition}, {@code severity}</td><td>S</td><td>as in the alerts topic</td></tr>
 *   <tr><td>{@code labels}</td><td>M of S</td><td>omitted when empty</td></tr>
 *   <tr><td>{@code fired_at}</td><td>N</td><td>when it started firing, epoch ms; 0 if it never fired</td></tr>
 * </table>
 *
 * <p>The keys reuse the points table's schema ({@code series} S, {@code ts} N), so the same
 * {@code DynamoDbSink} creates and checks the table.
 */
final class AlertItems implements ItemMapper<Alert> {
    static final String RULE = "rule";
    static final String ALERT_SERIES = "alert_series";
    static final String STATE = "state";
    static final String VALUE = "value";
    static final String CONDITION = "condition";
    static final String SEVERITY = "severity";
    static final String LABELS = "labels";
    static final String FIRED_AT = "fired_at";

    /** The partition key of {@code alert}'s item: {@code rule#series}. */
    static String partitionKey(String rule, String series) {
        return rule + "#" + series;
    }

    @Override
    public Map<String, AttributeValue> toItem(Alert alert) {
        Map<String, AttributeValue> item = new HashMap<>(16);
        item.put(PointItems.PARTITION_KEY, AttributeValue.fromS(partitionKey(alert.rule(), alert.series())));
        item.put(PointItems.SORT_KEY, AttributeValue.fromN(Long.toString(alert.eventTime())));
        item.put(RULE, AttributeValue.fromS(alert.rule()));
        item.put(ALERT_SERIES, AttributeValue.fromS(alert.series()));
        item.put(STATE, AttributeValue.fromS(alert.state().name()));
        if (Double.isFinite(alert.value())) {
            item.put(VALUE, AttributeValue.fromN(Double.toString(alert.value())));
        }
        item.put(CONDITION, AttributeValue.fromS(alert.condition()));
        item.put(SEVERITY, AttributeValue.fromS(alert.severity()));
        if (!alert.labels().isEmpty()) {
            Map<String, AttributeValue> labels = new HashMap<>();
            alert.labels().forEach((k, v) -> labels.put(k, AttributeValue.fromS(v)));
            item.put(LABELS, AttributeValue.fromM(labels));
        }
        item.put(FIRED_AT, AttributeValue.fromN(Long.toString(alert.firedAt())));
        return item;
    }

    @Override
    public String toString() {
        return "AlertItems";
    }
}
