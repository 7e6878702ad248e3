package io.iperf3j.link.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A UDP socket of its own (Linux, through the Foreign Function &amp; Memory API) that tells when each
 * datagram reached it and when each one it sent entered the packet scheduler: {@code SO_TIMESTAMPING}
 * with software receive stamps ({@code recvmsg} returns them in a control message) and
 * {@code TX_SCHED} send stamps keyed by a per-socket send count ({@code OPT_ID}, read from the error
 * queue). The link times round trips from these, not from the moment its thread woke up: on a busy
 * machine that wake-up is most of a user-space round trip (measured on the project's 2-core VM:
 * 600 µs of a 700 µs link p50 against 40 µs for ping over the same veth pair; with these stamps the
 * link's p50 is within a few µs of ping's). The pump waits in {@code ppoll} on the socket and an
 * {@code eventfd} (the wake-up), with nanosecond timeouts.
 *
 * <p>Why not the JDK or a library: {@code DatagramChannel} hides both its descriptor and socket
 * timestamps; Netty's native epoll transport has no receive timestamps either and brings its own
 * threads. Thirteen libc calls are all it takes.
 *
 * <p>Threads: as {@link UdpPort}. The descriptors are closed by {@link #close} or, when the pump is
 * inside {@code ppoll} at that moment, by the pump when it returns, so a descriptor number is never
 * used after another socket may have got it.
 */
final class NativeUdpPort implements UdpPort {
    // Linux "generic" ABI values (x86_64, aarch64, riscv64).
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int SO_TIMESTAMPING = 37;
    private static final int SOF_TX_SCHED = 1 << 8;
    private static final int SCM_TIMESTAMPING = 37;
    private static final int SOF_RX_SOFTWARE = 1 << 3;
    private static final int SOF_SOFTWARE = 1 << 4;
    private static final int SOF_OPT_ID = 1 << 7;
    private static final int SOF_OPT_TSONLY = 1 << 11;
    private static final int MSG_ERRQUEUE = 0x2000;
    private static final int SOL_IP = 0;
    private static final int IP_RECVERR = 11;
    private static final int IPV6_RECVERR = 25;
    private static final int SO_EE_ORIGIN_TIMESTAMPING = 4;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int ECONNREFUSED = 111;
    private static final short POLLIN = 1;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int BUFFER = 2048;
    private static final int SOCKADDR = 128;
    private static final int CONTROL = 128;

    private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** The bindings, made on first use; {@link #FAILURE} says why there are none. */
    private static final class Libc {
        static final MethodHandle SOCKET;
        static final MethodHandle SETSOCKOPT;
        static final MethodHandle BIND;
        static final MethodHandle CONNECT;
        static final MethodHandle GETSOCKNAME;
        static final MethodHandle SENDTO;
        static final MethodHandle RECVMSG;
        static final MethodHandle PPOLL;
        static final MethodHandle EVENTFD;
        static final MethodHandle READ;
        static final MethodHandle WRITE;
        static final MethodHandle CLOSE;
        static final MethodHandle STRERROR;
        static final MethodHandle SENDMSG;
        static final Throwable FAILURE;

        static {
            MethodHandle[] h = new MethodHandle[14];
            Throwable failure = null;
            try {
                if ("false".equals(System.getProperty("iperf3j.link.native"))) {
                    throw new UnsupportedOperationException("-Diperf3j.link.native=false");
                }
                String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
                String arch = System.getProperty("os.arch", "");
                if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
                    throw new UnsupportedOperationException("not Linux x86_64/aarch64: " + os + " " + arch);
                }
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                h[0] = bind(linker, libc, "socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errno);
                h[1] = bind(linker, libc, "setsockopt",
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
                h[2] = bind(linker, libc, "bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
                h[3] = bind(linker, libc, "connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
                h[4] = bind(linker, libc, "getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), errno);
                h[5] = bind(linker, libc, "sendto",
                        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), errno);
                h[6] = bind(linker, libc, "recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), errno);
                h[7] = bind(linker, libc, "ppoll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS), errno);
                h[8] = bind(linker, libc, "eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), errno);
                h[9] = bind(linker, libc, "read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
                h[10] = bind(linker, libc, "write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
                h[11] = bind(linker, libc, "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
                h[12] = bind(linker, libc, "strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
                h[13] = bind(linker, libc, "sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), errno);
            } catch (Throwable t) { // not Linux, native access denied, a missing symbol...
                failure = t;
            }
            SOCKET = h[0];
            SETSOCKOPT = h[1];
            BIND = h[2];
            CONNECT = h[3];
            GETSOCKNAME = h[4];
            SENDTO = h[5];
            RECVMSG = h[6];
            PPOLL = h[7];
            EVENTFD = h[8];
            READ = h[9];
            WRITE = h[10];
            CLOSE = h[11];
            STRERROR = h[12];
            SENDMSG = h[13];
            FAILURE = failure;
        }

        @SuppressWarnings("restricted") // native access is the point of this class (--enable-native-access)
        private static MethodHandle bind(Linker linker, SymbolLookup libc, String name, FunctionDescriptor d,
                                         Linker.Option... options) {
            return linker.downcallHandle(libc.find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)), d, options);
        }
    }

    /** Whether this JVM can use native ports. */
    static boolean available() {
        return Libc.FAILURE == null;
    }

    /** Why native ports are not available (null when they are). */
    static Throwable unavailableBecause() {
        return Libc.FAILURE;
    }

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final int wakeFd;
    private final boolean v6;
    // Used under the endpoint lock (receive, send, close):
    private final MemorySegment rxBuf;
    private final MemorySegment txBuf;
    private final MemorySegment rxName;
    private final MemorySegment txName;
    private final MemorySegment msghdr;
    private final MemorySegment iov;
    private final MemorySegment control;
    private final MemorySegment ioErrno;
    private final MemorySegment txMsghdr;
    private final MemorySegment txIov;
    private final MemorySegment txControl;
    // Used by the pump thread only (await):
    private final MemorySegment pollFds;
    private final MemorySegment timeout;
    private final MemorySegment drain;
    private final MemorySegment pollErrno;
    // Written by any thread (wakeup); always holds 1.
    private final MemorySegment one;
    private InetSocketAddress lastSource;
    private long stampedSends;
    private long lastArrival = -1;
    /** Kernel stamps onto nanoTime's time line, one offset for all (used under the endpoint lock). */
    private final KernelClock kernelClock = new KernelClock();
    private boolean closed;
    private boolean waiting;
    private boolean released;

    private NativeUdpPort(int fd, int wakeFd, boolean connected, boolean v6) {
        this.fd = fd;
        this.v6 = v6;
        this.wakeFd = wakeFd;
        rxBuf = arena.allocate(BUFFER, 16);
        txBuf = arena.allocate(BUFFER, 16);
        rxName = arena.allocate(SOCKADDR, 8);
        txName = arena.allocate(SOCKADDR, 8);
        msghdr = arena.allocate(56, 8);
        iov = arena.allocate(16, 8);
        control = arena.allocate(CONTROL, 8);
        ioErrno = arena.allocate(CAPTURE);
        txMsghdr = arena.allocate(56, 8);
        txIov = arena.allocate(16, 8);
        txControl = arena.allocate(24, 8);
        txIov.set(ADDRESS, 0, txBuf);
        txMsghdr.set(ADDRESS, 16, txIov);
        txMsghdr.set(JAVA_LONG, 24, 1L);
        txMsghdr.set(ADDRESS, 32, txControl);
        txMsghdr.set(JAVA_LONG, 40, 24L); // CMSG_SPACE(4)
        txControl.set(JAVA_LONG, 0, 20L); // CMSG_LEN(4)
        txControl.set(JAVA_INT, 8, SOL_SOCKET);
        txControl.set(JAVA_INT, 12, SCM_TIMESTAMPING);
        txControl.set(JAVA_INT, 16, SOF_TX_SCHED);
        pollFds = arena.allocate(16, 8);
        timeout = arena.allocate(16, 8);
        drain = arena.allocate(8, 8);
        pollErrno = arena.allocate(CAPTURE);
        one = arena.allocate(8, 8);
        one.set(JAVA_LONG, 0, 1L);
        iov.set(ADDRESS, 0, rxBuf);
        msghdr.set(ADDRESS, 0, rxName);
        msghdr.set(ADDRESS, 16, iov);
        msghdr.set(JAVA_LONG, 24, 1L);
        msghdr.set(ADDRESS, 32, control);
        pollFds.set(JAVA_INT, 0, fd);
        pollFds.set(JAVA_SHORT, 4, POLLIN);
        pollFds.set(JAVA_INT, 8, wakeFd);
        pollFds.set(JAVA_SHORT, 12, POLLIN);
    }

    static NativeUdpPort open(InetSocketAddress bind, InetSocketAddress connect, boolean shared) throws IOException {
        InetAddress local = bind == null ? null : bind.getAddress();
        InetAddress remote = connect == null ? null : connect.getAddress();
        // A wildcard server socket is dual-stack (as DatagramChannel's); anything else follows its address.
        boolean v6 = remote != null ? remote instanceof Inet6Address
                : local == null || local.isAnyLocalAddress() || local instanceof Inet6Address;
        try {
            return open(v6, bind, connect, shared);
        } catch (IOException e) {
            if (v6 && remote == null && (local == null || local.isAnyLocalAddress())) {
                return open(false, bind, connect, shared); // a kernel without IPv6
            }
            throw e;
        }
    }

    private static NativeUdpPort open(boolean v6, InetSocketAddress bind, InetSocketAddress connect, boolean shared)
            throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(CAPTURE);
            int fd = (int) Libc.SOCKET.invokeExact(err, v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            check(fd, err, "socket");
            try {
                MemorySegment on = a.allocate(JAVA_INT);
                on.set(JAVA_INT, 0, 1);
                // Receive times, and the time each datagram entered the packet scheduler (before any qdisc
                // queue: a shaped link's queue is part of the round trip), keyed by a per-socket send count.
                // (TX_SCHED is asked per datagram, for the few that need it: each stamp waits in the error
                // queue, charged to the receive buffer, until the pump reads it.)
                on.set(JAVA_INT, 0, SOF_RX_SOFTWARE | SOF_SOFTWARE | SOF_OPT_ID | SOF_OPT_TSONLY);
                check((int) Libc.SETSOCKOPT.invokeExact(err, fd, SOL_SOCKET, SO_TIMESTAMPING, on, 4), err, "SO_TIMESTAMPING");
                if (v6) {
                    MemorySegment off = a.allocate(JAVA_INT);
                    check((int) Libc.SETSOCKOPT.invokeExact(err, fd, IPPROTO_IPV6, IPV6_V6ONLY, off, 4), err, "IPV6_V6ONLY");
                }
                if (shared) {
                    MemorySegment one = a.allocate(JAVA_INT);
                    one.set(JAVA_INT, 0, 1);
                    check((int) Libc.SETSOCKOPT.invokeExact(err, fd, SOL_SOCKET, SO_REUSEADDR, one, 4), err, "SO_REUSEADDR");
                }
                MemorySegment sa = a.allocate(SOCKADDR, 8);
                InetSocketAddress b = bind == null ? new InetSocketAddress(0) : bind;
                int len = writeAddress(sa, b, v6);
                check((int) Libc.BIND.invokeExact(err, fd, sa, len), err, "bind " + b);
                if (connect != null) {
                    len = writeAddress(sa, connect, v6);
                    check((int) Libc.CONNECT.invokeExact(err, fd, sa, len), err, "connect " + connect);
                }
                int wake = (int) Libc.EVENTFD.invokeExact(err, 0, EFD_NONBLOCK | EFD_CLOEXEC);
                check(wake, err, "eventfd");
                return new NativeUdpPort(fd, wake, connect != null, v6);
            } catch (IOException | RuntimeException | Error e) {
                int ignored = (int) Libc.CLOSE.invokeExact(fd);
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    @Override
    public int receive(ByteBuffer dst) throws IOException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
        msghdr.set(JAVA_INT, 8, SOCKADDR);
        msghdr.set(JAVA_LONG, 40, CONTROL);
        msghdr.set(JAVA_INT, 48, 0);
        iov.set(JAVA_LONG, 8, BUFFER);
        long n;
        try {
            do {
                n = (long) Libc.RECVMSG.invokeExact(ioErrno, fd, msghdr, MSG_DONTWAIT);
            } while (n < 0 && errno(ioErrno) == EINTR);
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (n < 0) {
            int e = errno(ioErrno);
            if (e == EAGAIN) {
                return -1;
            }
            if (e == ECONNREFUSED) {
                throw new PortUnreachableException("ICMP port unreachable");
            }
            throw new SocketException("recvmsg: " + strerror(e));
        }
        long stamp = kernelStamp(msghdr.get(JAVA_LONG, 40));
        int len = (int) Math.min(n, dst.remaining());
        MemorySegment.copy(rxBuf, 0, MemorySegment.ofBuffer(dst), 0, len);
        dst.position(dst.position() + len);
        lastSource = readAddress(rxName, msghdr.get(JAVA_INT, 8));
        lastArrival = kernelClock.toNanoTime(stamp);
        return (int) n;
    }

    /** The SCM_TIMESTAMPING control message's software time in ns since the epoch, or 0. */
    private long kernelStamp(long controlLength) {
        long off = 0;
        while (off + 16 <= controlLength) {
            long len = control.get(JAVA_LONG, off);
            int level = control.get(JAVA_INT, off + 8);
            int type = control.get(JAVA_INT, off + 12);
            if (len < 16) {
                return 0;
            }
            if (level == SOL_SOCKET && type == SO_TIMESTAMPING && len >= 32) {
                return control.get(JAVA_LONG, off + 16) * 1_000_000_000L + control.get(JAVA_LONG, off + 24);
            }
            off += (len + 7) & ~7L;
        }
        return 0;
    }

    /** The send count of a timestamping error-queue message (its sock_extended_err), or -1. */
    private long stampKey(long controlLength) {
        long off = 0;
        while (off + 16 <= controlLength) {
            long len = control.get(JAVA_LONG, off);
            int level = control.get(JAVA_INT, off + 8);
            int type = control.get(JAVA_INT, off + 12);
            if (len < 16) {
                return -1;
            }
            if (((level == SOL_IP && type == IP_RECVERR) || (level == IPPROTO_IPV6 && type == IPV6_RECVERR)) && len >= 16 + 16
                    && control.get(JAVA_BYTE, off + 16 + 4) == SO_EE_ORIGIN_TIMESTAMPING) {
                return control.get(JAVA_INT, off + 16 + 12) & 0xFFFFFFFFL;
            }
            off += (len + 7) & ~7L;
        }
        return -1;
    }

    @Override
    public void drainSendStamps(SendStamps sink) {
        if (closed) {
            return;
        }
        for (int i = 0; i < 4096; i++) {
            msghdr.set(JAVA_INT, 8, SOCKADDR);
            msghdr.set(JAVA_LONG, 40, CONTROL);
            msghdr.set(JAVA_INT, 48, 0);
            iov.set(JAVA_LONG, 8, BUFFER);
            long n;
            try {
                n = (long) Libc.RECVMSG.invokeExact(ioErrno, fd, msghdr, MSG_ERRQUEUE | MSG_DONTWAIT);
            } catch (Throwable t) {
                return;
            }
            if (n < 0) {
                if (errno(ioErrno) == EINTR) {
                    continue;
                }
                return; // EAGAIN: drained
            }
            long controlLength = msghdr.get(JAVA_LONG, 40);
            long key = stampKey(controlLength);
            long stamp = kernelStamp(controlLength);
            if (key >= 0 && stamp > 0) {
                long sent = kernelClock.toNanoTime(stamp);
                if (sent >= 0) {
                    sink.stamped(key, sent);
                }
            }
        }
    }

    @Override
    public InetSocketAddress lastSource() {
        return lastSource;
    }

    @Override
    public long lastArrivalNanos() {
        return lastArrival;
    }

    @Override
    public boolean send(ByteBuffer src, InetSocketAddress to, boolean stamp) {
        if (closed) {
            return false;
        }
        int len = src.remaining();
        if (len > BUFFER) {
            return false;
        }
        MemorySegment.copy(MemorySegment.ofBuffer(src), 0, txBuf, 0, len);
        try {
            long n;
            int nameLen = to == null ? 0 : writeAddress(txName, to, v6);
            MemorySegment name = to == null ? MemorySegment.NULL : txName;
            if (stamp) {
                // sendmsg with a control message asking this datagram's TX_SCHED stamp; the kernel's key
                // counts only the datagrams that asked.
                txMsghdr.set(ADDRESS, 0, name);
                txMsghdr.set(JAVA_INT, 8, nameLen);
                txIov.set(JAVA_LONG, 8, len);
                do {
                    n = (long) Libc.SENDMSG.invokeExact(ioErrno, fd, txMsghdr, MSG_DONTWAIT);
                } while (n < 0 && errno(ioErrno) == EINTR);
            } else {
                do {
                    n = (long) Libc.SENDTO.invokeExact(ioErrno, fd, txBuf, (long) len, MSG_DONTWAIT, name, nameLen);
                } while (n < 0 && errno(ioErrno) == EINTR);
            }
            if (n < 0) {
                return false; // (ICMP errors surface on read; a full socket buffer drops the datagram like a lossy link)
            }
            if (stamp) {
                stampedSends++;
            }
            src.position(src.position() + len);
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    @Override
    public void await(long timeoutNanos) throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            waiting = true;
        }
        try {
            long t = Math.max(0, timeoutNanos);
            timeout.set(JAVA_LONG, 0, t / 1_000_000_000L);
            timeout.set(JAVA_LONG, 8, t % 1_000_000_000L);
            pollFds.set(JAVA_SHORT, 6, (short) 0);
            pollFds.set(JAVA_SHORT, 14, (short) 0);
            int r = (int) Libc.PPOLL.invokeExact(pollErrno, pollFds, 2L, timeout, MemorySegment.NULL);
            if (r > 0 && pollFds.get(JAVA_SHORT, 14) != 0) {
                long ignored = (long) Libc.READ.invokeExact(wakeFd, drain, 8L);
            }
        } catch (Throwable t) {
            throw new IOException(t);
        } finally {
            synchronized (this) {
                waiting = false;
                if (closed) {
                    release();
                }
            }
        }
    }

    @Override
    public synchronized void wakeup() {
        if (released) {
            return;
        }
        try {
            long ignored = (long) Libc.WRITE.invokeExact(wakeFd, one, 8L);
        } catch (Throwable t) {
            // a wake-up is best effort: the pump's timeout ends its wait anyway
        }
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        if (closed) {
            return null;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = a.allocate(SOCKADDR, 8);
            MemorySegment len = a.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, SOCKADDR);
            MemorySegment err = a.allocate(CAPTURE);
            check((int) Libc.GETSOCKNAME.invokeExact(err, fd, sa, len), err, "getsockname");
            return readAddress(sa, len.get(JAVA_INT, 0));
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    @Override
    public boolean kernelTimestamps() {
        return true;
    }

    @Override
    public long lastSendKey() {
        return (stampedSends - 1) & 0xFFFFFFFFL;
    }

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

    /** Closes the descriptors and frees the memory; called once, when no thread is inside ppoll. */
    private void release() {
        if (released) {
            return;
        }
        released = true;
        try {
            int a = (int) Libc.CLOSE.invokeExact(fd);
            int b = (int) Libc.CLOSE.invokeExact(wakeFd);
        } catch (Throwable ignored) {
            // closing
        }
        arena.close();
    }

    // ------------------------------------------------------------------ helpers

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    private static void check(int result, MemorySegment capture, String what) throws IOException {
        if (result < 0) {
            int e = errno(capture);
            throw new SocketException(what + ": " + strerror(e));
        }
    }

    @SuppressWarnings("restricted") // strerror's static buffer, read as a C string
    private static String strerror(int e) {
        try {
            MemorySegment s = (MemorySegment) Libc.STRERROR.invokeExact(e);
            return s.reinterpret(256).getString(0) + " (errno " + e + ")";
        } catch (Throwable t) {
            return "errno " + e;
        }
    }

    /** Writes {@code a} as a sockaddr_in (16 bytes) or, on an IPv6 socket, sockaddr_in6 (28 bytes); returns its length. */
    private static int writeAddress(MemorySegment sa, InetSocketAddress a, boolean v6) throws IOException {
        if (a.isUnresolved()) {
            throw new UnknownHostException(a.getHostString());
        }
        sa.fill((byte) 0);
        byte[] ip = a.getAddress().getAddress();
        int port = a.getPort();
        if (!v6) {
            if (ip.length != 4) {
                throw new SocketException("an IPv6 address on an IPv4 socket: " + a);
            }
            sa.set(JAVA_SHORT, 0, (short) AF_INET);
            sa.set(JAVA_BYTE, 2, (byte) (port >> 8));
            sa.set(JAVA_BYTE, 3, (byte) port);
            MemorySegment.copy(MemorySegment.ofArray(ip), 0, sa, 4, 4);
            return 16;
        }
        byte[] ip6 = new byte[16];
        if (ip.length == 4) { // ::ffff:a.b.c.d on a dual-stack socket
            ip6[10] = (byte) 0xFF;
            ip6[11] = (byte) 0xFF;
            System.arraycopy(ip, 0, ip6, 12, 4);
        } else {
            System.arraycopy(ip, 0, ip6, 0, 16);
        }
        sa.set(JAVA_SHORT, 0, (short) AF_INET6);
        sa.set(JAVA_BYTE, 2, (byte) (port >> 8));
        sa.set(JAVA_BYTE, 3, (byte) port);
        MemorySegment.copy(MemorySegment.ofArray(ip6), 0, sa, 8, 16);
        if (a.getAddress() instanceof Inet6Address i6) {
            sa.set(JAVA_INT, 24, i6.getScopeId());
        }
        return 28;
    }

    /** A sockaddr_in or sockaddr_in6 as Java sees it (an IPv4-mapped IPv6 address becomes IPv4, as DatagramChannel does). */
    private static InetSocketAddress readAddress(MemorySegment sa, int len) throws UnknownHostException {
        int familyOf = sa.get(JAVA_SHORT, 0);
        int port = ((sa.get(JAVA_BYTE, 2) & 0xFF) << 8) | (sa.get(JAVA_BYTE, 3) & 0xFF);
        if (familyOf == AF_INET && len >= 8) {
            byte[] ip = sa.asSlice(4, 4).toArray(JAVA_BYTE);
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        }
        if (familyOf == AF_INET6 && len >= 24) {
            byte[] ip = sa.asSlice(8, 16).toArray(JAVA_BYTE);
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= ip[i] == 0;
            }
            mapped &= ip[10] == (byte) 0xFF && ip[11] == (byte) 0xFF;
            if (mapped) {
                return new InetSocketAddress(Inet4Address.getByAddress(new byte[] {ip[12], ip[13], ip[14], ip[15]}), port);
            }
            int scope = len >= 28 ? sa.get(JAVA_INT, 24) : 0;
            return new InetSocketAddress(scope != 0 ? Inet6Address.getByAddress(null, ip, scope)
                    : InetAddress.getByAddress(ip), port);
        }
        return null;
    }
}
