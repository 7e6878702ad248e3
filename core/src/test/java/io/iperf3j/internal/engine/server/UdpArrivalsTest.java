package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.engine.udp.UdpStreamRouter;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A test's turn to set up UDP streams, granted now or later from another thread, and its queue. */
@Timeout(30)
class UdpArrivalsTest {
    private static final IperfOptions SERVER = IperfOptions.builder().build();

    @Test
    void grantedAtRegisterOrLaterFromAnotherThread() throws Exception {
        int port = FreePorts.next();
        InetAddress ip = InetAddress.getByName("127.0.0.1");
        Semaphore wakes = new Semaphore(0);
        UdpArrivals first = new UdpArrivals(() -> { });
        UdpArrivals second = new UdpArrivals(wakes::release);
        try (UdpStreamRouter router = new UdpStreamRouter(SERVER, () -> port)) {
            assertThat(first.register(router, ip, 1)).isTrue();
            assertThat(first.awaitingGrant()).isFalse();
            assertThat(first.takeGrant()).as("nothing to take: it never waited").isFalse();
            assertThat(second.register(router, ip, 1)).as("same IP: waits its turn").isFalse();
            assertThat(second.awaitingGrant()).isTrue();
            assertThat(second.takeGrant()).isFalse();

            CompletableFuture.runAsync(() -> router.forget(first)).get(5, TimeUnit.SECONDS);
            assertThat(wakes.tryAcquire(5, TimeUnit.SECONDS)).as("the grant wakes the test").isTrue();
            assertThat(second.takeGrant()).isTrue();
            assertThat(second.takeGrant()).as("once").isFalse();
            assertThat(second.awaitingGrant()).isFalse();
            router.forget(second);
        }
    }

    @Test
    void offersWakeAndCloseClosesWhatWasNotTaken() throws Exception {
        Semaphore wakes = new Semaphore(0);
        UdpArrivals a = new UdpArrivals(wakes::release);
        DatagramChannel taken = DatagramChannel.open();
        DatagramChannel left = DatagramChannel.open();
        a.offerUdpStream(taken);
        a.offerUdpStream(left);
        assertThat(wakes.availablePermits()).isEqualTo(2);
        assertThat(a.poll()).isSameAs(taken);
        a.close();
        assertThat(left.isOpen()).isFalse();
        assertThat(taken.isOpen()).isTrue();
        assertThat(a.poll()).isNull();
        taken.close();
    }
}
