package io.iperf3j.internal.engine.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --server-bitrate-limit}: up front and over a window of round(S / interval) samples. */
class BitrateLimitTest {
    @Test
    void upFrontCountsEveryStreamAndBothWaysOfBidir() {
        assertThat(BitrateLimit.exceededUpFront(5e6, 1_000_000, 5, false)).isFalse();
        assertThat(BitrateLimit.exceededUpFront(5e6, 1_000_001, 5, false)).isTrue();
        assertThat(BitrateLimit.exceededUpFront(5e6, 1_000_000, 3, true)).isTrue();
        assertThat(BitrateLimit.exceededUpFront(0, Long.MAX_VALUE, 8, true)).as("no limit").isFalse();
    }

    @Test
    void trippedByTheSampleThatLiftsTheFullWindowsAverageOver() {
        // 8 Mbit/s limit over 3 s with 1 s intervals: a window of 3 samples, 1 MB each is at the limit.
        BitrateLimit l = BitrateLimit.running(8e6, 3, 1);
        assertThat(l.exceededAfter(5_000_000)).as("window not full yet").isFalse();
        assertThat(l.exceededAfter(0)).isFalse();
        assertThat(l.exceededAfter(0)).as("5 MB over 3 s is 13.3 Mbit/s").isTrue();

        BitrateLimit m = BitrateLimit.running(8e6, 3, 1);
        assertThat(m.exceededAfter(1_000_000)).isFalse();
        assertThat(m.exceededAfter(1_000_000)).isFalse();
        assertThat(m.exceededAfter(1_000_000)).as("exactly at the limit").isFalse();
        assertThat(m.exceededAfter(1_000_001)).as("the oldest sample left the window").isTrue();
    }

    @Test
    void aWindowIsAtLeastOneSampleAndOffWithoutIntervals() {
        assertThat(BitrateLimit.running(8e6, 0.2, 1).exceededAfter(1_000_001)).isTrue();
        assertThat(BitrateLimit.running(8e6, 5, 0)).as("-i 0").isNull();
        assertThat(BitrateLimit.running(0, 5, 1)).as("no limit").isNull();
    }
}
