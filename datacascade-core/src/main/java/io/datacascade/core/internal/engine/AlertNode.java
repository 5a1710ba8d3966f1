package io.datacascade.core.internal.engine;

import io.datacascade.core.Alert;
import io.datacascade.core.ErrorPolicy;
import io.datacascade.core.Point;
import io.datacascade.core.alert.AlertRule;
import io.datacascade.core.alert.AlertRules;
import io.datacascade.core.internal.alert.AlertEngine;

/**
 * An alert stage: points pass through unchanged; the alerts the rules raise go to every alert
 * sink (side outputs acknowledged like any sink, so the data path never waits for them).
 */
final class AlertNode extends Node implements AlertEngine.Output {
    private final AlertEngine engine;
    private final int[] outputs;

    AlertNode(String name, ErrorPolicy policy, Chain chain, AlertRules rules, int[] outputs) {
        super(name, policy, chain);
        this.engine = new AlertEngine(rules, this);
        this.outputs = outputs;
    }

    @Override
    void accept(Object item) {
        in.increment();
        if (!(item instanceof Point point)) {
            chain.stageFailed(this, item, "alert stage '" + name + "' takes Point records, got "
                    + (item == null ? "null" : item.getClass().getName()) + ": map to Point before it", null);
            return;
        }
        engine.process(point, chain.now());
        out.increment();
        next.accept(item);
    }

    @Override
    public void alert(Alert alert) {
        for (int output : outputs) {
            chain.side(output, alert);
        }
    }

    @Override
    public void failed(AlertRule rule, Point point, RuntimeException error) {
        chain.stageFailed(this, point, "rule '" + rule.name() + "' failed on " + point + ": " + error, error);
    }

    @Override
    void open(long now) {
        engine.open(now);
    }

    @Override
    void onTime(long now) {
        engine.onTime(now);
    }

    @Override
    boolean keepsTime() {
        return engine.needsClock();
    }
}
