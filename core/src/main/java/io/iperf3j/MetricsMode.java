package io.iperf3j;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Which live metrics a run produces: none, every interval sample, or samples
 * aggregated over windows of a fixed length. Immutable.
 */
public final class MetricsMode {
    private static final MetricsMode DISABLED = new MetricsMode(false, null, false);
    private static final MetricsMode INTERVAL = new MetricsMode(true, null, false);

    private final boolean enabled;
    private final Duration window;
    private final boolean perStream;

    private MetricsMode(boolean enabled, Duration window, boolean perStream) {
        this.enabled = enabled;
        this.window = window;
        this.perStream = perStream;
    }

    /** No live metrics (the default). */
    public static MetricsMode disabled() {
        return DISABLED;
    }

    /** One {@link MetricEvent.Interval} per reported interval and direction. */
    public static MetricsMode interval() {
        return INTERVAL;
    }

    /**
     * One {@link MetricEvent.Window} per window of the given length and direction.
     *
     * @throws IllegalArgumentException if the window is zero or negative
     */
    public static MetricsMode window(Duration window) {
        Objects.requireNonNull(window, "window");
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("metrics window must be positive, got " + window);
        }
        return new MetricsMode(true, window, false);
    }

    /** The same mode, also with one sample per stream (its {@link IntervalMetrics#streamId()} set). */
    public MetricsMode perStream() {
        if (!enabled) {
            throw new IllegalStateException("per-stream samples need an enabled mode");
        }
        return new MetricsMode(true, window, true);
    }

    public boolean enabled() {
        return enabled;
    }

    /** The window length, or empty for interval mode. */
    public Optional<Duration> window() {
        return Optional.ofNullable(window);
    }

    public boolean includesStreams() {
        return perStream;
    }

    @Override
    public String toString() {
        if (!enabled) {
            return "MetricsMode.disabled()";
        }
        return (window == null ? "MetricsMode.interval()" : "MetricsMode.window(" + window + ")")
                + (perStream ? ".perStream()" : "");
    }
}
