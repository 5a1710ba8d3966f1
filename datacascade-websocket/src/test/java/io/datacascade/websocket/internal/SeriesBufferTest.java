package io.datacascade.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The per-series buffer: ring history, frame buckets and min/max downsampling. */
class SeriesBufferTest {

    @Test
    void shouldKeepTheNewestPointsUpToItsCapacity() {
        SeriesBuffer b = new SeriesBuffer("s", 100);
        for (int i = 0; i < 250; i++) {
            b.append(i, i * 2.0);
        }
        SeriesBuffer.Snapshot all = b.snapshot(Long.MIN_VALUE);
        assertThat(all.t()).hasSize(100);
        assertThat(all.t()[0]).isEqualTo(150);
        assertThat(all.t()[99]).isEqualTo(249);
        assertThat(all.v()[99]).isEqualTo(498.0);
        assertThat(all.endIndex()).isEqualTo(250);
        assertThat(all.wrapped()).isTrue();
        assertThat(all.oldest()).isEqualTo(150);
        assertThat(b.snapshot(240).t()).containsExactly(240, 241, 242, 243, 244, 245, 246, 247, 248, 249);
        assertThat(b.stored()).isEqualTo(100);
        assertThat(b.lastTime()).isEqualTo(249);
    }

    @Test
    void shouldHandPendingPointsOverExactlyOnce() {
        SeriesBuffer b = new SeriesBuffer("s", 1000);
        assertThat(b.takePending()).isNull();
        b.append(1, 10);
        b.append(2, 20);
        PendingFrame f = b.takePending();
        assertThat(f.raw()).isTrue();
        assertThat(f.loT()).containsExactly(1, 2);
        assertThat(f.points()).isEqualTo(2);
        assertThat(b.takePending()).isNull();
        b.append(3, 30);
        assertThat(b.takePending().start()).containsExactly(2);
    }

    @Test
    void shouldKeepExactExtremesWhenMorePointsArriveThanBuckets() {
        SeriesBuffer b = new SeriesBuffer("s", 16);
        Random random = new Random(7);
        int n = SeriesBuffer.MAX_BUCKETS * 10 + 123;
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            double v = random.nextGaussian();
            min = Math.min(min, v);
            max = Math.max(max, v);
            b.append(i, v);
        }
        PendingFrame f = b.takePending();
        assertThat(f.raw()).isFalse();
        assertThat(f.points()).isEqualTo(n);
        assertThat(f.buckets()).isLessThanOrEqualTo(SeriesBuffer.MAX_BUCKETS);
        MinMax.Columns c = MinMax.ofFrame(f, 100);
        assertThat(c.size()).isLessThanOrEqualTo(100);
        assertThat(c.downsampled()).isTrue();
        assertThat(c.points()).isEqualTo(n);
        double outMin = Double.MAX_VALUE;
        double outMax = -Double.MAX_VALUE;
        for (int i = 0; i < c.size(); i++) {
            outMin = Math.min(outMin, c.v()[i]);
            outMax = Math.max(outMax, c.v()[i]);
            if (i > 0) {
                assertThat(c.t()[i]).isGreaterThan(c.t()[i - 1]);
            }
        }
        assertThat(outMin).isEqualTo(min);
        assertThat(outMax).isEqualTo(max);
        assertThat(c.t()[c.size() - 1]).as("the newest point is kept").isEqualTo(n - 1);
    }

    @Test
    void shouldGiveBackBucketMemoryAfterABurst() {
        SeriesBuffer b = new SeriesBuffer("s", 16);
        for (int i = 0; i < 100_000; i++) {
            b.append(i, i);
        }
        assertThat(b.takePending().buckets()).as("100,000 points, 32 per bucket after five merges").isEqualTo(3125);
        b.append(100_000, 1);
        PendingFrame quiet = b.takePending();
        assertThat(quiet.buckets()).isEqualTo(1);
        assertThat(quiet.start()).containsExactly(100_000);
        assertThat(b.bucketCapacity()).as("arrays shrunk after the quiet frame").isEqualTo(16);
    }

    @Test
    void shouldKeepMinAndMaxOfEachBucketInTimeOrder() {
        long[] t = new long[12];
        double[] v = {5, 1, 9, 3, /* */ 2, 8, 4, 0, /* */ 6, 6, 7, 6};
        for (int i = 0; i < t.length; i++) {
            t[i] = 100 + i;
        }
        MinMax.Columns c = MinMax.ofPoints(t, v, 7); // 3 groups of 4, plus the newest point
        assertThat(java.util.Arrays.copyOf(c.t(), c.size())).containsExactly(101, 102, 105, 107, 108, 110, 111);
        assertThat(java.util.Arrays.copyOf(c.v(), c.size())).containsExactly(1, 9, 8, 0, 6, 7, 6);
        assertThat(c.points()).isEqualTo(12);
        MinMax.Columns untouched = MinMax.ofPoints(t, v, 12);
        assertThat(untouched.downsampled()).isFalse();
        assertThat(untouched.size()).isEqualTo(12);
        assertThatThrownBy(() -> MinMax.ofPoints(t, v, 2)).hasMessage("maxPoints must be at least 3, was 2");
    }

    /**
     * A writer appends while a reader takes frames, as the pipeline thread and the frame thread
     * do: no point may be lost, duplicated or reordered across frames.
     */
    @RepeatedTest(5)
    void shouldNeitherLoseNorDuplicatePointsBetweenConcurrentWriterAndFrameTaker() throws Exception {
        SeriesBuffer b = new SeriesBuffer("s", 1 << 12);
        int n = 2_000_000;
        AtomicBoolean done = new AtomicBoolean();
        List<PendingFrame> frames = new ArrayList<>();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                PendingFrame f = b.takePending();
                if (f != null) {
                    frames.add(f);
                }
                Thread.onSpinWait();
            }
            PendingFrame f = b.takePending();
            if (f != null) {
                frames.add(f);
            }
        });
        reader.start();
        for (int i = 0; i < n; i++) {
            b.append(i, i);
        }
        done.set(true);
        reader.join();
        long total = 0;
        long expectedStart = 0;
        long lastT = -1;
        for (PendingFrame f : frames) {
            assertThat(f.start()[0]).as("frames continue where the last one ended").isEqualTo(expectedStart);
            total += f.points();
            expectedStart += f.points();
            if (f.raw()) {
                for (int i = 0; i < f.buckets(); i++) {
                    assertThat(f.loT()[i]).isEqualTo(f.start()[i]);
                }
            }
            // values equal times here, so each bucket's min is its first point and its max its last
            assertThat(f.loT()[0]).isGreaterThan(lastT);
            assertThat(f.lastT()).isEqualTo(expectedStart - 1);
            lastT = f.lastT();
        }
        assertThat(total).isEqualTo(n);
        assertThat(frames.size()).as("the reader took several frames").isGreaterThan(1);
    }
}
