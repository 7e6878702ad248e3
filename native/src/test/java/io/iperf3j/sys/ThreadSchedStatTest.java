package io.iperf3j.sys;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadSchedStatTest {
    @Test
    void theThreeFieldsInOrder() {
        ThreadSchedStat s = ThreadSchedStat.parse("1234567 89012 34\n", 5).orElseThrow();
        assertThat(s.runNanos()).isEqualTo(1234567);
        assertThat(s.waitNanos()).isEqualTo(89012);
        assertThat(s.timeslices()).isEqualTo(34);
        assertThat(s.wallNanos()).isEqualTo(5);
        assertThat(ThreadSchedStat.parse("12 x 3", 0)).isEmpty();
        assertThat(ThreadSchedStat.parse("", 0)).isEmpty();
    }

    /**
     * The first field is the thread's own CPU time (the kernel's {@code sum_exec_runtime}, the clock
     * {@code CLOCK_THREAD_CPUTIME_ID} reads too). Wall time is no yardstick for it: on a virtual machine the
     * host can take the CPU away (steal), which the guest counts neither as run nor as wait, so 50 ms of
     * spinning once showed 11 ms. The thread's CPU clock is the yardstick: spin until that clock has moved
     * 20 ms, then the file must have moved too; a file that stays still fails once the thread has burnt 2 s.
     */
    @Test
    void aSpinningThreadsRunTimeGrowsWithItsCpuTime() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ThreadSchedStat before = ThreadSchedStat.current().orElseThrow();
        long cpu0 = mx.getCurrentThreadCpuTime();
        ThreadSchedStat after = before;
        long x = 0;
        while (after.runNanos() - before.runNanos() < 20_000_000L
                && mx.getCurrentThreadCpuTime() - cpu0 < 2_000_000_000L) {
            long until = System.nanoTime() + 1_000_000L;
            while (System.nanoTime() < until) {
                x++;
            }
            after = ThreadSchedStat.current().orElseThrow();
        }
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        long run = after.runNanos() - before.runNanos();
        assertThat(x).isPositive();
        assertThat(run).as("run time after %d ns of this thread's CPU", cpu).isGreaterThanOrEqualTo(20_000_000L);
        assertThat(after.wallNanos()).isGreaterThan(before.wallNanos());
        assertThat(after.waitNanos()).isGreaterThanOrEqualTo(before.waitNanos());
        assertThat(after.timeslices()).isGreaterThanOrEqualTo(before.timeslices());
    }
}
