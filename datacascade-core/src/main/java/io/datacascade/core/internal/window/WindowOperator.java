package io.datacascade.core.internal.window;

import io.datacascade.core.Point;
import io.datacascade.core.window.Aggregator;
import io.datacascade.core.window.Windows;
import java.util.ArrayList;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keyed windows over points: assignment, watermarks, firing, lateness and freeing, independent of
 * threads and of the pipeline (the window stage adapts it). Single-threaded.
 *
 * <p>In event time every key has its own watermark: the highest timestamp seen for that key minus
 * the out-of-orderness. Kafka keeps one series' points in order inside one partition but not
 * across partitions, and a consumer reads partitions in bursts, seconds of one before the next;
 * one watermark for all keys would turn the partitions read later into late data. So a key's
 * windows close as that key advances, are checked on each of its points (a key has one or two
 * windows open) and, once it has been quiet for the idle timeout, on the clock. Keys with open
 * windows sit in an access-ordered map, least recently heard first, so a tick only looks at the
 * idle ones; keys with none are kept, for their watermark, for {@link #FORGET_AFTER_MILLIS}.
 *
 * <p>In processing time all keys share the clock: windows wait in one timer map from end time to
 * windows.
 *
 * <p>The sequence of the source record that opened each live window is kept, so the pipeline
 * acknowledges no record whose window has not been emitted and freed yet ({@link #heldFloor()}).
 */
public final class WindowOperator {
    /**
     * How far ahead of the pipeline clock an event time may be: further is a unit or clock error
     * (microseconds read as milliseconds), and would move its key's watermark so far that every
     * later point of the key is late, so it is refused as a bad record instead.
     */
    public static final long MAX_AHEAD_MILLIS = 86_400_000;

    /** How long a key without open windows keeps its watermark: a point after that starts afresh. */
    public static final long FORGET_AFTER_MILLIS = 3_600_000;

    /** Where results and late points go. */
    public interface Output {
        /**
         * A window's result for one aggregate; {@code firstSequence} is the sequence of the source
         * record that opened the window, so a downstream window stage can hold it in turn.
         */
        void emit(Point result, long firstSequence);

        /** A point later than the allowed lateness; {@code windowEnd} is the end of its newest window. */
        void late(Point point, long windowEnd, long watermark);

        /** An aggregator threw while computing {@code window}'s result. */
        void failed(String window, RuntimeException error);
    }

    private final Windows spec;
    private final Output output;
    private final Windows.Kind kind;
    private final long size;
    private final long advance;
    private final long ooo;
    private final long lateness;
    private final long idleTimeout;
    private final boolean eventTime;
    private final Aggregator<Object>[] custom;
    private final Stats.Kind[] builtIn;
    private final String[] names;
    /** For each aggregate in emission order: index into builtIn (>= 0) or -1 - index into custom. */
    private final int[] order;

    /** Keys with windows in memory; in event time least recently heard first. */
    private final LinkedHashMap<String, Key> active;
    /** Event time: keys without windows, kept for their watermark, least recently heard first. */
    private final LinkedHashMap<String, Key> dormant = new LinkedHashMap<>(16, 0.75f, true);
    /** Processing time: time → windows ending then. */
    private final TreeMap<Long, ArrayList<Window>> timers = new TreeMap<>();
    /** Live windows by the sequence of the record they hold. */
    private final HoldHeap holds = new HoldHeap();
    /** Event time: no idle key can have anything due before this clock time. */
    private long nextIdleScan = Long.MAX_VALUE;

    @SuppressWarnings({"unchecked", "rawtypes"})
    public WindowOperator(Windows spec, Output output) {
        this.spec = spec;
        this.output = output;
        this.kind = spec.kind();
        this.size = spec.sizeMillis();
        this.advance = spec.advanceMillis();
        this.ooo = spec.maxOutOfOrdernessMillis();
        this.lateness = spec.isEventTime() ? spec.allowedLatenessMillis() : 0;
        this.idleTimeout = spec.idleTimeoutMillis();
        this.eventTime = spec.isEventTime();
        this.active = eventTime ? new LinkedHashMap<>(16, 0.75f, true) : new LinkedHashMap<>();
        List<Aggregator<?>> aggregators = spec.aggregators();
        List<Aggregator<Object>> customList = new ArrayList<>();
        List<Stats.Kind> builtInList = new ArrayList<>();
        this.order = new int[aggregators.size()];
        this.names = new String[aggregators.size()];
        for (int i = 0; i < aggregators.size(); i++) {
            Aggregator<?> a = aggregators.get(i);
            names[i] = a.name();
            if (a instanceof Stats.Kind.BuiltIn b) {
                order[i] = builtInList.size();
                builtInList.add(b.kind());
            } else {
                order[i] = -1 - customList.size();
                customList.add((Aggregator<Object>) a);
            }
        }
        this.custom = customList.toArray(new Aggregator[0]);
        this.builtIn = builtInList.toArray(new Stats.Kind[0]);
    }

    /** One key's windows and event clock. */
    static final class Key {
        final String name;
        final ArrayList<Window> windows = new ArrayList<>(2);
        long watermark = Long.MIN_VALUE;
        long watermarkAtLastPoint = Long.MIN_VALUE;
        long lastArrival;

        Key(String name) {
            this.name = name;
        }
    }

    /** One open (or emitted but kept for late points) window of one key. */
    static final class Window {
        final Key key;
        long start;
        long end;
        /** Processing time: the time this window's timer is registered at; entries at other times are stale. */
        long timer = Long.MIN_VALUE;
        long firstSequence;
        /** This window's slot in the {@link HoldHeap}, -1 once freed. */
        int heapIndex = -1;
        boolean fired;
        final Stats stats;
        final Object[] accumulators;
        long points;
        Map<String, String> tags = Map.of();

        Window(Key key, long start, long end, long firstSequence, boolean needsStats, int customCount) {
            this.key = key;
            this.start = start;
            this.end = end;
            this.firstSequence = firstSequence;
            this.stats = needsStats ? new Stats() : null;
            this.accumulators = customCount == 0 ? null : new Object[customCount];
        }

        @Override
        public String toString() {
            return "window [" + Instant.ofEpochMilli(start) + ", " + Instant.ofEpochMilli(end) + ") of key '" + key.name + "'";
        }
    }

    /**
     * Adds one point: assigns it to its windows (or reports it late), then moves its key's
     * watermark and emits every window of the key it passed.
     *
     * @param sequence the pipeline sequence of the source record the point came from
     * @param now      the pipeline clock
     * @throws RuntimeException from the key function or a custom aggregator
     */
    public void process(Point point, long sequence, long now) {
        if (eventTime && point.timestamp() - now > MAX_AHEAD_MILLIS) {
            throw new IllegalArgumentException("timestamp " + point.timestamp() + " (" + Instant.ofEpochMilli(point.timestamp())
                    + ") is more than a day ahead of the pipeline clock (" + Instant.ofEpochMilli(now)
                    + "): a clock or unit error? It would make every later point of its series late");
        }
        String name = spec.key().apply(point);
        if (name == null) {
            throw new IllegalArgumentException("the window key function returned null for " + point);
        }
        if (idleTimeout > 0) {
            nextIdleScan = Math.min(nextIdleScan, saturatedAdd(now, idleTimeout));
        }
        Key key = active.get(name);
        if (key == null) {
            key = eventTime ? dormant.remove(name) : null;
            if (key == null) {
                key = new Key(name);
            }
            active.put(name, key);
        }
        key.lastArrival = now;
        long time = eventTime ? point.timestamp() : now;
        if (kind == Windows.Kind.SESSION) {
            assignSession(key, time, point, sequence);
        } else {
            assignFixed(key, time, point, sequence);
        }
        if (eventTime) {
            long candidate = saturatedSubtract(time, ooo);
            if (candidate > key.watermark) {
                key.watermark = candidate;
            }
            key.watermarkAtLastPoint = key.watermark;
            advanceKey(key);
        } else {
            advanceTimers(now);
        }
    }

    /**
     * Lets time pass without a point: emits processing-time windows that ended; in event time,
     * moves the watermark of each key quiet for the idle timeout on with the clock, and forgets
     * keys quiet for {@link #FORGET_AFTER_MILLIS}.
     */
    public void onTime(long now) {
        if (!eventTime) {
            advanceTimers(now);
            return;
        }
        if (idleTimeout > 0 && now >= nextIdleScan) {
            long next = Long.MAX_VALUE;
            Iterator<Key> it = active.values().iterator();
            while (it.hasNext()) {
                Key key = it.next();
                long quiet = now - key.lastArrival;
                if (quiet < idleTimeout) {
                    next = Math.min(next, saturatedAdd(key.lastArrival, idleTimeout));
                    break; // the rest were heard from more recently
                }
                long target = saturatedAdd(key.watermarkAtLastPoint, quiet);
                if (target > key.watermark) {
                    key.watermark = target;
                    fireAndFree(key);
                    if (key.windows.isEmpty()) {
                        it.remove();
                        dormant.put(key.name, key);
                        continue;
                    }
                }
                next = Math.min(next, idleDue(key));
            }
            nextIdleScan = next; // nothing can be due before: later points only bring it forward (process)
        }
        Iterator<Key> it = dormant.values().iterator();
        while (it.hasNext() && now - it.next().lastArrival >= FORGET_AFTER_MILLIS) {
            it.remove();
        }
    }

    /** The clock time at which an idle key's advancing watermark reaches the next end (or end of lateness) of its windows. */
    private long idleDue(Key key) {
        long dueAt = Long.MAX_VALUE;
        for (Window w : key.windows) {
            dueAt = Math.min(dueAt, w.fired ? saturatedAdd(w.end, lateness) : w.end);
        }
        long distance = saturatedSubtract(dueAt, key.watermarkAtLastPoint);
        return saturatedAdd(key.lastArrival, Math.max(distance, 0));
    }

    /** The input has ended: emits every open window and frees all state. */
    public void finish() {
        if (!eventTime) {
            advanceTimers(Long.MAX_VALUE);
            return;
        }
        for (Key key : new ArrayList<>(active.values())) {
            key.watermark = Long.MAX_VALUE;
            advanceKey(key);
        }
    }

    private void assignFixed(Key key, long time, Point point, long sequence) {
        long lastStart = Math.floorDiv(time, advance) * advance;
        ArrayList<Window> windows = key.windows;
        long watermark = key.watermark;
        boolean assigned = false;
        long newestEnd = lastStart + size;
        for (long start = lastStart; start > time - size; start -= advance) {
            long end = start + size;
            if (saturatedAdd(end, lateness) <= watermark && eventTime) {
                continue; // this window is gone
            }
            Window w = find(windows, start);
            if (w == null) {
                w = open(key, start, end, sequence);
                insertByEnd(windows, w);
            } else {
                lowerHold(w, sequence);
            }
            addOrUndo(w, point);
            assigned = true;
            if (eventTime && end <= watermark) {
                refire(w); // late but within the allowed lateness: emit the corrected result now
            }
        }
        if (!assigned) {
            output.late(point, newestEnd, watermark);
        }
    }

    /** The fixed window starting at {@code start}: windows are ordered by end, and so by start. */
    private static Window find(ArrayList<Window> windows, long start) {
        int lo = 0;
        int hi = windows.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long s = windows.get(mid).start;
            if (s < start) {
                lo = mid + 1;
            } else if (s > start) {
                hi = mid - 1;
            } else {
                return windows.get(mid);
            }
        }
        return null;
    }

    private void assignSession(Key key, long time, Point point, long sequence) {
        long newStart = time;
        long newEnd = saturatedAdd(time, size);
        ArrayList<Window> windows = key.windows;
        long watermark = key.watermark;
        long mergedStart = newStart;
        long mergedEnd = newEnd;
        Window survivor = null;
        for (Window w : windows) {
            if (w.start <= newEnd && w.end >= newStart) {
                mergedStart = Math.min(mergedStart, w.start);
                mergedEnd = Math.max(mergedEnd, w.end);
                if (survivor == null || w.firstSequence < survivor.firstSequence) {
                    survivor = w;
                }
            }
        }
        if (eventTime && saturatedAdd(mergedEnd, lateness) <= watermark) {
            output.late(point, mergedEnd, watermark);
            return;
        }
        if (survivor == null) {
            survivor = open(key, newStart, newEnd, sequence);
            insertByEnd(windows, survivor);
        } else {
            for (int i = windows.size() - 1; i >= 0; i--) {
                Window w = windows.get(i);
                if (w != survivor && w.start <= newEnd && w.end >= newStart) {
                    mergeInto(survivor, w);
                    windows.remove(i);
                    free(w);
                }
            }
            survivor.start = mergedStart;
        }
        lowerHold(survivor, sequence);
        addOrUndo(survivor, point);
        boolean extended = survivor.end != mergedEnd;
        survivor.end = mergedEnd;
        if (extended && windows.size() > 1) {
            windows.sort(BY_END);
        }
        if (eventTime && mergedEnd <= watermark) {
            refire(survivor);
        } else if (extended) {
            survivor.fired = false; // a kept session grew past the watermark: it is open again
            if (!eventTime) {
                schedule(survivor, mergedEnd);
            }
        }
    }

    /** Merges {@code from} into {@code into}; custom merges run first, so one that throws changes nothing. */
    private void mergeInto(Window into, Window from) {
        Object[] merged = custom.length == 0 ? null : new Object[custom.length];
        for (int i = 0; i < custom.length; i++) {
            Object a = into.accumulators[i];
            Object b = from.accumulators[i];
            merged[i] = a == null ? b : b == null ? a : custom[i].merge(a, b);
        }
        if (merged != null) {
            System.arraycopy(merged, 0, into.accumulators, 0, merged.length);
        }
        if (into.stats != null) {
            into.stats.merge(from.stats);
        }
        into.points += from.points;
        into.fired &= from.fired;
    }

    private Window open(Key key, long start, long end, long sequence) {
        Window w = new Window(key, start, end, sequence, builtIn.length > 0, custom.length);
        holds.add(w);
        if (!eventTime) {
            schedule(w, end);
        }
        return w;
    }

    /** Adds {@code point} to {@code w}; if a custom aggregator throws on a window's first point, the window is dropped. */
    private void addOrUndo(Window w, Point point) {
        try {
            add(w, point);
        } catch (RuntimeException e) {
            if (w.points == 0) {
                Key key = w.key;
                key.windows.remove(w);
                free(w);
                if (key.windows.isEmpty() && active.remove(key.name) != null && eventTime) {
                    dormant.put(key.name, key);
                }
            }
            throw e;
        }
    }

    private void add(Window w, Point point) {
        for (int i = 0; i < custom.length; i++) {
            Object acc = w.accumulators[i];
            if (acc == null) {
                acc = custom[i].create();
            }
            w.accumulators[i] = custom[i].add(acc, point);
        }
        if (w.stats != null) {
            w.stats.add(point.timestamp(), point.value());
        }
        w.tags = point.tags();
        w.points++;
    }

    private void schedule(Window w, long time) {
        w.timer = time;
        ArrayList<Window> due = timers.get(time);
        if (due == null) {
            due = new ArrayList<>();
            timers.put(time, due);
        }
        due.add(w);
    }

    /** Event time: emits and frees the key's windows its watermark passed; parks the key if none is left. */
    private void advanceKey(Key key) {
        fireAndFree(key);
        if (key.windows.isEmpty()) {
            active.remove(key.name);
            dormant.put(key.name, key);
        }
    }

    private void fireAndFree(Key key) {
        ArrayList<Window> windows = key.windows; // ordered by end: emitted in time order
        long watermark = key.watermark;
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            if (w.end > watermark) {
                break;
            }
            if (!w.fired) {
                w.fired = true;
                emit(w);
            }
            if (saturatedAdd(w.end, lateness) <= watermark) {
                windows.remove(i--);
                free(w);
            }
        }
    }

    private static void insertByEnd(ArrayList<Window> windows, Window w) {
        int i = windows.size();
        while (i > 0 && windows.get(i - 1).end > w.end) {
            i--;
        }
        windows.add(i, w);
    }

    private static final java.util.Comparator<Window> BY_END = (a, b) -> Long.compare(a.end, b.end);

    /** Processing time: emits and frees every window whose end is at or before {@code time}. */
    private void advanceTimers(long time) {
        Map.Entry<Long, ArrayList<Window>> entry;
        while ((entry = timers.firstEntry()) != null && entry.getKey() <= time) {
            timers.pollFirstEntry();
            long at = entry.getKey();
            for (Window w : entry.getValue()) {
                if (w.heapIndex < 0 || w.timer != at) { // freed, or its timer moved
                    continue;
                }
                w.fired = true;
                emit(w);
                Key key = w.key;
                key.windows.remove(w);
                if (key.windows.isEmpty()) {
                    active.remove(key.name);
                }
                free(w);
            }
        }
    }

    /** Event time: a late point within the lateness changed an emitted window: emit it again now. */
    private void refire(Window w) {
        w.fired = true;
        emit(w);
    }

    /**
     * A window stage after another one gets results whose hold is older than the window they join
     * (the upstream window's first record): the window then holds that older record.
     */
    private void lowerHold(Window w, long sequence) {
        if (sequence < w.firstSequence) {
            w.firstSequence = sequence;
            holds.lowered(w);
        }
    }

    private void free(Window w) {
        holds.remove(w);
    }

    private void emit(Window w) {
        if (w.points == 0) {
            return; // a window whose only point failed in a custom aggregator: nothing to say
        }
        for (int i = 0; i < order.length; i++) {
            Point result;
            try {
                int o = order[i];
                double value = o >= 0 ? builtIn[o].of(w.stats) : custom[-1 - o].result(w.accumulators[-1 - o]);
                result = new Point(spec.seriesNaming().apply(w.key.name, names[i]), w.start, value, w.tags);
            } catch (RuntimeException e) {
                output.failed(w + ", aggregate '" + names[i] + "'", e);
                continue;
            }
            output.emit(result, w.firstSequence);
        }
    }

    /**
     * The lowest sequence of a source record that opened a window still held (open, or emitted
     * and kept for late points), or {@link Long#MAX_VALUE}: the pipeline must not acknowledge it.
     */
    public long heldFloor() {
        return holds.min();
    }

    /** Windows currently held in memory. */
    public long openWindows() {
        return holds.size();
    }

    /** Keys with at least one window in memory. */
    public int keys() {
        return active.size();
    }

    /** Keys remembered only for their watermark (event time). */
    public int dormantKeys() {
        return dormant.size();
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private static long saturatedSubtract(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
    }
}
