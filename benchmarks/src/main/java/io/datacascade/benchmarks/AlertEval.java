package io.datacascade.benchmarks;

import io.datacascade.core.Alert;
import io.datacascade.core.Point;
import io.datacascade.core.alert.AlertRule;
import io.datacascade.core.alert.AlertRules;
import io.datacascade.core.alert.Signal;
import io.datacascade.core.alert.Threshold;
import io.datacascade.core.internal.alert.AlertEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Nanoseconds per event per rule through {@link AlertEngine#process} over {@value #SERIES}
 * series, for three kinds of condition ({@link #signal}):
 *
 * <ul>
 *   <li>{@code value}: {@code Signal.value().above(90)}, a threshold on each point (stateless);</li>
 *   <li>{@code avg}: {@code Signal.aggregate("avg", Duration.ofMinutes(1)).above(60)}, a threshold
 *       on the trailing 1-minute mean (a {@code RangeStats} ring per series and rule);</li>
 *   <li>{@code rate}: {@code Signal.rate(Duration.ofSeconds(30)).above(1)}, change per second over
 *       the trailing 30 s (same per-series ring).</li>
 * </ul>
 *
 * <p>{@code oneRule} evaluates one rule of that kind; {@code tenRules} ten rules of the same kind
 * whose levels are spread (value 90, 90.5 … 94.5; avg 58, 58.5 … 62.5; rate 1.0, 1.05 … 1.45), so
 * every rule keeps its own state and every one crosses. Both report nanoseconds per event per
 * rule ({@code @OperationsPerInvocation} is events × rules), so equal scores mean the cost grows
 * linearly with the rules.
 *
 * <p>Input, built once per trial: {@value #EVENTS} points, {@value #ROUNDS} rounds of one point per
 * series in series order, rounds 1 s apart (every series at 1 Hz: 1,000 s of event time, the
 * 1-minute range holds 60 points per series). Values: {@code 50 + 5·N(0,1)}, except during a
 * "hot" spell of 20 rounds out of every 200 per series (phase shifted per series), where they are
 * {@code 100 + 2·N(0,1)}: mostly below every threshold, each rule crossing about once per spell
 * (5,000 spells per pass, some flapping near the levels), so the
 * pending/firing/resolved state machine runs and alerts are allocated and sent (to a
 * {@link Blackhole}); {@code @Setup} prints how many alerts a pass raises.
 *
 * <p>Each invocation builds a new engine (the per-series state is created on each series' first
 * point, inside the timing, amortised over the 1,000,000 points) and runs every point through it;
 * the first minute of event time (6 % of a pass) fills the ranges rather than sliding them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class AlertEval {
    /** Series. */
    public static final int SERIES = 1_000;
    /** Points per series per invocation, one a second. */
    public static final int ROUNDS = 1_000;
    /** Points per invocation. */
    public static final int EVENTS = SERIES * ROUNDS;
    /** Rules of the {@code tenRules} benchmark. */
    public static final int TEN = 10;
    private static final long BASE_MILLIS = 1_600_000_000_000L;
    private static final int HOT_PERIOD = 200;
    private static final int HOT_ROUNDS = 20;

    /** The condition kind: {@code value}, {@code avg} or {@code rate}. */
    @Param({"value", "avg", "rate"})
    public String signal;

    Point[] points;
    AlertRules oneRule;
    AlertRules tenRules;

    /** Builds the points and the rules; prints the alerts a pass raises. */
    @Setup(Level.Trial)
    public void setUp() {
        points = points();
        oneRule = rules(1);
        tenRules = rules(TEN);
        for (AlertRules rules : List.of(oneRule, tenRules)) {
            long[] byState = new long[Alert.State.values().length];
            AlertEngine engine = new AlertEngine(rules, new AlertEngine.Output() {
                @Override
                public void alert(Alert alert) {
                    byState[alert.state().ordinal()]++;
                }

                @Override
                public void failed(AlertRule rule, Point point, RuntimeException error) {
                    throw new IllegalStateException(error);
                }
            });
            for (Point p : points) {
                engine.process(p, BASE_MILLIS);
            }
            StringBuilder sb = new StringBuilder();
            for (Alert.State s : Alert.State.values()) {
                sb.append(' ').append(s.name().toLowerCase(Locale.ROOT)).append('=').append(byState[s.ordinal()]);
            }
            System.out.printf(Locale.ROOT, "%nalert-eval signal=%s rules=%d alerts per pass of %d events:%s%n",
                    signal, rules.size(), EVENTS, sb);
        }
    }

    private static Point[] points() {
        String[] series = new String[SERIES];
        for (int s = 0; s < SERIES; s++) {
            series[s] = String.format("a%03d", s);
        }
        SplittableRandom random = new SplittableRandom(42);
        Point[] out = new Point[EVENTS];
        for (int r = 0; r < ROUNDS; r++) {
            long time = BASE_MILLIS + r * 1000L;
            for (int s = 0; s < SERIES; s++) {
                boolean hot = (r + s * 37) % HOT_PERIOD < HOT_ROUNDS;
                double value = hot ? 100 + 2 * random.nextGaussian() : 50 + 5 * random.nextGaussian();
                out[r * SERIES + s] = Point.of(series[s], time, value);
            }
        }
        return out;
    }

    private AlertRules rules(int count) {
        List<AlertRule> list = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            Threshold condition = switch (signal) {
                case "value" -> Signal.value().above(90 + 0.5 * k);
                case "avg" -> Signal.aggregate("avg", Duration.ofMinutes(1)).above(58 + 0.5 * k);
                case "rate" -> Signal.rate(Duration.ofSeconds(30)).above(1.0 + 0.05 * k);
                default -> throw new IllegalArgumentException("signal must be value, avg or rate, was " + signal);
            };
            list.add(AlertRule.builder(signal + "-" + k).when(condition).build());
        }
        return AlertRules.of(list);
    }

    /** Sends alerts to a blackhole and counts them. */
    static final class BlackholeOutput implements AlertEngine.Output {
        private final Blackhole bh;
        long alerts;

        BlackholeOutput(Blackhole bh) {
            this.bh = bh;
        }

        @Override
        public void alert(Alert alert) {
            alerts++;
            bh.consume(alert);
        }

        @Override
        public void failed(AlertRule rule, Point point, RuntimeException error) {
            throw new IllegalStateException("rule '" + rule.name() + "' failed on " + point + ": " + error, error);
        }
    }

    private long run(AlertRules rules, Blackhole bh) {
        BlackholeOutput out = new BlackholeOutput(bh);
        AlertEngine engine = new AlertEngine(rules, out);
        Point[] in = points;
        for (int i = 0; i < in.length; i++) {
            engine.process(in[i], BASE_MILLIS);
        }
        if (out.alerts == 0) {
            throw new IllegalStateException("no alert in a whole pass: the state machine did not run");
        }
        return out.alerts;
    }

    /** One rule: ns per event. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long oneRule(Blackhole bh) {
        return run(oneRule, bh);
    }

    /** Ten rules of the same kind: ns per event per rule. */
    @Benchmark
    @OperationsPerInvocation(EVENTS * TEN)
    public long tenRules(Blackhole bh) {
        return run(tenRules, bh);
    }
}
