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
    void theSizeIsTheShareTimesTwiceTheRttAndTwentyMillisecondsWithinBounds() {
        // 100 Mbit/s = 12.5 MB/s: at 150 ms, 12.5 MB/s × 320 ms = 4 000 000 bytes; near by, 20 ms of it
        assertThat(ReadWindow.size(100_000_000, 150_000)).isEqualTo(4_000_000);
        assertThat(ReadWindow.size(100_000_000, 0)).isEqualTo(250_000);
        assertThat(ReadWindow.size(1_000_000, 50)).isEqualTo(ReadWindow.FLOOR);
        assertThat(ReadWindow.size(10_000_000_000L, 300_000)).isEqualTo(ReadWindow.CEILING);
        assertThat(ReadWindow.size(0, 150_000)).isZero();
    }

    /**
     * On loopback (RTT tens of µs) a 50 Mbit/s share gets 20 ms of itself; when the share falls
     * to a tenth, the worker's next look (not before 200 ms) shrinks the buffer to the floor;
     * a change of less than an eighth sets nothing new. The socket reports what was set (the JDK
     * halves the kernel's doubled figure).
     */
    @Test
    void theBufferFollowsTheShareOnARealSocket() throws Exception {
        try (ServerSocketChannel listener = listener();
             SocketChannel client = SocketChannel.open(listener.getLocalAddress());
             SocketChannel accepted = listener.accept()) {
            RateShare share = new RateShare(50_000_000);
            long now = System.nanoTime(); // before it was made: its first look is 200 ms after that at the earliest
            ReadWindow w = ReadWindow.accepted(accepted, NativeSocket.of(accepted).orElseThrow(), share, 0, STOCK_RMEM_MAX);
            int first = w.current();
            assertThat(first).isBetween(125_000, 125_000 + 125_000 / 8); // loopback's RTT adds a few µs at most
            assertThat(accepted.getOption(StandardSocketOptions.SO_RCVBUF)).isEqualTo(first);

            share.publish(5_000_000);
            w.follow(now);
            assertThat(w.current()).as("not before 200 ms").isEqualTo(first);
            w.follow(now + 10 * SECOND);
            assertThat(w.current()).isEqualTo(ReadWindow.FLOOR);
            assertThat(accepted.getOption(StandardSocketOptions.SO_RCVBUF)).isEqualTo(ReadWindow.FLOOR);

            share.publish(28_000_000); // 70 000 bytes: within an eighth of the floor
            w.follow(now + 20 * SECOND);
            assertThat(w.current()).isEqualTo(ReadWindow.FLOOR);
        }
    }

    /** A size above what the kernel grants sets the kernel's cap (the kernel would cap it anyway). */
    @Test
    void aSizeAboveTheKernelsCapSetsTheCap() throws Exception {
        try (ServerSocketChannel listener = listener();
             SocketChannel client = SocketChannel.open(listener.getLocalAddress());
             SocketChannel accepted = listener.accept()) {
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
