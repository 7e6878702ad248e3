package io.iperf3j;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The {@code end.latency} object of {@code iperf3j -c HOST --latency} (docs/design/latency.md).
 *
 * @param intervalMs probe interval (0 when absent)
 * @param idleSeconds length of the idle phase
 * @param tailSeconds length of the tail phase
 * @param idle before the load
 * @param loaded during the load
 * @param tail after the load
 * @param addedP50Micros loaded p50 minus idle p50
 * @param p50Ratio loaded p50 over idle p50
 * @param error why nothing was measured
 */
public record IperfLatency(long intervalMs, OptionalDouble idleSeconds, OptionalDouble tailSeconds, Optional<Phase> idle,
                           Optional<Phase> loaded, Optional<Phase> tail, OptionalDouble addedP50Micros,
                           OptionalDouble p50Ratio, Optional<String> error) {
    /**
     * One phase.
     *
     * @param figures count, lost and quantiles (NaN when absent); its {@code cdfMicros} is empty
     * @param cdf the phase's distribution, at most {@link IperfJsonLimits#maxCdfPoints()} points
     */
    public record Phase(RttFigures figures, List<CdfPoint> cdf) {
        /** Copies {@code cdf}. */
        public Phase {
            cdf = List.copyOf(cdf);
        }
    }

    /**
     * One point of a phase's distribution.
     *
     * @param percentile 0 to 100
     * @param rttMicros the round trip at that percentile
     */
    public record CdfPoint(double percentile, double rttMicros) {
    }
}
