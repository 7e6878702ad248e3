package io.iperf3j.link;

/**
 * Round-trip figures of a {@link LatencyProbe} over some span, in microseconds (NaN when no sample).
 *
 * @param count probes answered
 * @param lost  probes sent and not answered within 2 s
 */
public record RttSnapshot(long count, long lost, double minMicros, double p50Micros, double p90Micros, double p99Micros,
                          double maxMicros) {
}
