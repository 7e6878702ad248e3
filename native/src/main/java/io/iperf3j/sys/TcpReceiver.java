package io.iperf3j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Reads a TCP stream through its descriptor. Three modes:
 * <ul>
 *   <li>{@link #copyingAndWaiting}: the bytes are copied into the stream's buffer, and {@link #receive}
 *       waits in {@code recv} itself, as iperf3's blocking {@code read} does, at most the given time
 *       ({@code SO_RCVTIMEO}). A wait in {@code recv} returns once it has copied {@code min(mark, n)}
 *       bytes ({@code SO_RCVLOWAT}, {@link NativeSocket#setReceiveLowWater}), at the end of the stream,
 *       on {@link #wakeUp()}, or when the time is up, with what it has. One call a wake-up: a {@code -b 5G}
 *       receiver made 14 400 calls in 3 s against 36 700 ({@code poll}, {@code recv}, and a {@code recv}
 *       that found nothing) in the mode below, and took 20-30 % less CPU (issue 68,
 *       docs/design/cpu-per-bit.md). After a wait that found nothing, the next call waits in {@code poll}
 *       and then reads without waiting (a descriptor made non-blocking still waits; data under the mark,
 *       a stream's last partial block, is read).</li>
 *   <li>{@link #copying}: copies, never waits in {@code recv} ({@code MSG_DONTWAIT}); {@link #receive} returns
 *       {@link #EAGAIN} when nothing is queued, and the caller waits in {@link #awaitReadable(int)}
 *       ({@code poll}, which with the mark returns once a whole block is queued).</li>
 *   <li>{@link #skippingCopy}: as {@link #copying}, with {@code MSG_TRUNC}, which on Linux TCP drops up to
 *       {@code n} bytes from the receive queue and returns how many, as iperf3 3.18+'s
 *       {@code --skip-rx-copy} does.</li>
 * </ul>
 * The JDK's blocking channel has neither a per-call non-blocking read nor a read that takes the mark's
 * wait with a bound, hence the FFM calls.
 *
 * <p>{@link #wakeUp()} ({@code shutdown(SHUT_RD)} through the JDK's channel, {@link NativeSocket#shutdownToWake}:
 * nothing goes on the wire) ends a wait in {@code recv} or {@code poll} without freeing the descriptor number.
 * The descriptor comes from a {@link NativeSocket} and is not owned: calls must stop before the channel is
 * closed. Not thread-safe: one worker thread uses it; {@link #wakeUp()} may come from another.
 *
 * <p>The hot calls go by address ({@code Libc.recvAt}, {@code Libc.recvWaitingAt}, {@code Libc.pollAt}):
 * the buffer as its address, no errno capture, the {@code recv} that never waits bound critical, errno
 * read from the worker's own errno word. Through segments and a capture state, the checks, session
 * acquires and the capture were a third of a receiving thread's user time under C1 (issue 68,
 * docs/design/cpu-per-bit.md). The buffer must therefore outlive every call, which the stream's memory
 * rule gives (it is freed once the worker has left).
 */
public final class TcpReceiver {
    /** {@link #receive} found nothing queued. */
    public static final long EAGAIN = -Libc.EAGAIN;
    /** {@link #receive} was interrupted by a signal. */
    public static final long EINTR = -Libc.EINTR;

    private final Libc libc;
    private final NativeSocket socket;
    private final int fd;
    private final MemorySegment buffer;
    /** The buffer's address, which the by-address {@code recv} takes (the buffer outlives every call: see the class comment). */
    private final long address;
    private final long size;
    private final int flags;
    private final MemorySegment pollFd;
    private final MemorySegment state;
    private final ErrnoWord errno;
    /**
     * How long {@link #receive} waits: the socket's {@code SO_RCVTIMEO} and its {@code poll}'s timeout; 0 for a
     * receiver that never waits in {@code recv} (it returns EAGAIN at once).
     */
    private final int maxWaitMillis;
    /** The last {@link #receive} found nothing: the next one waits in {@code poll} first (a non-blocking descriptor then still waits). */
    private boolean queueEmpty;

    private TcpReceiver(Libc libc, NativeSocket socket, MemorySegment buffer, int flags, int maxWaitMillis) {
        this.libc = libc;
        this.socket = socket;
        this.fd = socket.fd();
        this.buffer = buffer;
        this.address = buffer.address();
        this.size = buffer.byteSize();
        this.flags = flags;
        this.maxWaitMillis = maxWaitMillis;
        Arena arena = Arena.ofAuto();
        this.pollFd = arena.allocate(8, 8);
        this.state = Libc.newCallState(arena);
        this.errno = new ErrnoWord(libc);
        pollFd.set(JAVA_INT, 0, fd);
        pollFd.set(JAVA_SHORT, 4, Libc.POLLIN);
    }

    /**
     * A receiver that copies into {@code buffer} and waits in {@code recv} itself, as iperf3's blocking
     * {@code read} does: one call a wake-up instead of {@code poll}, {@code recv} and a {@code recv} that finds
     * nothing. Each call waits at most {@code maxWaitMillis} ({@code SO_RCVTIMEO}, set here), then returns what
     * it has or {@link #EAGAIN}; {@link #wakeUp()} ends a wait at once.
     *
     * @return empty when FFM is not usable or the timeout cannot be set
     */
    public static Optional<TcpReceiver> copyingAndWaiting(NativeSocket socket, ByteBuffer buffer, int maxWaitMillis) {
        Objects.requireNonNull(socket, "socket");
        if (!buffer.isDirect() || !socket.isTcp() || maxWaitMillis <= 0) {
            throw new IllegalArgumentException("need a direct buffer, a TCP socket and a wait");
        }
        MemorySegment seg = MemorySegment.ofBuffer(buffer);
        return Libc.get().filter(l -> setReceiveTimeout(l, socket.fd(), maxWaitMillis))
                .map(l -> new TcpReceiver(l, socket, seg, 0, maxWaitMillis));
    }

    private static boolean setReceiveTimeout(Libc libc, int fd, int millis) {
        try (Arena a = Arena.ofConfined()) {
            return libc.setsockopt(Libc.newCallState(a), fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO,
                    Libc.timeval(a, millis), 16) == 0;
        }
    }

    /**
     * A receiver that copies into {@code buffer} (a direct buffer; bytes go from its start).
     *
     * @return empty when FFM is not usable
     */
    public static Optional<TcpReceiver> copying(NativeSocket socket, ByteBuffer buffer) {
        return of(socket, buffer, 0);
    }

    /**
     * A receiver that drops what it reads ({@code MSG_TRUNC}); {@code scratch} (a direct buffer) is
     * the address handed to the kernel, which writes nothing into it.
     *
     * @return empty when FFM is not usable
     */
    public static Optional<TcpReceiver> skippingCopy(NativeSocket socket, ByteBuffer scratch) {
        return of(socket, scratch, Libc.MSG_TRUNC);
    }

    private static Optional<TcpReceiver> of(NativeSocket socket, ByteBuffer buffer, int flags) {
        Objects.requireNonNull(socket, "socket");
        if (!buffer.isDirect() || !socket.isTcp()) {
            throw new IllegalArgumentException("need a direct buffer and a TCP socket");
        }
        MemorySegment seg = MemorySegment.ofBuffer(buffer);
        return Libc.get().map(l -> new TcpReceiver(l, socket, seg, flags, 0));
    }

    /**
     * Reads (or drops) up to {@code max} bytes (at most the buffer's size): without waiting, or for a
     * {@link #copyingAndWaiting} receiver waiting at most its time (see the class comment).
     *
     * @return bytes read, 0 at end of stream, {@link #EAGAIN} when nothing is queued (or came in the
     *         wait), {@link #EINTR}, or another {@code -errno}
     */
    public long receive(int max) {
        long n = Math.min(max, size);
        boolean waitInRecv = waits();
        if (waitInRecv && queueEmpty) {
            // A wait in recv found nothing: wait in poll (which, unlike a recv, a non-blocking descriptor
            // also waits in), then read what is queued, even under the mark, without waiting again.
            awaitReadable(maxWaitMillis);
            waitInRecv = false;
        }
        errno.bind();
        long r = waitInRecv ? libc.recvWaitingAt(fd, address, n, flags) : libc.recvAt(fd, address, n, flags | Libc.MSG_DONTWAIT);
        if (r != -1) {
            queueEmpty = false;
            return r;
        }
        int e = errno.read();
        if (e == Libc.EAGAIN || e == Libc.EINTR) {
            queueEmpty = true;
            return -e;
        }
        // An error, or so errno says. The call that does not wait is critical (no thread-state transition,
        // no safepoint in it; the one that waits is not, and may meet one inside), but a safepoint on the
        // way back, at a frame's return, can run the JVM's own waits, which leave EAGAIN or EINTR at most
        // (then an error reads as a wait, and the next call as the end of the stream, the error having been
        // this call's to take). So an error is believed only if a
        // second, capturing call does not find the socket well: data or EAGAIN there mean errno was not
        // recv's; a socket whose error the first call took reads 0 now.
        long again = libc.recv(state, fd, buffer, n, flags | Libc.MSG_DONTWAIT);
        return again == 0 ? -e : again;
    }

    /** Whether {@link #receive} waits itself (then a caller need not wait after EAGAIN). */
    public boolean waits() {
        return maxWaitMillis > 0;
    }

    /** Ends a wait in {@link #awaitReadable} or in a waiting {@link #receive} and makes every later {@link #receive} return 0; the descriptor stays open. */
    public void wakeUp() {
        socket.shutdownToWake(false);
    }

    /**
     * Waits up to {@code timeoutMillis} for data (with {@code SO_RCVLOWAT}: that many bytes) or the
     * end of the stream: the ready count, 0 on timeout, or -errno (which a safepoint on the way back
     * may have turned into EINTR or EAGAIN: the caller only waits again).
     */
    public int awaitReadable(int timeoutMillis) {
        errno.bind();
        int r = libc.pollAt(pollFd.address(), 1, timeoutMillis); // the kernel writes revents; events stay POLLIN
        Reference.reachabilityFence(pollFd);
        return r == -1 ? -errno.read() : r;
    }

    /** {@code strerror} of a negative errno from {@link #receive}. */
    public String errorText(long negativeErrno) {
        return libc.strerror((int) -negativeErrno);
    }
}
