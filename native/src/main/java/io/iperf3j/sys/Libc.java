package io.iperf3j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few glibc functions this package calls, bound once per JVM through the
 * Foreign Function &amp; Memory API.
 *
 * <p>The bindings are created lazily by the initialisation-on-demand holder
 * idiom: the platform check, the linker and {@code strerror} on the first
 * {@link #get()}, and each group of functions (sockets, CPU, uname) on its
 * first call. The JVM guarantees that each holder is initialised once and
 * safely published; {@link MethodHandle}s are immutable, so they are freely
 * shared. If anything goes wrong in the first step (not Linux, an unsupported
 * architecture, native access denied with {@code --illegal-native-access=deny},
 * a missing symbol), {@link #get()} returns empty for the life of the JVM and
 * {@link #failure()} says why.
 *
 * <p>Every wrapper returns the C function's non-negative result on success and
 * {@code -errno} on failure, so callers never allocate to learn the error. The
 * errno value is captured by the linker right after the call
 * ({@link Linker.Option#captureCallState(String...)}), which is the only
 * reliable way: the JVM may itself call into libc between the call and any
 * later read of errno. Each wrapper takes the capture-state segment, which the
 * caller allocates from its own confined arena ({@link #newCallState(Arena)}).
 * The exception is the TCP data path's few calls by address ({@code recvAt},
 * {@code sendAt}, {@code pollAt}: see {@code ByAddress}), which return -1 and leave
 * errno in the thread's errno word, for callers written for that.
 *
 * <p>Constants are the Linux values for x86_64, aarch64 and riscv64 (the
 * "generic" ABI). Other architectures (mips, sparc, parisc, alpha, powerpc)
 * number some socket options differently and are refused.
 */
final class Libc {

    // <sys/socket.h>
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    /** {@code AF_NETLINK}, and its routing protocol {@code NETLINK_ROUTE} ({@link QdiscStats}). */
    static final int AF_NETLINK = 16;
    static final int NETLINK_ROUTE = 0;
    static final int SOCK_RAW = 3;
    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_TYPE = 3;
    static final int SO_BINDTODEVICE = 25;
    static final int SO_ACCEPTCONN = 30;
    static final int SO_PROTOCOL = 38;
    static final int SO_DOMAIN = 39;
    static final int SO_MAX_PACING_RATE = 47;
    static final int SO_COOKIE = 57;
    static final int SO_RCVLOWAT = 18;
    static final int MFD_CLOEXEC = 1;
    /** {@code getsockopt}: the socket's {@code u32 sk_meminfo[SK_MEMINFO_VARS]} (Linux 4.6+ for the drops). */
    static final int SO_MEMINFO = 55;
    /** Index of {@code SK_MEMINFO_DROPS} in {@link #SO_MEMINFO}'s array: {@code sk_drops}. */
    static final int SK_MEMINFO_DROPS = 8;
    /** {@code SO_SNDTIMEO_OLD}: a {@code struct timeval} of two longs on LP64; bounds a blocking connect too. */
    static final int SO_SNDTIMEO = 21;
    /** {@code SO_RCVTIMEO_OLD}: a {@code struct timeval}; bounds a blocking receive ({@link QdiscStats}). */
    static final int SO_RCVTIMEO = 20;
    /** {@code SO_TIMESTAMPNS_OLD}, the value {@code SO_TIMESTAMPNS} has on LP64 (also its cmsg type). */
    static final int SO_TIMESTAMPNS = 35;
    /** {@code SO_TIMESTAMPING_OLD} on LP64; also the cmsg type {@code SCM_TIMESTAMPING}. */
    static final int SO_TIMESTAMPING = 37;
    static final int SCM_TIMESTAMPING = SO_TIMESTAMPING;
    // <linux/net_tstamp.h>: SO_TIMESTAMPING flags
    static final int SOF_RX_SOFTWARE = 1 << 3;
    static final int SOF_SOFTWARE = 1 << 4;
    static final int SOF_OPT_ID = 1 << 7;
    static final int SOF_TX_SCHED = 1 << 8;
    static final int SOF_OPT_TSONLY = 1 << 11;
    /** {@code SOCK_NONBLOCK} (= {@code O_NONBLOCK} on the generic ABI). */
    static final int SOCK_NONBLOCK = 0x800;
    // <sys/eventfd.h>
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;

    // <netinet/in.h>
    static final int IPPROTO_IP = 0;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;
    static final int IPPROTO_IPV6 = 41;
    static final int IPPROTO_MPTCP = 262;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IP_MTU_DISCOVER = 10;
    static final int IP_PMTUDISC_DO = 2;
    static final int IPV6_MTU_DISCOVER = 23;
    /** The error queue's cmsg (and the option that enables it) at {@code SOL_IP}. */
    static final int IP_RECVERR = 11;
    static final int IPV6_RECVERR = 25;
    static final int IPV6_V6ONLY = 26;
    /** {@code sock_extended_err.ee_origin} of a time stamp. */
    static final int SO_EE_ORIGIN_TIMESTAMPING = 4;
    static final int IPV6_PMTUDISC_DO = 2;
    // <linux/in6.h>: flow labels (struct in6_flowlabel_req: dst 16, label 4, action 1, share 1, flags 2, ... = 32)
    static final int IPV6_FLOWLABEL_MGR = 32;
    static final int IPV6_FLOWINFO_SEND = 33;
    static final int IN6_FLOWLABEL_REQ_SIZE = 32;
    static final byte IPV6_FL_A_GET = 0;
    static final byte IPV6_FL_S_ANY = (byte) 255;
    static final short IPV6_FL_F_CREATE = 1;
    static final int SOCKADDR_IN_SIZE = 16;
    static final int SOCKADDR_IN6_SIZE = 28;

    // <linux/tcp.h>
    static final int TCP_MAXSEG = 2;
    static final int TCP_INFO = 11;
    static final int TCP_CONGESTION = 13;
    static final int TCP_USER_TIMEOUT = 18;
    static final int TCP_CA_NAME_MAX = 16;

    // <linux/sockios.h>, <asm-generic/ioctls.h>
    static final long SIOCOUTQ = 0x5411L;
    static final long SIOCOUTQNSD = 0x894BL;

    // <sys/resource.h>
    static final int RUSAGE_SELF = 0;

    // <errno.h>
    static final int ENOENT = 2;
    static final int EBADF = 9;
    static final int EINVAL = 22;
    static final int ENOTSOCK = 88;
    static final int ENOTCONN = 107;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ECONNREFUSED = 111;
    static final int ENOBUFS = 105;

    // <sys/socket.h> flags, <poll.h>, <netinet/udp.h>
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_WAITFORONE = 0x10000;
    static final int MSG_ERRQUEUE = 0x2000;
    static final int MSG_CTRUNC = 0x8;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_NOSIGNAL = 0x4000;
    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    static final int SHUT_RD = 0;
    static final int SHUT_WR = 1;
    static final int SHUT_RDWR = 2;
    static final int SOL_UDP = 17;
    static final int UDP_SEGMENT = 103;
    static final int UDP_GRO = 104;

    /** {@code sizeof(struct sockaddr_storage)}. */
    static final int SOCKADDR_STORAGE_SIZE = 128;
    /** {@code sizeof(struct rusage)} on LP64 Linux. */
    static final int RUSAGE_SIZE = 144;
    /**
     * {@code sizeof(struct sigaction)} with glibc on LP64 (handler, a 128-byte mask, flags, restorer);
     * its handler is the first field. {@code SIG_DFL} is 0, {@code SIG_IGN} 1.
     */
    static final int SIGACTION_SIZE = 152;
    static final long SIG_DFL = 0;
    static final long SIG_IGN = 1;
    /** {@code sizeof(sigset_t)} with glibc (1024 bits; signal n is bit n - 1); {@code SIG_UNBLOCK} is 1. */
    static final int SIGSET_SIZE = 128;
    static final int SIG_UNBLOCK = 1;
    /** {@code sizeof(struct utsname)} with glibc ({@code _UTSNAME_LENGTH} = 65, six fields). */
    static final int UTSNAME_SIZE = 6 * 65;
    static final int UTSNAME_FIELD = 65;
    /** glibc's {@code CLOCKS_PER_SEC} (fixed at one million by XSI). */
    static final long CLOCKS_PER_SEC = 1_000_000L;
    /** {@code <time.h>}: the clock glibc's {@code clock()} reads. */
    static final int CLOCK_MONOTONIC = 1;
    static final int CLOCK_PROCESS_CPUTIME_ID = 2;
    /** {@code sizeof(struct timespec)} on LP64. */
    static final int TIMESPEC_SIZE = 16;

    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final String[] SYMBOLS = {
        "getsockopt", "setsockopt", "getsockname", "getpeername", "ioctl", "strerror", "getrusage", "clock_gettime", "uname",
        "sendmmsg", "recvmmsg", "poll", "shutdown", "sendmsg", "recv", "sched_setaffinity", "sched_getaffinity", "gettid",
        "socket", "dup3", "bind", "listen", "close", "connect",
        "sendto", "recvmsg", "ppoll", "eventfd", "read", "write", "sigaction", "pthread_sigmask", "clock_nanosleep", "memfd_create", "sendfile", "open", "send",
        "__errno_location"};

    private static final Libc INSTANCE = new Libc();

    private Libc() {
    }

    /**
     * The linker, the libc lookup and {@code getrusage}, bound on first use. Binding
     * {@code getrusage} (every test reads the CPU times) is also the test that native access
     * is allowed. The first downcall handle of a JVM costs tens of milliseconds (the FFM
     * machinery starts up), each further one of a new shape a few ({@code Linker} shares one
     * stub among functions of the same descriptor and options), so the other functions are
     * bound in groups ({@link Sock}, {@link SockSet}, {@link Cpu}, {@link Uts}, ...) only when
     * first needed; {@code strerror} too ({@link Strerror}), which only an error needs.
     */
    private static final class Base {
        static final Linker LINKER;
        static final SymbolLookup LOOKUP;
        static final MethodHandle GETRUSAGE;
        static final Throwable FAILURE;

        static {
            Linker linker = null;
            SymbolLookup lookup = null;
            MethodHandle getrusage = null;
            Throwable failure = null;
            try {
                checkPlatform();
                linker = Linker.nativeLinker();
                lookup = linker.defaultLookup();
                for (String symbol : SYMBOLS) {
                    if (lookup.find(symbol).isEmpty()) {
                        throw new UnsatisfiedLinkError("libc symbol not found: " + symbol);
                    }
                }
                getrusage = bind(linker, lookup, "getrusage", CPU_SHAPE, errnoOption());
            } catch (Throwable t) { // LinkageError, IllegalCallerException, UnsupportedOperationException...
                failure = t;
                getrusage = null;
            }
            LINKER = linker;
            LOOKUP = lookup;
            GETRUSAGE = getrusage;
            FAILURE = failure;
        }
    }

    /** {@code int f(int, void *)}: getrusage and clock_gettime, one stub for both. */
    private static final FunctionDescriptor CPU_SHAPE = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS);

    /**
     * strerror(3): bound on the first error text. glibc's strerror returns a pointer to a
     * constant string for every known errno (a thread-local buffer only for unknown ones), so
     * it is safe across threads.
     */
    private static final class Strerror {
        static final MethodHandle STRERROR = bind("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /**
     * The socket calls a client needs as soon as its control connection is up (finding the
     * descriptor, reading TCP_MAXSEG): each group binds on its first use, and a first test
     * waits for these, so the rest are in {@link SockSet}.
     */
    private static final class Sock {
        static final MethodHandle GETSOCKOPT = bind("getsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), errnoOption());
        static final MethodHandle GETSOCKNAME = bind("getsockname",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), errnoOption());
        static final MethodHandle GETPEERNAME = bind("getpeername",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), errnoOption());
    }

    /** Socket calls that change a socket: bound on the first option a test sets. */
    private static final class SockSet {
        static final MethodHandle SETSOCKOPT = bind("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errnoOption());
    }

    /**
     * ioctl(2), a call shape of its own (variadic): bound on the first queue query
     * ({@link NativeSocket#unsentBytes()}), which a test does not make, so a test spins no stub for it.
     */
    private static final class Ioctl {
        // int ioctl(int fd, unsigned long request, ...): the third argument is variadic.
        static final MethodHandle IOCTL = bind("ioctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
                errnoOption(), Linker.Option.firstVariadicArg(2));
    }

    /**
     * Process CPU time (a client's baseline is taken as its control connection is up):
     * {@code getrusage} ({@link Base}) and {@code clock_gettime}, which glibc's {@code clock()}
     * reads and which shares getrusage's stub (clock() itself would be a stub of its own).
     */
    private static final class Cpu {
        static final MethodHandle CLOCK_GETTIME = bind("clock_gettime", CPU_SHAPE, errnoOption());
    }

    /**
     * Batched datagram I/O: bound on the first batched UDP stream ({@link DatagramBatch}).
     * sendmmsg/recvmmsg may block, so they are ordinary (not critical) downcalls.
     */
    private static final class Mmsg {
        static final MethodHandle SENDMMSG = bind("sendmmsg",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), errnoOption());
        static final MethodHandle RECVMMSG = bind("recvmmsg",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), errnoOption());
        static final MethodHandle SENDMSG = bind("sendmsg",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), errnoOption());
    }

    /**
     * recv(2) with flags and poll(2): bound on the first TCP receiver ({@link TcpReceiver}),
     * batched UDP stream ({@link DatagramBatch}) or qdisc dump ({@link QdiscStats}); a group of
     * their own, so a TCP receiver binds two call shapes, not the datagram batch's five.
     */
    private static final class Recv {
        static final MethodHandle RECV = bind("recv",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), errnoOption());
        static final MethodHandle POLL = bind("poll",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), errnoOption());
    }

    /**
     * The TCP data path's calls by address ({@link TcpReceiver}, {@link TcpSender}): the buffer goes as
     * its address, not as a segment, and no errno is captured, so a call makes no segment checks and
     * no session acquire or release, and writes no capture state; under C1 these were about half of a
     * receiving stream thread's user time (docs/design/cpu-per-bit.md, "The data path by address").
     * The caller owns the buffer's life: its worker thread is the only one that calls, and the memory
     * is freed only after the worker has left. errno is read from the thread's own errno word
     * ({@code __errno_location()}) right after a call that returned -1: {@code recv} with
     * {@code MSG_DONTWAIT} never waits, so it is bound {@code critical} (no thread-state transition,
     * hence no safepoint inside it); {@code send}, {@code poll} and the {@code recv} that waits
     * ({@code RECV_WAITING}, its wait bounded by the socket's {@code SO_RCVTIMEO}) block and are ordinary downcalls,
     * so a safepoint on the way back may leave the JVM's own EINTR or EAGAIN there, and their callers
     * take those as "call again". Why not keep {@code captureCallState}: under C1 its per-call work
     * (the capture segment's slice and checks, its session's acquire and release, the copy of errno)
     * was a fifth of a receiving thread's user time, for an errno needed once every several blocks.
     */
    private static final class ByAddress {
        static final MethodHandle RECV_WAITING = bind("recv",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
        static final MethodHandle SEND = bind("send",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
        static final MethodHandle ERRNO_LOCATION = bind("__errno_location",
                FunctionDescriptor.of(JAVA_LONG), Linker.Option.critical(false));
    }

    /**
     * The receiver's by-address calls that do not wait in {@code recv} ({@link ByAddress}'s rules): the
     * {@code recv} that never waits (critical) and {@code poll}, made by a receiver after a wait that found
     * nothing and by one that never waits in {@code recv}. Two call shapes of their own, bound on first
     * use, so a sending stream, which makes neither, spins no stub for them (each stub is ~10-15 ms of a
     * process's start: docs/design/cpu-per-bit.md, "What a JVM's start costs here").
     */
    private static final class ByAddressNoWait {
        static final MethodHandle RECV = bind("recv",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), Linker.Option.critical(false));
        static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    }

    /**
     * shutdown(2): bound on the first wake-up of a UDP batch's worker ({@link DatagramBatch}); a TCP stream's
     * worker is woken through the JDK's channel ({@link NativeSocket#shutdownToWake}), so a TCP test spins no
     * stub for it.
     */
    private static final class Shutdown {
        static final MethodHandle SHUTDOWN = bind("shutdown",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), errnoOption());
    }

    /** sched_setaffinity(2) and gettid (glibc 2.30+): bound on the first {@code -A} ({@link CpuAffinity}). */
    private static final class Sched {
        static final MethodHandle SCHED_SETAFFINITY = bind("sched_setaffinity",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), errnoOption());
        static final MethodHandle SCHED_GETAFFINITY = bind("sched_getaffinity",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), errnoOption());
        static final MethodHandle GETTID = bind("gettid", FunctionDescriptor.of(JAVA_INT));
    }

    /**
     * A socket of another kind in a channel's place: bound on the first {@code -m} ({@link MultipathTcp}) or
     * {@code -L} ({@link FlowLabelledTcp}); or a netlink socket of its own ({@link QdiscStats}).
     */
    private static final class Fd {
        static final MethodHandle SOCKET = bind("socket",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errnoOption());
        static final MethodHandle DUP3 = bind("dup3",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errnoOption());
        static final MethodHandle BIND = bind("bind",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errnoOption());
        static final MethodHandle LISTEN = bind("listen",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), errnoOption());
        static final MethodHandle CONNECT = bind("connect",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errnoOption());
    }

    /**
     * A time-stamping UDP socket of its own ({@link StampedUdpSocket}, link's port): bound on the
     * first such socket. It uses {@link Fd}'s socket, bind, connect and close, {@link SockSet}'s
     * setsockopt, {@link Sock}'s getsockname and {@link Mmsg}'s sendmsg too. {@link QdiscStats} sends its
     * netlink request with sendto.
     */
    private static final class Port {
        static final MethodHandle SENDTO = bind("sendto",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), errnoOption());
        static final MethodHandle RECVMSG = bind("recvmsg",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), errnoOption());
        static final MethodHandle PPOLL = bind("ppoll",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS), errnoOption());
        static final MethodHandle EVENTFD = bind("eventfd",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), errnoOption());
        static final MethodHandle READ = bind("read",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), errnoOption());
    }

    /** close(2): bound on the first descriptor this layer opens ({@link Fd}'s sockets, {@link ZeroCopyPayload}'s file). */
    private static final class Close {
        static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), errnoOption());
    }

    /** write(2): bound on the first eventfd wake-up ({@link Port}) or {@code -Z} payload ({@link ZeroCopyPayload}). */
    private static final class Write {
        static final MethodHandle WRITE = bind("write",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), errnoOption());
    }

    /** open(2) (variadic: the mode), memfd_create(2) and sendfile(2): bound on the first {@code -Z} sender ({@link ZeroCopyPayload}). */
    private static final class ZeroCopy {
        static final MethodHandle OPEN = bind("open",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), errnoOption(), Linker.Option.firstVariadicArg(2));
        static final MethodHandle MEMFD_CREATE = bind("memfd_create",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), errnoOption());
        static final MethodHandle SENDFILE = bind("sendfile",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG), errnoOption());
    }

    /** sigaction(2): bound when the command line's signal handlers find a signal ignored ({@link SignalDisposition}). */
    private static final class Sig {
        static final MethodHandle SIGACTION = bind("sigaction",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), errnoOption());
        static final MethodHandle PTHREAD_SIGMASK = bind("pthread_sigmask",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), errnoOption());
    }

    /**
     * clock_nanosleep(2): bound on the first paced stream ({@link MonotonicSleep}). It blocks, so it is
     * an ordinary (not critical) downcall; it returns the error number itself, so no errno capture.
     */
    private static final class Sleep {
        static final MethodHandle CLOCK_NANOSLEEP = bind("clock_nanosleep",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    /** uname(2). */
    private static final class Uts {
        static final MethodHandle UNAME = bind("uname", FunctionDescriptor.of(JAVA_INT, ADDRESS), errnoOption());
    }

    private static Linker.Option errnoOption() {
        return Linker.Option.captureCallState("errno");
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return bind(Base.LINKER, Base.LOOKUP, name, descriptor, options);
    }

    @SuppressWarnings("restricted") // downcallHandle: this class is the package's only native entry point
    private static MethodHandle bind(Linker linker, SymbolLookup lookup, String name,
                                     FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = lookup.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        return linker.downcallHandle(symbol, descriptor, options);
    }

    private static void checkPlatform() {
        String disabled = System.getProperty("iperf3j.native", "true");
        if (disabled.equalsIgnoreCase("false") || disabled.equalsIgnoreCase("off")) {
            throw new UnsupportedOperationException("disabled by -Diperf3j.native=" + disabled);
        }
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new UnsupportedOperationException("not Linux: " + os);
        }
        String arch = System.getProperty("os.arch", "");
        boolean supportedArch = switch (arch) {
            case "amd64", "x86_64", "aarch64", "riscv64" -> true;
            default -> false;
        };
        if (!supportedArch || ADDRESS.byteSize() != 8) {
            throw new UnsupportedOperationException("unsupported architecture: " + arch);
        }
    }

    /** The bindings, or empty if FFM cannot be used in this JVM. */
    static Optional<Libc> get() {
        return Base.FAILURE == null ? Optional.of(INSTANCE) : Optional.empty();
    }

    /** Why {@link #get()} is empty, or null when it is not. */
    static Throwable failure() {
        return Base.FAILURE;
    }

    /**
     * Binds the socket and CPU-time groups now (each is bound once per JVM), in the order
     * a client's control connection needs them: finding the socket (and later reading its
     * MSS), then its CPU baseline ({@code getrusage}, bound with the linker, and
     * {@code clock_gettime}, which shares its stub), then the calls that set options. uname is left out:
     * {@link SystemInfo} reads /proc first.
     */
    void bindSocketCalls() {
        java.util.Objects.requireNonNull(Sock.GETSOCKOPT);
        java.util.Objects.requireNonNull(Cpu.CLOCK_GETTIME);
        java.util.Objects.requireNonNull(SockSet.SETSOCKOPT);
    }

    /** A segment to receive the captured errno; allocate one per call or reuse it within one arena. */
    static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    /** A {@code struct timeval} of {@code millis} (LP64: two longs), for {@code SO_RCVTIMEO}/{@code SO_SNDTIMEO}. */
    static MemorySegment timeval(Arena arena, long millis) {
        MemorySegment tv = arena.allocate(16, 8);
        tv.set(JAVA_LONG, 0, millis / 1000);
        tv.set(JAVA_LONG, 8, (millis % 1000) * 1000);
        return tv;
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static int result(int r, MemorySegment state) {
        return r == -1 ? -errno(state) : r;
    }

    private static IllegalStateException unexpected(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed unexpectedly", t);
    }

    int getsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value, MemorySegment lenPtr) {
        try {
            return result((int) Sock.GETSOCKOPT.invokeExact(state, fd, level, name, value, lenPtr), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    int setsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return result((int) SockSet.SETSOCKOPT.invokeExact(state, fd, level, name, value, len), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    int getsockname(MemorySegment state, int fd, MemorySegment addr, MemorySegment lenPtr) {
        try {
            return result((int) Sock.GETSOCKNAME.invokeExact(state, fd, addr, lenPtr), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    int getpeername(MemorySegment state, int fd, MemorySegment addr, MemorySegment lenPtr) {
        try {
            return result((int) Sock.GETPEERNAME.invokeExact(state, fd, addr, lenPtr), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    int ioctl(MemorySegment state, int fd, long request, MemorySegment arg) {
        try {
            return result((int) Ioctl.IOCTL.invokeExact(state, fd, request, arg), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    int getrusage(MemorySegment state, int who, MemorySegment usage) {
        try {
            return result((int) Base.GETRUSAGE.invokeExact(state, who, usage), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * glibc's {@code clock()}: process CPU time in units of {@link #CLOCKS_PER_SEC}, computed
     * as glibc computes it from {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)}, or -errno.
     *
     * @param timespec {@link #TIMESPEC_SIZE} bytes of scratch space
     */
    long clock(MemorySegment state, MemorySegment timespec) {
        int r;
        try {
            r = result((int) Cpu.CLOCK_GETTIME.invokeExact(state, CLOCK_PROCESS_CPUTIME_ID, timespec), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) {
            return r;
        }
        return timespec.get(JAVA_LONG, 0) * CLOCKS_PER_SEC + timespec.get(JAVA_LONG, 8) / (1_000_000_000L / CLOCKS_PER_SEC);
    }

    /**
     * {@code clock_nanosleep(CLOCK_MONOTONIC, 0, timespec, NULL)}: sleeps for the time in {@code timespec}
     * on the monotonic clock; 0, or the error number negated (-EINTR when a signal handler ran).
     *
     * @param timespec {@link #TIMESPEC_SIZE} bytes holding the time to sleep
     */
    int sleepFor(MemorySegment timespec) {
        try {
            int r = (int) Sleep.CLOCK_NANOSLEEP.invokeExact(CLOCK_MONOTONIC, 0, timespec, MemorySegment.NULL);
            return -r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Binds {@code clock_nanosleep} now (once per JVM), so a paced stream's first sleep does not. */
    void bindSleep() {
        java.util.Objects.requireNonNull(Sleep.CLOCK_NANOSLEEP);
    }

    /** {@code sigaction(2)}: {@code act} or {@code old} may be {@link MemorySegment#NULL}; 0, or -errno. */
    int sigaction(MemorySegment state, int signal, MemorySegment act, MemorySegment old) {
        try {
            return result((int) Sig.SIGACTION.invokeExact(state, signal, act, old), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code pthread_sigmask(3)} of the calling thread: {@code how} is {@link #SIG_UNBLOCK} here; 0, or
     * -errno (it returns the error number itself, not -1).
     */
    int pthreadSigmask(MemorySegment state, int how, MemorySegment set, MemorySegment old) {
        try {
            int r = (int) Sig.PTHREAD_SIGMASK.invokeExact(state, how, set, old);
            return r == 0 ? 0 : -r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    int uname(MemorySegment state, MemorySegment utsname) {
        try {
            return result((int) Uts.UNAME.invokeExact(state, utsname), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code sendmmsg(2)}: datagrams sent, or -errno. */
    int sendmmsg(MemorySegment state, int fd, MemorySegment msgvec, int vlen, int flags) {
        try {
            return result((int) Mmsg.SENDMMSG.invokeExact(state, fd, msgvec, vlen, flags), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code sendmsg(2)}: bytes sent, or -errno. */
    long sendmsg(MemorySegment state, int fd, MemorySegment msg, int flags) {
        try {
            long r = (long) Mmsg.SENDMSG.invokeExact(state, fd, msg, flags);
            return r == -1 ? -errno(state) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code recvmmsg(2)} without a timeout: datagrams received, or -errno. */
    int recvmmsg(MemorySegment state, int fd, MemorySegment msgvec, int vlen, int flags) {
        try {
            return result((int) Mmsg.RECVMMSG.invokeExact(state, fd, msgvec, vlen, flags, MemorySegment.NULL),
                    state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code poll(2)} on {@code n} pollfds: ready count, 0 on timeout, or -errno. */
    int poll(MemorySegment state, MemorySegment fds, long n, int timeoutMillis) {
        try {
            return result((int) Recv.POLL.invokeExact(state, fds, n, timeoutMillis), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code shutdown(2)}: 0, or -errno. The wake-up of a worker blocked on {@code fd} (never a hot
     * call), so it captures errno in an arena of its own.
     */
    int shutdown(int fd, int how) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = newCallState(a);
            return result((int) Shutdown.SHUTDOWN.invokeExact(state, fd, how), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code recv(2)}: bytes received (with {@code MSG_TRUNC} on TCP: discarded), 0 at end of stream, or -errno. */
    long recv(MemorySegment state, int fd, MemorySegment buf, long len, int flags) {
        try {
            long r = (long) Recv.RECV.invokeExact(state, fd, buf, len, flags);
            return r == -1 ? -errno(state) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code recv(2)} into memory at {@code address} with {@code MSG_DONTWAIT} among {@code flags}
     * (the call must not wait: it is bound critical): bytes received, 0 at end of stream, or -1 with
     * the error in the calling thread's errno ({@link #errnoWord()}).
     */
    long recvAt(int fd, long address, long len, int flags) {
        try {
            return (long) ByAddressNoWait.RECV.invokeExact(fd, address, len, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code recv(2)} into memory at {@code address} that may wait (an ordinary downcall): bytes received,
     * 0 at end of stream, or -1 with the error in the calling thread's errno, which a safepoint on the way
     * back may have turned into EINTR or EAGAIN.
     */
    long recvWaitingAt(int fd, long address, long len, int flags) {
        try {
            return (long) ByAddress.RECV_WAITING.invokeExact(fd, address, len, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code poll(2)} of {@code nfds} {@code struct pollfd} at {@code address}: the ready count, 0 on timeout, or -1 with the error in errno. */
    int pollAt(long address, long nfds, int timeoutMillis) {
        try {
            return (int) ByAddressNoWait.POLL.invokeExact(address, nfds, timeoutMillis);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code send(2)} from memory at {@code address}: bytes sent, or -1 with the error in the calling thread's errno. */
    long sendAt(int fd, long address, long len, int flags) {
        try {
            return (long) ByAddress.SEND.invokeExact(fd, address, len, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The calling thread's errno word, to read after a by-address call returned -1: valid while the thread lives. */
    @SuppressWarnings("restricted") // reinterpret: __errno_location's int, this class being the only native entry point
    MemorySegment errnoWord() {
        return MemorySegment.ofAddress(errnoAddress()).reinterpret(Integer.BYTES);
    }

    /** The address of the calling thread's errno ({@code __errno_location()}): valid while the thread lives. */
    private long errnoAddress() {
        try {
            return (long) ByAddress.ERRNO_LOCATION.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code sched_setaffinity(2)} for thread {@code tid} (0: the calling thread): 0, or -errno. */
    int schedSetaffinity(MemorySegment state, int tid, MemorySegment mask) {
        try {
            return result((int) Sched.SCHED_SETAFFINITY.invokeExact(state, tid, mask.byteSize(), mask), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code sched_getaffinity(2)} for thread {@code tid} (0: the calling thread): 0, or -errno. */
    int schedGetaffinity(MemorySegment state, int tid, MemorySegment mask) {
        try {
            int r = (int) Sched.SCHED_GETAFFINITY.invokeExact(state, tid, mask.byteSize(), mask);
            return r < 0 ? result(r, state) : 0; // the raw syscall returns the mask size; glibc 0
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The calling thread's kernel id ({@code gettid()}). */
    int gettid() {
        try {
            return (int) Sched.GETTID.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code socket(2)}: the new descriptor, or -errno. */
    int socket(MemorySegment state, int domain, int type, int protocol) {
        try {
            return result((int) Fd.SOCKET.invokeExact(state, domain, type, protocol), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code dup3(2)}: {@code newFd}, or -errno. */
    int dup3(MemorySegment state, int oldFd, int newFd, int flags) {
        try {
            return result((int) Fd.DUP3.invokeExact(state, oldFd, newFd, flags), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code bind(2)}: 0, or -errno. */
    int bind(MemorySegment state, int fd, MemorySegment addr, int len) {
        try {
            return result((int) Fd.BIND.invokeExact(state, fd, addr, len), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code connect(2)}: 0, or -errno. Blocks on a blocking socket (bound it with SO_SNDTIMEO). */
    int connect(MemorySegment state, int fd, MemorySegment addr, int len) {
        try {
            return result((int) Fd.CONNECT.invokeExact(state, fd, addr, len), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code listen(2)}: 0, or -errno. */
    int listen(MemorySegment state, int fd, int backlog) {
        try {
            return result((int) Fd.LISTEN.invokeExact(state, fd, backlog), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code close(2)}: 0, or -errno. */
    int close(MemorySegment state, int fd) {
        try {
            return result((int) Close.CLOSE.invokeExact(state, fd), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code sendto(2)} ({@code to} may be NULL with length 0): bytes sent, or -errno. */
    long sendto(MemorySegment state, int fd, MemorySegment buf, long len, int flags, MemorySegment to, int toLen) {
        try {
            long r = (long) Port.SENDTO.invokeExact(state, fd, buf, len, flags, to, toLen);
            return r == -1 ? -errno(state) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code recvmsg(2)}: bytes received, or -errno. */
    long recvmsg(MemorySegment state, int fd, MemorySegment msg, int flags) {
        try {
            long r = (long) Port.RECVMSG.invokeExact(state, fd, msg, flags);
            return r == -1 ? -errno(state) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ppoll(2)} without a signal mask: ready count, 0 on timeout, or -errno. */
    int ppoll(MemorySegment state, MemorySegment fds, long n, MemorySegment timeout) {
        try {
            return result((int) Port.PPOLL.invokeExact(state, fds, n, timeout, MemorySegment.NULL), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code eventfd(2)}: the new descriptor, or -errno. */
    int eventfd(MemorySegment state, int initial, int flags) {
        try {
            return result((int) Port.EVENTFD.invokeExact(state, initial, flags), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code open(2)} with a mode: the descriptor, or -errno. */
    int open(MemorySegment state, MemorySegment path, int flags, int mode) {
        try {
            return result((int) ZeroCopy.OPEN.invokeExact(state, path, flags, mode), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code O_TMPFILE | O_RDWR | O_CLOEXEC} for this architecture: an unnamed file in a directory's
     * file system ({@code O_DIRECTORY} is 040000 on aarch64, 0200000 on x86-64 and riscv64).
     */
    static int tmpfileFlags() {
        int directory = "aarch64".equals(System.getProperty("os.arch")) ? 040000 : 0200000;
        return 020000000 | directory | 2 | 02000000;
    }

    /** {@code memfd_create(2)}: the descriptor, or -errno. */
    int memfdCreate(MemorySegment state, MemorySegment name, int flags) {
        try {
            return result((int) ZeroCopy.MEMFD_CREATE.invokeExact(state, name, flags), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code sendfile(2)} from {@code *offset} (which it advances): bytes sent, or -errno. */
    long sendfile(MemorySegment state, int outFd, int inFd, MemorySegment offset, long count) {
        try {
            long r = (long) ZeroCopy.SENDFILE.invokeExact(state, outFd, inFd, offset, count);
            return r == -1 ? -errno(state) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code read(2)}: bytes read, or -errno. */
    long read(MemorySegment state, int fd, MemorySegment buf, long len) {
        try {
            long r = (long) Port.READ.invokeExact(state, fd, buf, len);
            return r == -1 ? -errno(state) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code write(2)}: bytes written, or -errno. */
    long write(MemorySegment state, int fd, MemorySegment buf, long len) {
        try {
            long r = (long) Write.WRITE.invokeExact(state, fd, buf, len);
            return r == -1 ? -errno(state) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Throws the kernel's error for a call's result in this class's convention (0 or more:
     * success, -errno: failure), naming the call as {@code operation}.
     */
    void check(String operation, int result) {
        if (result < 0) {
            throw new NativeSocketException(operation, -result, strerror(-result));
        }
    }

    /** {@code strerror(errno)}, e.g. "No such file or directory". */
    @SuppressWarnings("restricted") // reinterpret: strerror returns a NUL-terminated string of unknown length
    String strerror(int errno) {
        try {
            MemorySegment p = (MemorySegment) Strerror.STRERROR.invokeExact(errno);
            if (p.equals(MemorySegment.NULL)) {
                return "Unknown error " + errno;
            }
            return p.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@link #strerror(int)} when the bindings exist, a generic text otherwise. */
    static String describe(int errno) {
        return get().map(l -> l.strerror(errno)).orElse("errno " + errno);
    }
}
