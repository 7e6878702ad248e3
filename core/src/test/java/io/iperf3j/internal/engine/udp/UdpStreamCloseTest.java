package io.iperf3j.internal.engine.udp;

import io.iperf3j.Direction;
import io.iperf3j.internal.engine.Payload;
import io.iperf3j.internal.stats.StreamRecord;
import io.iperf3j.sys.NativeSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.lang.foreign.Arena;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * B6 of docs/design/one-native-layer.md: a batched receiver calls {@code recvmmsg} on the socket's
 * descriptor number, which the JDK does not know of; closing the channel while the worker may still
 * make that call frees a number another socket may get. A latch holds the worker just before a
 * native receive (where a descheduled worker would be) for as long as the test likes, so the order
 * is fixed, not timed.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UdpStreamCloseTest {
    private static final int SIZE = 1000;

    @Test
    void theDescriptorOutlivesAWorkerHeldBeforeItsNativeReceive() throws Exception {
        assertThat(NativeSocket.available()).as("FFM must work here (--enable-native-access=ALL-UNNAMED)").isTrue();
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramChannel tx = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
             DatagramChannel rx = DatagramChannel.open().bind(new InetSocketAddress(lo, 0))) {
            rx.connect(tx.getLocalAddress());
            CountDownLatch ended = new CountDownLatch(1);
            StreamRecord record = new StreamRecord(1, 1, Direction.RECEIVER, "127.0.0.1",
                    ((InetSocketAddress) rx.getLocalAddress()).getPort(), "127.0.0.1",
                    ((InetSocketAddress) tx.getLocalAddress()).getPort());
            Arena memory = Arena.ofShared();
            UdpStream stream = new UdpStream(record, ended::countDown, rx, Payload.aligned(memory, SIZE), false,
                    null, null, false, 1_000_000L, memory);
            assertThat(stream.ioPath()).as("a batched receiver").startsWith("recvmmsg");

            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch resume = new CountDownLatch(1);
            AtomicReference<Boolean> openAtTheCall = new AtomicReference<>();
            stream.beforeNativeReceive = () -> {
                if (held.getCount() > 0) {
                    held.countDown();
                    try {
                        resume.await(); // "descheduled" for as long as the test holds it: longer than close waits
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    openAtTheCall.set(rx.isOpen());
                }
            };
            stream.closeWaitNanos = 1_000_000L; // the bound close waits for the worker; the test holds it past that
            stream.start("close-test");
            assertThat(held.await(30, TimeUnit.SECONDS)).as("the worker reached its first receive").isTrue();

            stream.closeChannel(); // returns although the worker is held: it must not hang
            assertThat(rx.isOpen()).as("closed while the worker may still call recvmmsg on the number").isTrue();
            assertThat(memory.scope().isAlive()).as("buffers freed under the worker").isTrue();

            resume.countDown();
            assertThat(ended.await(30, TimeUnit.SECONDS)).as("the worker left").isTrue();
            assertThat(openAtTheCall.get()).as("the descriptor was ours at the worker's native call").isTrue();
            assertThat(rx.isOpen()).as("the worker closed it on its way out").isFalse();
            assertThat(stream.memoryFreed()).as("the worker freed the batch buffers on its way out").isTrue();
            assertThat(memory.scope().isAlive()).isFalse();
        }
    }
}
