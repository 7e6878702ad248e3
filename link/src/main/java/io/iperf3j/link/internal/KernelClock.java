package io.iperf3j.link.internal;

import java.time.Instant;

/**
 * Puts the kernel's socket timestamps (real time, {@code CLOCK_REALTIME} ns) on {@link System#nanoTime()}'s
 * time line ({@code CLOCK_MONOTONIC}) with <em>one</em> offset, so that the difference of two converted
 * stamps is exactly the kernel's difference and a stamp minus a {@code nanoTime()} read is off by at most
 * the offset's uncertainty (half the bracket it was measured in, typically tens of ns).
 *
 * <p>Why: the port used to convert each stamp by its age ({@code Instant.now() - stamp}) and the caller
 * subtracted that age from a {@code nanoTime()} read a moment later; whatever ran between the two reads
 * (a preemption, interpreted code on the first call) was added to that stamp alone. On loopback, where the
 * pong's path from the answerer's send stamp to the pinger's receive stamp is 0.5-2 µs, errors of 6-11 µs
 * made the held time exceed the measured round trip and the RTT sample came out as 0 (measured: 1 in 87
 * samples over 8 runs of {@code LinkTest}).
 *
 * <p>The two clocks run at the same rate (NTP slews both); their difference changes only when the real-time
 * clock is stepped. The offset is measured as {@code realtime - (m1 + m2) / 2} from the tightest of a few
 * {@code nanoTime, Instant.now, nanoTime} brackets, measured again once a second and whenever a stamp lands
 * in the future: a new estimate replaces the kept one when it is tighter or when its interval does not overlap
 * the kept one (a step).
 *
 * <p>Threads: not thread-safe; each port has its own, used under its endpoint's lock.
 */
final class KernelClock {
    /** A stamp older than this is not believed (a clock step the offset has not caught up with): none. */
    static final long OLDEST_NANOS = 10_000_000_000L;
    private static final long REMEASURE_NANOS = 1_000_000_000L;
    private static final int TRIES = 5;

    private long offset;
    private long width = Long.MAX_VALUE;
    private long measuredAt;

    KernelClock() {
        measure();
    }

    /**
     * Kernel real time {@code realtimeNanos} (ns since the epoch) on {@link System#nanoTime()}'s time line,
     * never later than now; -1 when there is no stamp ({@code <= 0}) or it is not believable (older than
     * {@link #OLDEST_NANOS}).
     */
    long toNanoTime(long realtimeNanos) {
        if (realtimeNanos <= 0) {
            return -1;
        }
        long now = System.nanoTime();
        if (now - measuredAt > REMEASURE_NANOS) {
            measure();
        }
        long t = realtimeNanos - offset;
        if (t > now) {
            measure(); // a stamp from the future: a step, or the estimate's own error
            now = System.nanoTime();
            t = Math.min(realtimeNanos - offset, now);
        }
        return now - t > OLDEST_NANOS ? -1 : t;
    }

    /** The offset kept (real time minus nanoTime), for tests. */
    long offset() {
        return offset;
    }

    private void measure() {
        long bestWidth = Long.MAX_VALUE;
        long bestOffset = 0;
        for (int i = 0; i < TRIES; i++) {
            long m1 = System.nanoTime();
            Instant r = Instant.now();
            long m2 = System.nanoTime();
            long w = m2 - m1;
            if (w < bestWidth) {
                bestWidth = w;
                bestOffset = (r.getEpochSecond() * 1_000_000_000L + r.getNano()) - (m1 + w / 2);
            }
        }
        measuredAt = System.nanoTime();
        // Intervals [offset - width/2, offset + width/2]: disjoint means the real-time clock was stepped.
        boolean stepped = Math.abs(bestOffset - offset) > (bestWidth / 2 + (width == Long.MAX_VALUE ? 0 : width / 2));
        if (width == Long.MAX_VALUE || bestWidth < width || stepped) {
            offset = bestOffset;
            width = bestWidth;
        }
    }
}
