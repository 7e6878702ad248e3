package io.iperf3j.internal.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A pacer that follows a server's {@code --total-rate} share ({@link RateShare}). */
class PacerRateChangeTest {
    private static final long MS = 1_000_000L;

    @Test
    void aReAnchoredScheduleKeepsTheNewRateExactly() {
        // 8 Mbit/s: 1000 bytes a millisecond. 10 000 bytes sent on schedule by 10 ms.
        RateShare share = new RateShare(8_000_000);
        Pacer p = new Pacer(0, 0, share);
        p.start(0);
        assertThat(p.waitNanos(10_000, 10 * MS)).isZero();
        // The share doubles: from the 10 000th byte on, 2000 bytes a millisecond, exactly.
        share.publish(16_000_000);
        assertThat(p.waitNanos(10_000, 10 * MS)).isZero();
        assertThat(p.currentRate()).isEqualTo(16_000_000);
        for (int i = 1; i <= 1000; i++) {
            long now = 10 * MS;
            long bytes = 10_000 + 2000L * i; // due at 10 ms + i ms
            assertThat(p.waitNanos(bytes, now)).as("block %d", i).isEqualTo(i * MS);
        }
        // A thousand milliseconds later, 2 000 000 bytes more are due, not one byte more or less.
        assertThat(p.waitNanos(10_000 + 2_000_000, 1010 * MS)).isZero();
        assertThat(p.waitNanos(10_000 + 2_000_001, 1010 * MS)).isEqualTo(500); // half a µs per byte
        // It halves: 500 bytes a millisecond from wherever the stream is.
        share.publish(4_000_000);
        assertThat(p.waitNanos(2_010_000, 1010 * MS)).isZero();
        assertThat(p.waitNanos(2_010_000 + 500, 1010 * MS)).isEqualTo(MS);
        assertThat(p.waitNanos(2_010_000 + 50_000, 1010 * MS)).isEqualTo(100 * MS);
    }

    @Test
    void aStreamAheadOfItsScheduleIsReAnchoredWhereItsNextByteWasDueNotEarlier() {
        RateShare share = new RateShare(8_000_000);
        Pacer p = new Pacer(0, 0, share);
        p.start(0);
        // At 5 ms the stream has sent 10 000 bytes: the next byte is due at 10 ms.
        assertThat(p.waitNanos(10_000, 5 * MS)).isEqualTo(5 * MS);
        share.publish(4_000_000);
        // The change makes no burst: still due at 10 ms, then 500 bytes a millisecond.
        assertThat(p.waitNanos(10_000, 5 * MS)).isEqualTo(5 * MS);
        assertThat(p.waitNanos(11_000, 10 * MS)).isEqualTo(2 * MS);
    }

    @Test
    void aStreamBehindItsShareGathersAtMostFiftyMillisecondsOfCredit() {
        // 1000 bytes a millisecond; the stream sent nothing for a second (a slow client).
        RateShare share = new RateShare(8_000_000);
        Pacer p = new Pacer(0, 0, share);
        p.start(0);
        long now = 1000 * MS;
        int due = 0;
        while (p.waitNanos(1000L * due, now) <= 0) {
            due++;
        }
        // The block due now and 50 ms of blocks before it: 51, not a thousand.
        assertThat(due).isEqualTo((int) (Pacer.MAX_CREDIT_NANOS / MS) + 1);
        // From there on the rate is the share's again.
        assertThat(p.waitNanos(1000L * due, now)).isEqualTo(MS);
    }

    @Test
    void withAClientRateThePacerRunsAtTheLowerOfTheTwo() {
        RateShare share = new RateShare(16_000_000);
        Pacer p = new Pacer(8_000_000, 0, share);
        p.start(0);
        assertThat(p.waitNanos(1000, 0)).isEqualTo(MS); // -b 8M is lower
        share.publish(4_000_000);
        assertThat(p.waitNanos(1000, MS)).isZero();
        assertThat(p.waitNanos(2000, MS)).isEqualTo(2 * MS); // now the share is lower
        share.publish(0); // no limit from the share: -b alone, from 3 ms, when the 2000th byte was due
        assertThat(p.waitNanos(2000, MS)).isEqualTo(2 * MS);
        assertThat(p.waitNanos(3000, 3 * MS)).isEqualTo(MS);
        assertThat(p.waitNanos(11_000, 3 * MS)).isEqualTo(9 * MS);
    }

    @Test
    void aShareWithNoRateYetLetsEverythingGo() {
        RateShare share = new RateShare();
        Pacer p = new Pacer(0, 0, share);
        p.start(0);
        assertThat(p.waitNanos(1L << 40, 0)).isZero();
        assertThat(p.currentRate()).isZero();
        share.publish(8_000_000);
        assertThat(p.waitNanos(1L << 40, 0)).isZero(); // re-anchored at the bytes sent
        assertThat(p.waitNanos((1L << 40) + 1000, 0)).isEqualTo(MS);
    }

    @Test
    void theSegmentationBurstFollowsTheShare() {
        RateShare share = new RateShare(80_000_000); // 10 000 bytes a millisecond
        Pacer p = new Pacer(0, 0, share);
        p.start(0);
        p.waitNanos(0, 0);
        assertThat(p.perMillisecond(1000)).isEqualTo(10);
        share.publish(8_000_000);
        p.waitNanos(0, 0);
        assertThat(p.perMillisecond(1000)).isEqualTo(1);
        share.publish(800_000_000);
        p.waitNanos(0, 0);
        assertThat(p.perMillisecond(1000)).isEqualTo(100);
    }

    @Test
    void startTakesTheShareAsItIsThen() {
        RateShare share = new RateShare(8_000_000);
        Pacer p = new Pacer(0, 0, share);
        share.publish(16_000_000);
        p.start(0);
        assertThat(p.waitNanos(2000, 0)).isEqualTo(MS);
    }

    @Test
    void withoutAShareOrARateThereIsNoPacer() {
        assertThatThrownBy(() -> new Pacer(0, 0, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pacer(-1, 0, new RateShare())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateShare().publish(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
