package io.iperf3j.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TCP sends through the descriptor, over loopback connections: the peer reads exactly the block's bytes,
 * from any offset; a send blocked on a full socket ends with an error when woken; a reset peer's error
 * comes back as {@code -errno}.
 */
class TcpSenderTest {
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void thePeerReadsTheBlocksBytesFromEachOffset() throws Exception {
        assertThat(NativeSocket.available()).as("FFM: run with --enable-native-access").isTrue();
        int size = 128 * 1024;
        ByteBuffer block = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) {
            block.put(i, (byte) (i * 31 + 7));
        }
        block.position(size); // the sender sends from the start whatever the buffer's position
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel out = SocketChannel.open(listener.getLocalAddress());
                 SocketChannel in = listener.accept()) {
                TcpSender s = TcpSender.of(NativeSocket.of(out).orElseThrow(), block).orElseThrow();
                CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> readAll(in, 2 * size - 1000));
                long sent = 0;
                while (sent < size) {
                    long n = s.send(sent);
                    assertThat(n).as("send result").isPositive().isLessThanOrEqualTo(size - sent);
                    sent += n;
                }
                long tail = 0;
                while (tail < size - 1000) {
                    tail += s.send(1000 + tail);
                }
                byte[] got = read.get(20, TimeUnit.SECONDS);
                for (int i = 0; i < got.length; i++) {
                    int offset = i < size ? i : 1000 + (i - size);
                    assertThat(got[i]).as("byte %d", i).isEqualTo((byte) (offset * 31 + 7));
                }
                assertThatThrownBy(() -> s.send(size)).isInstanceOf(IndexOutOfBoundsException.class);
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void wakeUpEndsASendBlockedOnAFullSocket() throws Exception {
        assertThat(NativeSocket.available()).as("FFM: run with --enable-native-access").isTrue();
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel out = SocketChannel.open(listener.getLocalAddress());
                 SocketChannel in = listener.accept()) {
                assertThat(in.isConnected()).as("the peer stays connected and reads nothing").isTrue();
                TcpSender s = TcpSender.of(NativeSocket.of(out).orElseThrow(), ByteBuffer.allocateDirect(128 * 1024))
                        .orElseThrow();
                CompletableFuture<Long> sending = CompletableFuture.supplyAsync(() -> {
                    while (true) { // fills both buffers, then blocks
                        long n = s.send(0);
                        if (n < 0 && n != TcpSender.EINTR) {
                            return n;
                        }
                    }
                });
                Thread.sleep(500);
                assertThat(sending).as("blocked on the full socket").isNotDone();
                s.wakeUp();
                long n = sending.get(5, TimeUnit.SECONDS);
                assertThat(n).as("after the wake-up").isEqualTo(-32L); // EPIPE
                assertThat(s.errorText(n)).isEqualTo("Broken pipe");
                assertThat(out.isOpen()).as("the descriptor stays open").isTrue();
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aResetPeersErrorComesBack() throws Exception {
        assertThat(NativeSocket.available()).as("FFM: run with --enable-native-access").isTrue();
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel out = SocketChannel.open(listener.getLocalAddress())) {
                TcpSender s = TcpSender.of(NativeSocket.of(out).orElseThrow(), ByteBuffer.allocateDirect(4096))
                        .orElseThrow();
                try (SocketChannel in = listener.accept()) {
                    in.setOption(StandardSocketOptions.SO_LINGER, 0); // an RST instead of a FIN
                }
                long n = 0;
                for (int i = 0; i < 100 && n >= 0; i++) {
                    n = s.send(0);
                    Thread.sleep(10);
                }
                assertThat(n).as("send to a reset peer").isIn(-104L, -32L); // ECONNRESET, then EPIPE
                assertThat(s.errorText(n)).isIn("Connection reset by peer", "Broken pipe");
            }
        }
    }

    private static byte[] readAll(SocketChannel in, int total) {
        ByteBuffer b = ByteBuffer.allocate(total);
        try {
            while (b.hasRemaining()) {
                if (in.read(b) < 0) {
                    break;
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return b.array();
    }
}
