package io.iperf3j.link.internal;

/** A token bucket of {@code rate} tokens per second and depth {@code burst}, on a nanosecond clock. */
public final class TokenBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    public TokenBucket(int rate, int burst, long now) {
        this.perNano = rate / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = now;
    }

    /** Takes a token if there is one. */
    public boolean take(long now) {
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
