package io.iperf3j.export;

import java.time.Duration;
import java.util.Objects;

/**
 * How long to wait before trying a failed request again: {@code first} × 2^attempt, at most
 * {@code longest}. The one policy of export's HTTP clients and of the queues that retry their
 * requests ({@code iperf3j session}'s); only the two bounds differ. Immutable.
 *
 * @param first the wait before the second attempt (attempt 0)
 * @param longest the longest wait
 */
public record RetryPolicy(Duration first, Duration longest) {
    /**
     * The Pushgateway's (iperf3-rs's): 100 ms doubled up to 1 s. A gateway keeps the latest body of a
     * group only, so an old push is soon worth nothing and a quick retry is what helps.
     */
    public static final RetryPolicy PUSHGATEWAY = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1));

    /**
     * Remote write's: 100 ms doubled up to 5 s, Prometheus's own default {@code max_backoff} for its
     * remote-write queues. A TSDB keeps every sample, so a receiver that is down or overloaded is
     * waited for, not hammered: a fleet of iperf3j hosts retrying each second against a receiver
     * that just came back would be the load that keeps it down. A {@code Retry-After} the receiver
     * sends with a 429 or 5xx is waited for instead when it is longer
     * ({@link RemoteWriteClient.Outcome.Retry#retryAfter()}).
     */
    public static final RetryPolicy REMOTE_WRITE = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(5));

    /**
     * A policy.
     *
     * @throws IllegalArgumentException if {@code first} is not positive or {@code longest} is shorter
     */
    public RetryPolicy {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(longest, "longest");
        if (first.isZero() || first.isNegative() || longest.compareTo(first) < 0) {
            throw new IllegalArgumentException("retry delays must be positive, the longest at least the first");
        }
    }

    /** The wait before retry number {@code attempt + 1} (attempt 0 is the first retry): never more than {@link #longest()}. */
    public Duration delay(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must not be negative");
        }
        long ms = first.toMillis() << Math.min(attempt, 20);
        return Duration.ofMillis(Math.min(ms, longest.toMillis()));
    }
}
