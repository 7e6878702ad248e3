package io.iperf3j.sys;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class SocketOptionsTest {

    private static List<String> availableCongestion() throws IOException {
        String s = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control")).strip();
        return Arrays.asList(s.split("\\s+"));
    }

    @Test
    void congestionControlCanBeReadAndChanged() throws Exception {
        try (Loopback lo = Loopback.ipv4()) {
            NativeSocket s = NativeSocket.of(lo.client).orElseThrow();
            String current = s.congestion().orElseThrow();
            String systemDefault = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).strip();
            assertThat(current).isEqualTo(systemDefault);

            String other = availableCongestion().stream().filter(a -> !a.equals(current)).findFirst()
                    .orElse(null);
            assumeThat(other).as("a second congestion control algorithm").isNotNull();
            s.setCongestion(other);
            assertThat(s.congestion()).contains(other);
            s.setCongestion(current);
            assertThat(s.congestion()).contains(current);
        }
    }

    @Test
    void unknownCongestionControlFailsWithErrnoText() throws Exception {
        try (Loopback lo = Loopback.ipv4()) {
            NativeSocket s = NativeSocket.of(lo.client).orElseThrow();
            assertThatThrownBy(() -> s.setCongestion("no-such-cc"))
                    .isInstanceOf(NativeSocketException.class)
                    .hasMessageContaining("TCP_CONGESTION")
                    .hasMessageContaining("no-such-cc")
                    .hasMessageContaining("No such file or directory")
                    .satisfies(e -> {
                        NativeSocketException n = (NativeSocketException) e;
                        assertThat(n.errno()).isEqualTo(Libc.ENOENT);
                        assertThat(n.errnoText()).isEqualTo("No such file or directory");
                    });
            assertThatThrownBy(() -> s.setCongestion("")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void maxSegOnConnectedSocketAndSetBeforeConnect() throws Exception {
        try (Loopback lo = Loopback.ipv4()) {
            assertThat(NativeSocket.of(lo.client).orElseThrow().tcpMaxSeg().orElseThrow()).isPositive();
        }
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocketChannel server = ServerSocketChannel.open();
             SocketChannel client = SocketChannel.open()) {
            server.bind(new InetSocketAddress(loopback, 0));
            client.bind(new InetSocketAddress(loopback, 0));
            NativeSocket s = NativeSocket.of(client).orElseThrow();
            s.setTcpMaxSeg(1000);
            assertThat(s.tcpMaxSeg()).hasValue(1000);
            client.connect(server.getLocalAddress());
            try (SocketChannel accepted = server.accept()) {
                int mss = s.tcpMaxSeg().orElseThrow();
                assertThat(mss).isPositive().isLessThanOrEqualTo(1000);
                assertThat(s.tcpInfo().orElseThrow().sndMss()).isLessThanOrEqualTo(1000);
                // the peer must not send larger segments either (we advertised <= 1000)
                assertThat(NativeSocket.of(accepted).orElseThrow().tcpMaxSeg().orElseThrow())
                        .isLessThanOrEqualTo(1000);
            }
            assertThatThrownBy(() -> s.setTcpMaxSeg(10))
                    .isInstanceOf(NativeSocketException.class)
                    .satisfies(e -> assertThat(((NativeSocketException) e).errno()).isEqualTo(Libc.EINVAL));
        }
    }

    @Test
    void userTimeoutPacingRateAndBindToDevice() throws Exception {
        try (Loopback lo = Loopback.ipv4()) {
            NativeSocket s = NativeSocket.of(lo.client).orElseThrow();
            s.setUserTimeout(1234);
            assertThat(s.userTimeout()).hasValue(1234);

            s.setMaxPacingRate(12_500_000L);
            assertThat(s.maxPacingRate()).hasValue(12_500_000L);
            s.setMaxPacingRate(-1L);
            assertThat(s.maxPacingRate()).hasValue(-1L);

            assertThat(s.boundDevice()).isEmpty();
            s.setBindToDevice("lo");
            assertThat(s.boundDevice()).contains("lo");
            assertThatThrownBy(() -> s.setBindToDevice("nosuchdev0"))
                    .isInstanceOf(NativeSocketException.class)
                    .hasMessageContaining("SO_BINDTODEVICE")
                    .hasMessageContaining("No such device");

            assertThat(s.unsentBytes()).hasValue(0);
            assertThat(s.sendQueueBytes()).hasValue(0);
            assertThat(NativeSocket.of(lo.server).orElseThrow().unsentBytes()).isEmpty();
        }
    }
}
