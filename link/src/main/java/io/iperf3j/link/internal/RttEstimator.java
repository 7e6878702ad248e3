package io.iperf3j.link.internal;

/**
 * The resend delay of reliable messages, from ack round trips (RFC 6298's smoothed RTT and
 * variance, Karn's rule: only messages sent once give samples), all in nanoseconds. Before the
 * first sample it is legume's 300 ms. (legume fed its ping estimate, in milliseconds, to a timer
 * counting seconds: a 20 ms RTT meant 20 s between resends.)
 */
public final class RttEstimator {
    public static final long INITIAL_NANOS = 300_000_000L;
    public static final long MIN_NANOS = 10_000_000L;
    public static final long MAX_NANOS = 1_000_000_000L;
    private double srtt = -1;
    private double rttvar;

    public void sample(long rttNanos) {
        if (rttNanos < 0) {
            return;
        }
        if (srtt < 0) {
            srtt = rttNanos;
            rttvar = rttNanos / 2.0;
        } else {
            rttvar = 0.75 * rttvar + 0.25 * Math.abs(srtt - rttNanos);
            srtt = 0.875 * srtt + 0.125 * rttNanos;
        }
    }

    /** Delay before the first resend. */
    public long timeoutNanos() {
        if (srtt < 0) {
            return INITIAL_NANOS;
        }
        return Math.clamp((long) (srtt + 4 * rttvar), MIN_NANOS, MAX_NANOS);
    }

    /** Delay before send number {@code sends + 1}: doubling per resend, at most {@link #MAX_NANOS}. */
    public long backoffNanos(int sends) {
        long t = timeoutNanos();
        int shift = Math.min(Math.max(sends - 1, 0), 10);
        return Math.min(t << shift, Math.max(t, MAX_NANOS));
    }
}
