package io.iperf3j.sys;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The time-stamping socket on loopback: stamps, send keys, close during a wait, dual stack (B2). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StampedUdpSocketTest {
    private static final InetAddress V4 = InetAddress.getLoopbackAddress();

    @BeforeAll
    static void needsNative() {
        assumeTrue(StampedUdpSocket.available(), StampedUdpSocket::unavailableReason);
    }

    private static long realtimeNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static int receiveOne(StampedUdpSocket s, ByteBuffer dst) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            int n = s.receive(dst);
            if (n != -Errno.EAGAIN || System.nanoTime() > deadline) {
                return n;
            }
            s.await(100_000_000L);
        }
    }

    @Test
    void receiveCarriesTheKernelsStampAndTheSource() throws Exception {
        try (StampedUdpSocket s = StampedUdpSocket.open(new InetSocketAddress(V4, 0), null, false);
             DatagramChannel peer = DatagramChannel.open().bind(new InetSocketAddress(V4, 0))) {
            assertThat(s.receive(ByteBuffer.allocate(16))).isEqualTo(-Errno.EAGAIN);
            long before = realtimeNanos();
            long stamp = AncillaryData.NO_TIME;
            // The kernel turns its receive stamps on for the first such socket through deferred work:
            // a datagram that arrives before it has none. A few tries, 20 ms apart.
            for (int i = 0; i < 5 && stamp == AncillaryData.NO_TIME; i++) {
                peer.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), s.localAddress());
                ByteBuffer dst = ByteBuffer.allocate(64);
                assertThat(receiveOne(s, dst)).isEqualTo(5);
                assertThat(new String(dst.array(), 0, dst.position(), StandardCharsets.US_ASCII)).isEqualTo("hello");
                assertThat(s.lastSource()).isEqualTo(peer.getLocalAddress());
                stamp = s.lastReceiveRealtimeNanos();
                if (stamp == AncillaryData.NO_TIME) {
                    Thread.sleep(20);
                }
            }
            assertThat(stamp).isNotEqualTo(AncillaryData.NO_TIME);
            // the kernel's clock and Instant.now are the same CLOCK_REALTIME (allow a step or a slow CI)
            assertThat(stamp).isBetween(before - 1_000_000_000L, realtimeNanos() + 1_000_000_000L);
        }
    }

    @Test
    void sendStampsComeBackUnderTheirKeys() throws IOException {
        try (DatagramChannel peer = DatagramChannel.open().bind(new InetSocketAddress(V4, 0));
             StampedUdpSocket s = StampedUdpSocket.open(null, (InetSocketAddress) peer.getLocalAddress(), false)) {
            List<Long> keys = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                assertThat(s.send(ByteBuffer.wrap(new byte[] {(byte) i}), null, true)).isEqualTo(1);
                keys.add(s.lastSendKey());
            }
            assertThat(s.send(ByteBuffer.wrap(new byte[] {9}), null, false)).isEqualTo(1);
            assertThat(keys).containsExactly(0L, 1L, 2L);
            List<Long> stamped = new ArrayList<>();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (stamped.size() < 3 && System.nanoTime() < deadline) {
                s.drainSendStamps((key, realtime) -> {
                    assertThat(realtime).isPositive();
                    stamped.add(key);
                });
                Thread.onSpinWait();
            }
            assertThat(stamped).containsExactly(0L, 1L, 2L);
        }
    }

    @Test
    void closeDuringAwaitEndsTheWaitAndThenReleases() throws Exception {
        StampedUdpSocket s = StampedUdpSocket.open(new InetSocketAddress(V4, 0), null, false);
        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> s.await(20_000_000_000L));
        Thread.sleep(200);
        long t0 = System.nanoTime();
        s.close();
        int r = waiting.get(5, TimeUnit.SECONDS);
        assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
        assertThat(r).isGreaterThanOrEqualTo(0);
        assertThat(s.isClosed()).isTrue();
        assertThat(s.await(1_000_000_000L)).isZero(); // returns at once
        assertThat(s.receive(ByteBuffer.allocate(8))).isEqualTo(-Errno.EBADF);
        assertThat(s.send(ByteBuffer.allocate(8), null, false)).isEqualTo(-Errno.EBADF);
        s.wakeup(); // after release: nothing, no fault
        s.close();
    }

    @Test
    void aSendErrorIsReturnedNotThrown() {
        try (StampedUdpSocket s = StampedUdpSocket.open(new InetSocketAddress(V4, 0), null, false)) {
            assertThat(s.send(ByteBuffer.allocate(StampedUdpSocket.MAX_DATAGRAM + 1), new InetSocketAddress(V4, 9), false))
                    .isEqualTo(-Errno.EMSGSIZE);
            assertThat(s.send(ByteBuffer.allocate(4), InetSocketAddress.createUnresolved("nowhere.invalid", 9), false))
                    .isEqualTo(-Errno.EINVAL);
            assertThat(s.send(ByteBuffer.allocate(4), null, false)).isNegative(); // not connected: EDESTADDRREQ
        }
    }

    @Test
    void openNamesTheFailingCall() throws IOException {
        try (DatagramChannel holder = DatagramChannel.open().bind(new InetSocketAddress(V4, 0))) {
            assertThatThrownBy(() -> StampedUdpSocket.open((InetSocketAddress) holder.getLocalAddress(), null, false))
                    .isInstanceOf(NativeSocketException.class)
                    .hasMessageContaining("bind ").hasMessageContaining("(errno 98)");
        }
    }

    /** B2: a wildcard socket is dual-stack, so it hears [::1], and one with no bind reaches [::1]. */
    @Test
    void wildcardSocketsAreDualStack() throws IOException {
        InetSocketAddress any6;
        try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            any6 = (InetSocketAddress) probe.getLocalAddress();
        } catch (IOException | UnsupportedOperationException e) {
            assumeTrue(false, "no IPv6 loopback: " + e);
            return;
        }
        InetAddress loop6 = any6.getAddress();
        try (StampedUdpSocket server = StampedUdpSocket.open(new InetSocketAddress(0), null, false);
             DatagramChannel v6 = DatagramChannel.open(StandardProtocolFamily.INET6).bind(new InetSocketAddress(loop6, 0));
             DatagramChannel v4 = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(V4, 0))) {
            int port = server.localAddress().getPort();
            v6.send(ByteBuffer.wrap(new byte[] {6}), new InetSocketAddress(loop6, port));
            ByteBuffer dst = ByteBuffer.allocate(8);
            assertThat(receiveOne(server, dst)).isEqualTo(1);
            assertThat(server.lastSource().getAddress()).isEqualTo(loop6);
            v4.send(ByteBuffer.wrap(new byte[] {4}), new InetSocketAddress(V4, port));
            dst.clear();
            assertThat(receiveOne(server, dst)).isEqualTo(1);
            assertThat(server.lastSource().getAddress()).isEqualTo(V4);

            try (StampedUdpSocket client = StampedUdpSocket.open(null, (InetSocketAddress) v6.getLocalAddress(), false)) {
                assertThat(client.send(ByteBuffer.wrap(new byte[] {1, 2}), null, false)).isEqualTo(2);
                v6.configureBlocking(true);
                ByteBuffer got = ByteBuffer.allocate(8);
                assertThat(v6.receive(got)).isNotNull();
                assertThat(got.position()).isEqualTo(2);
            }
        }
    }
}
