package io.datacascade.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The acknowledgement cap's bookkeeping, step by step; the threaded stress test hunts the interleavings. */
class DurableCapTest {

    @Test
    void shouldCountABatchsCapOnlyOnceItIsConfirmed() {
        DurableCap cap = new DurableCap();
        cap.sealing(9, 5);              // records 5.. held: cap 4
        cap.delivered(9, 5);
        assertThat(cap.durable(Long.MAX_VALUE)).isEqualTo(-1);
        cap.refresh(9);
        assertThat(cap.durable(9)).isEqualTo(4);
    }

    @Test
    void shouldNotLetATickWithoutOutputRaiseTheCapPastUnconfirmedTickOutput() {
        DurableCap cap = new DurableCap();
        cap.sealing(10, 0);                                    // window from record 0 open: cap -1
        cap.refresh(10);
        cap.tickDone(10, Long.MAX_VALUE, true, false, 10);     // the tick emitted the window: output unconfirmed
        assertThat(cap.durable(10)).isEqualTo(-1);
        cap.sealing(20, 15);                                   // later batches, a new window from 15
        cap.sealing(30, 25);
        cap.tickDone(30, 25, false, false, 10);                // a quiet tick much later: nothing may follow from it
        cap.refresh(20);                                       // batch 20 confirmed: the tick output before it too
        assertThat(cap.durable(20)).isEqualTo(14);
        assertThat(cap.durable(Long.MAX_VALUE)).as("not 24: batch 30 is unconfirmed").isEqualTo(14);
        cap.refresh(30);
        assertThat(cap.durable(30)).isEqualTo(24);
    }

    @Test
    void shouldCountTickOutputAfterAFlushWhileIdle() {
        DurableCap cap = new DurableCap();
        cap.sealing(10, 0);
        cap.refresh(10);
        cap.tickDone(10, Long.MAX_VALUE, true, false, 10);
        assertThat(cap.awaitsTickConfirmation()).isTrue();
        cap.tickOutputFlushed();
        assertThat(cap.awaitsTickConfirmation()).isFalse();
        assertThat(cap.durable(10)).isEqualTo(10);
    }

    @Test
    void shouldKeepOnlyConfirmedBatchesAfterADeliveryFailed() {
        DurableCap cap = new DurableCap();
        cap.sealing(9, 0);
        cap.delivered(9, 0);
        cap.sealing(10, Long.MAX_VALUE);       // the batch carrying the window's result...
        cap.deliveryFailed();                  // ...failed
        cap.flushConfirmed(10);
        assertThat(cap.durable(9)).isEqualTo(-1);
    }
}
