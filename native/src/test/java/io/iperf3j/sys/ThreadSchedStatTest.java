package io.iperf3j.sys;

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

    @Test
    void aSpinningThreadRunsAndItsRunTimeGrows() {
        ThreadSchedStat before = ThreadSchedStat.current().orElseThrow();
        long until = System.nanoTime() + 50_000_000L;
        long x = 0;
        while (System.nanoTime() < until) {
            x++;
        }
        ThreadSchedStat after = ThreadSchedStat.current().orElseThrow();
        assertThat(x).isPositive();
        // 50 ms of spinning is run or wait time of this thread: together at least most of it
        long wanted = (after.runNanos() - before.runNanos()) + (after.waitNanos() - before.waitNanos());
        assertThat(wanted).isGreaterThan(25_000_000L);
        assertThat(after.wallNanos() - before.wallNanos()).isGreaterThanOrEqualTo(50_000_000L);
    }
}
