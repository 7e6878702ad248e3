package io.iperf3j.internal.engine.udp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A GRO receiver's buffer follows its stream's {@code -b}: 10 ms of it, 4 to 32 slots of 64 KiB. */
class GroSlotsTest {
    @Test
    void tenMillisecondsOfTheStreamWithinFourAndThirtyTwoSlots() {
        assertThat(UdpIo.groSlots(0)).as("-b 0: unpaced, the most").isEqualTo(UdpIo.GRO_SLOTS);
        assertThat(UdpIo.groSlots(1)).isEqualTo(UdpIo.MIN_GRO_SLOTS);
        assertThat(UdpIo.groSlots(1_048_576)).as("iperf3's UDP default, 1 Mbit/s").isEqualTo(4);
        assertThat(UdpIo.groSlots(10_000_000)).isEqualTo(4);
        // 1 Gbit/s: 1 250 000 bytes in 10 ms, 19.07 slots of 65 536 bytes
        assertThat(UdpIo.groSlots(1_000_000_000)).isEqualTo(20);
        assertThat(UdpIo.groSlots(1_677_721_600L)).as("exactly 32 slots' worth").isEqualTo(32);
        assertThat(UdpIo.groSlots(1_677_721_601L)).isEqualTo(32);
        assertThat(UdpIo.groSlots(100_000_000_000L)).isEqualTo(UdpIo.GRO_SLOTS);
    }
}
