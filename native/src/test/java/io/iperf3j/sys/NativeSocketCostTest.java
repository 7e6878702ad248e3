package io.iperf3j.sys;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rough cost of the native path, printed for the design note. The bounds are
 * loose on purpose (a loaded CI machine must not fail them); the printed
 * figures are what matters.
 */
class NativeSocketCostTest {

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static double microsPerCall(int n, Runnable r) {
        for (int i = 0; i < Math.min(n, 2000); i++) {
            r.run(); // warm-up
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            r.run();
        }
        return (System.nanoTime() - t0) / 1000.0 / n;
    }

    @Test
    void lookupAndTcpInfoCost() throws Exception {
        try (Loopback lo = Loopback.ipv4()) {
            NativeSocket s = NativeSocket.of(lo.client).orElseThrow();
            double lookup = microsPerCall(300, () -> NativeSocket.of(lo.client).orElseThrow());
            double info = microsPerCall(20_000, () -> s.tcpInfo().orElseThrow());
            double cwnd = microsPerCall(20_000, () -> s.congestion().orElseThrow());
            long fds = openFds();

            // the same lookup with 200 more sockets in the process
            List<DatagramChannel> extra = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    DatagramChannel d = lo.track(DatagramChannel.open());
                    d.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    extra.add(d);
                }
                double lookupMany = microsPerCall(100, () -> NativeSocket.of(lo.client).orElseThrow());
                long fdsMany = openFds();
                System.out.printf("NativeSocket cost: of() %.1f us with %d fds, %.1f us with %d fds;"
                                + " tcpInfo() %.2f us; congestion() %.2f us%n",
                        lookup, fds, lookupMany, fdsMany, info, cwnd);
                assertThat(lookupMany).isLessThan(100_000);
            } finally {
                for (DatagramChannel d : extra) {
                    d.close();
                }
            }
            assertThat(lookup).isLessThan(50_000);
            assertThat(info).isLessThan(1_000);
        }
    }
}
