package io.iperf3j.net;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCpuTest {

    private static volatile long sink;

    @Test
    void burningCpuRaisesUserTime() {
        ProcessCpu start = ProcessCpu.now();
        assertThat(start.isNative()).isTrue();
        long deadline = System.nanoTime() + 300_000_000L;
        long x = 1;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        sink = x;
        ProcessCpu end = ProcessCpu.now();

        assertThat(end.wallMicros() - start.wallMicros()).isGreaterThanOrEqualTo(300_000);
        assertThat(end.userMicros() - start.userMicros()).isGreaterThan(150_000);
        assertThat(end.processMicros() - start.processMicros()).isGreaterThan(150_000);

        CpuUtilization u = end.utilizationSince(start);
        double max = 100.0 * Runtime.getRuntime().availableProcessors() + 25;
        assertThat(u.total()).isBetween(40.0, max);
        assertThat(u.user()).isBetween(40.0, max);
        assertThat(u.system()).isBetween(0.0, max);
        // clock() and getrusage measure the same thing at different resolutions
        assertThat(u.total()).isCloseTo(u.user() + u.system(), org.assertj.core.api.Assertions.within(15.0));
    }

    @Test
    void emptyIntervalIsZero() {
        ProcessCpu s = ProcessCpu.now();
        assertThat(s.utilizationSince(s)).isEqualTo(CpuUtilization.ZERO);
    }
}
