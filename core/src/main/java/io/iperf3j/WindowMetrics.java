package io.iperf3j;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Interval samples of one context (role, direction, transport, stream) aggregated
 * over a window: counters are summed, gauges summarised as mean/min/max, and the
 * mean bandwidth is time-weighted (total bits over total time), so a short
 * interval does not count as much as a long one.
 *
 * @param role from the first sample
 * @param direction from the first sample
 * @param transport from the first sample
 * @param streamId from the first sample (empty for sums)
 * @param streamCount from the first sample
 * @param samples number of interval samples aggregated
 * @param timestampUnixSeconds from the last sample
 * @param startSeconds start of the first sample
 * @param endSeconds end of the last sample
 * @param durationSeconds sum of the samples' durations
 * @param transferredBytes sum of the samples' bytes
 * @param omittedIntervals how many samples were in the {@code -O} warm-up
 * @param bandwidthBitsPerSecond mean = total bits / total duration; min and max over the samples
 * @param tcpRetransmits sum, if any sample had it
 * @param tcpRttSeconds gauge stats, if any sample had it
 * @param tcpRttvarSeconds gauge stats, if any sample had it
 * @param tcpSndCwndBytes gauge stats, if any sample had it
 * @param tcpSndWndBytes gauge stats, if any sample had it
 * @param tcpPmtuBytes gauge stats, if any sample had it
 * @param udpPackets sum, if any sample had it
 * @param udpLostPackets sum, if any sample had it
 * @param udpOutOfOrderPackets sum, if any sample had it
 * @param udpJitterSeconds gauge stats, if any sample had it
 */
public record WindowMetrics(
        Role role,
        Direction direction,
        Transport transport,
        OptionalInt streamId,
        int streamCount,
        int samples,
        double timestampUnixSeconds,
        double startSeconds,
        double endSeconds,
        double durationSeconds,
        long transferredBytes,
        int omittedIntervals,
        GaugeStats bandwidthBitsPerSecond,
        OptionalLong tcpRetransmits,
        Optional<GaugeStats> tcpRttSeconds,
        Optional<GaugeStats> tcpRttvarSeconds,
        Optional<GaugeStats> tcpSndCwndBytes,
        Optional<GaugeStats> tcpSndWndBytes,
        Optional<GaugeStats> tcpPmtuBytes,
        OptionalLong udpPackets,
        OptionalLong udpLostPackets,
        OptionalLong udpOutOfOrderPackets,
        Optional<GaugeStats> udpJitterSeconds) {

    /**
     * Summary of a gauge over a window.
     *
     * @param samples finite values seen
     * @param mean their arithmetic mean (bandwidth: time-weighted, see {@link WindowMetrics})
     * @param min the smallest
     * @param max the largest
     */
    public record GaugeStats(int samples, double mean, double min, double max) {
    }

    /**
     * Aggregates samples into one window. Pure: the result depends only on the list.
     * Context (role, direction, transport, stream, stream count) comes from the first
     * sample and the timestamp from the last; non-finite or negative counter values
     * count as zero; non-finite gauge values are skipped.
     *
     * @return the window, or empty for an empty list
     */
    public static Optional<WindowMetrics> aggregateWindow(List<IntervalMetrics> samples) {
        Objects.requireNonNull(samples, "samples");
        if (samples.isEmpty()) {
            return Optional.empty();
        }
        IntervalMetrics first = samples.getFirst();
        IntervalMetrics last = samples.getLast();
        double duration = 0;
        long bytes = 0;
        int omitted = 0;
        double bwMin = Double.POSITIVE_INFINITY;
        double bwMax = Double.NEGATIVE_INFINITY;
        int bwSamples = 0;
        for (IntervalMetrics m : samples) {
            duration += counterValue(m.durationSeconds());
            bytes += Math.max(0, m.transferredBytes());
            if (m.omitted()) {
                omitted++;
            }
            double bw = m.bandwidthBitsPerSecond();
            if (Double.isFinite(bw)) {
                bwSamples++;
                bwMin = Math.min(bwMin, bw);
                bwMax = Math.max(bwMax, bw);
            }
        }
        double bwMean = duration > 0 ? bytes * 8.0 / duration : 0.0;
        GaugeStats bandwidth = bwSamples == 0 ? new GaugeStats(0, bwMean, 0, 0) : new GaugeStats(bwSamples, bwMean, bwMin, bwMax);
        return Optional.of(new WindowMetrics(first.role(), first.direction(), first.transport(), first.streamId(),
                first.streamCount(), samples.size(), last.timestampUnixSeconds(), first.startSeconds(),
                last.endSeconds(), duration, bytes, omitted, bandwidth,
                sum(samples, IntervalMetrics::tcpRetransmits),
                gauge(samples, IntervalMetrics::tcpRttSeconds),
                gauge(samples, IntervalMetrics::tcpRttvarSeconds),
                gauge(samples, IntervalMetrics::tcpSndCwndBytes),
                gauge(samples, IntervalMetrics::tcpSndWndBytes),
                gauge(samples, IntervalMetrics::tcpPmtuBytes),
                sum(samples, IntervalMetrics::udpPackets),
                sum(samples, IntervalMetrics::udpLostPackets),
                sum(samples, IntervalMetrics::udpOutOfOrderPackets),
                gauge(samples, IntervalMetrics::udpJitterSeconds)));
    }

    private static double counterValue(double v) {
        return Double.isFinite(v) && v > 0 ? v : 0.0;
    }

    private static OptionalLong sum(List<IntervalMetrics> samples, Function<IntervalMetrics, OptionalLong> field) {
        boolean any = false;
        long total = 0;
        for (IntervalMetrics m : samples) {
            OptionalLong v = field.apply(m);
            if (v.isPresent()) {
                any = true;
                total += Math.max(0, v.getAsLong());
            }
        }
        return any ? OptionalLong.of(total) : OptionalLong.empty();
    }

    private static Optional<GaugeStats> gauge(List<IntervalMetrics> samples, Function<IntervalMetrics, OptionalDouble> field) {
        int n = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (IntervalMetrics m : samples) {
            OptionalDouble v = field.apply(m);
            if (v.isPresent() && Double.isFinite(v.getAsDouble())) {
                double d = v.getAsDouble();
                n++;
                sum += d;
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
        }
        return n == 0 ? Optional.empty() : Optional.of(new GaugeStats(n, sum / n, min, max));
    }
}
