package io.iperf3j.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The Linux file descriptor behind a JDK NIO channel, and the socket facilities
 * the JDK does not expose: {@code TCP_INFO}, {@code TCP_MAXSEG},
 * {@code TCP_CONGESTION}, {@code SO_BINDTODEVICE}, path-MTU discovery,
 * {@code TCP_USER_TIMEOUT}, {@code SO_MAX_PACING_RATE} and the send-queue
 * ioctls. Everything goes through the Foreign Function &amp; Memory API; there
 * is no JNI, no reflection and no JDK internals.
 *
 * <h2>Finding the descriptor</h2>
 * The JDK hides a channel's descriptor, so {@link #of(NetworkChannel)} finds it
 * by address: it lists {@code /proc/self/fd} and asks the kernel for each
 * descriptor's local address ({@code getsockname}, which also rejects
 * non-sockets with {@code ENOTSOCK}), then, for the few that match, type,
 * protocol, listening state and peer address, and reads the
 * {@code socket:[inode]} link (to fold duplicated descriptors of one socket
 * together). The socket whose values
 * equal the channel's {@code getLocalAddress()}/{@code getRemoteAddress()} is
 * the channel's. A connected socket's (local, remote) pair is unique on a
 * host, in that orientation, so both ends of a loopback connection in one JVM
 * resolve to their own descriptors. IPv4 and IPv4-mapped IPv6 addresses
 * compare equal (a dual-stack channel reports {@code /127.0.0.1} where the
 * kernel says {@code ::ffff:127.0.0.1}). If several distinct sockets still
 * match (possible only for unconnected sockets sharing a port through
 * {@code SO_REUSEADDR}/{@code SO_REUSEPORT}), the lookup flips
 * {@code SO_REUSEADDR} through the channel's public API, sees which candidate
 * changed, and restores the option. See {@code docs/design/native-sockets.md}.
 *
 * <p>A lookup costs one directory listing and one system call per descriptor
 * in the process (about 0.1 ms with 30 descriptors, 0.2 ms with 230, once
 * warm); do it once per socket and keep the handle. Calls on the handle cost
 * one confined arena and two system calls (about 5 µs for {@link #tcpInfo()}).
 * The first use in a JVM also pays the FFM start-up, some tens of
 * milliseconds.
 *
 * <h2>Lifetime</h2>
 * A {@code NativeSocket} does not own the descriptor. It remembers the
 * socket's {@code SO_COOKIE} (a 64-bit id the kernel never reuses) and checks,
 * on every call, that the channel is open and the descriptor still names the
 * same socket; after the channel is closed, getters return empty and setters
 * throw {@link NativeSocketException} with {@code EBADF}. A close racing with
 * a call can still let that one call reach a descriptor number the kernel has
 * just reused; do not close channels concurrently with calls on their handles.
 *
 * <h2>Threading</h2>
 * Instances are immutable and thread-safe. The native bindings are created
 * once per JVM, on first use.
 *
 * <h2>Errors</h2>
 * Getters return empty when the kernel refuses (wrong socket type, closed
 * channel...). Setters throw {@link NativeSocketException}, which carries
 * {@code errno} and its {@code strerror} text.
 */
public final class NativeSocket {


    private final Libc libc;
    private final NetworkChannel channel;
    private final int fd;
    private final int family;
    private final int type;
    private final long cookie;

    private NativeSocket(Libc libc, NetworkChannel channel, int fd, int family, int type, long cookie) {
        this.libc = libc;
        this.channel = channel;
        this.fd = fd;
        this.family = family;
        this.type = type;
        this.cookie = cookie;
    }

    /** Lazily evaluated, once per JVM. */
    private static final class Availability {
        static final boolean AVAILABLE = Libc.get().isPresent() && Files.isDirectory(DescriptorSearch.PROC_FD);
    }

    /**
     * Whether the FFM Linux path works in this JVM: Linux on a supported 64-bit
     * architecture, the libc bindings could be created (native access is not
     * denied, {@code -Diperf3j.native=false} is not set) and
     * {@code /proc/self/fd} is readable. Without {@code --enable-native-access}
     * the JVM still allows the calls but prints a one-time warning; launchers
     * should pass {@code --enable-native-access=ALL-UNNAMED} (or the
     * {@code Enable-Native-Access: ALL-UNNAMED} manifest attribute).
     */
    public static boolean available() {
        return Availability.AVAILABLE;
    }

    /**
     * Binds the functions sockets use now: FFM's linker, their addresses and the errno-capturing
     * handle they are called through ({@code Libc.get()} makes all three), tens of milliseconds in
     * a fresh JVM that the first socket would otherwise spend. For a spare thread at start-up; does
     * nothing when FFM is unavailable.
     */
    public static void bindNow() {
        Libc.get();
    }

    /**
     * Why {@link #available()} is false, for diagnostics; empty when it is true.
     */
    public static Optional<String> unavailableReason() {
        if (available()) {
            return Optional.empty();
        }
        Throwable t = Libc.failure();
        return Optional.of(t != null ? t.toString() : DescriptorSearch.PROC_FD + " is not readable");
    }

    /**
     * Finds the socket behind {@code channel}.
     *
     * <p>Supported: {@link SocketChannel} (connected, or bound and not yet
     * connected, or with a connect pending), {@link ServerSocketChannel}
     * (bound/listening), {@link DatagramChannel} (bound, connected or not) and
     * their asynchronous counterparts, over IPv4 or IPv6. The channel must be
     * bound: an unbound socket's address ({@code 0.0.0.0:0}) identifies
     * nothing. To set options before connecting, bind to port 0 first.
     *
     * @return the handle, or empty (never an exception) when not on Linux, when
     *         FFM is unavailable, when the channel is closed, unbound, not an
     *         IP channel, or when no socket (or more than one that cannot be
     *         told apart) matches
     */
    public static Optional<NativeSocket> of(NetworkChannel channel) {
        if (channel == null || !channel.isOpen() || !available()) {
            return Optional.empty();
        }
        Libc libc = Libc.get().orElseThrow();
        return DescriptorSearch.find(libc, channel)
                .map(f -> new NativeSocket(libc, channel, f.fd(), f.family(), f.type(), f.cookie()));
    }

    /**
     * The socket at {@code fd}, which the caller put behind {@code channel} itself (so the
     * channel's addresses may not match it): for {@link FlowLabelledTcp}.
     */
    static NativeSocket adopted(Libc libc, NetworkChannel channel, int fd, int family, int type) {
        long cookie;
        try (CallScope c = new CallScope(libc)) {
            cookie = c.getLong(fd, Libc.SOL_SOCKET, Libc.SO_COOKIE).orElse(0L);
        }
        return new NativeSocket(libc, channel, fd, family, type, cookie);
    }

    /** The bindings this socket calls through. */
    Libc libc() {
        return libc;
    }

    // ---------------------------------------------------------------- accessors

    /** The descriptor number. Valid only while the channel is open. */
    public int fd() {
        return fd;
    }

    /** The channel this handle was found for. */
    public NetworkChannel channel() {
        return channel;
    }

    /**
     * Ends a worker's wait in a call on this socket's descriptor ({@code send}, {@code sendfile}, {@code recv},
     * {@code poll}) with {@code shutdown(2)}: {@code SHUT_WR} for a sender (later sends fail; the peer gets the
     * end of the stream after what is queued), {@code SHUT_RD} for a receiver (later reads return 0; nothing goes
     * on the wire). The descriptor stays open. A TCP channel is shut down through the JDK
     * ({@link SocketChannel#shutdownOutput()}, {@link SocketChannel#shutdownInput()}: its own native call, under
     * its state lock, so never on a closed descriptor), which spares each test one FFM call shape spun at its
     * start (docs/design/cpu-per-bit.md, "What a JVM's start costs here"). Through libc: other channels, and a
     * TCP channel the JDK does not count as connected while its descriptor may be (one whose socket was swapped
     * and connected natively), as before. A closed channel has nothing left to wake.
     */
    void shutdownToWake(boolean output) {
        if (channel instanceof SocketChannel tcp) {
            try {
                if (output) {
                    tcp.shutdownOutput();
                } else {
                    tcp.shutdownInput();
                }
                return;
            } catch (IOException e) {
                return; // closed (ClosedChannelException): the descriptor is no longer this socket's
            } catch (NotYetConnectedException e) {
                // the JDK's view only: the descriptor is open, so wake through it
            }
        }
        libc.shutdown(fd, output ? Libc.SHUT_WR : Libc.SHUT_RD);
    }

    /**
     * The socket's address family: {@link StandardProtocolFamily#INET6} for a
     * dual-stack socket even when it carries IPv4 traffic.
     */
    public StandardProtocolFamily family() {
        return family == Libc.AF_INET6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    /** Whether this is a TCP socket (as opposed to UDP). */
    public boolean isTcp() {
        return type == Libc.SOCK_STREAM;
    }

    /**
     * Whether the channel is open and the descriptor still names the socket
     * that was found (same {@code SO_COOKIE}).
     */
    public boolean isValid() {
        try (CallScope c = new CallScope(libc)) {
            return valid(c);
        }
    }

    /** The kernel's {@code getsockname}, IPv4-mapped addresses shown as IPv4 as the JDK does. */
    public Optional<InetSocketAddress> localAddress() {
        try (CallScope c = new CallScope(libc)) {
            if (!valid(c)) {
                return Optional.empty();
            }
            SockAddr a = c.name(fd, false);
            return a == null ? Optional.empty() : Optional.of(a.toInetSocketAddress());
        }
    }

    /** The kernel's {@code getpeername}; empty when not connected. */
    public Optional<InetSocketAddress> remoteAddress() {
        try (CallScope c = new CallScope(libc)) {
            if (!valid(c)) {
                return Optional.empty();
            }
            SockAddr a = c.name(fd, true);
            return a == null ? Optional.empty() : Optional.of(a.toInetSocketAddress());
        }
    }

    // ---------------------------------------------------------------- TCP_INFO

    /**
     * {@code getsockopt(IPPROTO_TCP, TCP_INFO)}: asks for
     * 512 bytes (more than any kernel's struct) and
     * parses what the kernel returns by the fixed offsets of the uapi
     * {@code struct tcp_info}.
     *
     * @return empty for a UDP socket, a closed channel, or a kernel that
     *         returns fewer than the 104 mandatory bytes
     */
    public Optional<TcpInfo> tcpInfo() {
        if (type != Libc.SOCK_STREAM) {
            return Optional.empty();
        }
        synchronized (tcpInfoLock) {
            if (tcpInfoCall == null) {
                tcpInfoCall = new TcpInfoCall(libc);
            }
            CallScope c = tcpInfoCall.scope;
            if (!valid(c)) {
                return Optional.empty();
            }
            c.len.set(JAVA_INT, 0, TcpInfo.REQUEST_SIZE);
            if (libc.getsockopt(c.state, fd, Libc.IPPROTO_TCP, Libc.TCP_INFO, tcpInfoCall.buffer, c.len) < 0) {
                return Optional.empty();
            }
            return TcpInfo.parse(tcpInfoCall.view, Math.min(c.len.get(JAVA_INT, 0), TcpInfo.REQUEST_SIZE));
        }
    }

    /**
     * {@link #tcpInfo()}'s memory, made at its first call and kept with the socket (an automatic arena, freed
     * when the socket is): a test reads TCP_INFO every interval, and a scope per call made a kilobyte of
     * garbage each time (issue 58). Used under {@link #tcpInfoLock}: the test's thread reads it, and so may
     * the thread that closes the stream.
     */
    private static final class TcpInfoCall {
        final CallScope scope;
        final MemorySegment buffer;
        /** {@link #buffer} as a buffer in native byte order, which {@link TcpInfo#parse} reads in place. */
        final ByteBuffer view;

        TcpInfoCall(Libc libc) {
            Arena arena = Arena.ofAuto();
            scope = new CallScope(libc, arena);
            buffer = arena.allocate(TcpInfo.REQUEST_SIZE, 8);
            view = buffer.asByteBuffer().order(ByteOrder.nativeOrder());
        }
    }

    private final Object tcpInfoLock = new Object();
    private TcpInfoCall tcpInfoCall; // under tcpInfoLock

    // ---------------------------------------------------------------- TCP options

    /**
     * {@code getsockopt(IPPROTO_TCP, TCP_MAXSEG)}: before connecting, the
     * value set with {@link #setTcpMaxSeg(int)} (or the default 536); once
     * connected, the current effective send MSS.
     */
    public OptionalInt tcpMaxSeg() {
        return tcpInt(Libc.TCP_MAXSEG);
    }

    /**
     * {@code setsockopt(IPPROTO_TCP, TCP_MAXSEG, mss)} (iperf3 {@code -M}).
     * Takes effect only when set before connecting (or on a listening socket,
     * inherited by accepted ones). Linux accepts 88..32767.
     *
     * @throws NativeSocketException with the errno (e.g. EINVAL) on failure
     */
    public void setTcpMaxSeg(int mss) {
        setInt("setsockopt(TCP_MAXSEG, " + mss + ")", Libc.IPPROTO_TCP, Libc.TCP_MAXSEG, mss);
    }

    /** {@code getsockopt(IPPROTO_TCP, TCP_CONGESTION)}: the algorithm's name, e.g. {@code "bbr"}. */
    public Optional<String> congestion() {
        if (type != Libc.SOCK_STREAM) {
            return Optional.empty();
        }
        try (CallScope c = new CallScope(libc)) {
            if (!valid(c)) {
                return Optional.empty();
            }
            MemorySegment buf = c.arena.allocate(Libc.TCP_CA_NAME_MAX);
            c.len.set(JAVA_INT, 0, Libc.TCP_CA_NAME_MAX);
            if (libc.getsockopt(c.state, fd, Libc.IPPROTO_TCP, Libc.TCP_CONGESTION, buf, c.len) < 0) {
                return Optional.empty();
            }
            int n = Math.min(c.len.get(JAVA_INT, 0), Libc.TCP_CA_NAME_MAX);
            int end = 0;
            while (end < n && buf.get(JAVA_BYTE, end) != 0) {
                end++;
            }
            byte[] name = buf.asSlice(0, end).toArray(JAVA_BYTE);
            return end == 0 ? Optional.empty() : Optional.of(new String(name, StandardCharsets.US_ASCII));
        }
    }

    /**
     * {@code setsockopt(IPPROTO_TCP, TCP_CONGESTION, name, strlen(name))}
     * (iperf3 {@code -C}). Any name listed in
     * {@code /proc/sys/net/ipv4/tcp_available_congestion_control} works; root
     * may also load a module-backed one.
     *
     * @throws NativeSocketException for an unknown algorithm with errno
     *         {@code ENOENT} ("No such file or directory"), {@code EPERM} for
     *         a restricted one
     * @throws IllegalArgumentException for an empty name or one containing NUL
     */
    public void setCongestion(String algorithm) {
        Objects.requireNonNull(algorithm, "algorithm");
        if (algorithm.isEmpty() || algorithm.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("bad congestion control name: \"" + algorithm + "\"");
        }
        byte[] bytes = algorithm.getBytes(StandardCharsets.UTF_8);
        String op = "setsockopt(TCP_CONGESTION, \"" + algorithm + "\")";
        try (CallScope c = new CallScope(libc)) {
            checkValid(c, op);
            MemorySegment buf = c.arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, buf, JAVA_BYTE, 0, bytes.length);
            libc.check(op, libc.setsockopt(c.state, fd, Libc.IPPROTO_TCP, Libc.TCP_CONGESTION, buf, bytes.length));
        }
    }

    /**
     * {@code setsockopt(IPPROTO_TCP, TCP_USER_TIMEOUT, ms)} (iperf3
     * {@code --snd-timeout}): abort the connection when sent data stays
     * unacknowledged this long; 0 restores the system default.
     */
    public void setUserTimeout(int millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("negative TCP_USER_TIMEOUT: " + millis);
        }
        setInt("setsockopt(TCP_USER_TIMEOUT, " + millis + ")", Libc.IPPROTO_TCP, Libc.TCP_USER_TIMEOUT, millis);
    }

    /**
     * {@code setsockopt(SOL_SOCKET, SO_RCVLOWAT, bytes)}: {@code poll} (and a blocking read) waits
     * until this many bytes are queued, or the stream ended. On TCP the kernel caps it at half the
     * most the buffer can hold, and when the buffer is smaller than the value needs it grows the
     * buffer and clamps the window to the value (Linux {@code tcp_set_rcvlowat}): set it only on a
     * buffer already several times larger.
     */
    public void setReceiveLowWater(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("SO_RCVLOWAT must be at least 1: " + bytes);
        }
        setInt("setsockopt(SO_RCVLOWAT, " + bytes + ")", Libc.SOL_SOCKET, Libc.SO_RCVLOWAT, bytes);
    }

    /** {@code getsockopt(SOL_SOCKET, SO_RCVLOWAT)}. */
    public OptionalInt receiveLowWater() {
        return intOption(Libc.SOL_SOCKET, Libc.SO_RCVLOWAT);
    }

    /** {@code getsockopt(IPPROTO_TCP, TCP_USER_TIMEOUT)} in ms. */
    public OptionalInt userTimeout() {
        return tcpInt(Libc.TCP_USER_TIMEOUT);
    }

    // ---------------------------------------------------------------- socket options

    /**
     * {@code setsockopt(SOL_SOCKET, SO_BINDTODEVICE, ifname)} (iperf3
     * {@code --bind-dev}); an empty name removes the binding. Needs
     * {@code CAP_NET_RAW} to change an existing binding.
     *
     * @throws NativeSocketException e.g. {@code ENODEV} for an unknown interface
     */
    public void setBindToDevice(String interfaceName) {
        Objects.requireNonNull(interfaceName, "interfaceName");
        if (interfaceName.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("bad interface name");
        }
        String op = "setsockopt(SO_BINDTODEVICE, \"" + interfaceName + "\")";
        try (CallScope c = new CallScope(libc)) {
            checkValid(c, op);
            MemorySegment name = c.arena.allocateFrom(interfaceName);
            libc.check(op, libc.setsockopt(c.state, fd, Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, name,
                    (int) name.byteSize()));
        }
    }

    /** {@code getsockopt(SOL_SOCKET, SO_BINDTODEVICE)}: the bound interface, empty if none. */
    public Optional<String> boundDevice() {
        try (CallScope c = new CallScope(libc)) {
            if (!valid(c)) {
                return Optional.empty();
            }
            MemorySegment buf = c.arena.allocate(64);
            c.len.set(JAVA_INT, 0, 64);
            if (libc.getsockopt(c.state, fd, Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, buf, c.len) < 0
                    || c.len.get(JAVA_INT, 0) == 0) {
                return Optional.empty();
            }
            String s = buf.getString(0);
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        }
    }

    /**
     * Sets the don't-fragment bit (iperf3 {@code --dont-fragment}):
     * {@code IP_MTU_DISCOVER = IP_PMTUDISC_DO} on an IPv4 socket;
     * {@code IPV6_MTU_DISCOVER = IPV6_PMTUDISC_DO} on an IPv6 socket, plus
     * (best effort) the IPv4 option too, which governs the IPv4 traffic of a
     * dual-stack socket.
     */
    public void setDontFragment() {
        if (family == Libc.AF_INET) {
            setInt("setsockopt(IP_MTU_DISCOVER, IP_PMTUDISC_DO)", Libc.IPPROTO_IP, Libc.IP_MTU_DISCOVER,
                    Libc.IP_PMTUDISC_DO);
            return;
        }
        setInt("setsockopt(IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO)", Libc.IPPROTO_IPV6, Libc.IPV6_MTU_DISCOVER,
                Libc.IPV6_PMTUDISC_DO);
        try (CallScope c = new CallScope(libc)) {
            c.setInt(fd, Libc.IPPROTO_IP, Libc.IP_MTU_DISCOVER, Libc.IP_PMTUDISC_DO); // best effort
        }
    }

    /**
     * {@code setsockopt(SOL_SOCKET, SO_MAX_PACING_RATE)} (iperf3
     * {@code --fq-rate}, given here in <em>bytes</em> per second); passed as a
     * 64-bit value. {@code 0xFFFFFFFFFFFFFFFF} (-1L) means unlimited. Pacing
     * needs the {@code fq} qdisc or TCP internal pacing.
     */
    public void setMaxPacingRate(long bytesPerSecond) {
        if (bytesPerSecond < 0 && bytesPerSecond != -1L) {
            throw new IllegalArgumentException("negative pacing rate: " + bytesPerSecond);
        }
        String op = "setsockopt(SO_MAX_PACING_RATE, " + Long.toUnsignedString(bytesPerSecond) + ")";
        try (CallScope c = new CallScope(libc)) {
            checkValid(c, op);
            MemorySegment v = c.arena.allocateFrom(JAVA_LONG, bytesPerSecond);
            libc.check(op, libc.setsockopt(c.state, fd, Libc.SOL_SOCKET, Libc.SO_MAX_PACING_RATE, v, 8));
        }
    }

    /** {@code getsockopt(SOL_SOCKET, SO_MAX_PACING_RATE)} in bytes/s (-1 = unlimited). */
    public OptionalLong maxPacingRate() {
        try (CallScope c = new CallScope(libc)) {
            return valid(c) ? c.getLong(fd, Libc.SOL_SOCKET, Libc.SO_MAX_PACING_RATE) : OptionalLong.empty();
        }
    }

    /**
     * Bytes written but not yet sent. TCP: {@code ioctl(SIOCOUTQNSD)}, the same
     * number as {@code TCP_INFO}'s {@code tcpi_notsent_bytes} (data sent but
     * not acknowledged is not included; see {@link #sendQueueBytes()}). UDP:
     * {@code ioctl(SIOCOUTQ)}, bytes queued in the socket and not yet handed to
     * the device. Empty for a listening socket.
     */
    public OptionalLong unsentBytes() {
        return ioctlInt(type == Libc.SOCK_STREAM ? Libc.SIOCOUTQNSD : Libc.SIOCOUTQ);
    }

    /**
     * {@code ioctl(SIOCOUTQ)}: TCP, bytes in the send queue, sent-unacknowledged
     * plus unsent; UDP, as {@link #unsentBytes()}.
     */
    public OptionalLong sendQueueBytes() {
        return ioctlInt(Libc.SIOCOUTQ);
    }

    /**
     * {@code getsockopt(SOL_SOCKET, SO_MEMINFO)}'s {@code SK_MEMINFO_DROPS}: the datagrams (or segments) the kernel
     * dropped on their way into this socket since it was made, mostly because its receive buffer was full. The
     * same counter as {@code /proc/net/udp}'s {@code drops} column and {@code SO_RXQ_OVFL}, for this socket only.
     *
     * @return empty for a closed channel or a kernel without the counter (before 4.6)
     */
    public OptionalLong receiveDrops() {
        try (CallScope c = new CallScope(libc)) {
            if (!valid(c)) {
                return OptionalLong.empty();
            }
            int size = 4 * 16; // more than SK_MEMINFO_VARS (9 today) u32s
            MemorySegment buf = c.arena.allocate(size, 4);
            c.len.set(JAVA_INT, 0, size);
            if (libc.getsockopt(c.state, fd, Libc.SOL_SOCKET, Libc.SO_MEMINFO, buf, c.len) < 0) {
                return OptionalLong.empty();
            }
            int n = c.len.get(JAVA_INT, 0) / 4;
            if (n <= Libc.SK_MEMINFO_DROPS) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(Integer.toUnsignedLong(buf.get(JAVA_INT, 4L * Libc.SK_MEMINFO_DROPS)));
        }
    }

    // ---------------------------------------------------------------- connect

    /**
     * {@code connect(2)} of a UDP socket to {@code remote}, keeping the datagrams already
     * queued on it. {@code DatagramChannel.connect} reads and drops them, and with them any
     * datagram another sender's traffic put into a socket that was bound to a shared port
     * ({@code SO_REUSEADDR}) a moment before. From this call on the kernel queues only
     * {@code remote}'s datagrams; the channel itself still believes it is unconnected,
     * so the caller reads what was queued before (the channel's {@code receive} gives each
     * datagram's sender) and then connects the channel to the same address.
     *
     * @throws NativeSocketException with the kernel's errno
     * @throws IllegalStateException for a TCP socket
     */
    public void connectDatagram(InetSocketAddress remote) {
        if (type != Libc.SOCK_DGRAM) {
            throw new IllegalStateException("connectDatagram on a TCP socket");
        }
        try (CallScope c = new CallScope(libc)) {
            checkValid(c, "connect");
            MemorySegment to = SockAddr.encode(c.arena, family, remote.getAddress(), remote.getPort(), 0);
            libc.check("connect", libc.connect(c.state, fd, to, (int) to.byteSize()));
        }
    }

    // ---------------------------------------------------------------- plumbing

    /** {@code getsockopt} of an {@code int} option, for tests and diagnostics. */
    OptionalInt intOption(int level, int name) {
        try (CallScope c = new CallScope(libc)) {
            return valid(c) ? c.getInt(fd, level, name) : OptionalInt.empty();
        }
    }

    /** {@code setsockopt} of an {@code int} option (UDP_SEGMENT, UDP_GRO for {@link DatagramBatch}). */
    void setIntOption(int level, int name, int value) {
        setInt("setsockopt(" + level + ", " + name + ", " + value + ")", level, name, value);
    }

    private OptionalInt tcpInt(int name) {
        if (type != Libc.SOCK_STREAM) {
            return OptionalInt.empty();
        }
        return intOption(Libc.IPPROTO_TCP, name);
    }

    private OptionalLong ioctlInt(long request) {
        try (CallScope c = new CallScope(libc)) {
            if (!valid(c)) {
                return OptionalLong.empty();
            }
            c.intBuf.set(JAVA_INT, 0, 0);
            if (libc.ioctl(c.state, fd, request, c.intBuf) < 0) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(Integer.toUnsignedLong(c.intBuf.get(JAVA_INT, 0)));
        }
    }

    private void setInt(String op, int level, int name, int value) {
        try (CallScope c = new CallScope(libc)) {
            checkValid(c, op);
            libc.check(op, c.setInt(fd, level, name, value));
        }
    }

    private boolean valid(CallScope c) {
        if (!channel.isOpen()) {
            return false;
        }
        return cookie == 0 || c.getLong(fd, Libc.SOL_SOCKET, Libc.SO_COOKIE).orElse(-1L) == cookie;
    }

    private void checkValid(CallScope c, String op) {
        if (!valid(c)) {
            throw new NativeSocketException(op + " on a closed channel", Libc.EBADF, libc.strerror(Libc.EBADF));
        }
    }

    @Override
    public String toString() {
        return "NativeSocket[fd=" + fd + ", " + (family == Libc.AF_INET6 ? "AF_INET6" : "AF_INET") + ", "
                + (type == Libc.SOCK_STREAM ? "tcp" : "udp") + ", cookie=" + Long.toUnsignedString(cookie) + "]";
    }
}
