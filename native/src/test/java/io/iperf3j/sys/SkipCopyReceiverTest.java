package io.iperf3j.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --skip-rx-copy}'s receive: over a loopback TCP connection, the byte counts
 * {@code recv(MSG_TRUNC)} returns add up to exactly what the peer wrote, end of stream
 * reads as 0, and nothing is copied into the buffer handed to the kernel.
 */
class SkipCopyReceiverTest {
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void dropsExactlyWhatThePeerWroteWithoutCopying() throws Exception {
        assertThat(NativeSocket.available()).as("FFM: run with --enable-native-access").isTrue();
        long total = 64L * 1024 * 1024 + 12_345; // not a whole number of blocks
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel out = SocketChannel.open(listener.getLocalAddress())) {
                    ByteBuffer block = ByteBuffer.allocate(100_000);
                    while (block.hasRemaining()) {
                        block.put((byte) 0x5A);
                    }
                    long left = total;
                    while (left > 0) {
                        block.clear().limit((int) Math.min(block.capacity(), left));
                        left -= out.write(block);
                    }
                    return total;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SocketChannel in = listener.accept()) {
                NativeSocket nat = NativeSocket.of(in).orElseThrow();
                ByteBuffer scratch = ByteBuffer.allocateDirect(128 * 1024);
                SkipCopyReceiver r = SkipCopyReceiver.of(nat, scratch).orElseThrow();
                long dropped = 0;
                int calls = 0;
                while (true) {
                    long n = r.receive(131_072);
                    if (n == SkipCopyReceiver.EAGAIN) {
                        r.awaitReadable(100);
                        continue;
                    }
                    assertThat(n).as("recv result").isNotNegative().isLessThanOrEqualTo(131_072);
                    if (n == 0) {
                        break;
                    }
                    dropped += n;
                    calls++;
                }
                assertThat(writer.get(20, TimeUnit.SECONDS)).isEqualTo(total);
                assertThat(dropped).isEqualTo(total);
                assertThat(calls).isGreaterThan(1);
                int written = 0;
                for (int i = 0; i < scratch.capacity(); i++) {
                    written += scratch.get(i) != 0 ? 1 : 0;
                }
                assertThat(written).as("bytes the kernel copied into the buffer").isZero();
            }
        }
    }
}
