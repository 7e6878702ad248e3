package io.iperf3j;

import io.iperf3j.internal.stats.TestObserver;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Live metrics for code that drives the engine directly ({@code ClientTest},
 * {@code IperfServer}) rather than through {@link IperfCommand}, such as the
 * {@code iperf3j} command: the same samples and windows a {@link MetricsStream}
 * would carry, handed to a consumer instead.
 */
public final class MetricsObservers {
    private MetricsObservers() {
    }

    /**
     * An observer for one test that turns its reported intervals into events. In
     * interval mode the consumer is called on the test's thread, right after each
     * report, so it must be quick and must never block; in window mode it is also
     * called from a timer thread when a window's deadline passes.
     */
    @SuppressWarnings("exports") // an internal type in the API (issue 27); only io.iperf3j.cli can name it
    public static TestObserver of(MetricsMode mode, Consumer<? super MetricEvent> consumer) {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(consumer, "consumer");
        return new LiveMetrics(mode, consumer::accept);
    }
}
