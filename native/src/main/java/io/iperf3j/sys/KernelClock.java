package io.iperf3j.sys;

import java.time.Instant;

/**
 * Puts the kernel's socket time stamps (real time, {@code CLOCK_REALTIME} ns) on
 * {@link System#nanoTime()}'s time line ({@code CLOCK_MONOTONIC}) with <em>one</em> offset, so that
 * the difference of two converted stamps is exactly the kernel's difference and a stamp minus a
 * {@code nanoTime()} read is off by at most the offset's uncertainty (half the bracket it was
 * measured in, typically tens of ns). The one mapper of the tree: link's port (RX and TX_SCHED
 * stamps) and core's batched UDP receive (iperf3's jitter) both use it.
 *
 * <p>Why one offset: converting each stamp by its age ({@code Instant.now() - stamp}) and
 * subtracting that from a {@code nanoTime()} read a moment later adds whatever ran between the two
 * reads (a preemption, interpreted code) to that stamp alone; on loopback link RTT samples came out
 * as 0. Why step detection: the two clocks run at the same (NTP-slewed) rate and differ only when the
 * real-time clock is stepped; a step left alone shifts every transit time by its size.
 *
 * <p>The offset is measured as {@code realtime - (m1 + m2) / 2} from the tightest of
 * {@value #TRIES} {@code monotonic, realtime, monotonic} brackets, at creation and again
 * once a second ({@link #REMEASURE_NANOS}), whenever a stamp lands in the future (a forward step)
 * and, for receive stamps, whenever one is more than {@link #BACKWARD_NANOS} earlier than the
 * previous one (a backward step: receive stamps follow the queue's order; RPS and GRO reorder them
 * by microseconds). A new estimate replaces the kept one only when it is tighter or when its
 * interval does not overlap the kept one (a step, counted by {@link #steps()}), so a re-measure
 * whose brackets were all preempted never loosens a tight offset.
 *
 * <p>Limits: a backward step under {@link #BACKWARD_NANOS}, or a forward one smaller than the
 * datagram's wait in the queue, is caught at the next re-measure (at most a second later); a stamp
 * older than {@link #OLDEST_NANOS} is {@link #NONE}.
 *
 * <p>Threads: not thread-safe; one per socket, owned by whatever receives on it.
 */
public final class KernelClock {
    /** No stamp, or one that cannot be believed. Equal to {@link AncillaryData#NO_TIME}. */
    public static final long NONE = Long.MIN_VALUE;
    /** A stamp older than this is not believed (a clock step the offset has not caught up with). */
    public static final long OLDEST_NANOS = 10_000_000_000L;
    /** How often the offset is measured again. */
    public static final long REMEASURE_NANOS = 1_000_000_000L;
    /** A receive stamp this much earlier than the previous one is taken for a backward step. */
    public static final long BACKWARD_NANOS = 1_000_000L;
    private static final int TRIES = 5;

    /** The two clocks read, replaceable in tests. */
    public interface Clocks {
        /** {@code CLOCK_MONOTONIC} ns ({@link System#nanoTime()}). */
        long monotonicNanos();

        /** {@code CLOCK_REALTIME} ns since the epoch. */
        long realtimeNanos();

        /** The JVM's clocks: {@link System#nanoTime()} and {@link Instant#now()}. */
        Clocks SYSTEM = new Clocks() {
            @Override
            public long monotonicNanos() {
                return System.nanoTime();
            }

            @Override
            public long realtimeNanos() {
                Instant r = Instant.now();
                return r.getEpochSecond() * 1_000_000_000L + r.getNano();
            }
        };
    }

    private final Clocks clocks;
    private long offset;
    private long width = Long.MAX_VALUE;
    private long measuredAt;
    private long steps;
    private long lastReceive = NONE;

    /** A mapper of the JVM's clocks; measures the offset now. */
    public KernelClock() {
        this(Clocks.SYSTEM);
    }

    /** A mapper of {@code clocks}; measures the offset now. */
    public KernelClock(Clocks clocks) {
        this.clocks = clocks;
        measure();
    }

    /**
     * A receive stamp ({@code realtimeNanos}, ns since the epoch; the socket's stamps in queue
     * order) on the monotonic time line, never later than {@code nowNanos} (a monotonic read taken
     * after the receive); {@link #NONE} when there is no stamp ({@code <= 0} or {@link #NONE}) or it
     * is older than {@link #OLDEST_NANOS}. A stamp more than {@link #BACKWARD_NANOS} earlier than
     * the previous one re-measures first.
     */
    public long arrivalNanos(long realtimeNanos, long nowNanos) {
        if (realtimeNanos <= 0) {
            return NONE;
        }
        long previous = lastReceive;
        lastReceive = realtimeNanos;
        if (previous != NONE && realtimeNanos < previous - BACKWARD_NANOS) {
            measure();
        }
        return map(realtimeNanos, nowNanos);
    }

    /** Any other stamp (a send's {@code TX_SCHED}), as {@link #arrivalNanos} without the order check. */
    public long stampNanos(long realtimeNanos, long nowNanos) {
        if (realtimeNanos <= 0) {
            return NONE;
        }
        return map(realtimeNanos, nowNanos);
    }

    private long map(long realtimeNanos, long nowNanos) {
        long now = nowNanos;
        if (now - measuredAt > REMEASURE_NANOS) {
            measure();
        }
        long t = realtimeNanos - offset;
        if (t > now) {
            measure(); // a stamp from the future: a step, or the estimate's own error
            now = Math.max(now, clocks.monotonicNanos());
            t = Math.min(realtimeNanos - offset, now);
        }
        return now - t > OLDEST_NANOS ? NONE : t;
    }

    /** The offset kept: real time minus monotonic time, ns. */
    public long offsetNanos() {
        return offset;
    }

    /** How many times a re-measure found the real-time clock stepped. */
    public long steps() {
        return steps;
    }

    private void measure() {
        long bestWidth = Long.MAX_VALUE;
        long bestOffset = 0;
        for (int i = 0; i < TRIES; i++) {
            long m1 = clocks.monotonicNanos();
            long r = clocks.realtimeNanos();
            long m2 = clocks.monotonicNanos();
            long w = m2 - m1;
            if (w < bestWidth) {
                bestWidth = w;
                bestOffset = r - (m1 + w / 2);
            }
        }
        measuredAt = clocks.monotonicNanos();
        if (width == Long.MAX_VALUE) {
            offset = bestOffset;
            width = bestWidth;
            return;
        }
        // Intervals [offset - width/2, offset + width/2]: disjoint means the real-time clock was stepped.
        boolean stepped = Math.abs(bestOffset - offset) > bestWidth / 2 + width / 2;
        if (stepped) {
            steps++;
        }
        if (bestWidth < width || stepped) {
            offset = bestOffset;
            width = bestWidth;
        }
    }
}
