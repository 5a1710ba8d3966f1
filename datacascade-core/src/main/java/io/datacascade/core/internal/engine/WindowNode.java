package io.datacascade.core.internal.engine;

import io.datacascade.core.ErrorPolicy;
import io.datacascade.core.PipelineException;
import io.datacascade.core.Point;
import io.datacascade.core.internal.window.WindowOperator;
import io.datacascade.core.window.LateData;
import io.datacascade.core.window.Windows;
import java.time.Instant;

/** A window stage: adapts {@link WindowOperator} to the chain (records in, results on, late points aside). */
final class WindowNode extends Node implements WindowOperator.Output {
    private final Windows spec;
    private final WindowOperator operator;
    private final int lateOutput;
    private final Counter lateCount = new Counter();

    WindowNode(String name, ErrorPolicy policy, Chain chain, Windows spec) {
        super(name, policy, chain);
        this.spec = spec;
        this.operator = new WindowOperator(spec, this);
        LateData late = spec.lateDataPolicy();
        this.lateOutput = late.action() == LateData.Action.DROP ? -1 : chain.sideOutput(late.sink());
    }

    @Override
    void accept(Object item) {
        in.increment();
        if (!(item instanceof Point point)) {
            chain.stageFailed(this, item, "window stage '" + name + "' takes Point records, got "
                    + (item == null ? "null" : item.getClass().getName()) + ": map to Point before it", null);
            return;
        }
        try {
            operator.process(point, chain.holdSequence(), chain.now());
        } catch (PipelineException e) {
            throw e; // a later stage failed on a result under the fail policy: not this stage's error
        } catch (RuntimeException e) {
            chain.stageFailed(this, item, null, e);
        }
    }

    @Override
    public void emit(Point result, long firstSequence) {
        out.increment();
        long outer = chain.enterResultOf(firstSequence);
        try {
            next.accept(result);
        } finally {
            chain.exitResult(outer);
        }
    }

    @Override
    public void late(Point point, long windowEnd, long watermark) {
        lateCount.increment();
        if (lateOutput < 0) {
            return;
        }
        if (spec.lateDataPolicy().action() == LateData.Action.SIDE_OUTPUT) {
            chain.side(lateOutput, point);
        } else {
            String reason = "late: point at " + Instant.ofEpochMilli(point.timestamp()) + " arrived after its window ending "
                    + Instant.ofEpochMilli(windowEnd) + " was closed (watermark " + Instant.ofEpochMilli(watermark)
                    + ", allowed lateness " + spec.allowedLatenessMillis() + " ms)";
            chain.sideDeadLetter(lateOutput, chain.deadLetter(name, point, reason, null));
        }
    }

    @Override
    public void failed(String window, RuntimeException error) {
        chain.stageFailed(this, window, "computing the result of " + window + " failed: " + error, error);
    }

    @Override
    void onTime(long now) {
        try {
            operator.onTime(now);
        } catch (PipelineException e) {
            throw e;
        } catch (RuntimeException e) {
            chain.stageFailed(this, "timer at " + Instant.ofEpochMilli(now), null, e);
        }
    }

    @Override
    void finish() {
        operator.finish();
    }

    @Override
    boolean keepsTime() {
        return true;
    }

    @Override
    long heldFloor() {
        return operator.heldFloor();
    }

    @Override
    long late() {
        return lateCount.get();
    }
}
