package io.iperf3j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Many datagrams per system call on a connected UDP socket: {@code sendmmsg(2)}
 * and {@code recvmmsg(2)}, and on kernels that have them UDP segmentation
 * offload on send ({@code UDP_SEGMENT}, one {@code sendmsg} carrying up to 64
 * datagrams that the kernel splits, each datagram keeping its own bytes) and
 * generic receive offload on receive ({@code UDP_GRO}, one read returning several
 * equal-size datagrams of one flow back to back, the segment size in a control
 * message), and on request the kernel's receive time of each read
 * ({@code SO_TIMESTAMPNS}, {@link #receiveTimeNanos(int)}).
 *
 * <p>The datagrams live in one direct buffer of {@code slots × slotSize} bytes
 * given by the caller, slot {@code i} at {@code i × slotSize}; the caller writes
 * one iperf3 header per slot before sending and reads one per datagram after
 * receiving. The message headers ({@code struct mmsghdr}, {@code struct iovec}),
 * the {@code pollfd} and the errno capture live in native memory owned by this
 * object and are built once, so a call allocates nothing.
 *
 * <p>The descriptor comes from a {@link NativeSocket}; the batch does not own it.
 * Calls must stop before the channel is closed: a blocked receiver is woken with
 * {@link #wakeUp()} ({@code shutdown(SHUT_RDWR)}, which does not free the
 * descriptor number), and only then may the channel be closed.
 *
 * <p>Not thread-safe: one worker thread sends or receives; {@link #wakeUp()} may be
 * called from another thread.
 */
public final class DatagramBatch {
    private static final int MMSGHDR = 64; // struct mmsghdr: msghdr (56) + msg_len (4) + padding
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_CONTROL = 32;
    private static final int MSG_CONTROLLEN = 40;
    private static final int MSG_FLAGS = 48;
    private static final int MSG_LEN = 56;
    private static final int IOVEC = 16;
    /** One cmsghdr (16) + an int, aligned: room for UDP_SEGMENT / UDP_GRO. */
    private static final int CMSG_SPACE_INT = AncillaryData.SPACE_INT;
    /** Per received slot: room for UDP_GRO's segment size and an SO_TIMESTAMPNS timespec. */
    private static final int RECEIVE_CONTROL = AncillaryData.SPACE_INT + AncillaryData.SPACE_TIMESPEC;
    /** The kernel's UDP_MAX_SEGMENTS. */
    public static final int MAX_GSO_SEGMENTS = 64;
    /** Largest UDP payload of one (super-)datagram over IPv4. */
    private static final int MAX_UDP_PAYLOAD = 65507;

    private final Libc libc;
    private final NativeSocket socket;
    private final int fd;
    private final int slots;
    private final int slotSize;
    private final MemorySegment data;
    private final MemorySegment headers;
    /**
     * {@link #headers} as a native-order buffer, for the fields read and reset on every
     * receive ({@code msg_len}, {@code msg_controllen}): the JVM runs these paths
     * C1-compiled, where a {@link MemorySegment} access is a chain of calls (alignment,
     * bounds, base and offset; 13 % of a GRO receiver's profile) and a buffer access a short one.
     */
    private final ByteBuffer headerWords;
    /** The length every slot's iovec has now ({@link #send}). */
    private int iovLength;
    /**
     * Slots {@code 0 .. controlDirty-1} may hold a {@code msg_controllen} the kernel (or
     * {@link #setReceiveTime}) changed, to be reset before the next receive; the kernel
     * writes it only for the messages it returns, so a receive resets just those.
     */
    private int controlDirty;
    private final MemorySegment iovecs;
    private final MemorySegment control;
    private final MemorySegment pollFd;
    private final MemorySegment state;
    /** sendmsg with UDP_SEGMENT: one msghdr, one iovec, one cmsg. */
    private final MemorySegment gsoMsg;
    private final MemorySegment gsoIov;
    private final MemorySegment gsoCmsg;
    private boolean gro;
    private boolean timestamps;

    private DatagramBatch(Libc libc, NativeSocket socket, ByteBuffer buffer, int slotSize) {
        this.libc = libc;
        this.socket = socket;
        this.fd = socket.fd();
        this.slotSize = slotSize;
        this.slots = buffer.capacity() / slotSize;
        this.data = MemorySegment.ofBuffer(buffer);
        Arena arena = Arena.ofAuto();
        this.headers = arena.allocate((long) MMSGHDR * slots, 8);
        this.headerWords = headers.asByteBuffer().order(java.nio.ByteOrder.nativeOrder());
        this.iovecs = arena.allocate((long) IOVEC * slots, 8);
        this.control = arena.allocate((long) RECEIVE_CONTROL * slots, 8);
        this.pollFd = arena.allocate(8, 8);
        this.state = Libc.newCallState(arena);
        this.gsoMsg = arena.allocate(MMSGHDR, 8);
        this.gsoIov = arena.allocate(IOVEC, 8);
        this.gsoCmsg = arena.allocate(CMSG_SPACE_INT, 8);
        long base = data.address();
        for (int i = 0; i < slots; i++) {
            long iov = (long) IOVEC * i;
            iovecs.set(JAVA_LONG, iov, base + (long) i * slotSize);
            iovecs.set(JAVA_LONG, iov + 8, slotSize);
            long h = (long) MMSGHDR * i;
            headers.set(JAVA_LONG, h + MSG_IOV, iovecs.address() + iov);
            headers.set(JAVA_LONG, h + MSG_IOVLEN, 1L);
        }
        this.iovLength = slotSize;
        pollFd.set(JAVA_INT, 0, fd);
        gsoMsg.set(JAVA_LONG, MSG_IOV, gsoIov.address());
        gsoMsg.set(JAVA_LONG, MSG_IOVLEN, 1L);
        gsoMsg.set(JAVA_LONG, MSG_CONTROL, gsoCmsg.address());
        gsoMsg.set(JAVA_LONG, MSG_CONTROLLEN, CMSG_SPACE_INT);
        // struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; } + u16 gso_size
        gsoCmsg.set(JAVA_LONG, 0, 16 + 2);
        gsoCmsg.set(JAVA_INT, 8, Libc.SOL_UDP);
        gsoCmsg.set(JAVA_INT, 12, Libc.UDP_SEGMENT);
    }

    /**
     * A batch over {@code buffer} (a direct buffer of whole slots) for the socket,
     * or empty when FFM is not usable.
     */
    public static Optional<DatagramBatch> of(NativeSocket socket, ByteBuffer buffer, int slotSize) {
        Objects.requireNonNull(socket, "socket");
        if (!buffer.isDirect() || slotSize <= 0 || buffer.capacity() < slotSize || socket.isTcp()) {
            throw new IllegalArgumentException("need a direct buffer of whole datagram slots on a UDP socket");
        }
        return Libc.get().map(l -> new DatagramBatch(l, socket, buffer, slotSize));
    }

    /** The number of slots. */
    public int slots() {
        return slots;
    }

    /** The slot size in bytes. */
    public int slotSize() {
        return slotSize;
    }

    /**
     * {@code sendmmsg}: sends slots {@code from .. from+count-1}, each a datagram of
     * {@code length} bytes.
     *
     * @return datagrams sent (at least 1, possibly fewer than asked), or {@code -errno}
     *         (e.g. {@code -ENOBUFS}, {@code -EAGAIN}) when the first one failed
     */
    public int send(int from, int count, int length) {
        if (length != iovLength) { // a stream's datagrams have one size: set once, not per call
            for (int i = 0; i < slots; i++) {
                iovecs.set(JAVA_LONG, (long) IOVEC * i + 8, length);
            }
            iovLength = length;
        }
        return libc.sendmmsg(state, fd, headers.asSlice((long) MMSGHDR * from), count, 0);
    }

    /**
     * One {@code sendmsg} with {@code UDP_SEGMENT}: slots {@code from .. from+count-1}
     * ({@code slotSize} bytes each, contiguous) leave as {@code count} datagrams.
     * {@code count × slotSize} must not exceed {@link #maxGsoSegments()} datagrams.
     *
     * @return datagrams sent, or {@code -errno} (nothing was sent)
     */
    public int sendSegmented(int from, int count) {
        long len = (long) count * slotSize;
        gsoIov.set(JAVA_LONG, 0, data.address() + (long) from * slotSize);
        gsoIov.set(JAVA_LONG, 8, len);
        gsoCmsg.set(JAVA_SHORT, 16, (short) slotSize);
        long r = libc.sendmsg(state, fd, gsoMsg, 0);
        if (r < 0) {
            return (int) r;
        }
        return (int) (r / slotSize);
    }

    /** The most datagrams one {@link #sendSegmented} call may carry. */
    public int maxGsoSegments() {
        return Math.max(1, Math.min(Math.min(MAX_GSO_SEGMENTS, slots), MAX_UDP_PAYLOAD / slotSize));
    }

    /** Turns on {@code UDP_SEGMENT} for this socket with the slot size; false if the kernel refuses. */
    public boolean enableSegmentation() {
        try {
            socket.setIntOption(Libc.SOL_UDP, Libc.UDP_SEGMENT, slotSize);
            // A probe would send a datagram; the option's acceptance is the kernel's answer.
            socket.setIntOption(Libc.SOL_UDP, Libc.UDP_SEGMENT, 0); // per-call cmsg below instead
            return true;
        } catch (NativeSocketException e) {
            return false;
        }
    }

    /**
     * Turns on {@code UDP_GRO}: a receive may then return several datagrams of one
     * flow in one slot; {@link #segmentSize(int)} tells their size. Each slot must be
     * large enough for a whole coalesced read (64 KiB).
     */
    public boolean enableGro() {
        try {
            socket.setIntOption(Libc.SOL_UDP, Libc.UDP_GRO, 1);
        } catch (NativeSocketException e) {
            return false;
        }
        gro = true;
        attachControl();
        return true;
    }

    /**
     * Turns on {@code SO_TIMESTAMPNS}: each read then carries the kernel's receive time
     * ({@link #receiveTimeNanos(int)}); false if the kernel refuses.
     */
    public boolean enableReceiveTimestamps() {
        try {
            socket.setIntOption(Libc.SOL_SOCKET, Libc.SO_TIMESTAMPNS, 1);
        } catch (NativeSocketException e) {
            return false;
        }
        timestamps = true;
        attachControl();
        return true;
    }

    /** Points every slot's {@code msg_control} at its part of {@link #control}; the next receive sets their lengths. */
    private void attachControl() {
        for (int i = 0; i < slots; i++) {
            long h = (long) MMSGHDR * i;
            headers.set(JAVA_LONG, h + MSG_CONTROL, control.address() + (long) RECEIVE_CONTROL * i);
        }
        controlDirty = slots;
    }

    /**
     * {@code recvmmsg} into slots {@code 0 .. max-1}. With {@code wait} it blocks for
     * the first datagram ({@code MSG_WAITFORONE}: it then returns what is queued);
     * without, it returns {@code -EAGAIN} when nothing is queued.
     *
     * @return datagrams (reads) received, or {@code -errno}; 0 after {@link #wakeUp()}
     */
    public int receive(int max, boolean wait) {
        int n = Math.min(max, slots);
        if (gro || timestamps) {
            for (int i = 0; i < controlDirty; i++) {
                headerWords.putLong(MMSGHDR * i + MSG_CONTROLLEN, RECEIVE_CONTROL);
            }
        }
        int flags = Libc.MSG_WAITFORONE | (wait ? 0 : Libc.MSG_DONTWAIT);
        int r = libc.recvmmsg(state, fd, headers, n, flags);
        controlDirty = Math.max(r, 0);
        return r;
    }

    /** The length of the datagram (or coalesced read) received into slot {@code i}. */
    public int length(int i) {
        return headerWords.getInt(MMSGHDR * i + MSG_LEN);
    }

    /** Sets slot {@code i}'s received length, for running the receive path on synthetic data (warm-up, tests). */
    public void setLength(int i, int length) {
        headers.set(JAVA_INT, (long) MMSGHDR * i + MSG_LEN, length);
    }

    /** Whether the datagram in slot {@code i} was cut to the slot size ({@code MSG_TRUNC}). */
    public boolean truncated(int i) {
        return (headers.get(JAVA_INT, (long) MMSGHDR * i + MSG_FLAGS) & Libc.MSG_TRUNC) != 0;
    }

    /**
     * With GRO on: the size of each datagram coalesced in slot {@code i} (the last may
     * be shorter), or the slot's length when the kernel did not coalesce.
     */
    public int segmentSize(int i) {
        int len = length(i);
        if (!gro) {
            return len;
        }
        int seg = AncillaryData.groSegmentSize(control, (long) RECEIVE_CONTROL * i, controlLength(i));
        return seg > 0 ? seg : len;
    }

    /**
     * With receive timestamps on: the kernel's receive time of the read in slot
     * {@code i}, nanoseconds of {@code CLOCK_REALTIME}; {@link AncillaryData#NO_TIME}
     * when timestamps are off or the read carried none.
     */
    public long receiveTimeNanos(int i) {
        if (!timestamps) {
            return AncillaryData.NO_TIME;
        }
        return AncillaryData.receiveTimeNanos(control, (long) RECEIVE_CONTROL * i, controlLength(i));
    }

    /**
     * Puts a receive time into slot {@code i}'s ancillary data as the kernel would, for
     * running the receive path on synthetic data (warm-up, tests); ignored while receive
     * timestamps are off.
     */
    public void setReceiveTime(int i, long realtimeNanos) {
        if (!timestamps) {
            return;
        }
        long c = (long) RECEIVE_CONTROL * i;
        control.set(JAVA_LONG, c, AncillaryData.HEADER + 16L);
        control.set(JAVA_INT, c + 8, Libc.SOL_SOCKET);
        control.set(JAVA_INT, c + 12, Libc.SO_TIMESTAMPNS);
        control.set(JAVA_LONG, c + 16, realtimeNanos / 1_000_000_000L);
        control.set(JAVA_LONG, c + 24, realtimeNanos % 1_000_000_000L);
        headers.set(JAVA_LONG, (long) MMSGHDR * i + MSG_CONTROLLEN, AncillaryData.SPACE_TIMESPEC);
        controlDirty = Math.max(controlDirty, i + 1);
    }

    /** The ancillary data length the kernel left in slot {@code i}'s header (at most the slot's room). */
    private long controlLength(int i) {
        long len = headerWords.getLong(MMSGHDR * i + MSG_CONTROLLEN);
        return Math.min(len, RECEIVE_CONTROL);
    }

    /** Waits up to {@code timeoutMillis} for the socket to be readable (or writable). */
    public int await(boolean writable, int timeoutMillis) {
        pollFd.set(JAVA_SHORT, 4, writable ? Libc.POLLOUT : Libc.POLLIN);
        pollFd.set(JAVA_SHORT, 6, (short) 0);
        return libc.poll(state, pollFd, 1, timeoutMillis);
    }

    /** Ends a blocked {@link #receive} (it returns 0 or an error) without freeing the descriptor. */
    public void wakeUp() {
        libc.shutdown(fd, Libc.SHUT_RDWR);
    }

    /** {@code -errno} values a caller tests for. */
    public static final int EAGAIN = -Libc.EAGAIN;
    public static final int EINTR = -Libc.EINTR;
    public static final int ENOBUFS = -Libc.ENOBUFS;
    public static final int ECONNREFUSED = -Libc.ECONNREFUSED;
    public static final int EINVAL = -Libc.EINVAL;
    public static final int EIO = -5;

    /** The error text of a negative result. */
    public String errorText(int negativeErrno) {
        return libc.strerror(-negativeErrno);
    }
}
