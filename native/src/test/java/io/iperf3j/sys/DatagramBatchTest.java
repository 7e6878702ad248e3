package io.iperf3j.sys;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** sendmmsg/recvmmsg and UDP_SEGMENT/UDP_GRO on a connected loopback pair: every datagram arrives whole and in order. */
class DatagramBatchTest {
    private static final int SIZE = 1000;
    private DatagramChannel a;
    private DatagramChannel b;

    @BeforeEach
    void pair() throws Exception {
        assumeTrue(NativeSocket.available(), "FFM unavailable");
        InetAddress lo = InetAddress.getLoopbackAddress();
        a = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
        b = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
        a.connect(b.getLocalAddress());
        b.connect(a.getLocalAddress());
    }

    @AfterEach
    void close() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static DatagramBatch batch(DatagramChannel ch, ByteBuffer buf, int slot) {
        return DatagramBatch.of(NativeSocket.of(ch).orElseThrow(), buf, slot).orElseThrow();
    }

    private static List<Integer> receiveAll(DatagramBatch rx, ByteBuffer rbuf, int expected) {
        List<Integer> seqs = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (seqs.size() < expected && System.nanoTime() < deadline) {
            int r = rx.receive(rx.slots(), false);
            if (r == DatagramBatch.EAGAIN) {
                rx.await(false, 100);
                continue;
            }
            assertThat(r).isPositive();
            for (int i = 0; i < r; i++) {
                int len = rx.length(i);
                int seg = rx.segmentSize(i);
                assertThat(seg).isEqualTo(SIZE);
                for (int at = 0; at < len; at += seg) {
                    seqs.add(rbuf.getInt(i * rx.slotSize() + at));
                }
            }
        }
        return seqs;
    }

    @Test
    void sendmmsgAndRecvmmsgCarryEachDatagram() {
        ByteBuffer tbuf = ByteBuffer.allocateDirect(10 * SIZE);
        DatagramBatch tx = batch(a, tbuf, SIZE);
        for (int i = 0; i < 10; i++) {
            tbuf.putInt(i * SIZE, i + 1);
        }
        ByteBuffer rbuf = ByteBuffer.allocateDirect(16 * SIZE);
        DatagramBatch rx = batch(b, rbuf, SIZE);
        int sent = 0;
        while (sent < 10) {
            int r = tx.send(sent, 10 - sent, SIZE);
            assertThat(r).isPositive();
            sent += r;
        }
        assertThat(receiveAll(rx, rbuf, 10)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void segmentedSendIsReceivedAsSeparateDatagramsWithOrWithoutGro() {
        ByteBuffer tbuf = ByteBuffer.allocateDirect(40 * SIZE);
        DatagramBatch tx = batch(a, tbuf, SIZE);
        assumeTrue(tx.enableSegmentation(), "kernel without UDP_SEGMENT");
        for (int i = 0; i < 40; i++) {
            tbuf.putInt(i * SIZE, i + 1);
        }
        // GRO receiver: reads may hold several datagrams, split at the segment size.
        ByteBuffer rbuf = ByteBuffer.allocateDirect(8 * 65536);
        DatagramBatch rx = batch(b, rbuf, 65536);
        assumeTrue(rx.enableGro(), "kernel without UDP_GRO");
        assertThat(tx.maxGsoSegments()).isEqualTo(40);
        assertThat(tx.sendSegmented(0, 40)).isEqualTo(40);
        List<Integer> seqs = receiveAll(rx, rbuf, 40);
        assertThat(seqs).hasSize(40);
        for (int i = 0; i < 40; i++) {
            assertThat(seqs.get(i)).isEqualTo(i + 1);
        }
        // A plain receiver on the other side gets them one by one, 1000 bytes each.
        ByteBuffer back = ByteBuffer.allocateDirect(5 * SIZE);
        DatagramBatch tx2 = batch(b, back, SIZE);
        assertThat(tx2.enableSegmentation()).isTrue();
        for (int i = 0; i < 5; i++) {
            back.putInt(i * SIZE, 100 + i);
        }
        assertThat(tx2.sendSegmented(0, 5)).isEqualTo(5);
        ByteBuffer abuf = ByteBuffer.allocateDirect(8 * SIZE);
        DatagramBatch rxa = batch(a, abuf, SIZE);
        assertThat(receiveAll(rxa, abuf, 5)).containsExactly(100, 101, 102, 103, 104);
    }

    @Test
    void eachReadCarriesItsOwnKernelReceiveTime() throws Exception {
        ByteBuffer rbuf = ByteBuffer.allocateDirect(16 * SIZE);
        DatagramBatch rx = batch(b, rbuf, SIZE);
        assertThat(rx.enableReceiveTimestamps()).isTrue();
        ByteBuffer one = ByteBuffer.allocateDirect(SIZE);
        // The kernel turns its receive stamping on through a work item after the first socket
        // asks; until then a datagram is stamped when it is read. Let that happen first.
        a.write(one);
        assertThat(rx.receive(rx.slots(), true)).isEqualTo(1);
        Thread.sleep(50);
        java.time.Instant before = java.time.Instant.now();
        for (int i = 0; i < 5; i++) {
            one.clear();
            one.putInt(0, i + 1);
            a.write(one);
            Thread.sleep(3); // 3 ms apart: five different arrival times
        }
        java.time.Instant after = java.time.Instant.now();
        // All five are queued now and come back in one call, as a batch does under load.
        int r = rx.receive(rx.slots(), true);
        assertThat(r).isEqualTo(5);
        long lo = before.getEpochSecond() * 1_000_000_000L + before.getNano();
        long hi = after.getEpochSecond() * 1_000_000_000L + after.getNano();
        long previous = lo;
        for (int i = 0; i < r; i++) {
            long t = rx.receiveTimeNanos(i);
            assertThat(rbuf.getInt(i * SIZE)).isEqualTo(i + 1);
            assertThat(t).as("receive time of datagram %d", i + 1).isBetween(lo, hi);
            if (i > 0) {
                assertThat(t - previous).as("gap before datagram %d, ns", i + 1).isGreaterThanOrEqualTo(2_000_000L);
            }
            previous = t;
        }
    }

    @Test
    void receiveTimesAndGroSegmentSizesComeTogether() {
        ByteBuffer tbuf = ByteBuffer.allocateDirect(10 * SIZE);
        DatagramBatch tx = batch(a, tbuf, SIZE);
        assumeTrue(tx.enableSegmentation(), "kernel without UDP_SEGMENT");
        ByteBuffer rbuf = ByteBuffer.allocateDirect(4 * 65536);
        DatagramBatch rx = batch(b, rbuf, 65536);
        assumeTrue(rx.enableGro(), "kernel without UDP_GRO");
        assertThat(rx.enableReceiveTimestamps()).isTrue();
        for (int i = 0; i < 10; i++) {
            tbuf.putInt(i * SIZE, i + 1);
        }
        long lo = System.currentTimeMillis() * 1_000_000L - 1_000_000L;
        assertThat(tx.sendSegmented(0, 10)).isEqualTo(10);
        assertThat(receiveAll(rx, rbuf, 10)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        long hi = System.currentTimeMillis() * 1_000_000L + 1_000_000L;
        assertThat(rx.receiveTimeNanos(0)).isBetween(lo, hi);
    }

    @Test
    void wakeUpEndsABlockedReceive() throws Exception {
        ByteBuffer rbuf = ByteBuffer.allocateDirect(4 * SIZE);
        DatagramBatch rx = batch(b, rbuf, SIZE);
        CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> rx.receive(4, true));
        Thread.sleep(200);
        assertThat(blocked).isNotDone();
        rx.wakeUp();
        // shutdown(2) makes the call return: no message, or one empty one (end of stream)
        int r = blocked.get(5, TimeUnit.SECONDS);
        assertThat(r).isLessThanOrEqualTo(1);
        if (r == 1) {
            assertThat(rx.length(0)).isZero();
        }
    }
}
