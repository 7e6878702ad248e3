package io.iperf3j.sys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mapping's contract on the JVM's clocks (no stamp or an unbelievable one is none, a mapped
 * stamp is never later than now, stamps subtract exactly) and its step detection on scripted clocks
 * (no test steps a real clock: the CI machine is shared).
 */
@Timeout(10)
class KernelClockTest {
    private static final long EPOCH = 1_795_000_000L * 1_000_000_000L;

    private static long realNow() {
        Instant r = Instant.now();
        return r.getEpochSecond() * 1_000_000_000L + r.getNano();
    }

    /** Monotonic time advancing {@code tick} ns per read; real time = monotonic + offset. */
    static final class Scripted implements KernelClock.Clocks {
        long mono = 1_000_000_000L;
        long offset = EPOCH;
        long tick = 20;
        /** Extra ns the next realtime read takes (a preempted bracket). */
        long stall;

        @Override
        public long monotonicNanos() {
            mono += tick;
            return mono;
        }

        @Override
        public long realtimeNanos() {
            mono += stall;
            return mono + offset;
        }

        void advance(long nanos) {
            mono += nanos;
        }
    }

    @Test
    void noStampOrAStampOlderThanTenSecondsIsNone() {
        KernelClock c = new KernelClock();
        long now = System.nanoTime();
        assertThat(c.arrivalNanos(0, now)).isEqualTo(KernelClock.NONE);
        assertThat(c.arrivalNanos(-5, now)).isEqualTo(KernelClock.NONE);
        assertThat(c.stampNanos(AncillaryData.NO_TIME, now)).isEqualTo(KernelClock.NONE);
        assertThat(c.stampNanos(realNow() - KernelClock.OLDEST_NANOS - 1_000_000_000L, System.nanoTime()))
                .isEqualTo(KernelClock.NONE);
    }

    @Test
    void aStampFromTheFutureIsNoLaterThanNow() {
        KernelClock c = new KernelClock();
        long t = c.stampNanos(realNow() + 5_000_000_000L, System.nanoTime());
        assertThat(t).isLessThanOrEqualTo(System.nanoTime());
    }

    @Test
    void twoStampsSubtractExactlyUnderOneOffset() {
        KernelClock c = new KernelClock();
        long k = realNow() - 1_000_000L;
        long offset = c.offsetNanos();
        long a = c.arrivalNanos(k, System.nanoTime());
        long b = c.arrivalNanos(k + 1234, System.nanoTime());
        // The offset is only replaced by a re-measurement (once a second, or for a stamp from the future),
        // and then by less than its bracket; between two, stamps subtract exactly:
        if (c.offsetNanos() == offset) {
            assertThat(b - a).isEqualTo(1234);
            assertThat(a).isEqualTo(k - offset);
        } else {
            assertThat(Math.abs(c.offsetNanos() - offset)).isLessThan(1_000_000L);
        }
    }

    @Test
    void withoutAStepTheOffsetNeverMoves() {
        Scripted s = new Scripted();
        KernelClock c = new KernelClock(s);
        long offset = c.offsetNanos();
        assertThat(offset).isEqualTo(EPOCH - 10); // the real-time read at the bracket's start; its middle is 10 ns later
        for (int i = 0; i < 100; i++) {
            s.advance(300_000_000L); // 30 s, 30 re-measures
            long now = s.monotonicNanos();
            long stamp = now - 50_000 + s.offset;
            assertThat(c.arrivalNanos(stamp, now)).isEqualTo(stamp - offset);
        }
        assertThat(c.offsetNanos()).isEqualTo(offset);
        assertThat(c.steps()).isZero();
    }

    @Test
    void aForwardStepIsCaughtAtTheFirstShiftedStamp() {
        Scripted s = new Scripted();
        KernelClock c = new KernelClock(s);
        long before = c.offsetNanos();
        s.offset += 1_000_000_000L; // the wall clock jumps 1 s ahead
        long now = s.monotonicNanos();
        long stamp = now - 50_000 + s.offset; // 50 µs in the queue
        assertThat(c.arrivalNanos(stamp, now)).isEqualTo(now - 50_000 + 10);
        assertThat(c.offsetNanos() - before).isEqualTo(1_000_000_000L);
        assertThat(c.steps()).isOne();
    }

    @Test
    void aBackwardStepOverOneMillisecondIsCaughtAtOnce() {
        Scripted s = new Scripted();
        KernelClock c = new KernelClock(s);
        long now = s.monotonicNanos();
        assertThat(c.arrivalNanos(now - 10_000 + s.offset, now)).isEqualTo(now - 10_000 + 10);
        s.offset -= 2_000_000L; // 2 ms back
        s.advance(100_000);
        now = s.monotonicNanos();
        long stamp = now - 10_000 + s.offset;
        assertThat(c.arrivalNanos(stamp, now)).isEqualTo(now - 10_000 + 10);
        assertThat(c.offsetNanos()).isEqualTo(s.offset - 10);
        assertThat(c.steps()).isOne();
    }

    @Test
    void aBackwardStepUnderOneMillisecondWaitsForTheNextRemeasure() {
        Scripted s = new Scripted();
        KernelClock c = new KernelClock(s);
        long offset = c.offsetNanos();
        long now = s.monotonicNanos();
        c.arrivalNanos(now - 10_000 + s.offset, now);
        s.offset -= 500_000L; // 0.5 ms back: within RPS/GRO reordering, not taken for a step
        s.advance(100_000);
        now = s.monotonicNanos();
        assertThat(c.arrivalNanos(now - 10_000 + s.offset, now)).isEqualTo(now - 10_000 + s.offset - offset);
        assertThat(c.steps()).isZero();
        s.advance(KernelClock.REMEASURE_NANOS + 1);
        now = s.monotonicNanos();
        c.arrivalNanos(now - 10_000 + s.offset, now);
        assertThat(c.offsetNanos()).isEqualTo(offset - 500_000L);
        assertThat(c.steps()).isOne();
    }

    @Test
    void aLooseBracketNeverReplacesATightOne() {
        Scripted s = new Scripted();
        KernelClock c = new KernelClock(s);
        long offset = c.offsetNanos();
        s.stall = 100_000; // every bracket preempted for 100 µs: estimates off by up to 50 µs, but overlapping
        s.advance(KernelClock.REMEASURE_NANOS + 1);
        long now = s.monotonicNanos();
        c.stampNanos(now - 10_000 + s.offset, now);
        assertThat(c.offsetNanos()).isEqualTo(offset);
        assertThat(c.steps()).isZero();
    }
}
