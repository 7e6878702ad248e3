package io.iperf3j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Reads a TCP stream without copying it: {@code recv(fd, buf, n, MSG_TRUNC)}, which
 * on Linux TCP drops up to {@code n} bytes from the receive queue and returns how
 * many it dropped, as iperf3 3.18+'s {@code --skip-rx-copy} does. The JDK cannot pass
 * {@code MSG_TRUNC}, hence the FFM call.
 *
 * <p>{@link #receive} blocks if the descriptor is in blocking mode (one system call per
 * read, like the JDK's blocking read) and returns {@link #EAGAIN} if the JDK made it
 * non-blocking (it does once a virtual thread used the socket); the caller then waits
 * with {@link #awaitReadable(int)} ({@code poll}). {@link #wakeUp()}
 * ({@code shutdown(SHUT_RD)}: nothing goes on the wire) ends a blocked call without
 * freeing the descriptor number. The descriptor comes from a {@link NativeSocket} and
 * is not owned: calls must stop before the channel is closed. Not thread-safe: one
 * worker thread uses it; {@link #wakeUp()} may come from another.
 */
public final class SkipCopyReceiver {
    /** {@link #receive} found nothing queued. */
    public static final long EAGAIN = -Libc.EAGAIN;
    /** {@link #receive} was interrupted by a signal. */
    public static final long EINTR = -Libc.EINTR;

    private final Libc libc;
    private final int fd;
    private final MemorySegment buffer;
    private final MemorySegment pollFd;
    private final MemorySegment state;

    private SkipCopyReceiver(Libc libc, int fd, MemorySegment buffer) {
        this.libc = libc;
        this.fd = fd;
        this.buffer = buffer;
        Arena arena = Arena.ofAuto();
        this.pollFd = arena.allocate(8, 8);
        this.state = Libc.newCallState(arena);
        pollFd.set(JAVA_INT, 0, fd);
    }

    /**
     * A receiver for the TCP socket; {@code scratch} (a direct buffer) is the address
     * handed to the kernel, which writes nothing into it with {@code MSG_TRUNC}.
     *
     * @return empty when FFM is not usable
     */
    public static Optional<SkipCopyReceiver> of(NativeSocket socket, ByteBuffer scratch) {
        Objects.requireNonNull(socket, "socket");
        if (!scratch.isDirect() || !socket.isTcp()) {
            throw new IllegalArgumentException("need a direct buffer and a TCP socket");
        }
        MemorySegment seg = MemorySegment.ofBuffer(scratch);
        return Libc.get().map(l -> new SkipCopyReceiver(l, socket.fd(), seg));
    }

    /**
     * Drops up to {@code max} bytes (at most the scratch buffer's size).
     *
     * @return bytes dropped, 0 at end of stream, {@link #EAGAIN} when nothing is
     *         queued, or another {@code -errno}
     */
    public long receive(int max) {
        long n = Math.min(max, buffer.byteSize());
        return libc.recv(state, fd, buffer, n, Libc.MSG_TRUNC);
    }

    /** Ends a blocked {@link #receive} (it returns 0) and every later one; the descriptor stays open. */
    public void wakeUp() {
        try (Arena a = Arena.ofConfined()) {
            libc.shutdown(Libc.newCallState(a), fd, Libc.SHUT_RD);
        }
    }

    /** Waits up to {@code timeoutMillis} for data (or end of stream): the ready count, 0 on timeout, or -errno. */
    public int awaitReadable(int timeoutMillis) {
        pollFd.set(JAVA_SHORT, 4, Libc.POLLIN);
        pollFd.set(JAVA_SHORT, 6, (short) 0);
        return libc.poll(state, pollFd, 1, timeoutMillis);
    }

    /** {@code strerror} of a negative errno from {@link #receive}. */
    public String errorText(long negativeErrno) {
        return libc.strerror((int) -negativeErrno);
    }
}
