package io.iperf3j;

/**
 * Round-trip times of a latency probe over one span (a phase or an interval of a test run with
 * {@code --latency}), in microseconds; the quantiles are NaN when no probe was answered.
 *
 * @param count probes answered in the span
 * @param lost  probes sent and never answered (a probe counts as lost once its answer is 2 s late, so a
 *              loss may be counted one span after the probe was sent)
 */
public record RttFigures(long count, long lost, double minMicros, double p50Micros, double p90Micros, double p99Micros,
                         double maxMicros) {
    /** No answered probe and no loss. */
    public static final RttFigures NONE = new RttFigures(0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    public RttFigures {
        if (count < 0 || lost < 0) {
            throw new IllegalArgumentException("count and lost must not be negative: " + count + ", " + lost);
        }
    }

    /** Whether any probe was answered (the quantiles are numbers). */
    public boolean hasSamples() {
        return count > 0;
    }
}
