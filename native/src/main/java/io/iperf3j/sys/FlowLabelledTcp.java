package io.iperf3j.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@code -L/--flowlabel}: a TCP data connection whose packets carry an IPv6 flow label,
 * made as iperf3's {@code iperf_tcp_connect} makes it: the label leased with
 * {@code IPV6_FLOWLABEL_MGR} ({@code IPV6_FL_A_GET}, {@code IPV6_FL_F_CREATE},
 * {@code IPV6_FL_S_ANY}), {@code IPV6_FLOWINFO_SEND} on, and {@code connect} given a
 * {@code sockaddr_in6} whose {@code sin6_flowinfo} holds the label: Linux takes the
 * label from the connect address only.
 *
 * <p>Why this is not the JDK's {@code connect}: it always passes {@code sin6_flowinfo = 0},
 * and a channel cannot adopt a descriptor nor be told that its socket connected on its
 * own (connecting it again fails with {@code EISCONN}, and the channel closes). So
 * {@link #takeOver} first lets the JDK connect the channel to a throwaway listener on
 * loopback (the channel now believes it is connected and allows reads and writes), then
 * puts a fresh, unconnected {@code AF_INET6} TCP socket in the channel's place with
 * {@code dup3}, which closes the throwaway connection. The caller sets its options on the
 * channel as usual, and {@link #connect} binds and connects that socket natively. The
 * channel's own {@code getLocalAddress}/{@code getRemoteAddress} then still name the
 * throwaway connection: use the returned {@link NativeSocket}'s addresses.
 *
 * <p>Thread: the caller's, while nobody else uses the channel.
 */
public final class FlowLabelledTcp {
    /** The largest flow label (20 bits). */
    public static final int MAX_LABEL = 0xfffff;

    private FlowLabelledTcp() {
    }

    /**
     * Puts an unconnected IPv6 TCP socket ({@code IPPROTO_MPTCP} with {@code -m}) behind
     * {@code ch}, an open, unconnected channel of family {@code INET6}, after the JDK has
     * connected it to a throwaway listener.
     *
     * @return the socket now behind the channel
     * @throws NativeSocketException with the kernel's errno when a call fails
     */
    public static NativeSocket takeOver(SocketChannel ch, boolean mptcp) throws IOException {
        try (ServerSocketChannel decoy = ServerSocketChannel.open()) {
            decoy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            ch.connect(decoy.getLocalAddress());
            decoy.accept().close();
        }
        NativeSocket jdk = NativeSocket.of(ch).orElseThrow(
                () -> new NativeSocketException("find the socket", Libc.EBADF, "no descriptor for " + ch));
        Libc libc = Libc.get().orElseThrow();
        int fd = jdk.fd();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            int fresh = libc.socket(state, Libc.AF_INET6, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC,
                    mptcp ? Libc.IPPROTO_MPTCP : Libc.IPPROTO_TCP);
            libc.check(mptcp ? "socket(AF_INET6, IPPROTO_MPTCP)" : "socket(AF_INET6)", fresh);
            int r = libc.dup3(state, fresh, fd, Libc.SOCK_CLOEXEC); // O_CLOEXEC == SOCK_CLOEXEC
            libc.close(state, fresh);
            libc.check("dup3", r);
        }
        return NativeSocket.adopted(libc, ch, fd, Libc.AF_INET6, Libc.SOCK_STREAM);
    }

    /**
     * Binds the socket {@link #takeOver} made to {@code local} (if not null) and connects
     * it to {@code server} with the flow label, waiting at most {@code timeoutMillis} (0:
     * the kernel's own limit).
     *
     * @param label the flow label, 1 to {@link #MAX_LABEL}
     * @throws NativeSocketException with the kernel's errno: the failing step names iperf3's
     *         error (leasing the label or setting the option: "unable to set IPv6 flow
     *         label"; connect: the connection's own error)
     */
    public static void connect(NativeSocket socket, InetSocketAddress local, InetSocketAddress server, int label,
                               int timeoutMillis) {
        if (!(server.getAddress() instanceof Inet6Address v6)) {
            throw new IllegalArgumentException("a flow label needs an IPv6 server: " + server);
        }
        if (label < 1 || label > MAX_LABEL) {
            throw new IllegalArgumentException("flow label out of range: " + label);
        }
        Libc libc = socket.libc();
        int fd = socket.fd();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            if (local != null) {
                MemorySegment bindTo = SockAddr.encode(arena, Libc.AF_INET6, local.getAddress(), local.getPort(), 0);
                libc.check("bind", libc.bind(state, fd, bindTo, Libc.SOCKADDR_IN6_SIZE));
            }
            MemorySegment request = arena.allocate(Libc.IN6_FLOWLABEL_REQ_SIZE, 8);
            MemorySegment.copy(v6.getAddress(), 0, request, JAVA_BYTE, 0, 16); // flr_dst
            request.set(JAVA_INT_BE, 16, label);                               // flr_label
            request.set(JAVA_BYTE, 20, Libc.IPV6_FL_A_GET);                    // flr_action
            request.set(JAVA_BYTE, 21, Libc.IPV6_FL_S_ANY);                    // flr_share
            request.set(JAVA_SHORT, 22, Libc.IPV6_FL_F_CREATE);               // flr_flags
            libc.check("setsockopt(IPV6_FLOWLABEL_MGR)", libc.setsockopt(state, fd, Libc.IPPROTO_IPV6,
                    Libc.IPV6_FLOWLABEL_MGR, request, Libc.IN6_FLOWLABEL_REQ_SIZE));
            MemorySegment one = arena.allocate(JAVA_INT);
            one.set(JAVA_INT, 0, 1);
            libc.check("setsockopt(IPV6_FLOWINFO_SEND)",
                    libc.setsockopt(state, fd, Libc.IPPROTO_IPV6, Libc.IPV6_FLOWINFO_SEND, one, 4));
            if (timeoutMillis > 0) {
                MemorySegment tv = arena.allocate(16, 8);
                tv.set(JAVA_LONG, 0, timeoutMillis / 1000);
                tv.set(JAVA_LONG, 8, (timeoutMillis % 1000) * 1000L);
                libc.check("setsockopt(SO_SNDTIMEO)",
                        libc.setsockopt(state, fd, Libc.SOL_SOCKET, Libc.SO_SNDTIMEO, tv, 16));
            }
            MemorySegment to = SockAddr.encode(arena, Libc.AF_INET6, v6, server.getPort(), label);
            int r;
            do {
                r = libc.connect(state, fd, to, Libc.SOCKADDR_IN6_SIZE);
            } while (r == -Libc.EINTR);
            libc.check("connect", r);
            if (timeoutMillis > 0) { // the data stream's own writes have no timeout, as without -L
                MemorySegment zero = arena.allocate(16, 8);
                libc.check("setsockopt(SO_SNDTIMEO)",
                        libc.setsockopt(state, fd, Libc.SOL_SOCKET, Libc.SO_SNDTIMEO, zero, 16));
            }
        }
    }

    private static final java.lang.foreign.ValueLayout.OfInt JAVA_INT_BE =
            JAVA_INT.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
}
