package io.iperf3j.internal.udp;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

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

    /**
     * The batched writer and the little-endian readers against the one-datagram writer and
     * readers: the same bytes for random times and sequence numbers (both counter widths,
     * wrap-arounds of the 32-bit counter, seconds beyond 32 bits), read back the same.
     */
    @Test
    void batchWriterWritesTheBytesOfTheSingleWriter() {
        SplittableRandom r = new SplittableRandom(16);
        int stride = 1460;
        for (int round = 0; round < 2_000; round++) {
            boolean c64 = r.nextBoolean();
            int count = 1 + r.nextInt(44);
            long micros = switch (r.nextInt(4)) {
                case 0 -> r.nextLong(1L << 40);
                case 1 -> -r.nextLong(1L << 40); // an arbitrary clock origin can make nanoTime negative
                case 2 -> (0x1_0000_0000L + r.nextLong(1L << 20)) * 1_000_000 + r.nextInt(1_000_000);
                default -> r.nextLong(Long.MAX_VALUE);
            };
            long seq = switch (r.nextInt(3)) {
                case 0 -> r.nextLong(1_000_000);
                case 1 -> 0xFFFF_FFFFL - r.nextInt(50); // the 32-bit counter wraps inside the batch
                default -> r.nextLong(Long.MAX_VALUE - 100);
            };
            ByteBuffer expected = ByteBuffer.allocateDirect(count * stride);
            for (int i = 0; i < count; i++) {
                UdpHeader.write(expected, i * stride, micros, seq + 1 + i, c64);
            }
            ByteBuffer batch = ByteBuffer.allocateDirect(count * stride);
            long last = UdpHeader.writeBatch(batch.duplicate().order(ByteOrder.LITTLE_ENDIAN), count, stride, micros, seq,
                    c64);
            assertThat(last).isEqualTo(seq + count);
            assertThat(bytes(batch, count * stride)).as("round %d", round).isEqualTo(bytes(expected, count * stride));
            ByteBuffer le = batch.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                assertThat(UdpHeader.sequenceLe(le, i * stride, c64)).isEqualTo(UdpHeader.sequence(batch, i * stride, c64));
                assertThat(UdpHeader.sentMicrosLe(le, i * stride)).isEqualTo(UdpHeader.sentMicros(batch, i * stride));
            }
        }
    }

    @Test
    void batchWriterRefusesABigEndianBuffer() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> UdpHeader.writeBatch(ByteBuffer.allocate(24), 1, 12, 1, 0, false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
