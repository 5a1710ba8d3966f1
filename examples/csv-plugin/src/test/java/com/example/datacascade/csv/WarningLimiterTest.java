package com.example.datacascade.csv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A garbage file can't flood the log. */
class WarningLimiterTest {

    @Test
    void shouldLogTheFirstTenThenOneEveryTenSecondsWithTheSuppressedCount() {
        WarningLimiter limiter = new WarningLimiter();
        long now = -123_456_789; // nanoTime may be negative
        for (int i = 0; i < WarningLimiter.FREE; i++) {
            assertThat(limiter.tryLog(now)).isTrue();
        }
        assertThat(limiter.limitStartsNow()).isTrue();
        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.tryLog(now + i)).isFalse();
        }
        assertThat(limiter.tryLog(now + WarningLimiter.INTERVAL_NANOS - 1)).isFalse();
        assertThat(limiter.tryLog(now + WarningLimiter.INTERVAL_NANOS)).isTrue();
        assertThat(limiter.limitStartsNow()).isFalse();
        assertThat(limiter.takeSuppressed()).isEqualTo(1001);
        assertThat(limiter.takeSuppressed()).isZero();
        assertThat(limiter.tryLog(now + WarningLimiter.INTERVAL_NANOS + 1)).isFalse();
    }
}
