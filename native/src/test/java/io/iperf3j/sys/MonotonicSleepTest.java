package io.iperf3j.sys;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MonotonicSleepTest {
    @Test
    void onLinuxTheSleepIsTheKernels() {
        assertThat(MonotonicSleep.create().isNative()).isTrue();
    }

    @Test
    void aShortSleepNeverEndsBeforeItsDeadline() {
        // clock_nanosleep sleeps at least the time asked for, on the clock nanoTime reads
        MonotonicSleep sleep = MonotonicSleep.create();
        for (int i = 0; i < 200; i++) {
            long now = System.nanoTime();
            long deadline = now + 20_000 + i * 5_000L;
            sleep.until(deadline, now, Long.MAX_VALUE);
            assertThat(System.nanoTime()).isGreaterThanOrEqualTo(deadline);
        }
    }

    @Test
    void aDeadlineInThePastReturnsAtOnceWithoutSleeping() {
        MonotonicSleep sleep = MonotonicSleep.create();
        long now = System.nanoTime();
        sleep.until(now - 1_000_000L, now, Long.MAX_VALUE); // would block ~forever were the sign wrong
        assertThat(System.nanoTime()).isGreaterThanOrEqualTo(now);
    }

    @Test
    void aLongWaitParksSoAnUnparkEndsIt() throws InterruptedException {
        MonotonicSleep sleep = MonotonicSleep.create();
        long[] woke = new long[1];
        Thread t = Thread.ofPlatform().start(() -> {
            long now = System.nanoTime();
            sleep.until(now + TimeUnit.MINUTES.toNanos(10), now, Long.MAX_VALUE);
            woke[0] = System.nanoTime() - now;
        });
        // unpark until it has left: a park that began after an unpark would otherwise miss it
        while (t.isAlive()) {
            java.util.concurrent.locks.LockSupport.unpark(t);
            t.join(10);
        }
        assertThat(woke[0]).isLessThan(TimeUnit.MINUTES.toNanos(10));
    }
}
