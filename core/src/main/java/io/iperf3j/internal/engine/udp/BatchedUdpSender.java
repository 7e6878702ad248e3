package io.iperf3j.internal.engine.udp;

import io.iperf3j.internal.engine.Pacer;
import io.iperf3j.internal.engine.TransferBudget;
import io.iperf3j.sys.DatagramBatch;
import io.iperf3j.internal.udp.UdpHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code sendmmsg} batches through FFM, or UDP segmentation offload super-datagrams
 * ({@code UDP_SEGMENT}) where the stream enabled it; falls back to plain
 * {@code sendmmsg} for good if the kernel refuses a segmented send.
 */
final class BatchedUdpSender implements UdpSender {
    private final UdpStream stream;
    private final DatagramBatch batch;
    /** The batch's slots, a little-endian view (see {@link UdpHeader#writeBatch}). */
    private final ByteBuffer batchBuffer;
    private final int datagramSize;
    private final Pacer pacer;
    private final TransferBudget budget;
    private final boolean counters64;
    /** Sends go out as UDP_SEGMENT super-datagrams (cleared if the kernel refuses one). */
    private boolean gso;

    /**
     * @param batchBuffer the batch's slots, each already holding the stream's payload
     * @param segmented whether {@code UDP_SEGMENT} was enabled on the batch
     */
    BatchedUdpSender(UdpStream stream, DatagramBatch batch, ByteBuffer batchBuffer, int datagramSize, Pacer pacer,
                     TransferBudget budget, boolean counters64, boolean segmented) {
        this.stream = stream;
        this.batch = batch;
        this.batchBuffer = batchBuffer.duplicate().order(ByteOrder.LITTLE_ENDIAN); // for UdpHeader.writeBatch
        this.datagramSize = datagramSize;
        this.pacer = pacer;
        this.budget = budget;
        this.counters64 = counters64;
        this.gso = segmented;
    }

    @Override
    public String ioPath() {
        return gso ? "sendmsg UDP_SEGMENT x" + batch.slots() : "sendmmsg x" + batch.slots();
    }

    /**
     * The sending loop with {@code sendmmsg}: each pass fills up to one batch of
     * datagrams (as many as the pacer lets go now), writes one header per datagram
     * (all stamped with the time the batch was built) and sends them with as few
     * calls as the kernel takes. Counters are published once per batch.
     */
    @Override
    public End run() throws IOException {
        final DatagramBatch io = batch;
        final ByteBuffer b = batchBuffer;
        final int size = datagramSize;
        final int slots = io.slots();
        final Pacer p = pacer;
        final TransferBudget limit = budget;
        final boolean c64 = counters64;
        if (p != null) {
            stream.startPacer(p);
        }
        long bytesSent = 0;
        long sequence = 0;
        boolean mustCheck = false; // the pacer's last check said "wait" and is still owed
        while (!stream.stopRequested) {
            long now = System.nanoTime();
            int k = slots;
            if (p != null && gso) {
                // A super-datagram is the pacing unit, as in 3.21's GSO sender (it sends whole
                // gso_bf_size buffers): up to a millisecond's datagrams go at once when the first
                // is due. Datagram by datagram, GSO would carry one or two and save nothing.
                long wait = p.waitNanos(bytesSent, now);
                if (wait > 0) {
                    p.sleep(wait, now, UdpStream.MAX_PARK_NANOS);
                    continue;
                }
                k = Math.min(slots, p.perMillisecond(size));
            } else if (p != null) {
                k = 0;
                while (k < slots) {
                    if (mustCheck || p.checkDue()) {
                        if (p.waitNanos(bytesSent + (long) k * size, now) > 0) {
                            mustCheck = true;
                            break;
                        }
                        mustCheck = false;
                    }
                    k++;
                }
                if (k == 0) {
                    long wait = p.waitNanos(bytesSent, now);
                    if (wait > 0) {
                        p.sleep(wait, now, UdpStream.MAX_PARK_NANOS);
                    }
                    continue;
                }
            }
            boolean last = false;
            if (limit != null) {
                int granted = 0;
                while (granted < k && limit.take(size)) {
                    granted++;
                }
                if (granted < k) {
                    last = true;
                    k = granted;
                }
            }
            sequence = UdpHeader.writeBatch(b, k, size, now / 1000, sequence, c64);
            int off = 0;
            int sent = 0;
            while (off < k) {
                int r;
                int asked = k - off;
                if (gso) {
                    r = io.sendSegmented(off, asked);
                    if (r == DatagramBatch.EINVAL || r == DatagramBatch.EIO) {
                        gso = false; // e.g. a datagram larger than the path MTU: plain sendmmsg from now on
                        continue;
                    }
                    if (r == DatagramBatch.ENOBUFS) {
                        off += asked; // the whole super-datagram was refused: its sequence numbers are lost
                        continue;
                    }
                } else {
                    r = io.send(off, asked, size);
                }
                if (r > 0) {
                    off += r;
                    sent += r;
                } else if (r == DatagramBatch.ENOBUFS) {
                    off++; // iperf3's soft error: the sequence number is used up, the receiver sees a loss
                } else if (r == DatagramBatch.EAGAIN) {
                    if (stream.stopRequested || stream.closing()) {
                        break;
                    }
                    long blockedAt = System.nanoTime();
                    io.await(true, 100);
                    stream.addSendBlocked(System.nanoTime() - blockedAt);
                } else if (r != DatagramBatch.EINTR) {
                    if (stream.closing() || stream.stopRequested) {
                        return End.STOPPED;
                    }
                    throw new IOException(io.errorText(r));
                }
            }
            if (sent > 0) {
                bytesSent += (long) sent * size;
                stream.countSent((long) sent * size, sent);
            }
            stream.publishSent(sequence);
            if (last) {
                return End.BUDGET_SPENT;
            }
        }
        return End.STOPPED;
    }
}
