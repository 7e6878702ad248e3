package io.iperf3j.link.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The conversion's contract: no stamp or an unbelievable one gives -1, a converted stamp is never later than now. */
@Timeout(10)
class KernelClockTest {
    private static long realNow() {
        Instant r = Instant.now();
        return r.getEpochSecond() * 1_000_000_000L + r.getNano();
    }

    @Test
    void noStampOrAStampOlderThanTenSecondsIsNone() {
        KernelClock c = new KernelClock();
        assertThat(c.toNanoTime(0)).isEqualTo(-1);
        assertThat(c.toNanoTime(-5)).isEqualTo(-1);
        assertThat(c.toNanoTime(realNow() - KernelClock.OLDEST_NANOS - 1_000_000_000L)).isEqualTo(-1);
    }

    @Test
    void aStampFromTheFutureIsNoLaterThanNow() {
        KernelClock c = new KernelClock();
        long t = c.toNanoTime(realNow() + 5_000_000_000L);
        assertThat(t).isLessThanOrEqualTo(System.nanoTime());
    }

    @Test
    void twoStampsSubtractExactlyUnderOneOffset() {
        KernelClock c = new KernelClock();
        long k = realNow() - 1_000_000L;
        long offset = c.offset();
        long a = c.toNanoTime(k);
        long b = c.toNanoTime(k + 1234);
        // The offset is only replaced by a re-measurement (once a second, or for a stamp from the future),
        // and then by less than its bracket; between two, stamps subtract exactly:
        if (c.offset() == offset) {
            assertThat(b - a).isEqualTo(1234);
            assertThat(a).isEqualTo(k - offset);
        } else {
            assertThat(Math.abs(c.offset() - offset)).isLessThan(1_000_000L);
        }
    }
}
