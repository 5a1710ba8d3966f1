package io.datacascade.core.alert;

import java.util.Map;

/**
 * Makes an {@link AlertCondition} of yours usable in rule files, by name: a plug-in found through
 * {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.datacascade.core.alert.AlertConditionProvider}, or {@code provides}
 * it in {@code module-info.java}).
 *
 * <pre>
 * rules:
 *   - name: status-error
 *     condition: tag-equals          # this provider's name()
 *     with: {tag: status, value: error}
 *     severity: critical
 * </pre>
 *
 * <p>Core ships {@code tag-equals} (holds while a point's tag {@code tag} equals {@code value}).
 */
public interface AlertConditionProvider {

    /** The name rule files give in {@code condition:}, such as {@code tag-equals}; case-insensitive. */
    String name();

    /**
     * The condition for one rule, from its {@code with:} settings.
     *
     * @throws IllegalArgumentException naming the setting and its bad value; the rules file reports
     *                                  it under the rule and the {@code with} field
     */
    AlertCondition create(Map<String, String> settings);
}
