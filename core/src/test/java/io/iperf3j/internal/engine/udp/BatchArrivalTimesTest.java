package io.iperf3j.internal.engine.udp;

import io.iperf3j.sys.AncillaryData;
import io.iperf3j.sys.DatagramBatch;
import io.iperf3j.sys.KernelClock;
import io.iperf3j.sys.NativeSocket;
import io.iperf3j.internal.udp.UdpHeader;
import io.iperf3j.internal.udp.UdpReceiverStats;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The batched receive accounting takes each datagram's arrival from the kernel's receive
 * time (issue 16): a batch read at once, whose datagrams were sent 10 µs apart and each
 * spent the same 5 µs in transit, has no jitter; stamped with the batch's one read time
 * it would show the batching as jitter.
 */
@Timeout(30)
class BatchArrivalTimesTest {
    private static final int SIZE = 1000;
    private static final int COUNT = 8;

    @Test
    void eachDatagramHasItsOwnArrivalTime() throws Exception {
        assertThat(NativeSocket.available()).as("FFM must work here (--enable-native-access=ALL-UNNAMED)").isTrue();
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ByteBuffer buf = ByteBuffer.allocateDirect(COUNT * SIZE);
            DatagramBatch batch = DatagramBatch.of(NativeSocket.of(ch).orElseThrow(), buf, SIZE).orElseThrow();
            assertThat(batch.enableReceiveTimestamps()).isTrue();
            long sentBase = System.nanoTime() / 1000;
            KernelClock clock = new KernelClock();
            long offset = clock.offsetNanos();
            for (int i = 0; i < COUNT; i++) {
                long sent = sentBase + 10L * i;
                UdpHeader.write(buf, i * SIZE, sent, i + 1, false);
                batch.setLength(i, SIZE);
                batch.setReceiveTime(i, (sent + 5) * 1000 + offset); // 5 µs in transit, on CLOCK_REALTIME
            }
            long readAt = (sentBase + 10L * COUNT + 20) * 1000; // the batch is read after the last one arrived

            UdpReceiverStats stamped = new UdpReceiverStats();
            UdpStream.Tally tally = new UdpStream.Tally();
            UdpStream.accountBatch(batch, buf.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN), COUNT, SIZE, false, false,
                    UdpHeader.size(false), stamped, readAt, clock, tally);
            assertThat(tally.reads).isEqualTo(COUNT);
            assertThat(tally.bytes).isEqualTo((long) COUNT * SIZE);
            assertThat(stamped.packetCount()).isEqualTo(COUNT);
            assertThat(stamped.jitter()).as("jitter with per-datagram kernel times").isZero();

            // The same batch with one arrival time for all: transits differ by 10 µs each,
            // RFC 1889's running jitter after 7 steps of 10 µs is 10 µs × (1 - (15/16)^7).
            UdpReceiverStats batched = new UdpReceiverStats();
            UdpStream.accountBatch(batch, buf.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN), COUNT, SIZE, false, false,
                    UdpHeader.size(false), batched, readAt, null, tally);
            assertThat(batched.jitter()).isCloseTo(10e-6 * (1 - Math.pow(15.0 / 16, 7)), within(1e-12));
        }
    }

    @Test
    void aReadWithoutKernelTimeFallsBackToTheBatchTime() throws Exception {
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ByteBuffer buf = ByteBuffer.allocateDirect(2 * SIZE);
            DatagramBatch batch = DatagramBatch.of(NativeSocket.of(ch).orElseThrow(), buf, SIZE).orElseThrow();
            KernelClock clock = new KernelClock();
            long now = System.nanoTime();
            // one read without a stamp, one whose stamp is over 10 s old (a clock step not caught up with)
            UdpHeader.write(buf, 0, now / 1000 - 100, 1, false);
            UdpHeader.write(buf, SIZE, now / 1000 - 90, 2, false);
            for (int i = 0; i < 2; i++) {
                batch.setLength(i, SIZE);
            }
            batch.setReceiveTime(0, AncillaryData.NO_TIME);
            batch.setReceiveTime(1, now - 20_000_000_000L + clock.offsetNanos());
            UdpReceiverStats s = new UdpReceiverStats();
            UdpStream.accountBatch(batch, buf.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN), 2, SIZE, false, false,
                    UdpHeader.size(false), s, now, clock, new UdpStream.Tally());
            // both arrive at the batch's read time: transits of 100 and 90 µs, |D| = 10 µs, J = 10/16 µs
            assertThat(s.jitter()).isCloseTo(10e-6 / 16, within(1e-12));
        }
    }
}
