package io.iperf3j.internal.engine.tcp;

import io.iperf3j.internal.engine.RateShare;
import io.iperf3j.sys.NativeSocket;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import static org.assertj.core.api.Assertions.assertThat;

/** The receive buffer of a read-paced stream ({@link ReadWindow}): its size, and what it sets on a real socket. */
class ReadWindowTest {
    private static final long SECOND = 1_000_000_000L;
    /** Linux's stock {@code net.core.rmem_max}: what any kernel grants at least. */
    private static final long STOCK_RMEM_MAX = 212_992;

    @Test
    void theSizeIsTheShareTimesTwiceTheRttAndFiftyMillisecondsWithinBounds() {
        // 100 Mbit/s = 12.5 MB/s: at 150 ms, 12.5 MB/s × 350 ms = 4 375 000 bytes; near by, 50 ms of it
        assertThat(ReadWindow.size(100_000_000, 150_000)).isEqualTo(4_375_000);
        assertThat(ReadWindow.size(100_000_000, 0)).isEqualTo(625_000);
        assertThat(ReadWindow.size(1_000_000, 50)).isEqualTo(ReadWindow.FLOOR);
        assertThat(ReadWindow.size(10_000_000_000L, 300_000)).isEqualTo(ReadWindow.CEILING);
        assertThat(ReadWindow.size(0, 150_000)).isZero();
    }

    /**
     * On loopback (RTT tens of µs) a 20 Mbit/s share gets 50 ms of itself. When the share grows
     * fourfold, the worker's next look (not before 200 ms) grows the buffer with it; a rise of
     * less than an eighth sets nothing new, and a fall keeps the buffer (it never shrinks under
     * data already sent for it). The socket reports what was set (the JDK halves the kernel's
     * doubled figure).
     */
    @Test
    void theBufferGrowsWithTheShareOnARealSocket() throws Exception {
        try (ServerSocketChannel listener = listener();
             SocketChannel client = SocketChannel.open(listener.getLocalAddress());
             SocketChannel accepted = listener.accept()) {
            assertThat(client.isConnected()).isTrue();
            RateShare share = new RateShare(4_000_000);
            long now = System.nanoTime(); // before it was made: its first look is 200 ms after that at the earliest
            ReadWindow w = ReadWindow.accepted(accepted, NativeSocket.of(accepted).orElseThrow(), share, 0, STOCK_RMEM_MAX);
            assertThat(w.current()).isEqualTo(ReadWindow.FLOOR); // 25 000 bytes
            assertThat(accepted.getOption(StandardSocketOptions.SO_RCVBUF)).isEqualTo(ReadWindow.FLOOR);

            share.publish(16_000_000);
            w.follow(now);
            assertThat(w.current()).as("not before 200 ms").isEqualTo(ReadWindow.FLOOR);
            w.follow(now + 10 * SECOND);
            int grown = w.current();
            assertThat(grown).isBetween(100_000, 100_000 + 100_000 / 8); // loopback's RTT adds a few µs at most
            assertThat(accepted.getOption(StandardSocketOptions.SO_RCVBUF)).isEqualTo(grown);

            share.publish(17_000_000); // 106 250 bytes: within an eighth
            w.follow(now + 20 * SECOND);
            assertThat(w.current()).isEqualTo(grown);
            share.publish(1_000_000);
            w.follow(now + 30 * SECOND);
            assertThat(w.current()).isEqualTo(grown);
            assertThat(accepted.getOption(StandardSocketOptions.SO_RCVBUF)).isEqualTo(grown);
        }
    }

    /** A size above what the kernel grants sets the kernel's cap (the kernel would cap it anyway). */
    @Test
    void aSizeAboveTheKernelsCapSetsTheCap() throws Exception {
        try (ServerSocketChannel listener = listener();
             SocketChannel client = SocketChannel.open(listener.getLocalAddress());
             SocketChannel accepted = listener.accept()) {
            assertThat(client.isConnected()).isTrue();
            ReadWindow w = ReadWindow.accepted(accepted, null, new RateShare(100_000_000), 0, 200_000);
            assertThat(w.current()).isEqualTo(200_000);
            assertThat(accepted.getOption(StandardSocketOptions.SO_RCVBUF)).isEqualTo(200_000);
        }
    }

    /** A client's {@code -w} below the size stands; one above it is brought down to it. */
    @Test
    void aSmallerWindowOfTheClientStands() throws Exception {
        try (ServerSocketChannel listener = listener();
             SocketChannel client = SocketChannel.open(listener.getLocalAddress());
             SocketChannel accepted = listener.accept()) {
            assertThat(client.isConnected()).isTrue();
            accepted.setOption(StandardSocketOptions.SO_RCVBUF, 100_000);
            ReadWindow small = ReadWindow.accepted(accepted, null, new RateShare(100_000_000), 100_000, STOCK_RMEM_MAX);
            assertThat(small.current()).isZero();
            assertThat(accepted.getOption(StandardSocketOptions.SO_RCVBUF)).isEqualTo(100_000);

            ReadWindow large = ReadWindow.accepted(accepted, null, new RateShare(10_000_000), 100_000, STOCK_RMEM_MAX);
            assertThat(large.current()).isEqualTo(ReadWindow.FLOOR);
            assertThat(accepted.getOption(StandardSocketOptions.SO_RCVBUF)).isEqualTo(ReadWindow.FLOOR);
        }
    }

    private static ServerSocketChannel listener() throws java.io.IOException {
        return ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }
}
