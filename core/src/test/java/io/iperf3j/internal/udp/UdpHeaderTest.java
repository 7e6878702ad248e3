package io.iperf3j.internal.udp;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

class UdpHeaderTest {
    private static byte[] bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(0, out);
        return out;
    }

    @Test
    void thirtyTwoBitHeaderIsBigEndianSecUsecSeq() {
        ByteBuffer b = ByteBuffer.allocateDirect(32);
        UdpHeader.write(b, 395_000_123L, 0x01020304L, false);
        // 395 s and 123 µs
        assertThat(bytes(b, 12)).containsExactly(
                0, 0, 0x01, (byte) 0x8b, 0, 0, 0, 123, 1, 2, 3, 4);
        assertThat(b.position()).isZero();
        assertThat(b.limit()).isEqualTo(32);
        assertThat(UdpHeader.sentMicros(b)).isEqualTo(395_000_123L);
        assertThat(UdpHeader.sequence(b, false)).isEqualTo(0x01020304L);
    }

    @Test
    void sixtyFourBitHeaderCarriesTheWholeCounter() {
        ByteBuffer b = ByteBuffer.allocate(16);
        long seq = 0x0000_0001_0000_0002L;
        UdpHeader.write(b, 7_999_999L, seq, true);
        assertThat(bytes(b, 16)).containsExactly(
                0, 0, 0, 7, 0, 0x0f, 0x42, 0x3f, 0, 0, 0, 1, 0, 0, 0, 2);
        assertThat(UdpHeader.sequence(b, true)).isEqualTo(seq);
        assertThat(UdpHeader.sentMicros(b)).isEqualTo(7_999_999L);
        // A 32-bit reader of a 64-bit packet sees the high word: 1 here (0 for small counters), as in 3.12.
        assertThat(UdpHeader.sequence(b, false)).isEqualTo(1);
    }

    @Test
    void fieldsAreUnsigned() {
        ByteBuffer b = ByteBuffer.allocate(12);
        b.putInt(0, 0xFFFF_FFFF).putInt(4, 999_999).putInt(8, 0xFFFF_FFFE);
        assertThat(UdpHeader.sentMicros(b)).isEqualTo(0xFFFF_FFFFL * 1_000_000 + 999_999);
        assertThat(UdpHeader.sequence(b, false)).isEqualTo(0xFFFF_FFFEL);
    }

    @Test
    void secondsAreTruncatedTo32Bits() {
        ByteBuffer b = ByteBuffer.allocate(12);
        long micros = (0x1_0000_0005L) * 1_000_000 + 42;
        UdpHeader.write(b, micros, 1, false);
        assertThat(b.getInt(0)).isEqualTo(5);
        assertThat(b.getInt(4)).isEqualTo(42);
    }

    @Test
    void sizes() {
        assertThat(UdpHeader.size(false)).isEqualTo(12);
        assertThat(UdpHeader.size(true)).isEqualTo(16);
    }
}
