package io.iperf3j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.NetworkChannel;
import java.util.OptionalInt;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * {@code -m/--mptcp}: TCP data streams over {@code IPPROTO_MPTCP}, as iperf3 3.18+.
 * The JDK only makes {@code IPPROTO_TCP} sockets and cannot adopt a descriptor, so
 * {@link #replace} puts an MPTCP socket in a channel's place: the channel is bound
 * first (so its descriptor can be found and its address is known to the JDK), an
 * MPTCP socket of the same family is made, {@code dup3} installs it on the channel's
 * descriptor number (closing the TCP socket, which frees its port), and it is bound to
 * the address the TCP socket had. From then on every JDK call on the channel (options,
 * connect, read, write, close) reaches the MPTCP socket. A peer without MPTCP answers
 * with plain TCP and the kernel falls back, as it does for iperf3.
 *
 * <p>Call it on a bound, unconnected {@code SocketChannel} before setting options and
 * before anyone else can use it; find its {@link NativeSocket} again afterwards.
 * Another program taking the freed port in the moment between close and bind makes
 * the bind fail ({@code EADDRINUSE}); the socket is then unusable and must be closed.
 */
public final class MultipathTcp {
    private MultipathTcp() {
    }

    /**
     * Replaces the TCP socket behind the bound channel with a bound MPTCP socket.
     *
     * @throws NativeSocketException with the kernel's errno (for instance
     *         {@code EPROTONOSUPPORT}/{@code ENOPROTOOPT} where MPTCP is not
     *         available or {@code net.mptcp.enabled} is 0)
     */
    public static void replace(NetworkChannel bound) {
        replace(bound, -1, -1);
    }

    /**
     * Like {@link #replace(NetworkChannel)} for a listening channel, which should be bound
     * to an ephemeral port of the wanted address (so that no client reaches its TCP
     * listener before the swap): the MPTCP socket gets {@code SO_REUSEADDR}, is bound to
     * {@code port} (0: ephemeral) of the same address and listens with {@code backlog}.
     * The JDK still reports the channel's first address; use the returned port. An
     * MPTCP listener also accepts plain TCP clients (their connections fall back to TCP).
     *
     * @return the port the MPTCP listener is bound to
     */
    public static int replaceListener(NetworkChannel listening, int backlog, int port) {
        return replace(listening, backlog, port);
    }

    private static int replace(NetworkChannel bound, int backlog, int port) {
        NativeSocket tcp = NativeSocket.of(bound).orElseThrow(
                () -> new NativeSocketException("find the socket", Libc.EBADF, "no descriptor for " + bound));
        Libc libc = Libc.get().orElseThrow();
        int fd = tcp.fd();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            MemorySegment addr = arena.allocate(Libc.SOCKADDR_STORAGE_SIZE, 8);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, Libc.SOCKADDR_STORAGE_SIZE);
            libc.check("getsockname", libc.getsockname(state, fd, addr, len));
            int domain = tcp.family() == java.net.StandardProtocolFamily.INET6 ? Libc.AF_INET6 : Libc.AF_INET;
            int mptcp = libc.socket(state, domain, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, Libc.IPPROTO_MPTCP);
            libc.check("socket(IPPROTO_MPTCP)", mptcp);
            int r = libc.dup3(state, mptcp, fd, Libc.SOCK_CLOEXEC); // O_CLOEXEC == SOCK_CLOEXEC
            libc.close(state, mptcp);
            libc.check("dup3", r);
            if (backlog >= 0) {
                MemorySegment one = arena.allocate(JAVA_INT);
                one.set(JAVA_INT, 0, 1);
                libc.check("setsockopt(SO_REUSEADDR)",
                        libc.setsockopt(state, fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, one, 4));
            }
            if (port >= 0) { // sin_port and sin6_port: big-endian at offset 2
                addr.set(JAVA_BYTE, 2, (byte) (port >>> 8));
                addr.set(JAVA_BYTE, 3, (byte) port);
            }
            libc.check("bind", libc.bind(state, fd, addr, len.get(JAVA_INT, 0)));
            if (backlog >= 0) {
                libc.check("listen", libc.listen(state, fd, backlog));
            }
            len.set(JAVA_INT, 0, Libc.SOCKADDR_STORAGE_SIZE);
            libc.check("getsockname", libc.getsockname(state, fd, addr, len));
            return (Byte.toUnsignedInt(addr.get(JAVA_BYTE, 2)) << 8) | Byte.toUnsignedInt(addr.get(JAVA_BYTE, 3));
        }
    }

    /** The socket's protocol ({@code SO_PROTOCOL}): 262 for MPTCP, 6 for TCP; empty if unknown. */
    public static OptionalInt protocol(NativeSocket socket) {
        return socket.intOption(Libc.SOL_SOCKET, Libc.SO_PROTOCOL);
    }
}
