package io.iperf3j.internal.engine;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Holds a stream to its {@code -b} rate the way iperf3 does: a block may go out
 * while the average rate since the start is below the target. Instead of
 * re-checking on a 1 ms timer as iperf3 does, the stream sleeps until the moment
 * the next block becomes due, which gives the same average with less jitter and
 * no busy waiting. With a burst of N, N blocks go out back to back between checks.
 */
public final class Pacer {
    private final double nanosPerByte;
    private final int burst;
    private long startNanos;
    private int sentInBurst;

    /**
     * @param bitsPerSecond per-stream target, > 0
     * @param burst blocks per burst, 0 or 1 for none
     */
    Pacer(long bitsPerSecond, int burst) {
        this.nanosPerByte = 8e9 / bitsPerSecond;
        this.burst = Math.max(1, burst);
    }

    public void start(long nanos) {
        startNanos = nanos;
    }

    /**
     * Waits until a block may be sent, given the bytes sent since the start.
     *
     * @return false if {@code stop} became true while waiting
     */
    public boolean awaitTurn(long bytesSent, BooleanSupplier stop) {
        if (++sentInBurst < burst) {
            return true;
        }
        sentInBurst = 0;
        long due = startNanos + (long) (bytesSent * nanosPerByte);
        while (true) {
            long wait = due - System.nanoTime();
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
