package io.iperf3j.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PayloadTest {

    /** The random payload is SplittableRandom(seed)'s: nextLong per 8 bytes (big-endian), nextInt per byte left. */
    @Test
    void randomPayloadIsSplittableRandomsSequence() {
        for (int size : new int[] {1, 7, 8, 1461, 128 * 1024}) {
            for (long seed : new long[] {0, -1, 42, Long.MIN_VALUE}) {
                try (Arena arena = Arena.ofConfined()) {
                    ByteBuffer b = Payload.buffer(arena, size, false, seed);
                    ByteBuffer expected = ByteBuffer.allocate(size);
                    SplittableRandom r = new SplittableRandom(seed);
                    while (expected.remaining() >= 8) {
                        expected.putLong(r.nextLong());
                    }
                    while (expected.hasRemaining()) {
                        expected.put((byte) r.nextInt());
                    }
                    expected.flip();
                    assertThat(b.position()).isZero();
                    assertThat(b.limit()).isEqualTo(size);
                    assertThat(b).as("size %d, seed %d", size, seed).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void repeatingPayloadIsIperf2s() {
        try (Arena arena = Arena.ofConfined()) {
            ByteBuffer b = Payload.buffer(arena, 23, true, 0);
            byte[] got = new byte[23];
            b.get(got);
            assertThat(new String(got, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("01234567890123456789012");
        }
    }
}
