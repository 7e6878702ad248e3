package io.iperf3j.sys;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCpuTest {

    private static volatile long sink;

    /** Spins until this thread has used {@code cpuNanos} of CPU (so a busy machine only makes it slower). */
    private static void burn(long cpuNanos) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        long wallLimit = System.nanoTime() + 20_000_000_000L;
        long x = 1;
        while (threads.getCurrentThreadCpuTime() - start < cpuNanos && System.nanoTime() < wallLimit) {
            for (int i = 0; i < 20_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        sink = x;
    }

    @Test
    void burningCpuRaisesUserTime() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        // The JVM's first getrusage binds it through FFM on this thread: tens of ms of CPU that
        // the thread clock below would count and the getrusage samples would not. Bind it first.
        ProcessCpu.now();
        long threadUserStart = threads.getCurrentThreadUserTime();
        ProcessCpu start = ProcessCpu.now();
        assertThat(start.isNative()).isTrue();
        burn(300_000_000L);
        ProcessCpu end = ProcessCpu.now();
        long threadUserMicros = (threads.getCurrentThreadUserTime() - threadUserStart) / 1000;

        long wall = end.wallMicros() - start.wallMicros();
        assertThat(wall).isGreaterThanOrEqualTo(250_000);
        // The thread's CPU time counts user and system time alike (a busy machine moves some of
        // the burn into system time: timer ticks, page faults), so check the sum, and that the
        // spinning loop was mostly user time. getrusage has µs resolution; allow a tick of slack.
        long user = end.userMicros() - start.userMicros();
        long system = end.systemMicros() - start.systemMicros();
        assertThat(user + system).isGreaterThan(280_000);
        // The process's user time includes this thread's (as the kernel counts it; how much of
        // the burn a busy machine moves to system time varies, so no share is asserted).
        // getrusage and the thread clock tick at different moments: one tick of slack.
        assertThat(user).isGreaterThanOrEqualTo(threadUserMicros - 10_000).isPositive();
        assertThat(end.processMicros() - start.processMicros()).isGreaterThan(280_000);
        assertThat(end.systemMicros()).isGreaterThanOrEqualTo(start.systemMicros());

        // the utilisation formula over two snapshots is core's CpuUtilizationTest
    }
}
