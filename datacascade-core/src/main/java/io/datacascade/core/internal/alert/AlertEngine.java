package io.datacascade.core.internal.alert;

import io.datacascade.core.Alert;
import io.datacascade.core.Point;
import io.datacascade.core.alert.AlertCondition;
import io.datacascade.core.alert.AlertRule;
import io.datacascade.core.alert.AlertRules;
import io.datacascade.core.alert.Signal;
import io.datacascade.core.alert.Threshold;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates alert rules over points and turns condition changes into {@link Alert} events: the
 * pending/firing/resolved state machine, {@code for}, {@code keep_firing_for}, repeats, and
 * absence on the clock. Independent of the pipeline; single-threaded.
 *
 * <p>Per series the engine keeps one small state per condition rule watching it (found once, on
 * the series' first point); per absence rule one entry per watched series, in an access-ordered
 * map, so a tick only looks at the series that have been quiet longest.
 */
public final class AlertEngine {
    /** Where alert events and rule failures go. */
    public interface Output {
        /** An alert changed state (or repeats). */
        void alert(Alert alert);

        /** {@code rule}'s condition threw on {@code point}; the other rules still saw it. */
        void failed(AlertRule rule, Point point, RuntimeException error);
    }

    private static final RuleState[] NONE = new RuleState[0];
    private static final Absence[] NO_ABSENCE = new Absence[0];

    private final AlertRule[] conditionRules;
    private final String[] descriptions;
    private final Absence[] absences;
    private final Output output;
    private final Map<String, Series> series = new HashMap<>();

    /**
     * What watches one series, found on its first point: its condition rules' states, the
     * absence rules matching it, and one trailing range of points per range length that built-in
     * range signals share (ten rules on avg(1m) of a series keep one minute of points, not ten).
     */
    private record Series(RuleState[] states, Absence[] absences, RangeStats[] ranges) {
    }

    private static final RangeStats[] NO_RANGES = new RangeStats[0];

    public AlertEngine(AlertRules rules, Output output) {
        this.output = output;
        List<AlertRule> conditions = new ArrayList<>();
        List<Absence> absent = new ArrayList<>();
        for (AlertRule r : rules) {
            if (r.isAbsence()) {
                absent.add(new Absence(r));
            } else {
                conditions.add(r);
            }
        }
        this.conditionRules = conditions.toArray(new AlertRule[0]);
        this.descriptions = new String[conditionRules.length];
        for (int i = 0; i < conditionRules.length; i++) {
            descriptions[i] = conditionRules[i].describe();
        }
        this.absences = absent.toArray(new Absence[0]);
    }

    /** Starts the clock of absence rules: series named exactly are quiet from {@code now} on. */
    public void open(long now) {
        for (Absence a : absences) {
            for (String s : a.rule.exactSeries()) {
                a.quietSince.putIfAbsent(s, new long[] {now});
            }
        }
    }

    /** Evaluates every rule watching {@code point}'s series. */
    public void process(Point point, long now) {
        String name = point.series();
        Series watched = series.get(name);
        if (watched == null) {
            watched = watchersOf(point);
        }
        for (RangeStats r : watched.ranges) {
            r.add(point.timestamp(), point.value());
        }
        for (RuleState s : watched.states) {
            try {
                s.evaluate(point);
            } catch (RuntimeException e) {
                output.failed(conditionRules[s.rule], point, e);
            }
        }
        for (Absence a : watched.absences) {
            a.seen(point, now);
        }
    }

    /** Matches the rules against a new series once; a condition whose evaluator can't be made is reported and left out. */
    private Series watchersOf(Point first) {
        String name = first.series();
        Map<Long, RangeStats> ranges = sharedRanges(name);
        List<RuleState> states = new ArrayList<>();
        for (int i = 0; i < conditionRules.length; i++) {
            AlertRule r = conditionRules[i];
            if (r.watches(name)) {
                try {
                    AlertCondition.Evaluator evaluator = r.condition() instanceof Threshold t && t.signal().kind() != Signal.Kind.VALUE
                            ? new SharedRange(t, ranges.get(t.signal().rangeMillis()))
                            : r.condition().evaluator(name);
                    if (evaluator == null) {
                        throw new IllegalStateException("its condition returned a null evaluator for series '" + name + "'");
                    }
                    states.add(new RuleState(i, name, evaluator));
                } catch (RuntimeException e) {
                    output.failed(r, first, e);
                }
            }
        }
        List<Absence> absent = new ArrayList<>();
        for (Absence a : absences) {
            if (a.rule.watches(name)) {
                absent.add(a);
            }
        }
        Series watched = new Series(states.isEmpty() ? NONE : states.toArray(NONE),
                absent.isEmpty() ? NO_ABSENCE : absent.toArray(NO_ABSENCE),
                ranges.isEmpty() ? NO_RANGES : ranges.values().toArray(NO_RANGES));
        series.put(name, watched);
        return watched;
    }

    /** One range of points per range length the series' built-in range rules use, tracking min and max only if one needs them. */
    private Map<Long, RangeStats> sharedRanges(String name) {
        Map<Long, boolean[]> needs = new HashMap<>(); // range → {min, max}
        for (AlertRule r : conditionRules) {
            if (r.watches(name) && r.condition() instanceof Threshold t && t.signal().kind() != Signal.Kind.VALUE) {
                boolean[] n = needs.computeIfAbsent(t.signal().rangeMillis(), k -> new boolean[2]);
                n[0] |= t.signal().kind() == Signal.Kind.MIN;
                n[1] |= t.signal().kind() == Signal.Kind.MAX;
            }
        }
        Map<Long, RangeStats> ranges = new HashMap<>();
        needs.forEach((range, n) -> ranges.put(range, new RangeStats(range, n[0], n[1])));
        return ranges;
    }

    /** A built-in threshold on a range signal, reading a range the engine updates once per point for all rules. */
    private static final class SharedRange implements AlertCondition.Evaluator {
        private final Threshold threshold;
        private final Signal.Kind kind;
        private final RangeStats range;
        private double last = Double.NaN;

        SharedRange(Threshold threshold, RangeStats range) {
            this.threshold = threshold;
            this.kind = threshold.signal().kind();
            this.range = range;
        }

        @Override
        public boolean test(Point point, boolean firing) {
            last = range.read(kind);
            return threshold.holdsAt(last, firing);
        }

        @Override
        public double value(Point point) {
            return last;
        }
    }

    /** Fires absence rules for series quiet for too long and repeats still-absent ones. */
    public void onTime(long now) {
        for (Absence a : absences) {
            a.check(now);
        }
    }

    /** Whether any rule needs the clock (absence rules). */
    public boolean needsClock() {
        return absences.length > 0;
    }

    private void send(AlertRule rule, String condition, String seriesName, Alert.State state, double value, long eventTime,
                      long firedAt) {
        output.alert(new Alert(rule.name(), seriesName, state, value, condition, rule.severity(), rule.labels(), eventTime,
                firedAt));
    }

    private enum Phase { INACTIVE, PENDING, FIRING }

    /** One condition rule's alert for one series. */
    private final class RuleState {
        final int rule;
        final String seriesName;
        final AlertCondition.Evaluator evaluator;
        Phase phase = Phase.INACTIVE;
        long time = Long.MIN_VALUE;
        long activeSince;
        long lastActive;
        long firedAt;
        long lastSent;

        RuleState(int rule, String seriesName, AlertCondition.Evaluator evaluator) {
            this.rule = rule;
            this.seriesName = seriesName;
            this.evaluator = evaluator;
        }

        void evaluate(Point point) {
            AlertRule r = conditionRules[rule];
            // hysteresis: only a firing alert resolves at the resolve level; a pending one must keep meeting the firing level
            boolean holds = evaluator.test(point, phase == Phase.FIRING);
            long t = Math.max(time, point.timestamp()); // event time never goes back for the state machine
            time = t;
            switch (phase) {
                case INACTIVE -> {
                    if (holds) {
                        activeSince = t;
                        lastActive = t;
                        if (r.forMillis() == 0) {
                            fire(r, point, t);
                        } else {
                            phase = Phase.PENDING;
                            send(r, descriptions[rule], seriesName, Alert.State.PENDING, evaluator.value(point), t, 0);
                        }
                    }
                }
                case PENDING -> {
                    if (holds) {
                        lastActive = t;
                        if (t - activeSince >= r.forMillis()) {
                            fire(r, point, t);
                        }
                    } else {
                        phase = Phase.INACTIVE;
                        send(r, descriptions[rule], seriesName, Alert.State.RESOLVED, evaluator.value(point), t, 0);
                    }
                }
                case FIRING -> {
                    if (holds) {
                        lastActive = t;
                    } else if (t - lastActive >= r.keepFiringForMillis()) {
                        phase = Phase.INACTIVE;
                        send(r, descriptions[rule], seriesName, Alert.State.RESOLVED, evaluator.value(point), t, firedAt);
                        return;
                    }
                    if (r.repeatIntervalMillis() > 0 && t - lastSent >= r.repeatIntervalMillis()) {
                        lastSent = t;
                        send(r, descriptions[rule], seriesName, Alert.State.FIRING, evaluator.value(point), t, firedAt);
                    }
                }
            }
        }

        private void fire(AlertRule r, Point point, long t) {
            phase = Phase.FIRING;
            firedAt = t;
            lastSent = t;
            send(r, descriptions[rule], seriesName, Alert.State.FIRING, evaluator.value(point), t, t);
        }
    }

    /** One absence rule: when each watched series was last seen, and which are absent now. */
    private final class Absence {
        final AlertRule rule;
        final String condition;
        /** Series → {last seen on the clock}, least recently seen first. */
        final LinkedHashMap<String, long[]> quietSince = new LinkedHashMap<>(16, 0.75f, true);
        /** Series → {fired at, last sent}: firing absence alerts. */
        final Map<String, long[]> absent = new HashMap<>();

        Absence(AlertRule rule) {
            this.rule = rule;
            this.condition = rule.describe();
        }

        void seen(Point point, long now) {
            String name = point.series();
            if (!absent.isEmpty()) {
                long[] firing = absent.remove(name);
                if (firing != null) {
                    send(rule, condition, name, Alert.State.RESOLVED, point.value(), point.timestamp(), firing[0]);
                }
            }
            long[] last = quietSince.get(name);
            if (last == null) {
                quietSince.put(name, new long[] {now});
            } else {
                last[0] = now;
            }
        }

        void check(long now) {
            long limit = rule.absentForMillis();
            Iterator<Map.Entry<String, long[]>> it = quietSince.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, long[]> e = it.next();
                if (now - e.getValue()[0] < limit) {
                    break;
                }
                it.remove();
                absent.put(e.getKey(), new long[] {now, now});
                send(rule, condition, e.getKey(), Alert.State.FIRING, Double.NaN, now, now);
            }
            long repeat = rule.repeatIntervalMillis();
            if (repeat > 0) {
                for (Map.Entry<String, long[]> e : absent.entrySet()) {
                    long[] f = e.getValue();
                    if (now - f[1] >= repeat) {
                        f[1] = now;
                        send(rule, condition, e.getKey(), Alert.State.FIRING, Double.NaN, now, f[0]);
                    }
                }
            }
        }
    }
}
