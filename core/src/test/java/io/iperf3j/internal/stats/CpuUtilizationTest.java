package io.iperf3j.internal.stats;

import io.iperf3j.sys.ProcessCpu;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** iperf3's {@code cpu_util} formula over two {@link ProcessCpu} snapshots (the snapshots: native's ProcessCpuTest). */
class CpuUtilizationTest {

    private static volatile long sink;

    @Test
    void utilizationIsIperf3sFormula() {
        ProcessCpu.now();
        ProcessCpu start = ProcessCpu.now();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long t0 = threads.getCurrentThreadCpuTime();
        long wallLimit = System.nanoTime() + 20_000_000_000L;
        long x = 1;
        while (threads.getCurrentThreadCpuTime() - t0 < 100_000_000L && System.nanoTime() < wallLimit) {
            for (int i = 0; i < 20_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        sink = x;
        ProcessCpu end = ProcessCpu.now();
        long wall = end.wallMicros() - start.wallMicros();

        CpuUtilization u = CpuUtilization.since(start, end);
        double max = 100.0 * Runtime.getRuntime().availableProcessors() + 25;
        assertThat(u.total()).isBetween(0.0, max);
        assertThat(u.user()).isBetween(0.0, max);
        assertThat(u.system()).isBetween(0.0, max);
        // the formula is iperf3's: CPU µs / wall µs × 100
        assertThat(u.user()).isCloseTo(100.0 * (end.userMicros() - start.userMicros()) / wall, within(1e-9));
        assertThat(u.system()).isCloseTo(100.0 * (end.systemMicros() - start.systemMicros()) / wall, within(1e-9));
        assertThat(u.total()).isCloseTo(100.0 * (end.processMicros() - start.processMicros()) / wall, within(1e-9));
        // clock() and getrusage measure the same process time through different kernel paths
        assertThat(u.total()).isCloseTo(u.user() + u.system(), within(10.0));
    }

    @Test
    void emptyIntervalIsZero() {
        ProcessCpu s = ProcessCpu.now();
        assertThat(CpuUtilization.since(s, s)).isEqualTo(CpuUtilization.ZERO);
    }
}
