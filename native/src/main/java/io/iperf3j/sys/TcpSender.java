package io.iperf3j.sys;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes a TCP stream's blocks through its descriptor: {@code send(fd, buf + offset, n, MSG_NOSIGNAL)}
 * on the socket in blocking mode, the buffer passed by its address. A channel's blocking {@code write}
 * takes the channel's lock, the state lock twice, the interruptible-I/O bookkeeping and a JNI call around
 * the same system call: under C1 about half of an unpaced sending thread's user time, which with many
 * streams on two cores is rate lost (docs/design/cpu-per-bit.md, "The data path by address").
 *
 * <p>{@link #send} blocks while the socket's buffer is full, so a stream that closes its socket first
 * wakes the worker with {@link #wakeUp} ({@code shutdown(SHUT_WR)} through the JDK's channel, as the JDK does
 * when it closes a channel a thread writes to) and waits for it to leave: the buffer and the descriptor outlive every
 * call. The descriptor comes from a {@link NativeSocket} and is not owned. Not thread-safe: one worker
 * thread sends; {@link #wakeUp} may come from another.
 */
public final class TcpSender {
    /**
     * {@link #send} was interrupted by a signal, or came back through a safepoint whose own waits may
     * have left EINTR or EAGAIN in errno: send again (a failed socket fails again, with its error).
     */
    public static final long EINTR = -Libc.EINTR;

    private final Libc libc;
    private final NativeSocket socket;
    private final int fd;
    private final long address;
    private final long size;
    private final ErrnoWord errno;

    private TcpSender(Libc libc, NativeSocket socket, MemorySegment block) {
        this.libc = libc;
        this.socket = socket;
        this.fd = socket.fd();
        this.address = block.address();
        this.size = block.byteSize();
        this.errno = new ErrnoWord(libc);
    }

    /**
     * A sender of {@code block} (a direct buffer, from its start to its capacity) on {@code socket}.
     *
     * @return empty when FFM is not usable
     */
    public static Optional<TcpSender> of(NativeSocket socket, ByteBuffer block) {
        Objects.requireNonNull(socket, "socket");
        if (!block.isDirect() || !socket.isTcp()) {
            throw new IllegalArgumentException("need a direct buffer and a TCP socket");
        }
        MemorySegment seg = MemorySegment.ofBuffer(block.duplicate().clear());
        return Libc.get().map(l -> new TcpSender(l, socket, seg));
    }

    /**
     * Sends the block's bytes from {@code offset} to its end, waiting while the socket's buffer is full.
     *
     * @return bytes sent (at least one), {@link #EINTR}, or another {@code -errno}
     */
    public long send(long offset) {
        if (offset < 0 || offset >= size) {
            throw new IndexOutOfBoundsException("offset " + offset + " of a " + size + "-byte block");
        }
        errno.bind();
        long r = libc.sendAt(fd, address + offset, size - offset, Libc.MSG_NOSIGNAL);
        if (r >= 0) {
            return r;
        }
        int e = errno.read();
        return e == Libc.EAGAIN || e == 0 ? EINTR : -e;
    }

    /** Ends a {@link #send} blocked on the socket and makes every later one fail; the descriptor stays open. */
    public void wakeUp() {
        socket.shutdownToWake(true);
    }

    /** {@code strerror} of a negative errno from {@link #send}. */
    public String errorText(long negativeErrno) {
        return libc.strerror((int) -negativeErrno);
    }
}
