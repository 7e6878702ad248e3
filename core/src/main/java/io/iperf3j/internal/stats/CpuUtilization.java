package io.iperf3j.internal.stats;

/**
 * CPU use over a test as iperf3 reports it: percentages of one core, so a busy
 * single thread shows about 100.
 */
public record CpuUtilization(double total, double user, double system) {
    public static final CpuUtilization ZERO = new CpuUtilization(0, 0, 0);
}
