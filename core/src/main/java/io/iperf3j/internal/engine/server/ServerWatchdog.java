package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.protocol.ErrorCode;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The deadlines of one server test, so that no phase waits forever: the setup bound
 * (cookie to TEST_START, and TEST_END to the end of the results exchange), and while
 * the test runs the safety timer ({@code -t + -O + 40 s}), {@code --server-max-duration},
 * "no progress" for {@code --rcv-timeout} and {@code --idle-timeout}. It only keeps
 * time; the session asks it for the next deadline and, when that passes, whether and
 * why the test must end. Owned by the test thread (no locks).
 */
final class ServerWatchdog {
    /** Why a running test is cut short: iperf3's error, and the operator log's detail. */
    record Expiry(ErrorCode code, String detail) {
    }

    private static final long NEVER = Long.MAX_VALUE;

    private final ServerLimits limits;
    private final IperfOptions local;
    private long setupDeadline;
    private long safetyDeadline = NEVER;
    private long maxDurationDeadline = NEVER;
    /** Last time the test's data moved in the direction that matters (received, or sent when only sending). */
    private long lastProgressNanos;
    private long lastProgressTotal = -1;
    /** Last time anything at all moved (any data, any control byte), for {@code --idle-timeout}. */
    private long lastActivityNanos;
    private long lastActivityTotal = -1;

    ServerWatchdog(ServerLimits limits, IperfOptions local) {
        this.limits = limits;
        this.local = local;
    }

    /** The client has {@link #setupNanos()} from now to reach TEST_START (or to finish the exchange). */
    void armSetup(long now) {
        setupDeadline = now + setupNanos();
    }

    /**
     * The test runs: progress and activity are measured from now, the safety timer and
     * {@code --server-max-duration} start.
     */
    void armRunning(long now, int durationSec, int omitSec, long progressTotal, long activityTotal) {
        lastProgressNanos = now;
        lastActivityNanos = now;
        if (durationSec > 0) {
            safetyDeadline = now + TimeUnit.SECONDS.toNanos(durationSec + (long) omitSec + 40);
        }
        if (local.serverMaxDurationSec() > 0) {
            maxDurationDeadline = now + TimeUnit.SECONDS.toNanos(local.serverMaxDurationSec() + (long) omitSec);
            safetyDeadline = Math.min(safetyDeadline, maxDurationDeadline);
        }
        lastProgressTotal = progressTotal;
        lastActivityTotal = activityTotal;
    }

    /**
     * How long the client may take to set up (cookie to TEST_START) and to finish
     * (TEST_END to the end of the results exchange): the server's setup bound, or
     * {@code --rcv-timeout} / {@code --idle-timeout} when shorter.
     */
    long setupNanos() {
        long n = limits.setupTimeout().toNanos();
        n = Math.min(n, local.rcvTimeoutMs() * 1_000_000L);
        if (local.idleTimeoutSec() > 0) {
            n = Math.min(n, TimeUnit.SECONDS.toNanos(local.idleTimeoutSec()));
        }
        return n;
    }

    /** The next moment to check: the setup bound, or the earliest running deadline. */
    long nextDeadline(boolean running, long stallNanos) {
        if (!running) {
            return setupDeadline;
        }
        long deadline = Math.min(safetyDeadline, lastProgressNanos + stallNanos);
        if (local.idleTimeoutSec() > 0) {
            deadline = Math.min(deadline, lastActivityNanos + TimeUnit.SECONDS.toNanos(local.idleTimeoutSec()));
        }
        return deadline;
    }

    /**
     * At a deadline of a running test: notes any progress since the last look, then says
     * whether the test must end, and why.
     *
     * @param receivesData whether the stall bound counts received bytes (else sent ones)
     */
    Optional<Expiry> expired(long now, LongSupplier progressTotal, LongSupplier activityTotal, long stallNanos,
                             boolean receivesData) {
        if (safetyDeadline != NEVER && now - safetyDeadline >= 0) {
            if (local.serverMaxDurationSec() > 0 && now - maxDurationDeadline >= 0) {
                return Optional.of(new Expiry(ErrorCode.SERVER_TEST_DURATION_EXPIRED,
                        "ran past --server-max-duration " + local.serverMaxDurationSec() + " s"));
            }
            // 3.21's server_timer_proc: the same timer (-t + -O + 40 s), the same SERVER_ERROR 160.
            return Optional.of(new Expiry(ErrorCode.SERVER_TEST_DURATION_EXPIRED, "ran past -t + -O + 40 s"));
        }
        long progress = progressTotal.getAsLong();
        if (progress != lastProgressTotal) {
            lastProgressTotal = progress;
            lastProgressNanos = now;
        }
        long activity = activityTotal.getAsLong();
        if (activity != lastActivityTotal) {
            lastActivityTotal = activity;
            lastActivityNanos = now;
        }
        if (now - (lastProgressNanos + stallNanos) >= 0) {
            return Optional.of(new Expiry(ErrorCode.NO_MSG, receivesData
                    ? "nothing received for " + local.rcvTimeoutMs() + " ms"
                    : "nothing could be sent for " + stallNanos / 1_000_000 + " ms: the client is not reading"));
        }
        if (local.idleTimeoutSec() > 0 && now - (lastActivityNanos + TimeUnit.SECONDS.toNanos(local.idleTimeoutSec())) >= 0) {
            return Optional.of(new Expiry(ErrorCode.NO_MSG, "nothing moved for " + local.idleTimeoutSec() + " s (--idle-timeout)"));
        }
        return Optional.empty();
    }
}
