package io.datacascade.examples;

import io.datacascade.core.Alert;
import io.datacascade.core.Batch;
import io.datacascade.core.Sink;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts alert events for the status line: how many fired in all, and which are firing now. */
final class AlertCounter implements Sink<Alert> {
    private final AtomicLong fired = new AtomicLong();
    private final Set<String> firing = ConcurrentHashMap.newKeySet();

    @Override
    public void write(Batch<Alert> batch) {
        for (Alert a : batch) {
            String key = a.rule() + '\u0000' + a.series();
            switch (a.state()) {
                case FIRING -> {
                    if (firing.add(key)) {
                        fired.incrementAndGet();
                    }
                }
                case RESOLVED -> firing.remove(key);
                case PENDING -> { }
            }
        }
    }

    /** Alerts that started firing since the start (repeats of one alert count once). */
    long fired() {
        return fired.get();
    }

    /** Alerts firing now. */
    int firing() {
        return firing.size();
    }

    @Override
    public String toString() {
        return "alert-counter";
    }
}
