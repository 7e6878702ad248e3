package io.iperf3j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A non-blocking UDP socket of its own that tells when each datagram reached it and when each one
 * it sent entered the packet scheduler: {@code SO_TIMESTAMPING} with software receive stamps
 * ({@code recvmsg} returns them in a control message) and {@code TX_SCHED} send stamps keyed by a
 * per-socket count of stamped sends ({@code OPT_ID}, read from the error queue). A waiting thread
 * sleeps in {@code ppoll} on the socket and an {@code eventfd} (the wake-up), with nanosecond
 * timeouts. The stamps are {@code CLOCK_REALTIME} nanoseconds, as the kernel wrote them;
 * {@link KernelClock} puts them on {@link System#nanoTime()}'s time line.
 *
 * <p>Why not the JDK: {@code DatagramChannel} hides both its descriptor and socket time stamps.
 * This is link's port's native half (link's {@code NativeUdpPort} adapts it to its
 * {@code UdpPort}); it was link's own binding of libc until issue 27.
 *
 * <p>Errors: {@link #open} throws {@link NativeSocketException} (or
 * {@link IllegalArgumentException} for an address the socket cannot take); the calls of a running
 * socket return {@code -errno} ({@code -}{@link Errno#EAGAIN}: nothing waiting), never throw, and
 * allocate only {@link #lastSource()}. {@code EINTR} is retried.
 *
 * <p>Threads: {@link #receive}, {@link #send}, {@link #drainSendStamps}, {@link #localAddress} and
 * {@link #close} under the caller's lock; {@link #await} on one thread (the pump) without it;
 * {@link #wakeup} from any thread. The descriptors are closed by {@link #close} or, when the pump is
 * inside {@code ppoll} at that moment, by the pump when it returns, so a descriptor number is never
 * used after another socket may have got it. One shared arena, freed with the descriptors.
 *
 * <p>Limits: datagrams of at most {@link #MAX_DATAGRAM} bytes; no flow label.
 */
public final class StampedUdpSocket implements AutoCloseable {
    /** The largest datagram sent or received whole. */
    public static final int MAX_DATAGRAM = 2048;
    private static final int SOCKADDR = Libc.SOCKADDR_STORAGE_SIZE;
    /** Room for an SCM_TIMESTAMPING message (64) and the IPv6 error-queue pair (64 + 64), with slack. */
    private static final int CONTROL = 256;
    private static final int MSGHDR = 56;
    private static final int IOVEC = 16;
    private static final int ERRQUEUE_BATCH = 4096;

    /** Told one send stamp: stamped datagram {@code key} ({@link #lastSendKey()}) entered the scheduler at {@code realtimeNanos}. */
    public interface SendStamp {
        void stamped(long key, long realtimeNanos);
    }

    private final Libc libc;
    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final int wakeFd;
    private final int family;
    // Used under the caller's lock (receive, send, drain, close):
    private final MemorySegment rxBuf;
    private final MemorySegment txBuf;
    private final MemorySegment rxName;
    private final MemorySegment txName;
    private final MemorySegment msghdr;
    private final MemorySegment iov;
    private final MemorySegment control;
    private final MemorySegment ioState;
    private final MemorySegment txMsghdr;
    private final MemorySegment txIov;
    private final MemorySegment txControl;
    // Used by the pump thread only (await):
    private final MemorySegment pollFds;
    private final MemorySegment timeout;
    private final MemorySegment drain;
    private final MemorySegment pollState;
    // Written by any thread (wakeup, synchronized); always holds 1.
    private final MemorySegment one;
    private final MemorySegment wakeState;
    private InetSocketAddress lastSource;
    private long lastStamp = AncillaryData.NO_TIME;
    private long stampedSends;
    private boolean closed;
    private boolean waiting;
    private boolean released;

    private StampedUdpSocket(Libc libc, int fd, int wakeFd, int family) {
        this.libc = libc;
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.family = family;
        rxBuf = arena.allocate(MAX_DATAGRAM, 16);
        txBuf = arena.allocate(MAX_DATAGRAM, 16);
        rxName = arena.allocate(SOCKADDR, 8);
        txName = arena.allocate(SOCKADDR, 8);
        msghdr = arena.allocate(MSGHDR, 8);
        iov = arena.allocate(IOVEC, 8);
        control = arena.allocate(CONTROL, 8);
        ioState = Libc.newCallState(arena);
        txMsghdr = arena.allocate(MSGHDR, 8);
        txIov = arena.allocate(IOVEC, 8);
        txControl = arena.allocate(AncillaryData.SPACE_INT, 8);
        txIov.set(ADDRESS, 0, txBuf);
        txMsghdr.set(ADDRESS, 16, txIov);
        txMsghdr.set(JAVA_LONG, 24, 1L);
        txMsghdr.set(ADDRESS, 32, txControl);
        txMsghdr.set(JAVA_LONG, 40, AncillaryData.SPACE_INT);
        txControl.set(JAVA_LONG, 0, AncillaryData.HEADER + Integer.BYTES); // CMSG_LEN(4)
        txControl.set(JAVA_INT, 8, Libc.SOL_SOCKET);
        txControl.set(JAVA_INT, 12, Libc.SCM_TIMESTAMPING);
        txControl.set(JAVA_INT, 16, Libc.SOF_TX_SCHED);
        pollFds = arena.allocate(16, 8);
        timeout = arena.allocate(16, 8);
        drain = arena.allocate(8, 8);
        pollState = Libc.newCallState(arena);
        one = arena.allocate(8, 8);
        one.set(JAVA_LONG, 0, 1L);
        wakeState = Libc.newCallState(arena);
        iov.set(ADDRESS, 0, rxBuf);
        msghdr.set(ADDRESS, 0, rxName);
        msghdr.set(ADDRESS, 16, iov);
        msghdr.set(JAVA_LONG, 24, 1L);
        msghdr.set(ADDRESS, 32, control);
        pollFds.set(JAVA_INT, 0, fd);
        pollFds.set(JAVA_SHORT, 4, Libc.POLLIN);
        pollFds.set(JAVA_INT, 8, wakeFd);
        pollFds.set(JAVA_SHORT, 12, Libc.POLLIN);
    }

    /**
     * Whether this JVM can open these sockets: the native layer is usable (Linux x86_64, aarch64 or
     * riscv64, native access allowed, not {@code -Diperf3j.native=false}) and not
     * {@code -Diperf3j.link.native=false} (kept as an alias for link's port alone).
     */
    public static boolean available() {
        return unavailableReason() == null;
    }

    /** Why {@link #available()} is false, or null when it is true. */
    public static String unavailableReason() {
        if ("false".equalsIgnoreCase(System.getProperty("iperf3j.link.native"))) {
            return "disabled by -Diperf3j.link.native=false";
        }
        Throwable f = Libc.failure();
        return f == null ? null : String.valueOf(f.getMessage() != null ? f.getMessage() : f);
    }

    /**
     * A socket bound to {@code bind} (null: any address, any port) and, if {@code connect} is not
     * null, connected to it. A wildcard socket with no peer is dual-stack ({@code ::} with
     * {@code IPV6_V6ONLY} off; IPv4 alone on a kernel without IPv6); otherwise the family follows
     * the peer's address, else the bound one. {@code shared}: with {@code SO_REUSEADDR}, to bind an
     * address and port another socket holds.
     *
     * @throws NativeSocketException a call failed (the message names it, the errno text and number)
     * @throws IllegalArgumentException an unresolved address, or an IPv6 one with an IPv4 bind
     * @throws IllegalStateException the native layer is not {@link #available()}
     */
    public static StampedUdpSocket open(InetSocketAddress bind, InetSocketAddress connect, boolean shared) {
        if (!available()) {
            throw new IllegalStateException("no native sockets: " + unavailableReason());
        }
        for (InetSocketAddress a : new InetSocketAddress[] {bind, connect}) {
            if (a != null && a.isUnresolved()) {
                throw new IllegalArgumentException("unresolved address: " + a.getHostString());
            }
        }
        Libc libc = Libc.get().orElseThrow();
        InetAddress local = bind == null ? null : bind.getAddress();
        InetAddress remote = connect == null ? null : connect.getAddress();
        boolean wildcard = local == null || local.isAnyLocalAddress();
        boolean v6 = remote != null ? remote instanceof Inet6Address : wildcard || local instanceof Inet6Address;
        try {
            return open(libc, v6 ? Libc.AF_INET6 : Libc.AF_INET, bind, connect, shared);
        } catch (NativeSocketException e) {
            if (v6 && remote == null && wildcard && e.operation().equals("socket")) {
                return open(libc, Libc.AF_INET, bind, connect, shared); // a kernel without IPv6
            }
            throw e;
        }
    }

    private static StampedUdpSocket open(Libc libc, int family, InetSocketAddress bind, InetSocketAddress connect,
                                         boolean shared) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(a);
            int fd = libc.socket(state, family, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
            libc.check("socket", fd);
            int wake = -1;
            try {
                MemorySegment opt = a.allocate(JAVA_INT);
                // Receive times, and the time each datagram entered the packet scheduler (before any qdisc
                // queue: a shaped link's queue is part of the round trip), keyed by a per-socket send count.
                // (TX_SCHED is asked per datagram, for the few that need it: each stamp waits in the error
                // queue, charged to the receive buffer, until the pump reads it.)
                opt.set(JAVA_INT, 0, Libc.SOF_RX_SOFTWARE | Libc.SOF_SOFTWARE | Libc.SOF_OPT_ID | Libc.SOF_OPT_TSONLY);
                libc.check("setsockopt(SO_TIMESTAMPING)",
                        libc.setsockopt(state, fd, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPING, opt, 4));
                if (family == Libc.AF_INET6) {
                    opt.set(JAVA_INT, 0, 0);
                    libc.check("setsockopt(IPV6_V6ONLY, 0)",
                            libc.setsockopt(state, fd, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, opt, 4));
                }
                if (shared) {
                    opt.set(JAVA_INT, 0, 1);
                    libc.check("setsockopt(SO_REUSEADDR)",
                            libc.setsockopt(state, fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, opt, 4));
                }
                // A wildcard is in6addr_any on an IPv6 socket, never ::ffff:0.0.0.0 (IPv4 only).
                MemorySegment sa = a.allocate(SOCKADDR, 8);
                InetAddress at = bind == null ? null : bind.getAddress();
                int port = bind == null ? 0 : bind.getPort();
                int len = SockAddr.encodeInto(sa, family, at, port, 0);
                libc.check("bind " + (bind == null ? "*:0" : bind), libc.bind(state, fd, sa, len));
                if (connect != null) {
                    len = SockAddr.encodeInto(sa, family, connect.getAddress(), connect.getPort(), 0);
                    libc.check("connect " + connect, libc.connect(state, fd, sa, len));
                }
                wake = libc.eventfd(state, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
                libc.check("eventfd", wake);
                return new StampedUdpSocket(libc, fd, wake, family);
            } catch (RuntimeException | Error e) {
                libc.close(state, fd);
                if (wake >= 0) {
                    libc.close(state, wake);
                }
                throw e;
            }
        }
    }

    /**
     * Reads one waiting datagram into {@code dst} (from its position, at most its remaining bytes);
     * returns the datagram's length, or {@code -errno}: {@code -EAGAIN} when none is waiting,
     * {@code -ECONNREFUSED} when a connected socket got an ICMP port-unreachable, {@code -EBADF}
     * after {@link #close}.
     */
    public int receive(ByteBuffer dst) {
        if (closed) {
            return -Errno.EBADF;
        }
        msghdr.set(JAVA_INT, 8, SOCKADDR);
        msghdr.set(JAVA_LONG, 40, CONTROL);
        msghdr.set(JAVA_INT, 48, 0);
        iov.set(JAVA_LONG, 8, MAX_DATAGRAM);
        long n;
        do {
            n = libc.recvmsg(ioState, fd, msghdr, Libc.MSG_DONTWAIT);
        } while (n == -Libc.EINTR);
        if (n < 0) {
            return (int) n;
        }
        lastStamp = AncillaryData.timestampingNanos(control, 0, msghdr.get(JAVA_LONG, 40));
        int len = (int) Math.min(Math.min(n, MAX_DATAGRAM), dst.remaining());
        MemorySegment.copy(rxBuf, 0, MemorySegment.ofBuffer(dst), 0, len);
        dst.position(dst.position() + len);
        SockAddr from = SockAddr.decode(rxName, Math.min(msghdr.get(JAVA_INT, 8), SOCKADDR));
        lastSource = from == null ? null : from.toInetSocketAddress();
        return (int) n;
    }

    /**
     * The kernel's receive time of the datagram last {@link #receive}d, {@code CLOCK_REALTIME} ns
     * since the epoch, or {@link AncillaryData#NO_TIME}.
     */
    public long lastReceiveRealtimeNanos() {
        return lastStamp;
    }

    /** The sender of the datagram last received (IPv4-mapped addresses as IPv4), or null. */
    public InetSocketAddress lastSource() {
        return lastSource;
    }

    /**
     * Sends {@code src} (position to limit, which it then passes) to {@code to} (null: the
     * connected peer). {@code stamp}: the kernel is to report when it entered the packet scheduler
     * ({@link #drainSendStamps}, under {@link #lastSendKey()}). Returns the bytes sent, or
     * {@code -errno}: {@code -EAGAIN} or {@code -ENOBUFS} for a full socket buffer (a datagram a
     * caller may drop like a lossy link), {@code -EMSGSIZE} over {@link #MAX_DATAGRAM},
     * {@code -EINVAL} for an address the socket cannot take, {@code -EBADF} after {@link #close}.
     */
    public int send(ByteBuffer src, InetSocketAddress to, boolean stamp) {
        if (closed) {
            return -Errno.EBADF;
        }
        int len = src.remaining();
        if (len > MAX_DATAGRAM) {
            return -Errno.EMSGSIZE;
        }
        int nameLen = 0;
        if (to != null) {
            if (to.isUnresolved() || (family == Libc.AF_INET && to.getAddress().getAddress().length != 4)) {
                return -Errno.EINVAL;
            }
            nameLen = SockAddr.encodeInto(txName, family, to.getAddress(), to.getPort(), 0);
        }
        MemorySegment name = to == null ? MemorySegment.NULL : txName;
        MemorySegment.copy(MemorySegment.ofBuffer(src), 0, txBuf, 0, len);
        long n;
        if (stamp) {
            // sendmsg with a control message asking this datagram's TX_SCHED stamp; the kernel's key
            // counts only the datagrams that asked.
            txMsghdr.set(ADDRESS, 0, name);
            txMsghdr.set(JAVA_INT, 8, nameLen);
            txIov.set(JAVA_LONG, 8, len);
            do {
                n = libc.sendmsg(ioState, fd, txMsghdr, Libc.MSG_DONTWAIT);
            } while (n == -Libc.EINTR);
        } else {
            do {
                n = libc.sendto(ioState, fd, txBuf, len, Libc.MSG_DONTWAIT, name, nameLen);
            } while (n == -Libc.EINTR);
        }
        if (n < 0) {
            return (int) n;
        }
        if (stamp) {
            stampedSends++;
        }
        src.position(src.position() + len);
        return (int) n;
    }

    /** The key of the stamped datagram last sent (the count of stamped sends before it, mod 2^32). */
    public long lastSendKey() {
        return (stampedSends - 1) & 0xFFFFFFFFL;
    }

    /**
     * Hands over the send stamps the kernel has queued since the last call (at most 4096 at a
     * time); returns how many.
     */
    public int drainSendStamps(SendStamp sink) {
        int count = 0;
        for (int i = 0; i < ERRQUEUE_BATCH && !closed; i++) {
            msghdr.set(JAVA_INT, 8, SOCKADDR);
            msghdr.set(JAVA_LONG, 40, CONTROL);
            msghdr.set(JAVA_INT, 48, 0);
            iov.set(JAVA_LONG, 8, MAX_DATAGRAM);
            long n = libc.recvmsg(ioState, fd, msghdr, Libc.MSG_ERRQUEUE | Libc.MSG_DONTWAIT);
            if (n == -Libc.EINTR) {
                continue;
            }
            if (n < 0) {
                break; // EAGAIN: drained
            }
            long controlLength = msghdr.get(JAVA_LONG, 40);
            long key = AncillaryData.errQueueKey(control, 0, controlLength);
            long stamp = AncillaryData.timestampingNanos(control, 0, controlLength);
            if (key >= 0 && stamp != AncillaryData.NO_TIME) {
                sink.stamped(key, stamp);
                count++;
            }
        }
        return count;
    }

    /**
     * Waits until a datagram is waiting, {@link #wakeup} is called, the socket is closed or
     * {@code timeoutNanos} passed: returns a positive count when something is ready, 0 on timeout
     * or after {@link #close}, or {@code -errno} ({@code -EINTR}: a signal).
     */
    public int await(long timeoutNanos) {
        synchronized (this) {
            if (closed) {
                return 0;
            }
            waiting = true;
        }
        try {
            long t = Math.max(0, timeoutNanos);
            timeout.set(JAVA_LONG, 0, t / 1_000_000_000L);
            timeout.set(JAVA_LONG, 8, t % 1_000_000_000L);
            pollFds.set(JAVA_SHORT, 6, (short) 0);
            pollFds.set(JAVA_SHORT, 14, (short) 0);
            int r = libc.ppoll(pollState, pollFds, 2L, timeout);
            if (r > 0 && pollFds.get(JAVA_SHORT, 14) != 0) {
                libc.read(pollState, wakeFd, drain, 8L);
            }
            return r;
        } finally {
            synchronized (this) {
                waiting = false;
                if (closed) {
                    release();
                }
            }
        }
    }

    /** Ends a current or the next {@link #await}; any thread. */
    public synchronized void wakeup() {
        if (released) {
            return;
        }
        // best effort: a full eventfd counter is already a pending wake-up, and the pump's timeout ends its wait anyway
        libc.write(wakeState, wakeFd, one, 8L);
    }

    /**
     * The address the socket is bound to, or null after {@link #close}.
     *
     * @throws NativeSocketException getsockname failed
     */
    public InetSocketAddress localAddress() {
        if (closed) {
            return null;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = a.allocate(SOCKADDR, 8);
            MemorySegment len = a.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, SOCKADDR);
            libc.check("getsockname", libc.getsockname(Libc.newCallState(a), fd, sa, len));
            SockAddr s = SockAddr.decode(sa, Math.min(len.get(JAVA_INT, 0), SOCKADDR));
            return s == null ? null : s.toInetSocketAddress();
        }
    }

    /** Closes the socket; a thread in {@link #await} returns, and the descriptors go when it has. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        wakeup();
        if (!waiting) {
            release();
        }
    }

    /** Whether {@link #close} was called. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Closes the descriptors and frees the memory; once, when no thread is inside ppoll. */
    private void release() {
        if (released) {
            return;
        }
        released = true;
        libc.close(wakeState, fd);
        libc.close(wakeState, wakeFd);
        arena.close();
    }
}
