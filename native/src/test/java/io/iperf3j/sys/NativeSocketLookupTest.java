package io.iperf3j.sys;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class NativeSocketLookupTest {

    private static final int SO_RCVBUF = 8;

    @BeforeAll
    static void requireFfm() {
        assertThat(NativeSocket.unavailableReason()).isEmpty();
        assertThat(NativeSocket.available()).isTrue();
    }

    private static NativeSocket resolve(NetworkChannel ch) throws Exception {
        NativeSocket s = NativeSocket.of(ch).orElseThrow(() -> new AssertionError("no fd for " + ch));
        assertThat(s.channel()).isSameAs(ch);
        assertThat(s.localAddress()).contains((InetSocketAddress) ch.getLocalAddress());
        return s;
    }

    /** Both ends and the listener: three different fds, each consistent with its channel. */
    private static void assertPairResolves(Loopback lo) throws Exception {
        NativeSocket client = resolve(lo.client);
        NativeSocket accepted = resolve(lo.accepted);
        NativeSocket server = resolve(lo.server);
        assertThat(client.fd()).isNotEqualTo(accepted.fd()).isNotEqualTo(server.fd());
        assertThat(accepted.fd()).isNotEqualTo(server.fd());
        assertThat(client.remoteAddress()).contains((InetSocketAddress) lo.client.getRemoteAddress());
        assertThat(accepted.remoteAddress()).contains((InetSocketAddress) lo.accepted.getRemoteAddress());
        assertThat(server.remoteAddress()).isEmpty();
        // the kernel view agrees in both orientations
        assertThat(client.localAddress()).isEqualTo(accepted.remoteAddress());
        assertThat(accepted.localAddress()).isEqualTo(client.remoteAddress());
        assertThat(client.isTcp()).isTrue();
        assertThat(client.isValid()).isTrue();
        assertThat(client.tcpInfo().orElseThrow().state()).isEqualTo(TcpInfo.STATE_ESTABLISHED);
        assertThat(accepted.tcpInfo().orElseThrow().state()).isEqualTo(TcpInfo.STATE_ESTABLISHED);
        assertThat(server.tcpInfo().orElseThrow().state()).isEqualTo(TcpInfo.STATE_LISTEN);
    }

    @Test
    void bothEndsOfIpv4LoopbackConnectionResolveToTheirOwnFds() throws Exception {
        try (Loopback lo = Loopback.ipv4()) {
            assertPairResolves(lo);
            assertThat(NativeSocket.of(lo.client).orElseThrow().family()).isEqualTo(StandardProtocolFamily.INET);
        }
    }

    @Test
    void bothEndsOfIpv6LoopbackConnectionResolve() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (Loopback lo = Loopback.open(StandardProtocolFamily.INET6, v6, StandardProtocolFamily.INET6, v6)) {
            assertThat(lo.client.getLocalAddress()).extracting(a -> ((InetSocketAddress) a).getAddress())
                    .isInstanceOf(Inet6Address.class);
            assertPairResolves(lo);
            assertThat(NativeSocket.of(lo.client).orElseThrow().family()).isEqualTo(StandardProtocolFamily.INET6);
        }
    }

    @Test
    void dualStackServerAcceptingIpv4ClientResolves() throws Exception {
        // default family: an AF_INET6 socket on the wildcard; the IPv4 client arrives as ::ffff:127.0.0.1
        try (Loopback lo = Loopback.open(null, null, StandardProtocolFamily.INET,
                InetAddress.getByName("127.0.0.1"))) {
            assertThat(((InetSocketAddress) lo.accepted.getLocalAddress()).getAddress())
                    .isInstanceOf(Inet4Address.class);
            assertPairResolves(lo);
            NativeSocket accepted = NativeSocket.of(lo.accepted).orElseThrow();
            assertThat(accepted.family()).isEqualTo(StandardProtocolFamily.INET6);
            assertThat(NativeSocket.of(lo.client).orElseThrow().family()).isEqualTo(StandardProtocolFamily.INET);
        }
    }

    @Test
    void dualStackClientToIpv4OnlyServerResolves() throws Exception {
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        try (Loopback lo = Loopback.open(StandardProtocolFamily.INET, v4, null, v4)) {
            assertPairResolves(lo);
            assertThat(NativeSocket.of(lo.client).orElseThrow().family()).isEqualTo(StandardProtocolFamily.INET6);
        }
    }

    @Test
    void boundUnconnectedAndListeningChannelsResolve() throws Exception {
        try (SocketChannel bound = SocketChannel.open();
             ServerSocketChannel listening = ServerSocketChannel.open()) {
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            NativeSocket b = resolve(bound);
            NativeSocket l = resolve(listening);
            assertThat(b.fd()).isNotEqualTo(l.fd());
            assertThat(b.remoteAddress()).isEmpty();
            assertThat(b.tcpInfo().orElseThrow().state()).isEqualTo(TcpInfo.STATE_CLOSE);
            assertThat(l.tcpInfo().orElseThrow().state()).isEqualTo(TcpInfo.STATE_LISTEN);
        }
    }

    @Test
    void handleStaysValidAcrossConnect() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open();
             SocketChannel client = SocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            NativeSocket before = resolve(client);
            client.connect(server.getLocalAddress());
            try (SocketChannel accepted = server.accept()) {
                assertThat(before.isValid()).isTrue();
                assertThat(before.remoteAddress()).contains((InetSocketAddress) client.getRemoteAddress());
                assertThat(NativeSocket.of(client).orElseThrow().fd()).isEqualTo(before.fd());
                assertThat(NativeSocket.of(accepted).orElseThrow().fd()).isNotEqualTo(before.fd());
            }
        }
    }

    @Test
    void closedOrUnboundChannelsGiveEmpty() throws Exception {
        SocketChannel unbound = SocketChannel.open();
        assertThat(NativeSocket.of(unbound)).isEmpty();
        unbound.close();
        assertThat(NativeSocket.of(unbound)).isEmpty();
        assertThat(NativeSocket.of(null)).isEmpty();

        NativeSocket handle;
        try (Loopback lo = Loopback.ipv4()) {
            handle = resolve(lo.client);
            lo.client.close();
            assertThat(NativeSocket.of(lo.client)).isEmpty();
            assertThat(handle.isValid()).isFalse();
            assertThat(handle.tcpInfo()).isEmpty();
            assertThat(handle.tcpMaxSeg()).isEmpty();
            assertThat(handle.congestion()).isEmpty();
            assertThatThrownBy(() -> handle.setTcpMaxSeg(1000))
                    .isInstanceOf(NativeSocketException.class)
                    .satisfies(e -> assertThat(((NativeSocketException) e).errno()).isEqualTo(9))
                    .hasMessageContaining("Bad file descriptor");
        }
    }

    @Test
    void datagramChannelsResolveAndDontFragmentWorks() throws Exception {
        try (DatagramChannel a = DatagramChannel.open(StandardProtocolFamily.INET);
             DatagramChannel b = DatagramChannel.open()) { // b: dual-stack AF_INET6
            a.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            b.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            NativeSocket unconnected = resolve(a);
            assertThat(unconnected.remoteAddress()).isEmpty();
            a.connect(b.getLocalAddress());
            b.connect(a.getLocalAddress());
            NativeSocket na = resolve(a);
            NativeSocket nb = resolve(b);
            assertThat(na.fd()).isEqualTo(unconnected.fd());
            assertThat(na.fd()).isNotEqualTo(nb.fd());
            assertThat(na.isTcp()).isFalse();
            assertThat(na.tcpInfo()).isEmpty();
            assertThat(na.remoteAddress()).contains((InetSocketAddress) b.getLocalAddress());
            assertThat(nb.family()).isEqualTo(StandardProtocolFamily.INET6);

            na.setDontFragment();
            nb.setDontFragment();
            assertThat(na.intOption(Libc.IPPROTO_IP, Libc.IP_MTU_DISCOVER)).hasValue(Libc.IP_PMTUDISC_DO);
            assertThat(nb.intOption(Libc.IPPROTO_IPV6, Libc.IPV6_MTU_DISCOVER)).hasValue(Libc.IPV6_PMTUDISC_DO);
            assertThat(nb.intOption(Libc.IPPROTO_IP, Libc.IP_MTU_DISCOVER)).hasValue(Libc.IP_PMTUDISC_DO);

            // datagrams still flow, and the send queue is empty afterwards
            a.write(ByteBuffer.wrap(new byte[1200]));
            ByteBuffer in = ByteBuffer.allocate(2000);
            b.read(in);
            assertThat(in.position()).isEqualTo(1200);
            assertThat(na.unsentBytes()).isPresent();
        }
    }

    @Test
    void datagramChannelConnectedToTheWildcardResolves() throws Exception {
        try (DatagramChannel server = DatagramChannel.open();
             DatagramChannel client = DatagramChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            // Java keeps 0.0.0.0 as the remote address; the kernel connects to a local address
            client.connect(new InetSocketAddress("0.0.0.0", port));
            NativeSocket n = resolve(client);
            assertThat(n.remoteAddress().orElseThrow().getPort()).isEqualTo(port);
        }
    }

    @Test
    void listenersSharingAPortThroughReusePortAreToldApart() throws Exception {
        assumeThat(ServerSocketChannel.open().supportedOptions()).contains(StandardSocketOptions.SO_REUSEPORT);
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (ServerSocketChannel s1 = ServerSocketChannel.open(StandardProtocolFamily.INET);
             ServerSocketChannel s2 = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            s1.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            s2.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            s1.bind(new InetSocketAddress(lo, 0));
            s2.bind(s1.getLocalAddress());
            assertThat(s2.getLocalAddress()).isEqualTo(s1.getLocalAddress());
            s1.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
            s2.setOption(StandardSocketOptions.SO_RCVBUF, 128 * 1024);
            boolean reuse1 = s1.getOption(StandardSocketOptions.SO_REUSEADDR);

            NativeSocket n1 = resolve(s1);
            NativeSocket n2 = resolve(s2);
            assertThat(n1.fd()).isNotEqualTo(n2.fd());
            // each handle sees its own channel's option (Linux doubles SO_RCVBUF; the JDK halves it back)
            assertThat(n1.intOption(Libc.SOL_SOCKET, SO_RCVBUF)).hasValue(2 * 64 * 1024);
            assertThat(n2.intOption(Libc.SOL_SOCKET, SO_RCVBUF)).hasValue(2 * 128 * 1024);
            // the probe restored SO_REUSEADDR
            assertThat(s1.getOption(StandardSocketOptions.SO_REUSEADDR)).isEqualTo(reuse1);
        }
    }

    @Test
    void concurrentLookupsAndCallsAreIndependent() throws Exception {
        try (Loopback a = Loopback.ipv4(); Loopback b = Loopback.ipv4()) {
            NetworkChannel[] channels = {a.client, a.accepted, b.client, b.accepted};
            int[] expected = new int[channels.length];
            for (int i = 0; i < channels.length; i++) {
                expected[i] = NativeSocket.of(channels[i]).orElseThrow().fd();
            }
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
                var futures = new java.util.ArrayList<java.util.concurrent.Future<?>>();
                for (int t = 0; t < channels.length; t++) {
                    int i = t;
                    futures.add(pool.submit(() -> {
                        for (int k = 0; k < 200; k++) {
                            NativeSocket s = NativeSocket.of(channels[i]).orElseThrow();
                            assertThat(s.fd()).isEqualTo(expected[i]);
                            assertThat(s.tcpInfo().orElseThrow().state()).isEqualTo(TcpInfo.STATE_ESTABLISHED);
                        }
                        return null;
                    }));
                }
                for (var f : futures) {
                    f.get(60, TimeUnit.SECONDS);
                }
            }
        }
    }

    @Test
    void asynchronousChannelsResolve() throws Exception {
        try (AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open();
             AsynchronousSocketChannel client = AsynchronousSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            var accept = server.accept();
            client.connect(server.getLocalAddress()).get(5, TimeUnit.SECONDS);
            try (AsynchronousSocketChannel accepted = accept.get(5, TimeUnit.SECONDS)) {
                NativeSocket c = resolve(client);
                NativeSocket a = resolve(accepted);
                NativeSocket s = resolve(server);
                assertThat(c.fd()).isNotEqualTo(a.fd()).isNotEqualTo(s.fd());
                assertThat(c.tcpInfo().orElseThrow().state()).isEqualTo(TcpInfo.STATE_ESTABLISHED);
            }
        }
    }
}
