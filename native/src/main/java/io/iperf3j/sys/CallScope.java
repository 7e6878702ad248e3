package io.iperf3j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One native call's scratch memory: a confined arena with the errno capture
 * segment, a {@code socklen_t} and an 8-byte value buffer. A call made every
 * interval ({@link NativeSocket#tcpInfo()}) keeps one in an automatic arena instead,
 * so that it allocates nothing per call; that one is never closed.
 */
final class CallScope implements AutoCloseable {
    final Libc libc;
    final Arena arena;
    final MemorySegment state;
    final MemorySegment len;
    final MemorySegment intBuf;
    private MemorySegment addrBuf;
    /** The errno of the last failed {@link #name(int, boolean)}, 0 after a success. */
    int lastErrno;

    CallScope(Libc libc) {
        this(libc, Arena.ofConfined());
    }

    /** Scratch memory in {@code arena}: an automatic one for a scope kept across calls. */
    CallScope(Libc libc, Arena arena) {
        this.libc = libc;
        this.arena = arena;
        this.state = Libc.newCallState(arena);
        this.len = arena.allocate(JAVA_INT);
        this.intBuf = arena.allocate(JAVA_LONG);
    }

    OptionalInt getInt(int fd, int level, int name) {
        intBuf.set(JAVA_LONG, 0, 0L);
        len.set(JAVA_INT, 0, 4);
        if (libc.getsockopt(state, fd, level, name, intBuf, len) < 0) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(intBuf.get(JAVA_INT, 0));
    }

    OptionalLong getLong(int fd, int level, int name) {
        intBuf.set(JAVA_LONG, 0, 0L);
        len.set(JAVA_INT, 0, 8);
        if (libc.getsockopt(state, fd, level, name, intBuf, len) < 0) {
            return OptionalLong.empty();
        }
        int n = len.get(JAVA_INT, 0);
        return OptionalLong.of(n >= 8 ? intBuf.get(JAVA_LONG, 0)
                : Integer.toUnsignedLong(intBuf.get(JAVA_INT, 0)));
    }

    int setInt(int fd, int level, int name, int value) {
        intBuf.set(JAVA_INT, 0, value);
        return libc.setsockopt(state, fd, level, name, intBuf, 4);
    }

    /** getsockname/getpeername, or null (errno in {@link #lastErrno}). */
    SockAddr name(int fd, boolean peer) {
        if (addrBuf == null) {
            addrBuf = arena.allocate(Libc.SOCKADDR_STORAGE_SIZE, 8);
        }
        len.set(JAVA_INT, 0, Libc.SOCKADDR_STORAGE_SIZE);
        int r = peer ? libc.getpeername(state, fd, addrBuf, len) : libc.getsockname(state, fd, addrBuf, len);
        if (r < 0) {
            lastErrno = -r;
            return null;
        }
        lastErrno = 0;
        return SockAddr.decode(addrBuf, Math.min(len.get(JAVA_INT, 0), Libc.SOCKADDR_STORAGE_SIZE));
    }

    @Override
    public void close() {
        arena.close();
    }
}
