package io.iperf3j.link.internal;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Link's native port over the native module's socket: the bugs B2 and B4 of docs/design/one-native-layer.md. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NativeUdpPortTest {
    private static InetAddress loop6;

    @BeforeAll
    static void needsNativeAndIpv6() {
        assumeTrue(NativeUdpPort.available(), "no native port");
        try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            loop6 = ((InetSocketAddress) probe.getLocalAddress()).getAddress();
        } catch (IOException | UnsupportedOperationException e) {
            assumeTrue(false, "no IPv6 loopback: " + e);
        }
    }

    private static int receiveOne(UdpPort port, ByteBuffer dst) throws IOException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        int n;
        while ((n = port.receive(dst)) < 0 && System.nanoTime() < deadline) {
            port.await(100_000_000L);
        }
        return n;
    }

    /** B2: `link -s` binds the wildcard; it must hear IPv6 peers too (it was IPv4-only: ::ffff:0.0.0.0). */
    @Test
    void aWildcardPortIsDualStack() throws IOException {
        try (UdpPort server = UdpPort.open(new InetSocketAddress(0), null);
             DatagramChannel v6 = DatagramChannel.open(StandardProtocolFamily.INET6).bind(new InetSocketAddress(loop6, 0))) {
            assertThat(server).isInstanceOf(NativeUdpPort.class);
            int port = server.localAddress().getPort();
            v6.send(ByteBuffer.wrap(new byte[] {6}), new InetSocketAddress(loop6, port));
            assertThat(receiveOne(server, ByteBuffer.allocate(8))).isEqualTo(1);
            assertThat(server.lastSource().getAddress()).isEqualTo(loop6);
        }
    }

    /** B2: a client with no bind address reaches an IPv6 peer from an IPv6 source. */
    @Test
    void anUnboundPortReachesAnIpv6Peer() throws IOException {
        try (DatagramChannel v6 = DatagramChannel.open(StandardProtocolFamily.INET6).bind(new InetSocketAddress(loop6, 0));
             UdpPort client = UdpPort.open(null, (InetSocketAddress) v6.getLocalAddress())) {
            assertThat(client.send(ByteBuffer.wrap(new byte[] {1, 2}), null, false)).isTrue();
            v6.configureBlocking(false);
            ByteBuffer got = ByteBuffer.allocate(8);
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (v6.receive(got) == null && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(got.position()).isEqualTo(2);
        }
    }

    /**
     * B4: a send the socket refuses for good (here EMSGSIZE, a datagram over the port's limit) throws
     * with the errno's text; it was reported as "not sent, retry", so the link resent until it timed out.
     */
    @Test
    void aHardSendErrorThrowsWithTheErrnoText() throws IOException {
        try (DatagramChannel peer = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             UdpPort port = UdpPort.open(null, (InetSocketAddress) peer.getLocalAddress())) {
            assertThat(port).isInstanceOf(NativeUdpPort.class);
            ByteBuffer tooBig = ByteBuffer.allocate(70_000);
            assertThatThrownBy(() -> port.send(tooBig, null, false))
                    .isInstanceOf(java.net.SocketException.class)
                    .hasMessageContaining("Message too long")
                    .hasMessageContaining("errno 90");
            assertThat(tooBig.position()).as("nothing was sent").isZero();
        }
    }

    /** B4 on the portable port: the JDK's exception for EMSGSIZE (over 65,507 bytes) reaches the caller too. */
    @Test
    void theChannelPortThrowsAHardSendErrorToo() throws IOException {
        try (DatagramChannel peer = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             UdpPort port = ChannelUdpPort.open(null, (InetSocketAddress) peer.getLocalAddress(), false)) {
            ByteBuffer tooBig = ByteBuffer.allocate(70_000);
            assertThatThrownBy(() -> port.send(tooBig, null, false))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("Message too long");
        }
    }
}
