package io.datacascade.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datacascade.core.Alert;
import io.datacascade.core.Alert.State;
import io.datacascade.core.DataCascade;
import io.datacascade.core.ErrorPolicy;
import io.datacascade.core.MemorySink;
import io.datacascade.core.MemorySource;
import io.datacascade.core.Pipeline;
import io.datacascade.core.Point;
import io.datacascade.core.window.Aggregators;
import io.datacascade.core.window.Windows;
import io.datacascade.testkit.PipelineTestDriver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The alert state machine under the test driver's virtual clock. */
class AlertRulesTest {
    private static final long T = PipelineTestDriver.DEFAULT_START.toEpochMilli();

    private final MemorySink<Point> out = MemorySink.create();
    private final MemorySink<Alert> alerts = MemorySink.create();

    private PipelineTestDriver<Point> driver(AlertRule... rules) {
        Pipeline<Point> pipeline = DataCascade.pipeline("a").from(MemorySource.<Point>create())
                .alerts(AlertRules.of(rules)).alertsTo(alerts).to(out).build();
        return PipelineTestDriver.create(pipeline);
    }

    /** Pushes one point per second of event time from {@code startSecond}, one per value. */
    private static void values(PipelineTestDriver<Point> d, String series, int startSecond, double... values) {
        for (int i = 0; i < values.length; i++) {
            d.push(Point.of(series, T + (startSecond + i) * 1000L, values[i]));
        }
    }

    private List<State> states() {
        return alerts.records().stream().map(Alert::state).toList();
    }

    private static AlertRule.Builder above90() {
        return AlertRule.builder("cpu-high").series("cpu.*").when(Signal.value().above(90));
    }

    @Test
    void shouldFireOnceAndResolveWhenTheValueCrossesTheThreshold() {
        try (PipelineTestDriver<Point> d = driver(above90().severity("critical").label("team", "ops").build())) {
            values(d, "cpu.a", 0, 50, 95, 97, 99, 60, 70);
            assertThat(states()).containsExactly(State.FIRING, State.RESOLVED);
            Alert firing = alerts.records().get(0);
            assertThat(firing).isEqualTo(new Alert("cpu-high", "cpu.a", State.FIRING, 95, "value > 90", "critical",
                    Map.of("team", "ops"), T + 1000, T + 1000));
            Alert resolved = alerts.records().get(1);
            assertThat(resolved.value()).isEqualTo(60);
            assertThat(resolved.eventTime()).isEqualTo(T + 4000);
            assertThat(resolved.firedAt()).isEqualTo(T + 1000);
            assertThat(out.size()).isEqualTo(6); // points pass through unchanged
        }
    }

    @Test
    void shouldKeepOneAlertPerSeriesAndIgnoreSeriesOutsideThePattern() {
        try (PipelineTestDriver<Point> d = driver(above90().build())) {
            values(d, "cpu.a", 0, 95, 96);
            values(d, "cpu.b", 0, 97, 10);
            values(d, "mem.a", 0, 99, 99);
            assertThat(alerts.records()).extracting(Alert::series, Alert::state).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("cpu.a", State.FIRING),
                    org.assertj.core.groups.Tuple.tuple("cpu.b", State.FIRING),
                    org.assertj.core.groups.Tuple.tuple("cpu.b", State.RESOLVED));
        }
    }

    @Test
    void shouldGoPendingThenFiringOnceTheConditionHeldForTheForDuration() {
        try (PipelineTestDriver<Point> d = driver(above90().forDuration(Duration.ofSeconds(3)).build())) {
            values(d, "cpu.a", 0, 95, 95, 95);
            assertThat(states()).containsExactly(State.PENDING);
            values(d, "cpu.a", 3, 95);
            assertThat(states()).containsExactly(State.PENDING, State.FIRING);
            assertThat(alerts.records().get(1).firedAt()).isEqualTo(T + 3000);
            values(d, "cpu.a", 4, 95, 10);
            assertThat(states()).containsExactly(State.PENDING, State.FIRING, State.RESOLVED);
        }
    }

    @Test
    void shouldResolveAPendingAlertThatNeverFiredWithFiredAtZero() {
        try (PipelineTestDriver<Point> d = driver(above90().forDuration(Duration.ofSeconds(10)).build())) {
            values(d, "cpu.a", 0, 95, 95, 20);
            assertThat(states()).containsExactly(State.PENDING, State.RESOLVED);
            assertThat(alerts.records().get(1).firedAt()).isZero();
        }
    }

    @Test
    void shouldDampFlappingWithTheForDuration() {
        try (PipelineTestDriver<Point> d = driver(above90().forDuration(Duration.ofSeconds(2)).build())) {
            values(d, "cpu.a", 0, 95, 85, 95, 85, 95, 85, 95, 85);
            assertThat(states()).doesNotContain(State.FIRING);
        }
    }

    @Test
    void shouldDampFlappingWithHysteresis() {
        AlertRule rule = AlertRule.builder("cpu-high").when(Signal.value().above(90).resolveAt(80)).build();
        try (PipelineTestDriver<Point> d = driver(rule)) {
            values(d, "cpu.a", 0, 91, 89, 92, 88, 93, 81);
            assertThat(states()).containsExactly(State.FIRING);
            assertThat(alerts.records().get(0).condition()).isEqualTo("value > 90 (resolves <= 80)");
            values(d, "cpu.a", 6, 80);
            assertThat(states()).containsExactly(State.FIRING, State.RESOLVED);
        }
    }

    @Test
    void shouldNeedTheFiringLevelThroughoutTheForDurationEvenWithHysteresis() {
        AlertRule rule = AlertRule.builder("cpu-high").when(Signal.value().above(90).resolveAt(80))
                .forDuration(Duration.ofSeconds(30)).build();
        try (PipelineTestDriver<Point> d = driver(rule)) {
            values(d, "cpu.a", 0, 91);
            for (int s = 5; s <= 40; s += 5) {
                values(d, "cpu.a", s, 85); // between the levels: not enough to become firing
            }
            assertThat(states()).containsExactly(State.PENDING, State.RESOLVED);
        }
    }

    @Test
    void shouldReportAConditionWhoseEvaluatorCantBeMadeAndKeepTheOtherRules() {
        AlertCondition broken = new AlertCondition() {
            @Override
            public String describe() {
                return "broken";
            }

            @Override
            public Evaluator evaluator(String series) {
                throw new IllegalStateException("no evaluator for " + series);
            }
        };
        Pipeline<Point> pipeline = DataCascade.pipeline("e").from(MemorySource.<Point>create())
                .alerts(AlertRules.of(AlertRule.builder("broken").when(broken).build(), above90().build()))
                .onError(ErrorPolicy.skip()).alertsTo(alerts).to(out).build();
        try (PipelineTestDriver<Point> d = PipelineTestDriver.create(pipeline)) {
            values(d, "cpu.a", 0, 95, 96, 10);
            assertThat(states()).containsExactly(State.FIRING, State.RESOLVED);
            assertThat(out.size()).isEqualTo(3);
            assertThat(d.metrics().stages().get(0).errors()).as("reported once, on the series' first point").isEqualTo(1);
        }
    }

    @Test
    void shouldLeaveOutOfOrderPointsOutOfRangeSignals() {
        AlertRule low = AlertRule.builder("min-low").when(Signal.aggregate("min", Duration.ofSeconds(10)).below(3)).build();
        try (PipelineTestDriver<Point> d = driver(low)) {
            d.push(Point.of("s", T + 100_000, 5));
            d.push(Point.of("s", T + 95_000, 1)); // older than the newest: not in the range
            d.push(Point.of("s", T + 106_000, 9));
            assertThat(alerts.records()).isEmpty();
        }
    }

    @Test
    void shouldKeepFiringForTheGivenTimeAfterTheConditionCleared() {
        try (PipelineTestDriver<Point> d = driver(above90().keepFiringFor(Duration.ofSeconds(3)).build())) {
            values(d, "cpu.a", 0, 95, 10, 10, 95, 10, 10);
            assertThat(states()).containsExactly(State.FIRING); // cleared for at most 2 s each time
            values(d, "cpu.a", 6, 10);
            assertThat(states()).containsExactly(State.FIRING, State.RESOLVED);
            assertThat(alerts.records().get(1).eventTime()).isEqualTo(T + 6000);
        }
    }

    @Test
    void shouldRepeatAStillFiringAlertEveryRepeatInterval() {
        try (PipelineTestDriver<Point> d = driver(above90().repeatInterval(Duration.ofSeconds(5)).build())) {
            values(d, "cpu.a", 0, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95);
            assertThat(alerts.records()).extracting(Alert::state, Alert::eventTime, Alert::firedAt).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(State.FIRING, T, T),
                    org.assertj.core.groups.Tuple.tuple(State.FIRING, T + 5000, T),
                    org.assertj.core.groups.Tuple.tuple(State.FIRING, T + 10_000, T));
        }
    }

    @Test
    void shouldFireAbsenceWhenASeriesGoesQuietAndResolveWhenItReturns() {
        AlertRule quiet = AlertRule.builder("quiet").series("sensor.*").absentFor(Duration.ofSeconds(30)).build();
        try (PipelineTestDriver<Point> d = driver(quiet)) {
            d.push(Point.of("sensor.a", d.currentTimeMillis(), 1));
            d.advanceTime(Duration.ofSeconds(10));
            d.push(Point.of("sensor.b", d.currentTimeMillis(), 1));
            d.advanceTime(Duration.ofSeconds(19));
            assertThat(alerts.records()).isEmpty();
            d.advanceTime(Duration.ofSeconds(1));
            assertThat(alerts.records()).extracting(Alert::series, Alert::state)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("sensor.a", State.FIRING));
            assertThat(alerts.records().get(0).condition()).isEqualTo("no data for 30s");
            assertThat(alerts.records().get(0).value()).isNaN();
            d.advanceTime(Duration.ofSeconds(10));
            assertThat(alerts.size()).isEqualTo(2); // sensor.b too, and nothing repeated
            d.push(Point.of("sensor.a", d.currentTimeMillis(), 7));
            assertThat(alerts.records().get(2)).extracting(Alert::series, Alert::state, Alert::value)
                    .containsExactly("sensor.a", State.RESOLVED, 7.0);
        }
    }

    @Test
    void shouldFireAbsenceForANamedSeriesThatNeverSent() {
        AlertRule quiet = AlertRule.builder("quiet").series("sensor.x").absentFor(Duration.ofMinutes(1)).build();
        try (PipelineTestDriver<Point> d = driver(quiet)) {
            d.advanceTime(Duration.ofSeconds(59));
            assertThat(alerts.records()).isEmpty();
            d.advanceTime(Duration.ofSeconds(1));
            assertThat(alerts.records()).extracting(Alert::series).containsExactly("sensor.x");
        }
    }

    @Test
    void shouldAlertOnAWindowedAverageAndNotOnASingleSpike() {
        AlertRule avg = AlertRule.builder("avg-high").when(Signal.aggregate("avg", Duration.ofSeconds(5)).above(80)).build();
        try (PipelineTestDriver<Point> d = driver(avg)) {
            values(d, "cpu.a", 0, 50, 50, 50, 120, 50, 50, 50, 50, 50); // one spike: avg over 5 s peaks at 67.5
            assertThat(alerts.records()).isEmpty();
            values(d, "cpu.a", 9, 90, 90, 90, 90);
            assertThat(alerts.records()).extracting(Alert::state, Alert::eventTime)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(State.FIRING, T + 12_000));
            assertThat(alerts.records().get(0).value()).isEqualTo(82); // (50 + 4 * 90) / 5
            assertThat(alerts.records().get(0).condition()).isEqualTo("avg(5s) > 80");
        }
    }

    @Test
    void shouldEvaluateSeveralRangeRulesOverOneSharedRangePerLength() {
        AlertRule avg60 = AlertRule.builder("avg60").when(Signal.aggregate("avg", Duration.ofSeconds(5)).above(60)).build();
        AlertRule avg80 = AlertRule.builder("avg80").when(Signal.aggregate("avg", Duration.ofSeconds(5)).above(80)).build();
        AlertRule max = AlertRule.builder("max100").when(Signal.aggregate("max", Duration.ofSeconds(5)).above(100)).build();
        AlertRule min = AlertRule.builder("min20").when(Signal.aggregate("min", Duration.ofSeconds(10)).below(20)).build();
        try (PipelineTestDriver<Point> d = driver(avg60, avg80, max, min)) {
            values(d, "s", 0, 50, 50, 50, 50, 50);   // avg 50, max 50, min 50
            assertThat(alerts.records()).isEmpty();
            values(d, "s", 5, 110);                  // window 1..5: avg 62, max 110
            assertThat(alerts.records()).extracting(Alert::rule).containsExactly("avg60", "max100");
            values(d, "s", 6, 110, 110);             // window 3..7: avg 86
            assertThat(alerts.records()).extracting(Alert::rule).containsExactly("avg60", "max100", "avg80");
            values(d, "s", 8, 10);                   // 10 s range: min 10; 5 s range 4..8: avg 78
            assertThat(alerts.records()).extracting(Alert::rule, Alert::state).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("avg60", State.FIRING),
                    org.assertj.core.groups.Tuple.tuple("max100", State.FIRING),
                    org.assertj.core.groups.Tuple.tuple("avg80", State.FIRING),
                    org.assertj.core.groups.Tuple.tuple("avg80", State.RESOLVED),
                    org.assertj.core.groups.Tuple.tuple("min20", State.FIRING));
        }
    }

    @Test
    void shouldAlertOnTheRateOfChange() {
        AlertRule rising = AlertRule.builder("rising").when(Signal.rate(Duration.ofSeconds(3)).above(5)).build();
        try (PipelineTestDriver<Point> d = driver(rising)) {
            values(d, "temp", 0, 20, 21, 22, 23, 30, 40, 41, 41, 41, 41);
            assertThat(alerts.records()).extracting(Alert::state, Alert::eventTime).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(State.FIRING, T + 5000),
                    org.assertj.core.groups.Tuple.tuple(State.RESOLVED, T + 7000));
            assertThat(alerts.records().get(0).value()).isCloseTo(17.0 / 2, org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void shouldAlertOnWindowResultsWhenPlacedAfterAWindowStage() {
        AlertRule rule = AlertRule.builder("avg-high").series("*.avg").when(Signal.value().above(80)).build();
        Pipeline<Point> pipeline = DataCascade.pipeline("wa").from(MemorySource.<Point>create())
                .window(Windows.tumbling(Duration.ofSeconds(1)).aggregate(Aggregators.avg()))
                .alerts(AlertRules.of(rule)).alertsTo(alerts).to(out).build();
        try (PipelineTestDriver<Point> d = PipelineTestDriver.create(pipeline)) {
            for (int ms = 0; ms < 5000; ms += 100) {
                double v = ms >= 2000 && ms < 3000 ? 100 : 10;
                d.push(Point.of("cpu", T + ms, v));
            }
            assertThat(alerts.records()).extracting(Alert::series, Alert::state, Alert::eventTime).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("cpu.avg", State.FIRING, T + 2000),
                    org.assertj.core.groups.Tuple.tuple("cpu.avg", State.RESOLVED, T + 3000));
        }
    }

    @Test
    void shouldCountAFailingConditionAsAStageErrorWhileOtherRulesAndThePointGoOn() {
        AlertRule broken = AlertRule.builder("broken").when(AlertCondition.of("throws", (p, active) -> {
            throw new IllegalStateException("boom");
        })).build();
        Pipeline<Point> pipeline = DataCascade.pipeline("e").from(MemorySource.<Point>create())
                .alerts(AlertRules.of(broken, above90().build())).onError(ErrorPolicy.skip())
                .alertsTo(alerts).to(out).build();
        try (PipelineTestDriver<Point> d = PipelineTestDriver.create(pipeline)) {
            values(d, "cpu.a", 0, 95);
            assertThat(states()).containsExactly(State.FIRING);
            assertThat(out.size()).isEqualTo(1);
            assertThat(d.metrics().stages().get(0).errors()).isEqualTo(1);
        }
    }

    @Test
    void shouldRejectInvalidRulesNamingTheRuleAndTheSetting() {
        assertThatThrownBy(() -> AlertRule.builder("r").build())
                .hasMessage("rule 'r' needs a condition: call when(...) or absentFor(...)");
        assertThatThrownBy(() -> AlertRule.builder("r").absentFor(Duration.ofMinutes(1))
                .forDuration(Duration.ofSeconds(5)).build()).hasMessageContaining("absence rules take no forDuration");
        assertThatThrownBy(() -> Signal.value().above(90).resolveAt(95))
                .hasMessage("resolve level must be at or below the firing level 90.0, was 95.0");
        assertThatThrownBy(() -> Signal.aggregate("median", Duration.ofMinutes(1)))
                .hasMessage("aggregate must be one of avg, min, max, sum, count, was 'median'");
        assertThatThrownBy(() -> AlertRule.builder("r").forDuration(Duration.ofSeconds(-1)))
                .hasMessage("rule 'r': forDuration must not be negative, was PT-1S");
        assertThatThrownBy(() -> AlertRules.of(above90().build(), above90().build()))
                .hasMessage("two rules are named 'cpu-high': names must be unique");
        assertThatThrownBy(() -> DataCascade.pipeline("x").from(MemorySource.<Point>create()).alertsTo(alerts).to(out).build())
                .hasMessageContaining("alertsTo(...) was called but there is no alerts(rules) stage");
    }

    @Test
    void shouldLogAlertsWhenNoAlertSinkIsGiven() {
        Pipeline<Point> pipeline = DataCascade.pipeline("log").from(MemorySource.<Point>create())
                .alerts(AlertRules.of(above90().build())).to(out).build();
        try (PipelineTestDriver<Point> d = PipelineTestDriver.create(pipeline)) {
            values(d, "cpu.a", 0, 95, 10);
            assertThat(out.size()).isEqualTo(2);
            assertThat(d.durableSequence()).isEqualTo(1);
        }
    }
}
