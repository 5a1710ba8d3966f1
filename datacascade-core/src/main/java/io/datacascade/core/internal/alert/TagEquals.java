package io.datacascade.core.internal.alert;

import io.datacascade.core.alert.AlertCondition;
import io.datacascade.core.alert.AlertConditionProvider;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code condition: tag-equals}, {@code with: {tag: status, value: error}}: holds while a point's tag has that value. */
public final class TagEquals implements AlertConditionProvider {
    @Override
    public String name() {
        return "tag-equals";
    }

    @Override
    public AlertCondition create(Map<String, String> settings) {
        Set<String> unknown = new TreeSet<>(settings.keySet());
        unknown.remove("tag");
        unknown.remove("value");
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown setting(s) " + unknown + " for tag-equals: it takes 'tag' and 'value'");
        }
        String tag = settings.get("tag");
        String value = settings.get("value");
        if (tag == null || tag.isBlank() || value == null) {
            throw new IllegalArgumentException("tag-equals needs 'tag' and 'value', was " + settings);
        }
        return AlertCondition.of("tag " + tag + " == " + value, (point, active) -> value.equals(point.tags().get(tag)));
    }
}
