package io.iperf3j.internal.engine.udp;

import io.iperf3j.sys.AncillaryData;

import java.time.Instant;

/**
 * Turns the kernel's receive times ({@code SO_TIMESTAMPNS}: {@code CLOCK_REALTIME}) into
 * the clock the jitter is computed on: microseconds of {@link System#nanoTime()}
 * ({@code CLOCK_MONOTONIC} on Linux), the clock iperf3 and iperf3j senders stamp into
 * each datagram and iperf3's receiver reads on arrival ({@code iperf_time_now}). Jitter
 * only takes differences of transit times, so a constant offset between the clocks
 * cancels; what must not happen is a difference that moves during the test. Both clocks
 * run at the same (NTP-slewed) rate on Linux and differ only when the wall clock is
 * stepped, so the offset is measured once and again every {@link #REFRESH_NANOS}:
 * a step then disturbs one second at most.
 *
 * <p>Owned by a stream's receiving thread; not thread-safe.
 */
final class ArrivalClock {
    /** How often the offset between the two clocks is measured again. */
    static final long REFRESH_NANOS = 1_000_000_000L;
    private static final int TRIES = 3;

    /** CLOCK_REALTIME minus CLOCK_MONOTONIC, nanoseconds. */
    private long offsetNanos;
    private long measuredAt;
    private boolean measured;

    /** Measures the offset if it is older than {@link #REFRESH_NANOS} (or was never measured). */
    void refresh(long nowNanos) {
        if (!measured || nowNanos - measuredAt >= REFRESH_NANOS) {
            offsetNanos = measureOffset();
            measuredAt = nowNanos;
            measured = true;
        }
    }

    /**
     * The arrival time in microseconds of {@link System#nanoTime()} for a kernel receive
     * time, or {@code fallbackMicros} when there is none ({@link AncillaryData#NO_TIME}).
     */
    long arrivalMicros(long realtimeNanos, long fallbackMicros) {
        if (realtimeNanos == AncillaryData.NO_TIME) {
            return fallbackMicros;
        }
        return Math.floorDiv(realtimeNanos - offsetNanos, 1000L);
    }

    /** Realtime minus monotonic, from the tightest of a few back-to-back readings. */
    static long measureOffset() {
        long best = Long.MAX_VALUE;
        long offset = 0;
        for (int i = 0; i < TRIES; i++) {
            long before = System.nanoTime();
            Instant wall = Instant.now();
            long after = System.nanoTime();
            long window = after - before;
            if (window < best) {
                best = window;
                offset = wall.getEpochSecond() * 1_000_000_000L + wall.getNano() - (before + window / 2);
            }
        }
        return offset;
    }
}
