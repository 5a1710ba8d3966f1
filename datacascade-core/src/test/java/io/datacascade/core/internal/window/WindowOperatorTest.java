package io.datacascade.core.internal.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.Point;
import io.datacascade.core.window.Aggregators;
import io.datacascade.core.window.Windows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The window operator against a brute-force reference over random streams: many keys, points out
 * of order within each key and arbitrarily interleaved across keys, late points, sliding windows
 * and lateness; plus bounded state and the acknowledgement floor.
 */
class WindowOperatorTest {

    /** Collects results: per (series, start) every emitted value, in order. */
    private static final class Recorder implements WindowOperator.Output {
        final Map<String, List<Double>> emitted = new HashMap<>();
        final List<Point> late = new ArrayList<>();

        @Override
        public void emit(Point result, long firstSequence) {
            emitted.computeIfAbsent(result.series() + "@" + result.timestamp(), k -> new ArrayList<>()).add(result.value());
        }

        @Override
        public void late(Point point, long windowEnd, long watermark) {
            late.add(point);
        }

        @Override
        public void failed(String window, RuntimeException error) {
            throw error;
        }
    }

    /** Random stream: per key timestamps moving forward with jitter up to {@code disorder} ms back, keys interleaved at random. */
    private static List<Point> stream(long seed, int keys, int perKey, int disorder, int lateChance) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] clock = new long[keys];
        int[] left = new int[keys];
        java.util.Arrays.fill(left, perKey);
        List<Point> points = new ArrayList<>();
        int remaining = keys * perKey;
        while (remaining > 0) {
            int k = random.nextInt(keys);
            if (left[k] == 0) {
                continue;
            }
            left[k]--;
            remaining--;
            clock[k] += random.nextInt(1, 120);
            long t = clock[k] - random.nextInt(disorder + 1);
            if (lateChance > 0 && random.nextInt(lateChance) == 0) {
                t -= random.nextInt(500, 5000); // well behind: often late
            }
            points.add(Point.of("k" + k, Math.max(0, t), random.nextInt(1000)));
        }
        return points;
    }

    /**
     * What the operator must produce: for each window the final sum (and count) of the points that
     * reached it, a point reaching a window unless its key's watermark was already at or past the
     * window's end plus the lateness.
     */
    private static Map<String, double[]> reference(List<Point> points, long size, long advance, long ooo, long lateness,
                                                   List<Point> lateOut) {
        Map<String, Long> watermark = new HashMap<>();
        Map<String, double[]> windows = new HashMap<>();
        for (Point p : points) {
            long wm = watermark.getOrDefault(p.series(), Long.MIN_VALUE);
            boolean any = false;
            for (long start = Math.floorDiv(p.timestamp(), advance) * advance; start > p.timestamp() - size; start -= advance) {
                if (wm != Long.MIN_VALUE && start + size + lateness <= wm) {
                    continue;
                }
                any = true;
                double[] acc = windows.computeIfAbsent(p.series() + "@" + start, k -> new double[2]);
                acc[0] += p.value();
                acc[1]++;
            }
            if (!any) {
                lateOut.add(p);
            }
            watermark.put(p.series(), Math.max(wm, p.timestamp() - ooo));
        }
        return windows;
    }

    private static void check(long seed, Windows spec, int disorder, int lateChance) {
        List<Point> points = stream(seed, 50, 400, disorder, lateChance);
        Recorder sums = new Recorder();
        Recorder counts = new Recorder();
        WindowOperator sum = new WindowOperator(spec.aggregate(Aggregators.sum()).naming((k, a) -> k), sums);
        WindowOperator count = new WindowOperator(spec.aggregate(Aggregators.count()).naming((k, a) -> k), counts);
        long seq = 0;
        for (Point p : points) {
            sum.process(p, seq, 0);
            count.process(p, seq, 0);
            assertThat(sum.heldFloor()).isLessThanOrEqualTo(seq);
            seq++;
        }
        sum.finish();
        count.finish();
        List<Point> expectedLate = new ArrayList<>();
        Map<String, double[]> expected = reference(points, spec.sizeMillis(), spec.advanceMillis(),
                spec.maxOutOfOrdernessMillis(), spec.allowedLatenessMillis(), expectedLate);
        assertThat(sums.late).as("late points, seed %d", seed).containsExactlyElementsOf(expectedLate);
        assertThat(sums.emitted.keySet()).as("windows, seed %d", seed).isEqualTo(expected.keySet());
        for (Map.Entry<String, double[]> e : expected.entrySet()) {
            List<Double> s = sums.emitted.get(e.getKey());
            List<Double> c = counts.emitted.get(e.getKey());
            assertThat(s.get(s.size() - 1)).as("final sum of %s, seed %d", e.getKey(), seed).isEqualTo(e.getValue()[0]);
            assertThat(c.get(c.size() - 1)).as("final count of %s, seed %d", e.getKey(), seed).isEqualTo(e.getValue()[1]);
            if (spec.allowedLatenessMillis() == 0) {
                assertThat(s).as("emitted once: %s, seed %d", e.getKey(), seed).hasSize(1);
            }
        }
        assertThat(sum.openWindows()).isZero();
        assertThat(sum.keys()).isZero();
        assertThat(sum.heldFloor()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldMatchTheReferenceForTumblingWindowsWithOutOfOrderAndLatePoints() {
        for (long seed = 1; seed <= 30; seed++) {
            check(seed, Windows.tumbling(Duration.ofSeconds(1)).eventTime(Duration.ofMillis(300)), 400, 20);
        }
    }

    @Test
    void shouldMatchTheReferenceForSlidingWindowsWithAllowedLateness() {
        for (long seed = 1; seed <= 30; seed++) {
            check(seed, Windows.sliding(Duration.ofSeconds(1), Duration.ofMillis(250)).eventTime(Duration.ofMillis(200))
                    .allowedLateness(Duration.ofMillis(700)), 300, 15);
        }
    }

    @Test
    void shouldEmitEachTumblingWindowOnceWhenDisorderStaysWithinTheBound() {
        for (long seed = 1; seed <= 30; seed++) {
            Recorder r = new Recorder();
            List<Point> points = stream(seed, 20, 500, 250, 0);
            WindowOperator op = new WindowOperator(Windows.tumbling(Duration.ofMillis(500)).eventTime(Duration.ofMillis(250))
                    .aggregate(Aggregators.count()), r);
            points.forEach(p -> op.process(p, 0, 0));
            op.finish();
            assertThat(r.late).isEmpty();
            assertThat(r.emitted.values().stream().mapToDouble(l -> l.get(0)).sum()).isEqualTo(points.size());
        }
    }

    @Test
    void shouldCountEveryPointOnceInSessionsWhenNoneIsLate() {
        for (long seed = 1; seed <= 30; seed++) {
            Recorder r = new Recorder();
            List<Point> points = stream(seed, 20, 300, 150, 0);
            WindowOperator op = new WindowOperator(Windows.session(Duration.ofMillis(100)).eventTime(Duration.ofMillis(150))
                    .aggregate(Aggregators.count()), r);
            long seq = 0;
            for (Point p : points) {
                op.process(p, seq++, 0);
            }
            op.finish();
            assertThat(r.late).isEmpty();
            assertThat(r.emitted.values().stream().mapToDouble(l -> l.get(l.size() - 1)).sum())
                    .as("seed %d", seed).isEqualTo(points.size());
            assertThat(op.openWindows()).isZero();
        }
    }

    @Test
    void shouldKeepStateBoundedAndFreeWindowsOnceEmitted() {
        Recorder r = new Recorder();
        WindowOperator op = new WindowOperator(Windows.tumbling(Duration.ofSeconds(1)).aggregate(Aggregators.avg()), r);
        long maxOpen = 0;
        long seq = 0;
        for (long ms = 0; ms < 30_000; ms += 100) { // 30 s of 1,000 series, 10 points per series per second
            for (int k = 0; k < 1000; k++) {
                op.process(Point.of("s" + k, ms, k), seq++, 0);
            }
            maxOpen = Math.max(maxOpen, op.openWindows());
        }
        assertThat(maxOpen).isLessThanOrEqualTo(2000);
        assertThat(op.openWindows()).isEqualTo(1000);
        assertThat(r.emitted).hasSize(29 * 1000);
        op.finish();
        assertThat(op.openWindows()).isZero();
        assertThat(op.keys()).isZero();
        assertThat(op.dormantKeys()).isEqualTo(1000);
        op.onTime(WindowOperator.FORGET_AFTER_MILLIS + 1);
        assertThat(op.dormantKeys()).isZero();
    }

    @Test
    void shouldNeverHoldARecordBeyondTheOldestOpenWindow() {
        Recorder r = new Recorder();
        WindowOperator op = new WindowOperator(Windows.tumbling(Duration.ofSeconds(1)), r);
        op.process(Point.of("a", 100, 1), 0, 0);
        op.process(Point.of("b", 5000, 1), 1, 0);
        op.process(Point.of("a", 200, 1), 2, 0);
        assertThat(op.heldFloor()).isZero();
        op.process(Point.of("a", 1000, 1), 3, 0); // a's first window done
        assertThat(op.heldFloor()).isEqualTo(1);
        op.process(Point.of("b", 6000, 1), 4, 0);
        assertThat(op.heldFloor()).isEqualTo(3);
    }
}
