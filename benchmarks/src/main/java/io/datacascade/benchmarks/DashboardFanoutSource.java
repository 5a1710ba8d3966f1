package io.datacascade.benchmarks;

import io.datacascade.core.Point;
import io.datacascade.core.Source;
import io.datacascade.core.SourceContext;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link DashboardFanout} load: points for series {@code s0..s(n-1)} in turn, at a total rate
 * the harness can change (or pause) while the pipeline runs.
 *
 * <p>Each point carries when it was ingested, on the wall clock both JVMs of the harness share
 * (epoch microseconds from {@link Instant#now()}): the timestamp in milliseconds, and the value as
 * microseconds since the run's {@code baseMicros}. Values survive min/max downsampling as real
 * samples, so a client can compute every received point's age to the microsecond.
 *
 * <p>Paced like {@code SimulatorSource} (as many points as are due since the rate was set, at most
 * 4,096 per poll, {@link Poll#IDLE} when caught up, so the pipeline parks 1 ms between polls),
 * but timed with {@link System#nanoTime()}, and each paced point is stamped with the time it was
 * <em>due</em>, not when it was built: a source held back by a full ring, or a late poll, shows up
 * as latency instead of being hidden (coordinated omission). Rate 0 = as fast as the pipeline
 * takes points, each stamped when built.
 */
final class DashboardFanoutSource implements Source<Point> {

    private static final int MAX_PER_POLL = 4096;

    /** A setting of the source; a new instance (even with the same rate) restarts the schedule. */
    private record Mode(double rate, boolean paused) {
    }

    private final String[] names;
    private final long baseMicros;
    private final AtomicLong maxBacklog = new AtomicLong();
    private volatile Mode mode;

    // source thread only
    private Mode current;
    private long modeStartNanos;
    private long modeStartMicros;
    private long emittedInMode;
    private long next;

    DashboardFanoutSource(int series, double rate, long baseMicros) {
        this.names = new String[series];
        for (int i = 0; i < series; i++) {
            names[i] = "s" + i;
        }
        this.baseMicros = baseMicros;
        this.mode = new Mode(rate, false);
    }

    /** Epoch microseconds: the clock both JVMs of the harness read. */
    static long wallMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** Points per second from now on; 0 = as fast as the pipeline takes them. */
    void rate(double pointsPerSecond) {
        mode = new Mode(pointsPerSecond, false);
    }

    /** Emits nothing until the next {@link #rate}. */
    void pause() {
        mode = new Mode(0, true);
    }

    /** The most points the source was behind its schedule after a poll since the last call (paced modes). */
    long takeMaxBacklog() {
        return maxBacklog.getAndSet(0);
    }

    @Override
    public Poll poll(SourceContext<Point> context) {
        Mode m = mode;
        if (m != current) {
            current = m;
            modeStartNanos = System.nanoTime();
            modeStartMicros = wallMicros();
            emittedInMode = 0;
        }
        if (m.paused()) {
            return Poll.IDLE;
        }
        if (m.rate() == 0) {
            for (int i = 0; i < MAX_PER_POLL; i++) {
                emit(context, wallMicros());
            }
            return Poll.MORE;
        }
        double perNano = m.rate() / 1e9;
        long due = (long) ((System.nanoTime() - modeStartNanos) * perNano) + 1;
        long target = Math.min(emittedInMode + MAX_PER_POLL, due);
        double microsPerPoint = 1e6 / m.rate();
        while (emittedInMode < target) {
            emit(context, modeStartMicros + (long) (emittedInMode * microsPerPoint));
            emittedInMode++;
        }
        long backlog = due - emittedInMode;
        if (backlog > 0) {
            maxBacklog.accumulateAndGet(backlog, Math::max);
            return Poll.MORE;
        }
        return Poll.IDLE;
    }

    private void emit(SourceContext<Point> context, long micros) {
        String name = names[(int) (next++ % names.length)];
        context.emit(Point.of(name, Math.floorDiv(micros, 1_000L), micros - baseMicros));
    }

    @Override
    public String toString() {
        return "dashboard-fanout-source[series=" + names.length + "]";
    }
}
