package io.iperf3j.internal.stats;

import io.iperf3j.sys.ProcessCpu;

import java.util.Objects;

/**
 * CPU use of this process over an interval, as iperf3 reports it in
 * {@code cpu_utilization_percent} ({@code host_total}, {@code host_user},
 * {@code host_system}) and in the {@code cpu_util_*} results keys.
 *
 * <p>Percentages of one core: a process keeping two cores busy shows 200.
 * {@code total} comes from {@code clock()} (all threads' CPU time), {@code user}
 * and {@code system} from {@code getrusage(RUSAGE_SELF)}, so {@code total} is
 * close to, but not exactly, {@code user + system}.
 *
 * @param total  process CPU time / wall time × 100
 * @param user   user CPU time / wall time × 100
 * @param system system CPU time / wall time × 100
 */
public record CpuUtilization(double total, double user, double system) {

    /** All zeros, e.g. for an empty interval. */
    public static final CpuUtilization ZERO = new CpuUtilization(0, 0, 0);

    /**
     * CPU use between two snapshots, computed as iperf3's {@code cpu_util} does:
     * {@code (cpu time difference / wall time difference) × 100} for total, user and system.
     * Returns {@link #ZERO} if no wall time has passed (iperf3 would divide by zero).
     *
     * @param start an earlier snapshot
     * @param end   a later snapshot
     */
    public static CpuUtilization since(ProcessCpu start, ProcessCpu end) {
        Objects.requireNonNull(start, "start");
        double timediff = end.wallMicros() - start.wallMicros();
        if (timediff <= 0) {
            return ZERO;
        }
        return new CpuUtilization(
                (end.processMicros() - start.processMicros()) / timediff * 100,
                (end.userMicros() - start.userMicros()) / timediff * 100,
                (end.systemMicros() - start.systemMicros()) / timediff * 100);
    }
}
