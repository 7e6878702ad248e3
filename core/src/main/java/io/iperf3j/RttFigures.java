package io.iperf3j;

import java.util.List;

/**
 * Round-trip times of a latency probe over one span (a phase or an interval of a test run with
 * {@code --latency}), in microseconds; the quantiles are NaN when no probe was answered.
 *
 * @param count     probes answered in the span
 * @param lost      probes sent and never answered (a probe counts as lost once its answer is 2 s late, so a
 *                  loss may be counted one span after the probe was sent)
 * @param cdfMicros the round trip at each of {@link #CDF_PERCENTILES}, in that order (the first is the
 *                  minimum, the last the maximum), for a phase's figures; empty when the probe gave none
 *                  (an interval's figures, or no probe answered)
 */
public record RttFigures(long count, long lost, double minMicros, double p50Micros, double p90Micros, double p99Micros,
                         double maxMicros, List<Double> cdfMicros) {
    /** The percentiles of a phase's {@link #cdfMicros}: few and fixed, so a document stays small. */
    public static final List<Double> CDF_PERCENTILES = List.of(0.0, 1.0, 5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0,
            99.9, 100.0);

    /** No answered probe and no loss. */
    public static final RttFigures NONE = new RttFigures(0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    public RttFigures {
        if (count < 0 || lost < 0) {
            throw new IllegalArgumentException("count and lost must not be negative: " + count + ", " + lost);
        }
        cdfMicros = List.copyOf(cdfMicros);
        if (!cdfMicros.isEmpty() && cdfMicros.size() != CDF_PERCENTILES.size()) {
            throw new IllegalArgumentException("cdfMicros must have one value per CDF_PERCENTILES entry ("
                    + CDF_PERCENTILES.size() + "), not " + cdfMicros.size());
        }
    }

    /** Figures without a distribution (an interval's). */
    public RttFigures(long count, long lost, double minMicros, double p50Micros, double p90Micros, double p99Micros,
                      double maxMicros) {
        this(count, lost, minMicros, p50Micros, p90Micros, p99Micros, maxMicros, List.of());
    }

    /** Whether any probe was answered (the quantiles are numbers). */
    public boolean hasSamples() {
        return count > 0;
    }
}
