package io.iperf3j.cli;

import java.time.Duration;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Counting a string in what a process wrote (its captured stderr, a log file), and waiting for a count. */
final class CapturedText {
    private CapturedText() {
    }

    /** How often {@code what} occurs in {@code text}. */
    static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    /** Polls {@code text} until {@code what} occurs {@code n} times, at most {@code limit}; then asserts it does. */
    static void awaitCount(Supplier<String> text, String what, int n, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (count(text.get(), what) < n && System.nanoTime() < deadline) {
            Thread.sleep(20); // a poll of the captured text, ended by the lines
        }
        String now = text.get();
        assertThat(count(now, what)).as("%s in%n%s", what, now).isEqualTo(n);
    }
}
