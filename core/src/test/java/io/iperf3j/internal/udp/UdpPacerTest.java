package io.iperf3j.internal.udp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UdpPacerTest {
    @Test
    void firstDatagramGoesAtOnceThenOnePerInterval() {
        // 8 Mbit/s, 1000-byte datagrams: one per millisecond; no pacing grid.
        UdpPacer p = new UdpPacer(8_000_000, 0, 0);
        p.start(1_000_000_000L);
        assertThat(p.checkDue()).isTrue();
        assertThat(p.waitNanos(0, 1_000_000_000L)).isZero();
        assertThat(p.waitNanos(1000, 1_000_000_000L)).isEqualTo(1_000_000);
        assertThat(p.waitNanos(1000, 1_000_400_000L)).isEqualTo(600_000);
        assertThat(p.waitNanos(1000, 1_001_000_000L)).isZero();
    }

    @Test
    void aLateWakeUpFindsSeveralDatagramsDueSoTheAverageHolds() {
        UdpPacer p = new UdpPacer(8_000_000, 0, 0);
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
    void pacingTimerRoundsTheWakeUpToTheNextTick() {
        // One 1000-byte datagram per 1.5 ms, checked every 1 ms as iperf3's default timer.
        UdpPacer p = new UdpPacer(8_000_000 * 2 / 3, 0, 1000);
        p.start(0);
        assertThat(p.waitNanos(1000, 0)).isEqualTo(2_000_000);       // due 1.5 ms, tick 2 ms
        assertThat(p.waitNanos(2000, 2_000_000)).isEqualTo(1_000_000); // due 3 ms, on a tick
        // --pacing-timer 100000: coarse checks make bursts
        UdpPacer coarse = new UdpPacer(8_000_000, 0, 100_000);
        coarse.start(0);
        assertThat(coarse.waitNanos(1000, 0)).isEqualTo(100_000_000);
    }

    @Test
    void burstChecksOnlyEveryNDatagrams() {
        UdpPacer p = new UdpPacer(1_000_000, 4, 0);
        p.start(0);
        int checks = 0;
        for (int i = 0; i < 12; i++) {
            if (p.checkDue()) {
                checks++;
            }
        }
        assertThat(checks).isEqualTo(3);
        UdpPacer none = new UdpPacer(1_000_000, 0, 0);
        assertThat(none.checkDue()).isTrue();
        assertThat(none.checkDue()).isTrue();
    }

    @Test
    void rateMustBePositive() {
        assertThatThrownBy(() -> new UdpPacer(0, 0, 1000)).isInstanceOf(IllegalArgumentException.class);
    }
}
