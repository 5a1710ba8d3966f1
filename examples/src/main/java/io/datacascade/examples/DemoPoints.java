package io.datacascade.examples;

import io.datacascade.core.Point;
import io.datacascade.core.SimulatorSource;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The demo's own stages: what a valid reading is, and the tags every reading gets. Plain static
 * functions, so a user can read the whole pipeline's logic on one page and test it without Kafka.
 */
final class DemoPoints {
    /** Readings outside this range are sensor faults, not data: they go to the dead-letter topic. */
    static final double MAX_ABS_VALUE = 1_000_000;
    /** 2000-01-01T00:00:00Z: older timestamps are a unit mistake (seconds for milliseconds), not data. */
    static final long MIN_TIMESTAMP = 946_684_800_000L;
    private static final Pattern SERIES = Pattern.compile("[A-Za-z0-9_.:/-]{1,200}");

    private DemoPoints() {
    }

    /**
     * Returns {@code p} if it is a reading the demo accepts, or throws with the reason the
     * dead-letter record will carry.
     */
    static Point validate(Point p) {
        if (!SERIES.matcher(p.series()).matches()) {
            throw new IllegalArgumentException("series name must be 1 to 200 of [A-Za-z0-9_.:/-], was '"
                    + abbreviate(p.series()) + "'");
        }
        if (!Double.isFinite(p.value()) || Math.abs(p.value()) > MAX_ABS_VALUE) {
            throw new IllegalArgumentException("value must be finite and within +-" + (long) MAX_ABS_VALUE + ", was " + p.value()
                    + " (series " + p.series() + ")");
        }
        if (p.timestamp() < MIN_TIMESTAMP) {
            throw new IllegalArgumentException("time must be epoch milliseconds after 2000-01-01, was " + p.timestamp()
                    + " (seconds instead of milliseconds?)");
        }
        return p;
    }

    /** Adds the tags a real deployment would look up: the site and a zone derived from the sensor's number. */
    static Point enrich(Point p) {
        String series = p.series();
        int digits = series.length();
        while (digits > 0 && Character.isDigit(series.charAt(digits - 1))) {
            digits--;
        }
        String zone = digits == series.length() ? "unknown"
                : "zone-" + (char) ('a' + Math.floorMod(Long.parseLong(series.substring(digits, Math.min(series.length(), digits + 9))), 4));
        return p.withTag("site", "demo-lab").withTag("zone", zone);
    }

    /**
     * The simulated sensors: a sine per series (10 to 90) plus, every {@code spikeEvery}, a spike of
     * {@code spikeHeight} on the next series in turn, so the demo's rules have something to catch.
     */
    static SimulatorSource simulator(int series, double rate, Duration spikeEvery, Duration spikeLength, double spikeHeight) {
        SimulatorSource.Builder b = SimulatorSource.builder().series(series).ratePerSecond(rate)
                .shape(SimulatorSource.Shape.SINE).seriesPrefix("sensor-");
        if (!spikeEvery.isZero()) {
            b.spikes(spikeEvery, spikeLength, spikeHeight);
        }
        return b.build();
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
}
