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
 * Reads a TCP stream through its descriptor: {@code recv(fd, buf, n, MSG_DONTWAIT)}, which never
 * waits, and {@code poll} to wait. Two modes:
 * <ul>
 *   <li>{@link #copying}: the bytes are copied into the stream's buffer, as a channel's read does.
 *       A descriptor-level call is what lets a receiver wait in {@code poll} for a whole block
 *       ({@code SO_RCVLOWAT}, {@link NativeSocket#setReceiveLowWater}) and still read what is
 *       queued without waiting: a blocking read with the mark set copies what it finds and then
 *       waits for a whole mark <em>more</em>, which at the end of a stream never comes. The JDK's
 *       blocking channel has no per-call non-blocking read, hence the FFM call.</li>
 *   <li>{@link #skippingCopy}: {@code MSG_TRUNC}, which on Linux TCP drops up to {@code n} bytes from
 *       the receive queue and returns how many, as iperf3 3.18+'s {@code --skip-rx-copy} does.</li>
 * </ul>
 *
 * <p>{@link #receive} returns {@link #EAGAIN} when nothing (or, with the mark, less than it) is
 * queued; the caller then waits in {@link #awaitReadable(int)}. {@link #wakeUp()}
 * ({@code shutdown(SHUT_RD)}: nothing goes on the wire) ends a wait without freeing the
 * descriptor number. The descriptor comes from a {@link NativeSocket} and is not owned: calls must
 * stop before the channel is closed. Not thread-safe: one worker thread uses it; {@link #wakeUp()}
 * may come from another.
 *
 * <p>The hot calls go by address ({@code Libc.recvAt}, {@code Libc.pollAt}): the buffer as its address,
 * no errno capture, {@code recv} bound critical (it never waits), errno read from the worker's own
 * errno word. Through segments and a capture state, the checks, session acquires and the capture were
 * a third of a receiving thread's user time under C1 (issue 68, docs/design/cpu-per-bit.md). The buffer
 * must therefore outlive every call, which the stream's memory rule gives (it is freed once the worker
 * has left).
 */
public final class TcpReceiver {
    /** {@link #receive} found nothing queued. */
    public static final long EAGAIN = -Libc.EAGAIN;
    /** {@link #receive} was interrupted by a signal. */
    public static final long EINTR = -Libc.EINTR;

    private final Libc libc;
    private final int fd;
    private final MemorySegment buffer;
    /** The buffer's address, which the by-address {@code recv} takes (the buffer outlives every call: see the class comment). */
    private final long address;
    private final long size;
    private final int flags;
    private final MemorySegment pollFd;
    private final MemorySegment state;
    private final ErrnoWord errno;

    private TcpReceiver(Libc libc, int fd, MemorySegment buffer, int flags) {
        this.libc = libc;
        this.fd = fd;
        this.buffer = buffer;
        this.address = buffer.address();
        this.size = buffer.byteSize();
        this.flags = flags | Libc.MSG_DONTWAIT;
        Arena arena = Arena.ofAuto();
        this.pollFd = arena.allocate(8, 8);
        this.state = Libc.newCallState(arena);
        this.errno = new ErrnoWord(libc);
        pollFd.set(JAVA_INT, 0, fd);
        pollFd.set(JAVA_SHORT, 4, Libc.POLLIN);
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
        return Libc.get().map(l -> new TcpReceiver(l, socket.fd(), seg, flags));
    }

    /**
     * Reads (or drops) up to {@code max} bytes (at most the buffer's size) without waiting.
     *
     * @return bytes read, 0 at end of stream, {@link #EAGAIN} when nothing is queued, or another
     *         {@code -errno}
     */
    public long receive(int max) {
        long n = Math.min(max, size);
        errno.bind();
        long r = libc.recvAt(fd, address, n, flags);
        if (r != -1) {
            return r;
        }
        int e = errno.read();
        if (e == Libc.EAGAIN || e == Libc.EINTR) {
            return -e;
        }
        // An error, or so errno says. The call is critical (no thread-state transition, no safepoint in
        // it), but a safepoint on the way back, at a frame's return, can run the JVM's own waits, which
        // leave EAGAIN or EINTR at most (then an error reads as a wait, and the next call as the end of
        // the stream, the error having been this call's to take). So an error is believed only if a
        // second, capturing call does not find the socket well: data or EAGAIN there mean errno was not
        // recv's; a socket whose error the first call took reads 0 now.
        long again = libc.recv(state, fd, buffer, n, flags);
        return again == 0 ? -e : again;
    }

    /** Ends a wait in {@link #awaitReadable} and makes every later {@link #receive} return 0; the descriptor stays open. */
    public void wakeUp() {
        libc.shutdown(fd, Libc.SHUT_RD);
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
