package io.iperf3j.internal.engine.server;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a new connection may take before it is a test, and how many may be
 * on their way at once. The defaults suit a server left running on a shared
 * host; tests set them short so a silent client costs them milliseconds, not
 * tens of seconds.
 *
 * <p>The other limits come from the command line: {@code --rcv-timeout} (no data
 * while receiving), {@code --idle-timeout} (nothing at all moves),
 * {@code --server-max-duration}, and the safety timer of {@code -t + -O + 40 s}.
 *
 * @param cookieTimeout how long a new TCP connection may take to send its 37-byte
 *        cookie (iperf3 waits without limit; upstream's HEAD uses 10 s too)
 * @param setupTimeout how long a test may take from its cookie to TEST_START
 *        (parameters, authentication, all streams), and again from TEST_END to the
 *        end of the results exchange; the session uses the shorter of this and
 *        {@code --rcv-timeout}
 * @param maxPendingHandshakes connections whose cookie has not arrived yet; more
 *        are closed at once, so a flood of silent connections cannot use up file
 *        descriptors or threads (a test with {@code -P 128} opens 128 at once); one
 *        address (IPv6: one /64) may hold {@link #maxPendingPerClient()} of them
 */
public record ServerLimits(Duration cookieTimeout, Duration setupTimeout, int maxPendingHandshakes) {
    public static final ServerLimits DEFAULTS = new ServerLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), 1024);

    public ServerLimits {
        Objects.requireNonNull(cookieTimeout, "cookieTimeout");
        Objects.requireNonNull(setupTimeout, "setupTimeout");
        if (cookieTimeout.isNegative() || cookieTimeout.isZero() || setupTimeout.isNegative() || setupTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (maxPendingHandshakes < 1) {
            throw new IllegalArgumentException("maxPendingHandshakes must be at least 1");
        }
    }

    /**
     * How many of the {@link #maxPendingHandshakes()} one address (a {@code ClientKey}) may hold:
     * a quarter (256 of the default 1024), so one address's silent connections leave three
     * quarters to the others, while a {@code -P 128} test (129 connections) still connects at once.
     */
    public int maxPendingPerClient() {
        return Math.max(1, maxPendingHandshakes / PER_CLIENT_PART);
    }

    /** The part of the pending cap one address may hold: 1 / this. */
    static final int PER_CLIENT_PART = 4;

    public ServerLimits withCookieTimeout(Duration d) {
        return new ServerLimits(d, setupTimeout, maxPendingHandshakes);
    }

    public ServerLimits withSetupTimeout(Duration d) {
        return new ServerLimits(cookieTimeout, d, maxPendingHandshakes);
    }

    public ServerLimits withMaxPendingHandshakes(int n) {
        return new ServerLimits(cookieTimeout, setupTimeout, n);
    }
}
