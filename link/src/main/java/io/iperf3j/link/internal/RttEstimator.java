package io.iperf3j.link.internal;

/**
 * The resend delay of reliable messages, from ack round trips, all in nanoseconds: RFC 6298's
 * smoothed RTT and variance ({@code srtt + 4 rttvar}), but never below the largest round trip
 * seen in the last {@value #RECENT_MAX_BUCKETS} buckets of {@link #RECENT_MAX_BUCKET_NANOS} ns, clamped
 * to {@link #MIN_NANOS}..{@link #MAX_NANOS}. Before the first sample it is legume's 300 ms.
 *
 * <p>Why the recent maximum: the samples are per message (hundreds of thousands a second at a high
 * rate, where RFC 6298 assumes one per round trip), so the smoothed figures forget a slow ack within
 * microseconds (RFC 7323, appendix G), while the receiver's thread on a loaded machine stalls now and
 * then for tens of milliseconds. Every stall longer than the resend delay resent the whole window for
 * nothing; the maximum remembers the stalls for a few seconds. The samples are unambiguous (the ack
 * says which copy it answers, see {@code LinkConnection#acked}), so a resend's wait never enters them and
 * the maximum cannot feed on itself. (legume fed its ping estimate, in milliseconds, to a timer
 * counting seconds: a 20 ms RTT meant 20 s between resends.)
 */
public final class RttEstimator {
    public static final long INITIAL_NANOS = 300_000_000L;
    public static final long MIN_NANOS = 10_000_000L;
    public static final long MAX_NANOS = 1_000_000_000L;
    /** Length of one bucket of the recent maximum. */
    public static final long RECENT_MAX_BUCKET_NANOS = 1_000_000_000L;
    /** Buckets the recent maximum spans (the current one included). */
    public static final int RECENT_MAX_BUCKETS = 4;

    private double srtt = -1;
    private double rttvar;
    private final long[] bucketMax = new long[RECENT_MAX_BUCKETS];
    private long bucketStart = Long.MIN_VALUE;
    private int bucket;

    /** One unambiguous round trip, measured at {@code now} (the endpoint's clock). */
    public void sample(long rttNanos, long now) {
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
        advance(now);
        bucketMax[bucket] = Math.max(bucketMax[bucket], rttNanos);
    }

    private void advance(long now) {
        if (bucketStart == Long.MIN_VALUE) {
            bucketStart = now;
            return;
        }
        long elapsed = (now - bucketStart) / RECENT_MAX_BUCKET_NANOS;
        for (long i = 0; i < Math.min(elapsed, RECENT_MAX_BUCKETS); i++) {
            bucket = (bucket + 1) % RECENT_MAX_BUCKETS;
            bucketMax[bucket] = 0;
        }
        if (elapsed > 0) {
            bucketStart += elapsed * RECENT_MAX_BUCKET_NANOS;
        }
    }

    /** The largest sample of the last buckets (0 without samples); {@code now} ages out old buckets. */
    public long recentMaxNanos(long now) {
        if (bucketStart == Long.MIN_VALUE) {
            return 0;
        }
        advance(now);
        long m = 0;
        for (long b : bucketMax) {
            m = Math.max(m, b);
        }
        return m;
    }

    /** Delay before the first resend at {@code now}. */
    public long timeoutNanos(long now) {
        if (srtt < 0) {
            return INITIAL_NANOS;
        }
        return Math.clamp(Math.max((long) (srtt + 4 * rttvar), recentMaxNanos(now)), MIN_NANOS, MAX_NANOS);
    }

    /** Delay before send number {@code sends + 1} at {@code now}: doubling per resend, at most {@link #MAX_NANOS}. */
    public long backoffNanos(int sends, long now) {
        long t = timeoutNanos(now);
        int shift = Math.min(Math.max(sends - 1, 0), 10);
        return Math.min(t << shift, Math.max(t, MAX_NANOS));
    }
}
