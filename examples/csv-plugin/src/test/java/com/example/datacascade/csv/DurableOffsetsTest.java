package com.example.datacascade.csv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The sequence-to-offset bookkeeping behind {@code resume=true}. */
class DurableOffsetsTest {
    private final DurableOffsets offsets = new DurableOffsets();

    @Test
    void shouldAdvanceToTheLineOfTheLastAcknowledgedPoint() {
        offsets.restart(100);
        offsets.emitted(7, 110);
        offsets.emitted(8, 120);
        offsets.emitted(9, 130);

        assertThat(offsets.acknowledge(6)).isFalse();
        assertThat(offsets.durable()).isEqualTo(100);
        assertThat(offsets.acknowledge(8)).isTrue();
        assertThat(offsets.durable()).isEqualTo(120);
        assertThat(offsets.pending()).isEqualTo(1);
        assertThat(offsets.acknowledge(1000)).isTrue();
        assertThat(offsets.durable()).isEqualTo(130);
        assertThat(offsets.pending()).isZero();
    }

    @Test
    void shouldCoverSkippedLinesWithThePointBeforeThemOrAtOnce() {
        offsets.restart(0);
        assertThat(offsets.skipped(5)).as("nothing in flight: durable at once").isTrue();
        assertThat(offsets.durable()).isEqualTo(5);

        offsets.emitted(1, 10);
        assertThat(offsets.skipped(15)).isFalse();
        assertThat(offsets.skipped(20)).isFalse();
        assertThat(offsets.durable()).isEqualTo(5);
        offsets.emitted(2, 30);

        offsets.acknowledge(1);
        assertThat(offsets.durable()).as("the point and the lines skipped after it").isEqualTo(20);
    }

    @Test
    void shouldKeepOrderWhileGrowingPastItsInitialCapacity() {
        offsets.restart(0);
        for (int round = 0; round < 3; round++) { // wrap around before growing
            for (long s = round * 100L; s < round * 100L + 100; s++) {
                offsets.emitted(s, s + 1);
            }
            offsets.acknowledge(round * 100L + 99);
        }
        for (long s = 300; s < 5_300; s++) {
            offsets.emitted(s, s + 1);
        }
        for (long s = 300; s < 5_300; s += 7) {
            offsets.acknowledge(s);
            assertThat(offsets.durable()).isEqualTo(s + 1);
        }
        offsets.acknowledge(Long.MAX_VALUE);
        assertThat(offsets.durable()).isEqualTo(5_300);
    }

    @Test
    void shouldForgetWhatIsInFlightOnRestart() {
        offsets.restart(0);
        offsets.emitted(1, 10);
        offsets.restart(0);
        assertThat(offsets.acknowledge(1)).isFalse();
        assertThat(offsets.durable()).isZero();
    }
}
