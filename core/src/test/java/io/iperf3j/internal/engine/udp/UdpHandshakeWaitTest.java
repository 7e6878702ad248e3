package io.iperf3j.internal.engine.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 46: the client's wait for a UDP stream's connect reply, against a socket that never answers
 * (as a server whose UDP port a firewall drops). A cancel (the CLI's signal) ends it at once; a reply
 * that never comes names the path instead of 3.12's bare "Resource temporarily unavailable".
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UdpHandshakeWaitTest {
    @Test
    void aCancelEndsTheWaitAtOnce() throws Exception {
        try (DatagramChannel silent = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                DatagramChannel client = DatagramChannel.open().connect(silent.getLocalAddress())) {
            long start = System.nanoTime();
            long cancelAt = start + TimeUnit.MILLISECONDS.toNanos(300);
            IperfException e = catchThrowableOfType(IperfException.class, () -> UdpStreams.handshake(client, false, 1460,
                    () -> System.nanoTime() >= cancelAt, TimeUnit.SECONDS.toNanos(30)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(e.code()).isEqualTo(ErrorCode.CLIENT_TERM);
            assertThat(took).isLessThan(Duration.ofMillis(300 + 200));
        }
    }

    @Test
    void noReplyNamesTheServerAndUdp() throws Exception {
        try (DatagramChannel silent = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                DatagramChannel client = DatagramChannel.open().connect(silent.getLocalAddress())) {
            int port = ((InetSocketAddress) silent.getLocalAddress()).getPort();
            IperfException e = catchThrowableOfType(IperfException.class, () -> UdpStreams.handshake(client, false, 1460,
                    () -> false, TimeUnit.SECONDS.toNanos(1)));
            assertThat(e.code()).isEqualTo(ErrorCode.STREAM_READ);
            assertThat(e.getMessage()).isEqualTo("unable to read from stream socket: no answer to the UDP stream's first"
                    + " datagram from 127.0.0.1:" + port + " within 1 s: is UDP blocked on the path?");
        }
    }
}
