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
 * TCP receives through the descriptor, over loopback connections: {@code --skip-rx-copy}'s
 * {@code recv(MSG_TRUNC)} counts add up to exactly what the peer wrote, end of stream reads as 0,
 * and nothing is copied into the buffer handed to the kernel; a copying receiver gets the peer's
 * bytes, and with {@code SO_RCVLOWAT} its {@code poll} waits for a whole mark while a {@code recv}
 * still takes a partial one without waiting.
 */
class TcpReceiverTest {
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
                TcpReceiver r = TcpReceiver.skippingCopy(nat, scratch).orElseThrow();
                long dropped = 0;
                int calls = 0;
                while (true) {
                    long n = r.receive(131_072);
                    if (n == TcpReceiver.EAGAIN) {
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

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void copiesThePeersBytesAndPollWaitsForTheLowWaterMark() throws Exception {
        assertThat(NativeSocket.available()).as("FFM: run with --enable-native-access").isTrue();
        int block = 64 * 1024;
        onLoopbackConnection((out, in, nat) -> {
            nat.setReceiveLowWater(block);
            assertThat(nat.receiveLowWater()).hasValue(block);
            ByteBuffer buffer = ByteBuffer.allocateDirect(block);
            TcpReceiver r = TcpReceiver.copying(nat, buffer).orElseThrow();

            writeAll(out, pattern(1000, 0));
            assertThat(r.awaitReadable(300)).as("poll with 1000 of %d bytes queued", block).isZero();
            // a recv does not wait for the mark: it takes the partial block at once
            assertThat(r.receive(block)).isEqualTo(1000);
            assertThat(r.receive(block)).isEqualTo(TcpReceiver.EAGAIN);
            for (int i = 0; i < 1000; i++) {
                assertThat(buffer.get(i)).as("byte %d", i).isEqualTo(patternByte(i));
            }

            writeAll(out, pattern(block - 1, 1000));
            assertThat(r.awaitReadable(300)).as("one byte short of the mark").isZero();
            writeAll(out, pattern(1, 1000 + block - 1));
            assertThat(r.awaitReadable(5_000)).as("a whole mark queued").isEqualTo(1);
            assertThat(r.receive(block)).isEqualTo(block);
            for (int i = 0; i < block; i++) {
                assertThat(buffer.get(i)).as("byte %d", 1000 + i).isEqualTo(patternByte(1000 + i));
            }

            writeAll(out, pattern(10, 1000 + block)); // the stream's last, partial block
            out.shutdownOutput();
            assertThat(r.awaitReadable(5_000)).as("end of stream with 10 bytes queued").isEqualTo(1);
            assertThat(r.receive(block)).isEqualTo(10);
            assertThat(r.receive(block)).as("end of stream").isZero();
        });
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void wakeUpEndsAWaitInPoll() throws Exception {
        assertThat(NativeSocket.available()).as("FFM: run with --enable-native-access").isTrue();
        onLoopbackConnection((out, in, nat) -> {
            assertThat(out.isConnected()).as("the peer stays connected and silent").isTrue();
            TcpReceiver r = TcpReceiver.copying(nat, ByteBuffer.allocateDirect(4096)).orElseThrow();
            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> r.awaitReadable(20_000));
            Thread.sleep(200);
            assertThat(waiting).isNotDone();
            r.wakeUp();
            assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(r.receive(4096)).as("after the wake-up: end of stream").isZero();
            assertThat(in.isOpen()).as("the descriptor stays open").isTrue();
        });
    }

    /**
     * A receiver that waits in {@code recv}: with the mark, one call returns a whole block written in two
     * halves, the second only once the call is waiting; a silent peer's wait ends at the bound with
     * EAGAIN, and the next call (in {@code poll}, then a {@code recv} that does not wait) too; a partial
     * block under the mark comes back when the bound passes; the end of the stream comes back as 0.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aWaitingReceiverWaitsInRecvForTheMarkWithinItsBound() throws Exception {
        assertThat(NativeSocket.available()).as("FFM: run with --enable-native-access").isTrue();
        int block = 64 * 1024;
        onLoopbackConnection((out, in, nat) -> {
            nat.setReceiveLowWater(block);
            ByteBuffer buffer = ByteBuffer.allocateDirect(block);
            TcpReceiver r = TcpReceiver.copyingAndWaiting(nat, buffer, 400).orElseThrow();
            assertThat(r.waits()).isTrue();

            assertThat(r.receive(block)).as("a silent peer: the wait ends at its bound").isEqualTo(TcpReceiver.EAGAIN);
            assertThat(r.receive(block)).as("then a wait in poll and a recv that does not wait").isEqualTo(TcpReceiver.EAGAIN);

            writeAll(out, pattern(1000, 0));
            assertThat(r.receive(block)).as("after nothing came: what is queued, under the mark").isEqualTo(1000);

            // a whole block in two halves, the second written while the receiver waits in recv
            writeAll(out, pattern(block / 2, 1000));
            CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> r.receive(block));
            Thread.sleep(150);
            assertThat(waiting).as("waiting for the mark, half a block queued").isNotDone();
            writeAll(out, pattern(block / 2, 1000 + block / 2));
            assertThat(waiting.get(5, TimeUnit.SECONDS)).as("one call, the whole block").isEqualTo((long) block);
            for (int i = 0; i < block; i++) {
                assertThat(buffer.get(i)).as("byte %d", 1000 + i).isEqualTo(patternByte(1000 + i));
            }

            writeAll(out, pattern(10, 1000 + block)); // under the mark, the stream still open
            assertThat(r.receive(block)).as("the partial block, once the bound passed").isEqualTo(10);
            writeAll(out, pattern(20, 1010 + block));
            out.shutdownOutput();
            assertThat(r.receive(block)).as("the last partial block at the end of the stream").isEqualTo(20);
            assertThat(r.receive(block)).as("end of stream").isZero();
        });
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void wakeUpEndsAWaitInRecv() throws Exception {
        assertThat(NativeSocket.available()).as("FFM: run with --enable-native-access").isTrue();
        onLoopbackConnection((out, in, nat) -> {
            assertThat(out.isConnected()).as("the peer stays connected and silent").isTrue();
            TcpReceiver r = TcpReceiver.copyingAndWaiting(nat, ByteBuffer.allocateDirect(4096), 20_000).orElseThrow();
            CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> r.receive(4096));
            Thread.sleep(200);
            assertThat(waiting).isNotDone();
            r.wakeUp();
            assertThat(waiting.get(5, TimeUnit.SECONDS)).as("after the wake-up: end of stream").isZero();
            assertThat(in.isOpen()).as("the descriptor stays open").isTrue();
        });
    }

    /**
     * A peer that resets the connection: the receiver's by-address {@code recv} returns -1 and its
     * errno word holds ECONNRESET, which comes back as the error (the socket's error is taken by that
     * call, so reading it any later would see only the end of the stream).
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aResetComesBackAsTheErrorNotAsTheEndOfTheStream() throws Exception {
        assertThat(NativeSocket.available()).as("FFM: run with --enable-native-access").isTrue();
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel out = SocketChannel.open(listener.getLocalAddress());
            try (SocketChannel in = listener.accept()) {
                NativeSocket nat = NativeSocket.of(in).orElseThrow();
                TcpReceiver r = TcpReceiver.copying(nat, ByteBuffer.allocateDirect(4096)).orElseThrow();
                assertThat(r.receive(4096)).as("nothing queued yet").isEqualTo(TcpReceiver.EAGAIN);
                out.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
                out.close(); // SO_LINGER 0: an RST instead of a FIN
                assertThat(r.awaitReadable(5_000)).as("the reset wakes a wait").isEqualTo(1);
                long n = r.receive(4096);
                assertThat(n).as("recv after the reset").isEqualTo(-104L); // ECONNRESET
                assertThat(r.errorText(n)).isEqualTo("Connection reset by peer");
                assertThat(r.receive(4096)).as("then the end of the stream").isZero();
            }
        }
    }

    /** A loopback connection: the writing peer, the accepted end and its native socket; both ends closed after {@code body}. */
    private static void onLoopbackConnection(Connected body) throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel out = SocketChannel.open(listener.getLocalAddress());
                 SocketChannel in = listener.accept()) {
                body.run(out, in, NativeSocket.of(in).orElseThrow());
            }
        }
    }

    @FunctionalInterface
    private interface Connected {
        void run(SocketChannel out, SocketChannel in, NativeSocket nat) throws Exception;
    }

    private static byte patternByte(long offset) {
        return (byte) (offset * 31 + 7);
    }

    private static ByteBuffer pattern(int length, long offset) {
        ByteBuffer b = ByteBuffer.allocate(length);
        for (int i = 0; i < length; i++) {
            b.put(patternByte(offset + i));
        }
        return b.flip();
    }

    private static void writeAll(SocketChannel out, ByteBuffer b) throws java.io.IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }
}
