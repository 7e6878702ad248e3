package io.iperf3j.internal.udp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class UdpReceiverStatsTest {
    /** Feeds sequence numbers with a constant transit (no jitter). */
    private static UdpReceiverStats feed(long... seqs) {
        UdpReceiverStats s = new UdpReceiverStats();
        long t = 1_000_000;
        for (long q : seqs) {
            s.onPacket(q, t, t + 50);
            t += 1000;
        }
        return s;
    }

    @Test
    void inOrder() {
        UdpReceiverStats s = feed(1, 2, 3, 4, 5);
        assertThat(s.packetCount()).isEqualTo(5);
        assertThat(s.cntError()).isZero();
        assertThat(s.outOfOrder()).isZero();
        assertThat(s.jitter()).isZero();
    }

    @Test
    void gapsCountAsLossAndPacketsIsTheHighestSequence() {
        UdpReceiverStats s = feed(1, 2, 5, 6, 10);
        assertThat(s.packetCount()).isEqualTo(10);
        assertThat(s.cntError()).isEqualTo(2 + 3);
        assertThat(s.outOfOrder()).isZero();
    }

    @Test
    void firstPacketAfterStartCountsTheMissingOnesBeforeIt() {
        // 3.12: datagrams dropped before TEST_RUNNING show up as lost.
        UdpReceiverStats s = feed(4, 5);
        assertThat(s.packetCount()).isEqualTo(5);
        assertThat(s.cntError()).isEqualTo(3);
    }

    @Test
    void reorderingTakesBackALossAndCountsOutOfOrder() {
        UdpReceiverStats s = feed(1, 3, 2, 4);
        assertThat(s.packetCount()).isEqualTo(4);
        assertThat(s.cntError()).isZero();
        assertThat(s.outOfOrder()).isEqualTo(1);
    }

    @Test
    void duplicatesAreOutOfOrderAndMayCancelARealLoss() {
        UdpReceiverStats s = feed(1, 2, 2, 3);
        assertThat(s.packetCount()).isEqualTo(3);
        assertThat(s.cntError()).isZero(); // nothing to take back
        assertThat(s.outOfOrder()).isEqualTo(1);

        UdpReceiverStats t = feed(1, 3, 3); // 2 lost, then a duplicate of 3 "fills" it: iperf3's known inaccuracy
        assertThat(t.cntError()).isZero();
        assertThat(t.outOfOrder()).isEqualTo(1);
    }

    @Test
    void lateOldPacketNeverMakesLossNegative() {
        UdpReceiverStats s = feed(1, 2, 3, 1, 1);
        assertThat(s.cntError()).isZero();
        assertThat(s.outOfOrder()).isEqualTo(2);
        assertThat(s.packetCount()).isEqualTo(3);
    }

    @Test
    void jitterFollowsRfc1889WithTheFirstPacketInitialising() {
        UdpReceiverStats s = new UdpReceiverStats();
        // transits: 100 µs, 300 µs, 250 µs, 250 µs
        s.onPacket(1, 10_000_000, 10_000_100);
        assertThat(s.jitter()).isZero();
        s.onPacket(2, 10_001_000, 10_001_300);
        double j = (0.0002 - 0) / 16;                 // d = |0.0003 - 0.0001|
        assertThat(s.jitter()).isCloseTo(j, within(1e-15));
        s.onPacket(3, 10_002_000, 10_002_250);
        j += (0.00005 - j) / 16;                      // d = |0.00025 - 0.0003|
        assertThat(s.jitter()).isCloseTo(j, within(1e-15));
        s.onPacket(4, 10_003_000, 10_003_250);
        j += (0.0 - j) / 16;
        assertThat(s.jitter()).isCloseTo(j, within(1e-15));
    }

    @Test
    void transitIsAbsoluteSoClockOffsetsOnlyMatterThroughTheirChange() {
        UdpReceiverStats s = new UdpReceiverStats();
        // The sender's clock is ahead: arrival - sent is negative; iperf3 takes |diff|.
        s.onPacket(1, 5_000_000, 1_000_000);   // transit 4.0 s
        s.onPacket(2, 5_001_000, 1_001_500);   // transit 3.9995 s, d = 500 µs
        assertThat(s.jitter()).isCloseTo(0.0005 / 16, within(1e-12));
    }

    @Test
    void transitIsComputedFromSecondsAndMicrosecondsLikeIperfTimeInSecs() {
        UdpReceiverStats s = new UdpReceiverStats();
        s.onPacket(1, 0, 1_234_567);
        s.onPacket(2, 0, 1_234_567 + 3_000_001);
        double expected = Math.abs((4 + 234_568 / 1e6) - (1 + 234_567 / 1e6)) / 16.0;
        assertThat(s.jitter()).isEqualTo(expected);
    }

    @Test
    void restartJitterZeroesAndReinitialisesPrevTransit() {
        UdpReceiverStats s = new UdpReceiverStats();
        s.onPacket(1, 0, 100);
        s.onPacket(2, 1000, 1900); // transit 900 µs
        assertThat(s.jitter()).isPositive();
        s.restartJitter();
        assertThat(s.jitter()).isZero();
        s.onPacket(3, 2000, 4000); // a new first packet: no jitter however different its transit
        assertThat(s.jitter()).isZero();
        assertThat(s.packetCount()).isEqualTo(3); // counters are not reset
    }

    @Test
    void sixtyFourBitSequencesCompareUnsigned() {
        UdpReceiverStats s = new UdpReceiverStats();
        s.onPacket(1, 0, 0);
        s.onPacket(0x8000_0000_0000_0000L, 0, 0); // a huge counter is ahead, not behind
        assertThat(s.outOfOrder()).isZero();
        assertThat(s.packetCount()).isEqualTo(0x8000_0000_0000_0000L);
    }
}
