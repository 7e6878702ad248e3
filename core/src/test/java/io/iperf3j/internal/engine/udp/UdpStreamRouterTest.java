package io.iperf3j.internal.engine.udp;

import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's UDP acceptor on real loopback sockets: connect datagrams go to the
 * test from the sender's address, tests from one address set up one after the other,
 * and the port is held only while a test waits.
 */
@Timeout(30)
class UdpStreamRouterTest {
    /** A test waiting for its UDP streams. */
    private static final class Waiter implements UdpStreamRouter.Sink {
        final BlockingQueue<DatagramChannel> offered = new LinkedBlockingQueue<>();
        final CountDownLatch granted = new CountDownLatch(1);

        @Override
        public void offerUdpStream(DatagramChannel channel) {
            offered.add(channel);
        }

        @Override
        public void udpSetupGranted() {
            granted.countDown();
        }

        DatagramChannel next() throws InterruptedException {
            DatagramChannel ch = offered.poll(5, TimeUnit.SECONDS);
            assertThat(ch).as("a stream socket offered").isNotNull();
            return ch;
        }
    }

    private static final IperfOptions SERVER = IperfOptions.builder().build();

    private static DatagramChannel clientFrom(String address) throws Exception {
        DatagramChannel c = DatagramChannel.open();
        c.bind(new InetSocketAddress(address, 0));
        return c;
    }

    private static void send(DatagramChannel from, int port, int size) throws Exception {
        from.send(ByteBuffer.allocate(size), new InetSocketAddress("127.0.0.1", port));
    }

    @Test
    void aConnectDatagramBecomesASocketConnectedToItsSender() throws Exception {
        int port = FreePorts.next();
        Waiter test = new Waiter();
        try (UdpStreamRouter router = new UdpStreamRouter(SERVER, () -> port);
             DatagramChannel client = clientFrom("127.0.0.1")) {
            assertThat(router.expect(test, InetAddress.getByName("127.0.0.1"), 1)).as("granted at once").isTrue();
            send(client, port, 20); // not a connect message: ignored
            send(client, port, 4);
            try (DatagramChannel stream = test.next()) {
                assertThat(stream.isConnected()).isTrue();
                assertThat(((InetSocketAddress) stream.getRemoteAddress()).getPort())
                        .isEqualTo(((InetSocketAddress) client.getLocalAddress()).getPort());
                assertThat(((InetSocketAddress) stream.getLocalAddress()).getPort()).isEqualTo(port);
            }
            assertThat(test.offered).as("only the 4-byte datagram made a stream").isEmpty();
        }
    }

    @Test
    void testsFromTwoAddressesEachGetTheirOwnStreams() throws Exception {
        int port = FreePorts.next();
        Waiter one = new Waiter();
        Waiter two = new Waiter();
        try (UdpStreamRouter router = new UdpStreamRouter(SERVER, () -> port);
             DatagramChannel c1 = clientFrom("127.0.0.1");
             DatagramChannel c2 = clientFrom("127.0.0.2")) {
            assertThat(router.expect(one, InetAddress.getByName("127.0.0.1"), 1)).isTrue();
            assertThat(router.expect(two, InetAddress.getByName("127.0.0.2"), 1)).as("another address: no wait").isTrue();
            send(c2, port, 4);
            send(c1, port, 4);
            try (DatagramChannel s1 = one.next(); DatagramChannel s2 = two.next()) {
                assertThat(((InetSocketAddress) s1.getRemoteAddress()).getAddress().getHostAddress()).endsWith("127.0.0.1");
                assertThat(((InetSocketAddress) s2.getRemoteAddress()).getAddress().getHostAddress()).endsWith("127.0.0.2");
            }
        }
    }

    @Test
    void aSecondTestFromTheSameAddressWaitsUntilTheFirstHasItsStreams() throws Exception {
        int port = FreePorts.next();
        Waiter first = new Waiter();
        Waiter second = new Waiter();
        InetAddress ip = InetAddress.getByName("127.0.0.1");
        try (UdpStreamRouter router = new UdpStreamRouter(SERVER, () -> port);
             DatagramChannel client = clientFrom("127.0.0.1")) {
            assertThat(router.expect(first, ip, 1)).isTrue();
            assertThat(router.expect(second, ip, 1)).as("same address: waits").isFalse();
            send(client, port, 4);
            first.next().close();
            assertThat(second.granted.await(5, TimeUnit.SECONDS)).as("granted once the first has all its streams").isTrue();
            send(client, port, 4);
            second.next().close();
            assertThat(first.offered).as("the first test got no second stream").isEmpty();
        }
    }

    @Test
    void forgettingATestGrantsTheNextAndTheLastOneFreesThePort() throws Exception {
        int port = FreePorts.next();
        Waiter first = new Waiter();
        Waiter second = new Waiter();
        InetAddress ip = InetAddress.getByName("127.0.0.1");
        try (UdpStreamRouter router = new UdpStreamRouter(SERVER, () -> port)) {
            router.expect(first, ip, 2);
            router.expect(second, ip, 2);
            router.forget(first); // e.g. the first test ended before its streams came
            assertThat(second.granted.await(5, TimeUnit.SECONDS)).isTrue();
            router.forget(second);
            try (DatagramChannel again = DatagramChannel.open()) {
                again.bind(new InetSocketAddress(port)); // no SO_REUSEADDR: only a closed acceptor lets this bind
                assertThat(again.getLocalAddress()).isNotNull();
            }
        }
    }

    @Test
    void ipv4MappedAddressesCompareAsIpv4() throws Exception {
        InetAddress mapped = java.net.Inet6Address.getByAddress(null,
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 2}, (java.net.NetworkInterface) null);
        assertThat(mapped).isInstanceOf(java.net.Inet6Address.class);
        assertThat(UdpStreamRouter.normalize(mapped)).isEqualTo(InetAddress.getByName("127.0.0.2"));
        InetAddress v6 = InetAddress.getByName("::1");
        assertThat(UdpStreamRouter.normalize(v6)).isEqualTo(v6);
    }

    /**
     * Linux gives a datagram for a shared port to the newest unconnected socket on it: a
     * connect message from another client that arrives between a stream socket's bind and its
     * connect lands in that socket. It must come back to be routed, not be dropped by the
     * channel's connect (the client would wait 30 s and fail).
     */
    @Test
    void aConnectMessageThatReachesANewStreamSocketBeforeItsConnectIsKept() throws Exception {
        assumeNativeSockets();
        try (DatagramChannel acceptor = DatagramChannel.open(java.net.StandardProtocolFamily.INET);
             DatagramChannel stream = DatagramChannel.open(java.net.StandardProtocolFamily.INET);
             DatagramChannel peer = clientFrom("127.0.0.1");
             DatagramChannel other = clientFrom("127.0.0.2")) {
            acceptor.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            acceptor.bind(new InetSocketAddress(0));
            int port = ((InetSocketAddress) acceptor.getLocalAddress()).getPort();
            stream.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            stream.bind(new InetSocketAddress(port));
            other.send(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), new InetSocketAddress("127.0.0.1", port));
            other.send(ByteBuffer.allocate(20), new InetSocketAddress("127.0.0.1", port));
            peer.send(ByteBuffer.allocate(4), new InetSocketAddress("127.0.0.1", port)); // a repeat of peer's own
            // Loopback delivers within the send call, or soon after in ksoftirqd on a busy machine.
            Thread.sleep(200);

            java.util.List<UdpStreamRouter.Stray> strays =
                    UdpStreamRouter.connectKeepingStrays(stream, (InetSocketAddress) peer.getLocalAddress());

            assertThat(strays).extracting(UdpStreamRouter.Stray::source)
                    .as("the other client's datagrams, in order; none of the peer's")
                    .containsExactly((InetSocketAddress) other.getLocalAddress(),
                            (InetSocketAddress) other.getLocalAddress());
            assertThat(strays).extracting(st -> st.datagram().remaining()).containsExactly(4, 20);
            assertThat(strays.get(0).datagram().get(0)).isEqualTo((byte) 1);
            assertThat(stream.isConnected()).isTrue();
            assertThat(stream.isBlocking()).as("blocking again, as stream sockets are").isTrue();
            assertThat(stream.getRemoteAddress()).isEqualTo(peer.getLocalAddress());
            acceptor.configureBlocking(false);
            assertThat(acceptor.receive(ByteBuffer.allocate(64)))
                    .as("the acceptor never saw them: the window is real").isNull();

            // once connected, the stream hears the peer only; others reach the acceptor
            other.send(ByteBuffer.allocate(4), new InetSocketAddress("127.0.0.1", port));
            peer.send(ByteBuffer.allocate(8), new InetSocketAddress("127.0.0.1", port));
            ByteBuffer in = ByteBuffer.allocate(64);
            stream.receive(in);
            assertThat(in.position()).isEqualTo(8);
            acceptor.configureBlocking(true);
            assertThat(acceptor.receive(ByteBuffer.allocate(64))).isEqualTo(other.getLocalAddress());
        }
    }

    private static void assumeNativeSockets() {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.iperf3j.sys.NativeSocket.available(),
                "the FFM socket path (Linux): " + io.iperf3j.sys.NativeSocket.unavailableReason().orElse(""));
    }
}
