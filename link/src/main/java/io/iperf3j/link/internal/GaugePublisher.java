package io.iperf3j.link.internal;

import io.iperf3j.internal.subcommand.HostPort;
import io.iperf3j.MetricEvent;
import io.iperf3j.MetricsStream;
import io.iperf3j.link.LinkMetrics;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * An endpoint's schedule for offering its connections' {@link LinkMetrics} to a
 * {@link MetricsStream} as {@link MetricEvent.Gauges}: due every {@code every} on the endpoint's
 * clock, checked by its {@code update()} (no thread of its own). Guarded by the endpoint lock.
 */
public final class GaugePublisher {
    /** Shortest publishing period. */
    public static final Duration MIN_EVERY = Duration.ofMillis(10);
    /** Longest publishing period. */
    public static final Duration MAX_EVERY = Duration.ofHours(1);

    private final MetricsStream stream;
    private final String source;
    private final long everyNanos;
    private long next;

    /**
     * @param now the endpoint's clock now: the first set is due at once
     * @throws IllegalArgumentException if {@code every} is outside {@link #MIN_EVERY}..{@link #MAX_EVERY}
     */
    public GaugePublisher(MetricsStream stream, String source, Duration every, long now) {
        this.stream = Objects.requireNonNull(stream, "stream");
        this.source = source;
        Objects.requireNonNull(every, "every");
        if (every.compareTo(MIN_EVERY) < 0 || every.compareTo(MAX_EVERY) > 0) {
            throw new IllegalArgumentException("publishing period must be " + MIN_EVERY.toMillis() + " ms.."
                    + MAX_EVERY.toHours() + " h: " + every);
        }
        this.everyNanos = every.toNanos();
        this.next = now;
    }

    /** Whether a round of sets is due at {@code now}; if so, the next one is scheduled. */
    public boolean due(long now) {
        if (now - next < 0) {
            return false;
        }
        // A late round does not cause a burst of catch-up rounds.
        next = Math.max(next + everyNanos, now + everyNanos / 2);
        return true;
    }

    /** When the next round is due (the endpoint's clock). */
    public long next() {
        return next;
    }

    /** Offers one connection's figures; never blocks (a full stream drops its oldest event). */
    public void offer(InetSocketAddress peer, long now, LinkMetrics m) {
        stream.offer(new MetricEvent.Gauges(source, instance(peer), now, m.gauges()));
    }

    /** {@code host:port} ({@code [v6]:port}) of a peer, as the {@code instance} of its sets. */
    static String instance(InetSocketAddress a) {
        return HostPort.of(a);
    }
}
