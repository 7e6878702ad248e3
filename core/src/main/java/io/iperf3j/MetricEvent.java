package io.iperf3j;

/** What a {@link MetricsStream} delivers: one interval sample, or one aggregated window. */
public sealed interface MetricEvent {
    /** A single interval sample ({@link MetricsMode#interval()}). */
    record Interval(IntervalMetrics sample) implements MetricEvent {
    }

    /** An aggregated window of samples ({@link MetricsMode#window(java.time.Duration)}). */
    record Window(WindowMetrics window) implements MetricEvent {
    }
}
