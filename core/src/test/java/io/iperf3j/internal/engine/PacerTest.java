package io.iperf3j.internal.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PacerTest {
    @Test
    void firstDatagramGoesAtOnceThenOnePerInterval() {
        // 8 Mbit/s, 1000-byte datagrams: one per millisecond; no pacing grid.
        Pacer p = new Pacer(8_000_000, 0);
        p.start(1_000_000_000L);
        assertThat(p.checkDue()).isTrue();
        assertThat(p.waitNanos(0, 1_000_000_000L)).isZero();
        assertThat(p.waitNanos(1000, 1_000_000_000L)).isEqualTo(1_000_000);
        assertThat(p.waitNanos(1000, 1_000_400_000L)).isEqualTo(600_000);
        assertThat(p.waitNanos(1000, 1_001_000_000L)).isZero();
    }

    @Test
    void aLateWakeUpFindsSeveralDatagramsDueSoTheAverageHolds() {
        Pacer p = new Pacer(8_000_000, 0);
        long start = 0;
        p.start(start);
        long now = 5_300_000; // woke 5.3 ms after the start having sent one datagram
        long sent = 1000;
        int burst = 0;
        while (p.waitNanos(sent, now) <= 0) {
            sent += 1000;
            burst++;
        }
        assertThat(burst).isEqualTo(5); // datagrams due at 1, 2, 3, 4 and 5 ms
    }

    @Test
    void eachDatagramIsDueAtItsOwnTimeNotOnATimerTick() {
        // One 1000-byte datagram per 1.5 ms: 3.12 would wait for its 1 ms timer (2 ms), 3.18+ sleeps to 1.5 ms.
        Pacer p = new Pacer(8_000_000 * 2 / 3, 0);
        p.start(0);
        assertThat(p.waitNanos(1000, 0)).isEqualTo(1_500_000);
        assertThat(p.waitNanos(2000, 1_500_000)).isEqualTo(1_500_000);
        assertThat(p.waitNanos(2000, 2_900_000)).isEqualTo(100_000);
    }

    @Test
    void burstChecksOnlyEveryNDatagrams() {
        Pacer p = new Pacer(1_000_000, 4);
        p.start(0);
        int checks = 0;
        for (int i = 0; i < 12; i++) {
            if (p.checkDue()) {
                checks++;
            }
        }
        assertThat(checks).isEqualTo(3);
        Pacer none = new Pacer(1_000_000, 0);
        assertThat(none.checkDue()).isTrue();
        assertThat(none.checkDue()).isTrue();
    }

    @Test
    void rateMustBePositive() {
        assertThatThrownBy(() -> new Pacer(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void awaitTurnLetsTheFirstBlockGoAtOnce() {
        Pacer p = new Pacer(8_000_000, 0);
        p.start(System.nanoTime());
        assertThat(p.awaitTurn(0, () -> {
            throw new AssertionError("a block that is due must not consult stop");
        })).isTrue();
    }

    @Test
    void awaitTurnSleepsUntilTheBlockIsDue() {
        // 80 Mbit/s: 100 000 bytes are due 10 ms after the start.
        Pacer p = new Pacer(80_000_000, 0);
        long start = System.nanoTime();
        p.start(start);
        assertThat(p.awaitTurn(100_000, () -> false)).isTrue();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(10_000_000);
    }

    @Test
    void awaitTurnGivesUpWhenStoppedWhileAhead() {
        // 8 bit/s: 1000 bytes are due 1000 s from now; a stop request ends the wait.
        Pacer p = new Pacer(8, 0);
        p.start(System.nanoTime());
        assertThat(p.awaitTurn(1000, () -> true)).isFalse();
    }

    @Test
    void awaitTurnDoesNotWaitInsideABurst() {
        Pacer p = new Pacer(8, 3);
        p.start(System.nanoTime());
        assertThat(p.awaitTurn(1000, () -> true)).isTrue();  // 1st of the burst: no check
        assertThat(p.awaitTurn(2000, () -> true)).isTrue();  // 2nd: no check
        assertThat(p.awaitTurn(3000, () -> true)).isFalse(); // 3rd: checked, far ahead, stopped
    }

    @Test
    void aTcpBlockDueWithinThePacingTimerGoesAtOnce() {
        // 80 Mbit/s: 10 000 bytes are due 1 ms after the start, 20 000 bytes 2 ms after.
        Pacer p = new Pacer(80_000_000, 0, null, 1000);
        long start = System.nanoTime();
        p.start(start);
        assertThat(p.waitNanos(10_000, start)).isEqualTo(1_000_000);
        assertThat(p.awaitTurn(10_000, () -> {
            throw new AssertionError("a block within the timer must not wait");
        })).isTrue();
        // 2 ms ahead: it sleeps until it is within 1 ms of its time, not before.
        assertThat(p.awaitTurn(20_000, () -> false)).isTrue();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(1_000_000);
    }

    @Test
    void aZeroPacingTimerWaitsForEachBlocksOwnTime() {
        Pacer p = new Pacer(80_000_000, 0, null, 0);
        long start = System.nanoTime();
        p.start(start);
        assertThat(p.awaitTurn(10_000, () -> false)).isTrue();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(1_000_000);
    }

    @Test
    void aPeersHugePacingTimerIsCappedSoItCannotBuyALongBurst() {
        // 8 Mbit/s: 1 MB is due 1 s after the start; a 1 000 s timer is capped at 10 ms.
        Pacer p = new Pacer(8_000_000, 0, null, 1_000_000_000L);
        p.start(System.nanoTime());
        assertThat(p.awaitTurn(1_000_000, () -> true)).isFalse();
        assertThat(p.awaitTurn(10_000, () -> {
            throw new AssertionError("due within 10 ms: goes at once");
        })).isTrue();
    }

    @Test
    void aNegativePacingTimerIsRefused() {
        assertThatThrownBy(() -> new Pacer(8_000_000, 0, null, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMillisecondsWorthIsAtLeastOneUnit() {
        assertThat(new Pacer(1_000_000_000, 0).perMillisecond(1000)).isEqualTo(125); // 1 Gbit/s, 1000-byte datagrams
        assertThat(new Pacer(200_000_000, 0).perMillisecond(1400)).isEqualTo(17);
        assertThat(new Pacer(1_000_000, 0).perMillisecond(1460)).isEqualTo(1);    // one datagram per 11.7 ms
    }
}
