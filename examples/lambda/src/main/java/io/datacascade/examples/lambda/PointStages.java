package io.datacascade.examples.lambda;

import io.datacascade.core.Point;
import io.datacascade.kafka.PointJsonCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The handler's stages, as plain functions the pipeline calls: parse an MSK record into a point,
 * validate it, and tag it with where it came from. Each throws with a reason on a bad record; the
 * pipeline's dead-letter policy turns that into a dead letter.
 */
final class PointStages {
    /** Stage names, as dead letters and metrics show them. */
    static final String PARSE = "parse";
    static final String VALIDATE = "validate";
    static final String ENRICH = "enrich";
    static final String ALERTS = "alerts";

    /** Tag naming where a point came from; added unless the producer set it. */
    static final String SOURCE_TAG = "source";
    static final String SOURCE_VALUE = "msk";
    /** Tag naming the Kafka topic of a point; added by {@link #parse} unless the producer set it. */
    static final String TOPIC_TAG = "topic";

    /** 2000-01-01T00:00:00Z: an earlier time is most likely seconds sent as milliseconds. */
    static final long EARLIEST = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
    /** How far ahead of the clock a point may be (clock skew between producers and Lambda). */
    static final Duration MAX_AHEAD = Duration.ofDays(1);

    private final PointJsonCodec codec;
    private final LongSupplier clock;

    PointStages(PointJsonCodec codec, LongSupplier clock) {
        this.codec = Objects.requireNonNull(codec, "codec can't be null");
        this.clock = Objects.requireNonNull(clock, "clock can't be null");
    }

    /**
     * Decodes the record's base64 key, value and headers into a Kafka {@code ConsumerRecord} and
     * reads the point with {@link PointJsonCodec} (both JSON forms), tagged with its topic.
     *
     * @throws IllegalArgumentException if the record is not valid base64 or not a valid point
     */
    Point parse(MskRecord record) {
        Point point = codec.decode(record.toConsumerRecord());
        return point.tags().containsKey(TOPIC_TAG) ? point : point.withTag(TOPIC_TAG, record.position().topic());
    }

    /**
     * Returns {@code point} if it can be stored and alerted on: a finite value, a non-blank series,
     * and a time between {@link #EARLIEST} and {@link #MAX_AHEAD} past the clock.
     *
     * @throws InvalidPointException naming what is wrong
     */
    Point validate(Point point) {
        if (!Double.isFinite(point.value())) {
            throw new InvalidPointException("value of series '" + point.series() + "' at " + point.timestamp() + " is "
                    + point.value() + ": not a finite number");
        }
        if (point.series().isBlank()) {
            throw new InvalidPointException("series name is blank");
        }
        if (point.timestamp() < EARLIEST) {
            throw new InvalidPointException("time " + point.timestamp() + " (" + Instant.ofEpochMilli(point.timestamp())
                    + ") of series '" + point.series() + "' is before " + Instant.ofEpochMilli(EARLIEST)
                    + ": seconds instead of milliseconds?");
        }
        long latest = clock.getAsLong() + MAX_AHEAD.toMillis();
        if (point.timestamp() > latest) {
            throw new InvalidPointException("time " + point.timestamp() + " (" + Instant.ofEpochMilli(point.timestamp())
                    + ") of series '" + point.series() + "' is more than " + MAX_AHEAD.toHours() + " h ahead of the clock");
        }
        return point;
    }

    /** Adds {@code source=msk} unless the producer set a {@code source} tag. */
    Point enrich(Point point) {
        return point.tags().containsKey(SOURCE_TAG) ? point : point.withTag(SOURCE_TAG, SOURCE_VALUE);
    }

    /**
     * Why {@link #validate} refused a point. No stack trace: it describes bad data, not a code
     * path, and a batch full of bad records must stay cheap.
     */
    static final class InvalidPointException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidPointException(String message) {
            super(message);
        }

        @Override
        public Throwable fillInStackTrace() {
            return this;
        }
    }
}
