package io.iperf3j.link;

import java.util.List;

/**
 * Round-trip figures of a {@link LatencyProbe} over some span, in microseconds (NaN when no sample).
 *
 * @param count     probes answered
 * @param lost      probes sent and not answered within 2 s
 * @param cdfMicros a phase's round trip at each of {@link io.iperf3j.RttFigures#CDF_PERCENTILES} (first the
 *                  minimum, last the maximum); empty for an interval or when no probe was answered
 */
public record RttSnapshot(long count, long lost, double minMicros, double p50Micros, double p90Micros, double p99Micros,
                          double maxMicros, List<Double> cdfMicros) {
    public RttSnapshot {
        cdfMicros = List.copyOf(cdfMicros);
    }

    /** A snapshot without a distribution. */
    public RttSnapshot(long count, long lost, double minMicros, double p50Micros, double p90Micros, double p99Micros,
                       double maxMicros) {
        this(count, lost, minMicros, p50Micros, p90Micros, p99Micros, maxMicros, List.of());
    }
}
