package io.iperf3j.internal.engine;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * When a paced ({@code -b}) stream may send its next block or datagram: the one
 * schedule of TCP and UDP streams.
 *
 * <p>iperf3 3.12 lets a stream send while {@code bytes_sent * 8 / elapsed < rate}
 * and re-checks that on a timer every {@code --pacing-timer} µs (1000 by default):
 * between ticks a stream that got ahead waits, at a tick it sends back to back until
 * it is ahead again. This class computes the same schedule without polling: the
 * next datagram is due at {@code start + bytesSent / rate}; if that is in the
 * future, the stream may sleep until the first pacing tick at or after it. Because
 * the due time follows from the total sent so far, a thread that wakes late
 * (parkNanos has tens of microseconds of slack) simply finds several datagrams due
 * and sends them at once, so the average rate stays exact at any packet rate,
 * while at low rates the thread sleeps and costs nothing.
 *
 * <p>With a burst of N ({@code -b R/N}) the check is made only every N datagrams.
 * UDP streams call {@link #checkDue} and {@link #waitNanos} from their send loops
 * (which spin or park as the data path wants); TCP streams, which have no pacing
 * grid (timer 0), wait in {@link #awaitTurn}. Not thread-safe: owned by the
 * sending thread.
 */
public final class Pacer {
    private final double nanosPerByte;
    private final int burst;
    private final long tickNanos;
    private long startNanos;
    private int sinceCheck;

    /**
     * @param bitsPerSecond the per-stream rate, &gt; 0
     * @param burst datagrams per burst; 0 or 1 for none
     * @param pacingTimerMicros the check period (iperf3's {@code --pacing-timer}); 0 for none
     */
    public Pacer(long bitsPerSecond, int burst, int pacingTimerMicros) {
        if (bitsPerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive: " + bitsPerSecond);
        }
        this.nanosPerByte = 8e9 / bitsPerSecond;
        this.burst = Math.max(1, burst);
        this.tickNanos = Math.max(0, pacingTimerMicros) * 1000L;
    }

    /** The schedule starts now (the stream's first datagram is due at once). */
    public void start(long nowNanos) {
        startNanos = nowNanos;
        sinceCheck = 0;
    }

    /**
     * Called once before each datagram; false while a burst is still going (send
     * without checking), true when the rate has to be checked with {@link #waitNanos}.
     */
    public boolean checkDue() {
        if (++sinceCheck >= burst) {
            sinceCheck = 0;
            return true;
        }
        return false;
    }

    /**
     * How long to wait before the next datagram, given the bytes sent since
     * {@link #start}; 0 or less means send now. Call again after waiting: a wake-up
     * before the time returns the rest.
     */
    public long waitNanos(long bytesSent, long nowNanos) {
        long due = startNanos + (long) (bytesSent * nanosPerByte);
        long wait = due - nowNanos;
        if (wait <= 0) {
            return 0;
        }
        if (tickNanos > 0) {
            // iperf3 re-checks only on its pacing timer: sleep to the first tick at or after the due time.
            long sinceStart = due - startNanos;
            long ticks = (sinceStart + tickNanos - 1) / tickNanos;
            wait = startNanos + ticks * tickNanos - nowNanos;
        }
        return wait;
    }

    /**
     * Waits (parked, never spinning) until a block may be sent, given the bytes sent
     * since {@link #start}: the TCP streams' use of the schedule. Within a burst it
     * returns at once.
     *
     * @return false if {@code stop} became true while waiting
     */
    public boolean awaitTurn(long bytesSent, BooleanSupplier stop) {
        if (!checkDue()) {
            return true;
        }
        while (true) {
            long wait = waitNanos(bytesSent, System.nanoTime());
            if (wait <= 0) {
                return true;
            }
            if (stop.getAsBoolean()) {
                return false;
            }
            // Sleep at most 100 ms at a time so that a stop request is seen promptly.
            LockSupport.parkNanos(Math.min(wait, 100_000_000L));
        }
    }
}
