package io.iperf3j.internal.engine.udp;

import io.iperf3j.internal.engine.DataStream;
import io.iperf3j.internal.engine.Pacer;
import io.iperf3j.internal.engine.Payload;
import io.iperf3j.internal.engine.SocketBuffers;
import io.iperf3j.internal.engine.StreamFactory;
import io.iperf3j.internal.engine.TransferBudget;
import io.iperf3j.sys.DatagramBatch;
import io.iperf3j.sys.KernelClock;
import io.iperf3j.sys.NativeSocket;
import io.iperf3j.internal.stats.StreamRecord;
import io.iperf3j.internal.udp.UdpHeader;
import io.iperf3j.internal.udp.UdpReceiverStats;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.OptionalLong;

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
 * <p>Sending goes through a {@link UdpSender}: {@link PlainUdpSender} (one write
 * per datagram) or {@link BatchedUdpSender} ({@code sendmmsg}, GSO), chosen once when
 * the stream is made. Receiving: {@link #receiveLoop} reads one datagram per call,
 * {@link #receiveBatches} a {@code recvmmsg} batch; both call
 * {@link UdpReceiverStats#onPacket} once per datagram. A batch's datagrams arrive at
 * different moments: where the kernel gives each read its receive time
 * ({@code SO_TIMESTAMPNS}) that time is the datagram's arrival (the native module's {@code KernelClock}),
 * not the moment the batch was read, so the jitter is that of the datagrams, not of the
 * batching.
 */
public final class UdpStream extends DataStream implements PacketCounters {
    private static final VarHandle PACKETS;
    private static final VarHandle ERRORS;
    private static final VarHandle OUT_OF_ORDER;
    private static final VarHandle JITTER;
    private static final VarHandle EPOCH_SEEN;
    private static final VarHandle VERSION;
    private static final VarHandle BYTES_SEEN;
    static final long MAX_PARK_NANOS = 100_000_000L;
    /** How long a batched receiver polls without sleeping after its last datagram. */
    private static final long SPIN_NANOS = Long.getLong("iperf3j.udp.spinMicros", 50) * 1000;
    /**
     * A receive buffer (as the kernel reports it) at least this large rides out a late
     * wake-up, so its receiver sleeps when the queue is empty instead of polling.
     */
    private static final int NO_SPIN_BUFFER_BYTES = 2 * 1024 * 1024;

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
    private final Pacer pacer;
    private final TransferBudget budget;
    private final UdpReceiverStats stats = new UdpReceiverStats();
    /** sendmmsg/recvmmsg over {@link #batchBuffer}, or null for one datagram per call. */
    private final DatagramBatch batch;
    private final ByteBuffer batchBuffer;
    /** How a sending stream sends; null for a receiving one. */
    private final UdpSender sender;
    /** Whether the receiver polls while data keeps coming (a small receive buffer). */
    private final boolean spinWhenBusy;
    /** Receives may return several coalesced datagrams per slot (UDP_GRO). */
    private final boolean gro;
    /** Kernel receive times of batched reads in the jitter's clock, or null without them. */
    private final KernelClock arrivals;
    /** {@code --why}: the socket's drop counter and receive buffer as it closed ({@link #keepWhyFigures}). */
    private volatile OptionalLong dropsAtClose = OptionalLong.empty();
    private volatile OptionalLong receiveBufferAtClose = OptionalLong.empty();
    /** Set before a batched worker is woken to end ({@link #closeChannel}). */
    private volatile boolean closing;
    /**
     * Tests only: run by a batched receiver before each native receive, where a worker descheduled
     * at the wrong moment would be; null otherwise (set before {@link #start}).
     */
    Runnable beforeNativeReceive;
    /** How long {@link #closeChannel} waits for a batched worker to leave (tests shorten it). */
    long closeWaitNanos = 1_000_000_000L;

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
     * @param gsro {@code --gsro}: segmentation offload for every sender (paced or not, any peer)
     *        and GRO for a receiver, where batched I/O works; false for the {@link UdpIo} defaults
     * @param targetBitrate the stream's {@code -b} in bits/s, 0 for none ({@code -b 0}): an unpaced
     *        receiver polls while data keeps coming whatever its buffer, as it is busy anyway, and
     *        a GRO receiver's buffer is sized from it ({@link UdpIo#groSlots})
     * @param memory the arena {@code buffer} lives in; the batch buffers are taken from it too, and
     *        the stream frees it when its worker is done (an unused GRO trial buffer with it)
     */
    UdpStream(StreamRecord record, Runnable wakeTest, DatagramChannel channel, ByteBuffer buffer, boolean counters64,
              Pacer pacer, TransferBudget budget, boolean gsro, long targetBitrate, Arena memory) throws IOException {
        super(record, wakeTest, memory);
        this.channel = channel;
        this.buffer = buffer;
        this.datagramSize = buffer.capacity();
        this.counters64 = counters64;
        this.headerSize = UdpHeader.size(counters64);
        this.pacer = pacer;
        this.budget = budget;
        channel.configureBlocking(true);
        DatagramBatch b = null;
        ByteBuffer bb = null;
        boolean segmented = false;
        boolean coalesced = false;
        NativeSocket nat = UdpIo.batching() ? NativeSocket.of(channel).orElse(null) : null;
        if (nat != null && sending()) {
            // Segmentation offload for paced streams: an unpaced (-b 0) one would send some ten
            // times faster than any receiver on the same host can read (measured 13 Mpps sent,
            // 2 Mpps received, 85 % loss on loopback), so it uses sendmmsg unless told otherwise.
            // Only towards a loopback peer by default: a super-datagram passes qdiscs and
            // netfilter on the sending host as one packet (tc/netem, nft rules would drop or
            // shape 44 datagrams at once), which changes what a test through them measures.
            boolean offload = UdpIo.offloadUnpaced() || gsro
                    || (UdpIo.offload() && pacer != null && loopbackPeer(channel));
            int gsoSlots = offload ? Math.min(DatagramBatch.MAX_GSO_SEGMENTS, 65507 / datagramSize) : 0;
            int slots = gsoSlots >= 2 ? gsoSlots : UdpIo.slots(datagramSize);
            if (slots > 1) {
                bb = Payload.aligned(memory, slots * datagramSize);
                for (int i = 0; i < slots; i++) { // every slot carries the stream's payload
                    bb.put(i * datagramSize, buffer, 0, datagramSize);
                }
                b = DatagramBatch.of(nat, bb, datagramSize).orElse(null);
                segmented = b != null && gsoSlots >= 2 && b.enableSegmentation();
            }
        } else if (nat != null) {
            if (UdpIo.offload() || gsro) {
                // GRO: one read may return up to 64 KiB of equal-size datagrams of this flow.
                ByteBuffer big = Payload.aligned(memory, UdpIo.groSlots(targetBitrate) * UdpIo.GRO_SLOT_SIZE);
                DatagramBatch g = DatagramBatch.of(nat, big, UdpIo.GRO_SLOT_SIZE).orElse(null);
                if (g != null && g.enableGro()) {
                    b = g;
                    bb = big;
                    coalesced = true;
                }
            }
            int slots = UdpIo.slots(datagramSize);
            if (b == null && slots > 1) {
                bb = Payload.aligned(memory, slots * datagramSize);
                b = DatagramBatch.of(nat, bb, datagramSize).orElse(null);
            }
        }
        if (b != null) {
            b.await(false, 0); // binds the native calls now, not once the test runs
        }
        boolean unpaced = targetBitrate == 0;
        this.spinWhenBusy = !sending() && (unpaced || SocketBuffers.receiveBuffer(channel) < NO_SPIN_BUFFER_BYTES);
        this.arrivals = b != null && !sending() && UdpIo.receiveTimestamps() && b.enableReceiveTimestamps()
                ? new KernelClock() : null;
        this.batch = b;
        this.batchBuffer = b != null ? bb : null;
        this.sender = !sending() ? null
                : b != null ? new BatchedUdpSender(this, b, bb, datagramSize, pacer, budget, counters64, segmented)
                : new PlainUdpSender(this, channel, buffer, pacer, budget, counters64);
        this.gro = coalesced;
        if (b != null) {
            warmUpOnce(datagramSize, counters64); // waits for (or skips) a warm-up this JVM ran already
        }
    }

    private static boolean loopbackPeer(DatagramChannel ch) {
        try {
            return ch.getRemoteAddress() instanceof java.net.InetSocketAddress a
                    && a.getAddress() != null && a.getAddress().isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /** How this stream moves datagrams: "sendmmsg"/"recvmmsg" batches or one "write"/"read" per datagram. */
    String ioPath() {
        if (sender != null) {
            return sender.ioPath();
        }
        if (batch == null) {
            return "read";
        }
        String stamps = arrivals != null ? " SO_TIMESTAMPNS" : "";
        if (gro) {
            return "recvmmsg UDP_GRO" + stamps + " x" + batch.slots();
        }
        return "recvmmsg" + stamps + " x" + batch.slots();
    }

    DatagramChannel channel() {
        return channel;
    }

    @Override
    protected void transfer() throws IOException {
        if (closing) {
            return; // closed before this thread got going: not one native call
        }
        if (sender != null) {
            if (sender.run() == UdpSender.End.BUDGET_SPENT) {
                endReached();
            }
        } else if (batch != null) {
            receiveBatches(batch);
        } else {
            receiveLoop();
        }
    }

    // ------------------------------------------------------------ sending

    /**
     * Like iperf3's start_time_fixed: the rate counts from TEST_START, so the few
     * hundred microseconds this thread takes to start are caught up at once.
     */
    void startPacer(Pacer p) {
        long startMicros = sampler.startMicros;
        long now = System.nanoTime();
        p.start(startMicros != 0 && now - startMicros * 1000 < 1_000_000_000L ? startMicros * 1000 : now);
    }

    /** The sender's packet count (its last sequence number), for the test thread. */
    void publishSent(long sequence) {
        PACKETS.setRelease(this, sequence);
    }

    /** The batched sender's time in a send that found its socket full (its owner writes, others read at the end). */
    private volatile long sendBlockedNanos;

    /** A batched sender waited {@code nanos} for room in a full socket buffer. */
    void addSendBlocked(long nanos) {
        sendBlockedNanos += nanos; // only the sending worker writes
    }

    /**
     * {@code --why}: how long a sender waited for room in its full socket buffer (the datagrams queued on their way
     * out of this host: its interface's queue, a shaper on it); empty for a receiver, or a sender that writes one
     * datagram per blocking call (its waits are not told from its sends).
     */
    public OptionalLong sendBlockedNanos() {
        return sending() && batch != null ? OptionalLong.of(sendBlockedNanos) : OptionalLong.empty();
    }

    /** Counts {@code datagrams} datagrams of {@code bytes} bytes in all that went out. */
    void countSent(long bytes, long datagrams) {
        count(bytes, datagrams);
    }

    /** Whether {@link #closeChannel} is waking the worker to end. */
    boolean closing() {
        return closing;
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
            if (limit != null && limit.arrived(n, 1)) {
                endReached();
            }
        }
    }

    /**
     * The receiving loop with {@code recvmmsg}: one call returns what is queued (up to
     * a batch), each read with the kernel's receive time where the socket gives it
     * (else all with one arrival time taken after the call); then one
     * {@link UdpReceiverStats#onPacket} per datagram and one publication per batch.
     */
    private void receiveBatches(DatagramBatch io) throws IOException {
        final ByteBuffer b = batchBuffer.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN); // UdpHeader.sequenceLe
        final UdpReceiverStats s = stats;
        final TransferBudget limit = budget;
        final int stride = io.slotSize();
        final int slots = io.slots();
        final boolean c64 = counters64;
        final int hdr = headerSize;
        final Tally tally = new Tally();
        final KernelClock clock = arrivals;
        long lastData = System.nanoTime();
        boolean spin = false;
        while (true) {
            // While datagrams keep coming into a small buffer, poll without sleeping: a
            // sleeping receiver needs a cross-CPU wake-up per batch, during which the 208 KB
            // default receive buffer (~90 datagrams of 1460 B) overflows. After SPIN_NANOS
            // without data the thread blocks, so a paced or idle stream costs nothing. A
            // large buffer (UdpIo.receiveBuffer) holds milliseconds of data: no polling,
            // unless the test is unpaced (-b 0), where the receiver is busy anyway and a
            // sleep per catch-up shows in the jitter (0.018 against 0.003 ms measured).
            if (beforeNativeReceive != null) {
                beforeNativeReceive.run();
            }
            int r = io.receive(slots, false);
            if (r == DatagramBatch.EAGAIN) {
                if (spin && spinWhenBusy && System.nanoTime() - lastData < SPIN_NANOS && !stopRequested) {
                    Thread.onSpinWait();
                    continue;
                }
                long blockedAt = System.nanoTime();
                r = io.receive(slots, true);
                // Spin next time only if data came back soon after blocking (a fast
                // stream); a paced stream's gaps are long, and it just sleeps.
                spin = System.nanoTime() - blockedAt < 2 * SPIN_NANOS;
            }
            if (closing) {
                return;
            }
            if (r > 0) {
                lastData = System.nanoTime();
            }
            if (r <= 0) {
                if (r == DatagramBatch.EAGAIN) {
                    io.await(false, 100);
                } else if (r == 0) {
                    if (stopRequested) {
                        return;
                    }
                } else if (r != DatagramBatch.EINTR && r != DatagramBatch.ECONNREFUSED) {
                    throw new IOException(io.errorText(r));
                }
                continue; // ECONNREFUSED: an ICMP error for something we sent; the stream goes on
            }
            if (!counting) {
                continue; // iperf3 reads and drops datagrams outside TEST_RUNNING
            }
            long now = System.nanoTime();
            int epoch = jitterEpoch;
            if (epoch != epochSeen) {
                epochSeen = epoch;
                s.restartJitter();
            }
            accountBatch(io, b, r, stride, gro, c64, hdr, s, now, clock, tally);
            long bytes = tally.bytes;
            long reads = tally.reads;
            count(bytes, reads);
            publishReceived(s, epoch, bytes());
            // The limit counts the batch only once it is published: a limit reached here
            // ends the test with these datagrams in its final sample.
            if (limit != null && limit.arrived(bytes, reads)) {
                endReached();
            }
        }
    }

    /** What {@link #accountBatch} found in one received batch. */
    static final class Tally {
        long bytes;
        long reads;
    }

    /**
     * iperf3's per-datagram receive accounting for one batch of {@code r} reads: one
     * {@link UdpReceiverStats#onPacket} per datagram (a GRO read holds several of
     * {@code segmentSize} bytes), bytes and datagrams into {@code tally}. A read's arrival
     * is its kernel receive time through {@code clock} (on {@link System#nanoTime()}'s time
     * line, clock steps detected), or the batch's read time {@code nowNanos} when {@code clock}
     * is null or the read has no (believable) stamp; in microseconds, as iperf3's. {@code le} is the batch buffer in
     * little-endian order, for {@link UdpHeader#sequenceLe} and {@link UdpHeader#sentMicrosLe}.
     */
    static void accountBatch(DatagramBatch io, ByteBuffer le, int r, int stride, boolean gro, boolean c64, int hdr,
                             UdpReceiverStats s, long nowNanos, KernelClock clock, Tally tally) {
        if (le.order() != java.nio.ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("accountBatch reads headers through a little-endian view");
        }
        long batchMicros = nowNanos / 1000;
        long bytes = 0;
        long reads = 0;
        for (int i = 0; i < r; i++) {
            int len = io.length(i);
            if (len <= 0) {
                continue;
            }
            int seg = gro ? io.segmentSize(i) : len;
            long t = clock == null ? KernelClock.NONE : clock.arrivalNanos(io.receiveTimeNanos(i), nowNanos);
            long arrivalMicros = t == KernelClock.NONE ? batchMicros : Math.floorDiv(t, 1000L);
            int base = i * stride;
            for (int at = 0; at < len; at += seg) { // one datagram per segment (just one without GRO)
                int n = Math.min(seg, len - at);
                int off = base + at;
                if (n >= hdr) {
                    s.onPacket(UdpHeader.sequenceLe(le, off, c64), UdpHeader.sentMicrosLe(le, off), arrivalMicros);
                }
                bytes += n;
                reads++;
            }
        }
        tally.bytes = bytes;
        tally.reads = reads;
    }

    /** Whether this JVM's warm-up of the batched paths has started (once per JVM; JIT code is per JVM). */
    private static final java.util.concurrent.atomic.AtomicBoolean WARMED =
            new java.util.concurrent.atomic.AtomicBoolean();
    /** Opened when the warm-up has ended, so a stream that did not run it waits for compiled code. */
    private static final java.util.concurrent.CountDownLatch WARM_DONE = new java.util.concurrent.CountDownLatch(1);
    /** How long a stream waits for a warm-up another thread runs: it is optional, never a reason to stall. */
    private static final long WARM_WAIT_MS = 5_000;
    private static final int WARMUP_ROUNDS = Integer.getInteger("iperf3j.udp.warmup", 20_000);

    /**
     * Runs the batched paths' code once per JVM before a test: the receiver's per-batch
     * accounting over a synthetic batch and its non-blocking receive call, and the sender's
     * header writing. A receiver that meets a 20 Mpps stream still interpreted loses nearly all
     * of the first 200 ms (measured: 97 % of that interval); once compiled it keeps up.
     *
     * <p>On a scratch socket of its own, bound to loopback and never sent to, and before the
     * stream's handshake: a reverse test's server sends as soon as the last stream is set up,
     * so a warm-up on the stream's socket after the handshake read (and dropped) the first
     * datagrams of the test, and held the test thread while the receive buffer overflowed
     * (an iperf3j client at {@code -u -R -b 10M} against iperf3 3.12 and 3.21 showed 9-57 %
     * "loss" at the start of the test; 3.21's own client, none).
     */
    public static void warmUpOnce(int datagramSize, boolean counters64) {
        if (WARMUP_ROUNDS <= 0 || !UdpIo.batching()) {
            return;
        }
        if (!WARMED.compareAndSet(false, true)) {
            awaitWarmUp();
            return;
        }
        try {
            warmUp(datagramSize, counters64);
        } finally {
            WARM_DONE.countDown();
        }
    }

    /**
     * Starts {@link #warmUpOnce} on a daemon thread of its own, so that a client runs it on the
     * spare core while it connects and exchanges parameters (issue 28: run after the exchange, it
     * added its whole time, 0.1-0.6 s, to every UDP test's start). The stream set-up's own call
     * then waits for it to end. A no-op when the warm-up has started already or is not needed.
     */
    public static void warmUpInBackground(int datagramSize, boolean counters64) {
        if (WARMUP_ROUNDS <= 0 || WARMED.get() || !UdpIo.batching()) {
            return;
        }
        Thread t = new Thread(new WarmUp(datagramSize, counters64), "iperf3j-udp-warmup"); // not a lambda, as OneTimeSetup
        t.setDaemon(true);
        t.start();
    }

    private record WarmUp(int datagramSize, boolean counters64) implements Runnable {
        @Override
        public void run() {
            warmUpOnce(datagramSize, counters64);
        }
    }

    /** Waits, bounded, for the warm-up another thread runs; an interrupt ends the wait (the flag is kept). */
    private static void awaitWarmUp() {
        try {
            WARM_DONE.await(WARM_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void warmUp(int datagramSize, boolean counters64) {
        // A shared arena as the streams' own, so the warmed code is the code they run; freed on return.
        try (Arena scratchMemory = Arena.ofShared();
             DatagramChannel scratch = DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
            scratch.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            scratch.configureBlocking(true);
            NativeSocket nat = NativeSocket.of(scratch).orElse(null);
            int slots = UdpIo.slots(datagramSize);
            if (nat == null || slots < 2) {
                return;
            }
            ByteBuffer bb = Payload.aligned(scratchMemory, slots * datagramSize);
            DatagramBatch io = DatagramBatch.of(nat, bb, datagramSize).orElse(null);
            if (io == null) {
                return;
            }
            KernelClock clock = UdpIo.receiveTimestamps() && io.enableReceiveTimestamps() ? new KernelClock() : null;
            ByteBuffer le = bb.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
            warmReceive(io, bb, le, datagramSize, counters64, clock);
            long seq = 0;
            for (int k = 0; k < WARMUP_ROUNDS; k++) {
                seq = UdpHeader.writeBatch(le, slots, datagramSize, System.nanoTime() / 1000, seq, counters64);
            }
        } catch (IOException | RuntimeException e) {
            // only a warm-up: the test's own sockets meet any real problem and report it
        }
    }

    private static void warmReceive(DatagramBatch io, ByteBuffer b, ByteBuffer le, int datagramSize, boolean counters64,
                                    KernelClock clock) {
        int stride = io.slotSize();
        int r = io.slots();
        int hdr = UdpHeader.size(counters64);
        // Stamps 1 ms old, read "now" (a µs later each round): the no-step path is what gets compiled.
        long wall = KernelClock.Clocks.SYSTEM.realtimeNanos() - 1_000_000L;
        long now0 = System.nanoTime();
        for (int i = 0; i < r; i++) {
            UdpHeader.write(b, i * stride, 1_000_000 + i, i + 1, counters64);
            io.setLength(i, datagramSize);
            io.setReceiveTime(i, wall + i * 1000L); // the kernel's stamps, when the socket has them
        }
        UdpReceiverStats scratch = new UdpReceiverStats();
        Tally t = new Tally();
        for (int k = 0; k < WARMUP_ROUNDS; k++) {
            accountBatch(io, le, r, stride, false, counters64, hdr, scratch, now0 + k * 1000L, clock, t);
        }
        for (int k = 0; k < WARMUP_ROUNDS; k++) {
            io.receive(1, false); // nothing ever arrives on the scratch socket: EAGAIN, compiled
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

    /**
     * {@code --why}: the datagrams the kernel dropped on their way into this stream's socket, mostly for a full
     * receive buffer ({@link NativeSocket#receiveDrops()}): now, or as the socket closed (a server closes its receiving
     * streams before the results exchange); empty without the native layer or when not asked ({@link #measureSched}).
     */
    public OptionalLong receiveDrops() {
        return channel.isOpen() ? readDrops() : dropsAtClose;
    }

    /** {@code --why}: the socket's {@code SO_RCVBUF}, now or as it closed. */
    public OptionalLong receiveBufferBytes() {
        return channel.isOpen() ? readReceiveBuffer() : receiveBufferAtClose;
    }

    private OptionalLong readDrops() {
        try {
            return NativeSocket.of(channel).map(NativeSocket::receiveDrops).orElse(OptionalLong.empty());
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private OptionalLong readReceiveBuffer() {
        try {
            return OptionalLong.of(channel.getOption(java.net.StandardSocketOptions.SO_RCVBUF));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Keeps what {@link #receiveDrops()} and {@link #receiveBufferBytes()} read, before the socket closes. */
    private void keepWhyFigures() {
        if (measureSched && !sending() && channel.isOpen()) {
            dropsAtClose = readDrops();
            receiveBufferAtClose = readReceiveBuffer();
        }
    }

    /**
     * Closes the channel. A batched stream's worker calls {@code recvmmsg}, {@code sendmmsg} and
     * {@code poll} on the descriptor's number, so it owns the descriptor until it leaves
     * {@link #transfer} ({@link #closeAfterWorker}, B6 of docs/design/one-native-layer.md): the
     * close waits up to {@link #closeWaitNanos}, then is the worker's.
     */
    @Override
    protected void closeChannel() {
        keepWhyFigures();
        if (batch == null) {
            StreamFactory.closeQuietly(channel); // JDK calls only: the JDK closes safely under them
            return;
        }
        closeAfterWorker(() -> {
            if (channel.isOpen()) {
                closing = true;
                batch.wakeUp(); // shutdown(SHUT_RDWR): the worker's native calls return, the number stays ours
            }
        }, () -> StreamFactory.closeQuietly(channel), closeWaitNanos);
    }
}
