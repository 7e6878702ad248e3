package io.iperf3j.engine;

import io.iperf3j.stats.StreamRecord;
import io.iperf3j.udp.UdpHeader;
import io.iperf3j.udp.UdpPacer;
import io.iperf3j.udp.UdpReceiverStats;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.locks.LockSupport;

/**
 * A UDP data stream: a connected, blocking {@link DatagramChannel} and one reused
 * direct buffer of exactly one datagram. The sender writes the header in place
 * (monotonic time, sequence number) and sends; the receiver reads one datagram per
 * call and keeps iperf3's loss, out-of-order and jitter figures.
 *
 * <p>The worker thread owns all per-packet state. It publishes the figures the test
 * thread samples with plain release/opaque stores: one counter for a sender, and for
 * a receiver four values under a sequence lock, so that a sample never pairs a
 * packet count with a loss count of another moment. There is no lock, no volatile
 * write and no allocation per datagram; the only system calls per datagram are the
 * send or receive itself ({@code System.nanoTime} is a vDSO call on Linux).
 *
 * <p>Batching seam: {@link #sendLoop} and {@link #receiveLoop} handle one datagram
 * per system call; a sendmmsg/recvmmsg or GSO variant replaces only the inner
 * transmit/receive step and calls {@link #publishSent}/{@link UdpReceiverStats#onPacket}
 * once per datagram of the batch.
 */
final class UdpStream extends DataStream implements PacketCounters {
    private static final VarHandle PACKETS;
    private static final VarHandle ERRORS;
    private static final VarHandle OUT_OF_ORDER;
    private static final VarHandle JITTER;
    private static final VarHandle EPOCH_SEEN;
    private static final VarHandle VERSION;
    private static final VarHandle BYTES_SEEN;
    private static final long MAX_PARK_NANOS = 100_000_000L;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PACKETS = l.findVarHandle(UdpStream.class, "pubPackets", long.class);
            ERRORS = l.findVarHandle(UdpStream.class, "pubErrors", long.class);
            OUT_OF_ORDER = l.findVarHandle(UdpStream.class, "pubOutOfOrder", long.class);
            JITTER = l.findVarHandle(UdpStream.class, "pubJitter", double.class);
            EPOCH_SEEN = l.findVarHandle(UdpStream.class, "pubEpoch", int.class);
            VERSION = l.findVarHandle(UdpStream.class, "version", long.class);
            BYTES_SEEN = l.findVarHandle(UdpStream.class, "pubBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final DatagramChannel channel;
    private final ByteBuffer buffer;
    private final int datagramSize;
    private final boolean counters64;
    private final int headerSize;
    private final UdpPacer pacer;
    private final TransferBudget budget;
    private final UdpReceiverStats stats = new UdpReceiverStats();

    // Published figures (written by the worker, read by the test thread).
    @SuppressWarnings("unused") private long pubBytes;
    @SuppressWarnings("unused") private long pubPackets;
    @SuppressWarnings("unused") private long pubErrors;
    @SuppressWarnings("unused") private long pubOutOfOrder;
    @SuppressWarnings("unused") private double pubJitter;
    @SuppressWarnings("unused") private int pubEpoch;
    @SuppressWarnings("unused") private long version;

    /** Bumped by the test thread when the omit period ends; the worker then restarts the jitter. */
    private volatile int jitterEpoch;
    /** The worker's copy of the epoch it has applied. */
    private int epochSeen;

    /**
     * @param buffer the datagram buffer; its capacity is the datagram size ({@code -l})
     * @param pacer the {@code -b} pacer of a sender, or null for no limit
     * @param budget {@code -n}/{@code -k}: the test's send budget (sender) or a receiving
     *        client's limit, or null
     */
    UdpStream(StreamRecord record, Runnable wakeTest, DatagramChannel channel, ByteBuffer buffer, boolean counters64,
              UdpPacer pacer, TransferBudget budget) throws IOException {
        super(record, wakeTest);
        this.channel = channel;
        this.buffer = buffer;
        this.datagramSize = buffer.capacity();
        this.counters64 = counters64;
        this.headerSize = UdpHeader.size(counters64);
        this.pacer = pacer;
        this.budget = budget;
        channel.configureBlocking(true);
    }

    DatagramChannel channel() {
        return channel;
    }

    @Override
    void transfer() throws IOException {
        if (sending()) {
            sendLoop();
        } else {
            receiveLoop();
        }
    }

    // ------------------------------------------------------------ sending

    private void sendLoop() throws IOException {
        final ByteBuffer b = buffer;
        final int size = datagramSize;
        final UdpPacer p = pacer;
        final TransferBudget limit = budget;
        if (p != null) {
            // Like iperf3's start_time_fixed: the rate counts from TEST_START, so the
            // few hundred microseconds this thread takes to start are caught up at once.
            long startMicros = sampler.startMicros;
            long now = System.nanoTime();
            p.start(startMicros != 0 && now - startMicros * 1000 < 1_000_000_000L ? startMicros * 1000 : now);
        }
        long bytesSent = 0;
        long sequence = 0;
        while (!stopRequested) {
            if (limit != null && !limit.take(size)) {
                endReached();
                return;
            }
            if (p != null && p.checkDue()) {
                long wait;
                while ((wait = p.waitNanos(bytesSent, System.nanoTime())) > 0) {
                    if (stopRequested) {
                        return;
                    }
                    LockSupport.parkNanos(Math.min(wait, MAX_PARK_NANOS));
                }
            }
            // iperf3 counts the datagram before sending it, so a datagram the kernel
            // refuses (ENOBUFS) leaves a gap the receiver counts as lost.
            sequence++;
            UdpHeader.write(b, System.nanoTime() / 1000, sequence, counters64);
            b.clear();
            int n;
            try {
                n = channel.write(b);
            } catch (IOException e) {
                if (isNoBufferSpace(e)) {
                    publishSent(sequence);
                    continue; // iperf3: NET_SOFTERROR, try again on the next pass
                }
                throw e;
            }
            bytesSent += n;
            count(n);
            publishSent(sequence);
        }
    }

    private void publishSent(long sequence) {
        PACKETS.setRelease(this, sequence);
    }

    private static boolean isNoBufferSpace(IOException e) {
        String m = e.getMessage();
        return m != null && m.contains("No buffer space available");
    }

    // ------------------------------------------------------------ receiving

    private void receiveLoop() throws IOException {
        final ByteBuffer b = buffer;
        final UdpReceiverStats s = stats;
        final TransferBudget limit = budget;
        while (true) {
            b.clear();
            int n;
            try {
                n = channel.read(b);
            } catch (PortUnreachableException e) {
                continue; // an ICMP error for something we sent; the stream goes on
            }
            if (n <= 0 || !counting) {
                continue; // iperf3 reads and drops datagrams outside TEST_RUNNING
            }
            long arrivalMicros = System.nanoTime() / 1000;
            int epoch = jitterEpoch;
            if (n >= headerSize) {
                if (epoch != epochSeen) {
                    epochSeen = epoch;
                    s.restartJitter();
                }
                s.onPacket(UdpHeader.sequence(b, counters64), UdpHeader.sentMicros(b), arrivalMicros);
            }
            count(n);
            // Bytes and packet figures go out together, so a sample never pairs one
            // datagram's bytes with the next datagram's sequence number.
            publishReceived(s, epoch, bytes());
            // A receiving client's -n/-k limit counts bytes and reads, as iperf3 does.
            if (limit != null && limit.take(n) && limit.exhausted()) {
                endReached();
            }
        }
    }

    /** Publishes the receiver's figures under a sequence lock (odd version = being written). */
    private void publishReceived(UdpReceiverStats s, int epoch, long totalBytes) {
        long v = version;
        VERSION.setOpaque(this, v + 1);
        VarHandle.storeStoreFence();
        BYTES_SEEN.setOpaque(this, totalBytes);
        PACKETS.setOpaque(this, s.packetCount());
        ERRORS.setOpaque(this, s.cntError());
        OUT_OF_ORDER.setOpaque(this, s.outOfOrder());
        JITTER.setOpaque(this, s.jitter());
        EPOCH_SEEN.setOpaque(this, epoch);
        VERSION.setRelease(this, v + 2);
    }

    // ------------------------------------------------------------ PacketCounters (test thread)

    @Override
    public long publishTo(StreamRecord r) {
        if (sending()) {
            r.packetCount = (long) PACKETS.getAcquire(this);
            return -1;
        }
        for (int spins = 0; ; spins++) {
            long v1 = (long) VERSION.getAcquire(this);
            if ((v1 & 1) == 0) {
                long bytesSeen = (long) BYTES_SEEN.getOpaque(this);
                long packets = (long) PACKETS.getOpaque(this);
                long errors = (long) ERRORS.getOpaque(this);
                long ooo = (long) OUT_OF_ORDER.getOpaque(this);
                double jitter = (double) JITTER.getOpaque(this);
                int epoch = (int) EPOCH_SEEN.getOpaque(this);
                VarHandle.loadLoadFence();
                if ((long) VERSION.getOpaque(this) == v1) {
                    r.packetCount = packets;
                    r.cntError = errors;
                    r.outOfOrderPackets = ooo;
                    // After an omit reset the jitter is 0 until the worker has seen a datagram.
                    r.jitter = epoch == jitterEpoch ? jitter : 0.0;
                    return bytesSeen;
                }
            }
            if (spins > 100) {
                Thread.yield(); // the worker was descheduled mid-update
            } else {
                Thread.onSpinWait();
            }
        }
    }

    @Override
    public void resetJitter() {
        jitterEpoch++; // only the test thread writes it
    }

    @Override
    void closeChannel() {
        StreamFactory.closeQuietly(channel);
    }
}
