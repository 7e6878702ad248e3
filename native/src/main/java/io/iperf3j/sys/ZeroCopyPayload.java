package io.iperf3j.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code -Z}'s payload: one block in a file that has no name ({@code open(dir, O_TMPFILE)} in the
 * temporary folder's file system; where that file system cannot, an anonymous memory file,
 * {@code memfd_create}), sent to a TCP socket with one {@code sendfile(2)} per block, as iperf3 does.
 * No name ever exists, so no other local user can see, link or race it (iperf3 and the JDK path
 * make a named temporary file and unlink it). The temporary folder's file system comes first because
 * {@code sendfile} from tmpfs or a memory file is slower than from a disk file system's page cache:
 * a 3 s {@code -Z} client on loopback moved 23.2–23.3 Gbit/s from a file in /dev/shm against
 * 19.9–36.9 from ext4's /tmp (docs/design/cpu-per-bit.md). The JDK's
 * {@code FileChannel.transferTo} makes three calls per block on Linux ({@code fstat} for its size
 * check, a {@code copy_file_range} that fails with {@code EINVAL} on a socket, then
 * {@code sendfile}); hence the FFM calls.
 *
 * <p>{@link #sendTo} blocks while the socket's buffer is full (the socket is in blocking mode), so
 * a stream that closes its socket must first wake the worker with {@link #wakeSender} and wait for
 * it to leave. Not thread-safe: one worker sends; {@link #wakeSender} may come from another thread,
 * {@link #close} once the worker has left.
 */
public final class ZeroCopyPayload implements AutoCloseable {
    /** {@link #sendTo} was interrupted by a signal. */
    public static final long EINTR = -Libc.EINTR;
    /** {@link #sendTo} found the socket's buffer full on a non-blocking socket. */
    public static final long EAGAIN = -Libc.EAGAIN;

    private final Libc libc;
    private final int fd;
    private final long size;
    private final MemorySegment offset;
    private final MemorySegment state;
    private boolean closed;

    private ZeroCopyPayload(Libc libc, int fd, long size, Arena arena) {
        this.libc = libc;
        this.fd = fd;
        this.size = size;
        this.offset = arena.allocate(JAVA_LONG);
        this.state = Libc.newCallState(arena);
    }

    /**
     * A nameless file holding {@code block}'s bytes (position to limit; a direct buffer): in
     * {@code directory}'s file system, or else in memory.
     *
     * @return empty when FFM is not usable
     * @throws IOException the kernel's error, when no file can be made or filled
     */
    public static Optional<ZeroCopyPayload> of(ByteBuffer block, Path directory) throws IOException {
        if (!block.isDirect()) {
            throw new IllegalArgumentException("need a direct buffer");
        }
        Optional<Libc> l = Libc.get();
        if (l.isEmpty()) {
            return Optional.empty();
        }
        Libc libc = l.get();
        Arena arena = Arena.ofAuto(); // what the payload keeps: its offset and errno capture
        MemorySegment state = Libc.newCallState(arena);
        int fd;
        try (Arena names = Arena.ofConfined()) {
            fd = libc.open(state, names.allocateFrom(directory.toString()), Libc.tmpfileFlags(), 0600);
            if (fd < 0) { // a file system without O_TMPFILE (EOPNOTSUPP), a missing folder...
                fd = libc.memfdCreate(state, names.allocateFrom("iperf3j-zerocopy"), Libc.MFD_CLOEXEC);
            }
        }
        if (fd < 0) {
            throw new IOException("memfd_create: " + libc.strerror(-fd));
        }
        ZeroCopyPayload payload = new ZeroCopyPayload(libc, fd, block.remaining(), arena);
        try {
            MemorySegment bytes = MemorySegment.ofBuffer(block); // position to limit, no copy
            long written = 0;
            while (written < payload.size) {
                long n = libc.write(state, fd, bytes.asSlice(written), payload.size - written);
                if (n == EINTR) {
                    continue;
                }
                if (n < 0) {
                    throw new IOException("write to the -Z file: " + libc.strerror((int) -n));
                }
                written += n;
            }
        } catch (IOException | RuntimeException e) {
            payload.close();
            throw e;
        }
        return Optional.of(payload);
    }

    /** The file's descriptor, for tests. */
    int descriptor() {
        return fd;
    }

    /** The payload's size in bytes. */
    public long size() {
        return size;
    }

    /**
     * Sends bytes {@code position} to {@code position + count} of the payload on {@code socket}
     * (one {@code sendfile}; blocks while the socket's buffer is full).
     *
     * @return bytes sent, or {@code -errno} ({@link #EINTR}, {@link #EAGAIN}, {@code EPIPE} after
     *         {@link #wakeSender}, ...)
     */
    public long sendTo(NativeSocket socket, long position, long count) {
        offset.set(JAVA_LONG, 0, position);
        return libc.sendfile(state, socket.fd(), fd, offset, count);
    }

    /**
     * Ends a {@link #sendTo} blocked on {@code socket}: {@code shutdown(SHUT_WR)}
     * ({@link NativeSocket#shutdownToWake}), as the JDK does when it closes a channel a thread is writing
     * to (the peer gets the end of the stream after the bytes already queued). The descriptor stays open.
     */
    public static void wakeSender(NativeSocket socket) {
        socket.shutdownToWake(true);
    }

    /** {@code strerror} of a negative errno from {@link #sendTo}. */
    public String errorText(long negativeErrno) {
        return libc.strerror((int) -negativeErrno);
    }

    /** Closes the memory file; once only, after the last {@link #sendTo}. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            libc.close(state, fd);
        }
    }
}
