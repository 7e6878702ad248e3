package io.iperf3j.internal.engine;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * When a paced ({@code -b}) stream may send its next block or datagram: the one
 * schedule of TCP and UDP streams.
 *
 * <p>iperf3 lets a stream send while {@code bytes_sent * 8 / elapsed < rate}. 3.12
 * re-checked that on a timer every {@code --pacing-timer} µs (1000 by default), so a
 * stream sent in bursts of a millisecond's worth; iperf3 3.18+ on Linux ignores the
 * timer and, after each datagram, sleeps ({@code clock_nanosleep}) until the next one is
 * due, so datagrams leave evenly spaced. This class follows 3.18+: the next datagram is
 * due at {@code start + bytesSent / rate} and the stream sleeps until exactly then.
 * Bursts matter on a real path: a millisecond's burst queues behind a shaper or a
 * slower link, and every datagram of it then shows a different transit time, which the
 * receiver reports as jitter (bench/jitter-netns.sh). Because the due time follows from
 * the total sent so far, a thread that wakes late (parkNanos has tens of microseconds of
 * slack) simply finds several datagrams due and sends them at once, so the average rate
 * stays exact at any packet rate, while at low rates the thread sleeps and costs nothing.
 *
 * <p>With a burst of N ({@code -b R/N}) the check is made only every N datagrams.
 * UDP streams call {@link #checkDue} and {@link #waitNanos} from their send loops
 * (which spin or park as the data path wants); TCP streams, which have no pacing
 * grid either, wait in {@link #awaitTurn}. Not thread-safe: owned by the sending
 * thread.
 */
public final class Pacer {
    private final double nanosPerByte;
    private final int burst;
    private long startNanos;
    private int sinceCheck;

    /**
     * @param bitsPerSecond the per-stream rate, &gt; 0
     * @param burst datagrams per burst; 0 or 1 for none
     */
    public Pacer(long bitsPerSecond, int burst) {
        if (bitsPerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive: " + bitsPerSecond);
        }
        this.nanosPerByte = 8e9 / bitsPerSecond;
        this.burst = Math.max(1, burst);
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
     * How many units of {@code unitBytes} the rate lets go in one millisecond, at least 1:
     * the largest burst a segmentation-offload sender sends at once (see BatchedUdpSender).
     */
    public int perMillisecond(int unitBytes) {
        double perMs = 1e6 / (nanosPerByte * Math.max(1, unitBytes));
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, perMs));
    }

    /**
     * How long to wait before the next datagram, given the bytes sent since
     * {@link #start}; 0 or less means send now. Call again after waiting: a wake-up
     * before the time returns the rest.
     */
    public long waitNanos(long bytesSent, long nowNanos) {
        long due = startNanos + (long) (bytesSent * nanosPerByte);
        return Math.max(0, due - nowNanos);
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
