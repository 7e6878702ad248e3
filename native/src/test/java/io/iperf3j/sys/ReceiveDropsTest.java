package io.iperf3j.sys;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import static java.net.StandardProtocolFamily.INET;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link NativeSocket#receiveDrops()}: the socket's own drop counter, held to the kernel's /proc/net/udp. */
class ReceiveDropsTest {
    @Test
    void datagramsAFullReceiveBufferDroppedAreCountedOnThatSocketOnly() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramChannel rx = DatagramChannel.open(INET); DatagramChannel other = DatagramChannel.open(INET);
             DatagramChannel tx = DatagramChannel.open(INET)) {
            rx.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // the kernel doubles it; a few datagrams fit
            rx.bind(new InetSocketAddress(lo, 0));
            other.bind(new InetSocketAddress(lo, 0));
            NativeSocket n = NativeSocket.of(rx).orElseThrow();
            NativeSocket o = NativeSocket.of(other).orElseThrow();
            assertThat(n.receiveDrops()).hasValue(0);
            ByteBuffer b = ByteBuffer.allocate(1400);
            int sent = 200;
            for (int i = 0; i < sent; i++) {
                b.clear();
                tx.send(b, rx.getLocalAddress()); // nobody reads: the buffer fills, the rest is dropped
            }
            long drops = n.receiveDrops().orElseThrow();
            assertThat(drops).isBetween(sent - 50L, (long) sent);
            assertThat(o.receiveDrops()).hasValue(0);
            int port = ((InetSocketAddress) rx.getLocalAddress()).getPort();
            assertThat(procNetUdpDrops(port)).isEqualTo(drops);
        }
    }

    /** The {@code drops} column (the last) of the /proc/net/udp line of the socket bound to 127.0.0.1:port. */
    private static long procNetUdpDrops(int port) throws Exception {
        String local = String.format("0100007F:%04X", port);
        List<String> lines = Files.readAllLines(Path.of("/proc/net/udp"));
        for (String l : lines) {
            String[] f = l.trim().split("\\s+");
            if (f.length > 2 && f[1].equals(local)) {
                return Long.parseLong(f[f.length - 1]);
            }
        }
        throw new AssertionError("no socket " + local + " in /proc/net/udp");
    }
}
