package io.iperf3j.internal.why;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Figures at their scale (issue 56): a LAN's round trip in microseconds, a small BDP in bytes. */
class UnitsTest {
    @Test
    void roundTripsBelowAMillisecondInMicroseconds() {
        assertThat(Units.rtt(3)).isEqualTo("3 us");
        assertThat(Units.rtt(999)).isEqualTo("999 us");
        assertThat(Units.rtt(1000)).isEqualTo("1.0 ms");
        assertThat(Units.rtt(100_123)).isEqualTo("100.1 ms");
    }

    @Test
    void bytesAtTheirScale() {
        assertThat(Units.bytes(0)).isEqualTo("0 bytes");
        assertThat(Units.bytes(700)).isEqualTo("700 bytes");
        assertThat(Units.bytes(3467)).isEqualTo("3.4 KiB");
        assertThat(Units.bytes(26_752)).isEqualTo("26 KiB");
        assertThat(Units.bytes(4 << 20)).isEqualTo("4.0 MiB");
    }
}
