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
import java.lang.ref.Reference;
import java.util.Locale;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few glibc functions this package calls, bound once per JVM through the
 * Foreign Function &amp; Memory API.
 *
 * <p>Every function is called through one call shape ({@link #WORDS}: why, and why it is sound) in
 * three handles, made lazily by the initialisation-on-demand holder idiom: the platform check,
 * the linker, the functions' addresses and the errno-capturing handle on the first
 * {@link #get()}, the plain and the critical handles on their first call. The JVM guarantees that each holder is initialised once and
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
 * {@code sendAt}, {@code pollAt}: see {@link #recvAt}), which return -1 and leave
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

    /**
     * The one call shape every function here is called through: {@code long f(long, long, long, long, long, long)},
     * the function's address an argument of the call ({@link Linker#downcallHandle(FunctionDescriptor,
     * Linker.Option...)}), in three handles: errno captured ({@link Base#CAPTURING}), plain ({@link Plain}, the
     * data path's calls that may wait) and critical ({@link Critical}, the calls that never wait).
     *
     * <p>Why one shape: the JDK spins code for each distinct descriptor and option set it links (a stub class,
     * a few dozen lambda forms, and C1 compiling both), ~10-25 ms of CPU a shape at every start, and no AOT cache
     * of JDK 25 can hold it; functions bound one handle each, in their own C types, made a client spin 7 shapes
     * and a server 6-8 (docs/design/cpu-per-bit.md, "One call shape"). Why it is sound: on the three ABIs
     * {@link #checkPlatform()} admits (x86-64 System V, AAPCS64, RISC-V LP64), the first six integer or pointer
     * arguments travel in registers whatever their C types: a callee reads an {@code int} from the low 32 bits
     * of its register and never reads the registers of arguments it does not declare, and an {@code int} result
     * is the low 32 bits of the result register, which the wrappers take with {@code (int)}. The variadic
     * functions ({@code ioctl}, {@code open}) take their variadic arguments in the same registers on Linux, and
     * on x86-64 the linker sets {@code %al} (the vector registers used) to 0 for every call. Pointers go as
     * addresses, so a wrapper keeps each segment it passes reachable until the call has returned
     * ({@link Reference#reachabilityFence}: some come from automatic arenas), and the caller keeps it open:
     * every arena here is closed by the thread that calls, or after it has left.
     */
    private static final FunctionDescriptor WORDS =
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);

    private static final Libc INSTANCE = new Libc();

    private Libc() {
    }

    /**
     * The linker, the functions' addresses and the errno-capturing handle, made on first use. Making a
     * handle is also the test that native access is allowed. The first handle of a JVM costs tens of
     * milliseconds (the FFM machinery starts up); {@link Plain} and {@link Critical} are made on their
     * first use, so a process spins only the shapes it calls.
     */
    private static final class Base {
        static final Linker LINKER;
        static final Symbols FN;
        static final MethodHandle CAPTURING;
        static final Throwable FAILURE;

        static {
            Linker linker = null;
            Symbols fn = null;
            MethodHandle capturing = null;
            Throwable failure = null;
            try {
                checkPlatform();
                linker = Linker.nativeLinker();
                fn = new Symbols(linker.defaultLookup());
                capturing = handle(linker, Linker.Option.captureCallState("errno"));
            } catch (Throwable t) { // LinkageError, IllegalCallerException, UnsupportedOperationException...
                failure = t;
                fn = null;
                capturing = null;
            }
            LINKER = linker;
            FN = fn;
            CAPTURING = capturing;
            FAILURE = failure;
        }
    }

    /**
     * {@link #WORDS} without errno: the data path's calls that may block ({@code recvWaitingAt}, {@code sendAt},
     * {@code pollAt}), and calls that return their error or cannot fail ({@code clock_nanosleep}, {@code strerror},
     * {@code gettid}).
     */
    private static final class Plain {
        static final MethodHandle CALL = handle(Base.LINKER);
    }

    /**
     * {@link #WORDS}, critical: no thread-state transition, hence no safepoint inside; only for calls that
     * never wait ({@code recv} with {@code MSG_DONTWAIT}, {@code __errno_location}).
     */
    private static final class Critical {
        static final MethodHandle CALL = handle(Base.LINKER, Linker.Option.critical(false));
    }

    @SuppressWarnings("restricted") // downcallHandle: this class is the package's only native entry point
    private static MethodHandle handle(Linker linker, Linker.Option... options) {
        return linker.downcallHandle(WORDS, options);
    }

    /**
     * The address of each function this class calls, found once with {@link Base}: a missing one makes
     * {@link #get()} empty, and {@link #failure()} names it. glibc 2.30 or later ({@code gettid}).
     */
    private static final class Symbols {
        final MemorySegment getsockopt;
        final MemorySegment setsockopt;
        final MemorySegment getsockname;
        final MemorySegment getpeername;
        final MemorySegment ioctl;
        final MemorySegment strerror;
        final MemorySegment getrusage;
        final MemorySegment clockGettime;
        final MemorySegment clockNanosleep;
        final MemorySegment uname;
        final MemorySegment sendmmsg;
        final MemorySegment recvmmsg;
        final MemorySegment sendmsg;
        final MemorySegment recvmsg;
        final MemorySegment recv;
        final MemorySegment send;
        final MemorySegment sendto;
        final MemorySegment poll;
        final MemorySegment ppoll;
        final MemorySegment shutdown;
        final MemorySegment schedSetaffinity;
        final MemorySegment schedGetaffinity;
        final MemorySegment gettid;
        final MemorySegment socket;
        final MemorySegment dup3;
        final MemorySegment bind;
        final MemorySegment listen;
        final MemorySegment connect;
        final MemorySegment close;
        final MemorySegment eventfd;
        final MemorySegment read;
        final MemorySegment write;
        final MemorySegment open;
        final MemorySegment memfdCreate;
        final MemorySegment sendfile;
        final MemorySegment sigaction;
        final MemorySegment pthreadSigmask;
        final MemorySegment errnoLocation;

        Symbols(SymbolLookup lookup) {
            getsockopt = find(lookup, "getsockopt");
            setsockopt = find(lookup, "setsockopt");
            getsockname = find(lookup, "getsockname");
            getpeername = find(lookup, "getpeername");
            ioctl = find(lookup, "ioctl");
            strerror = find(lookup, "strerror");
            getrusage = find(lookup, "getrusage");
            clockGettime = find(lookup, "clock_gettime");
            clockNanosleep = find(lookup, "clock_nanosleep");
            uname = find(lookup, "uname");
            sendmmsg = find(lookup, "sendmmsg");
            recvmmsg = find(lookup, "recvmmsg");
            sendmsg = find(lookup, "sendmsg");
            recvmsg = find(lookup, "recvmsg");
            recv = find(lookup, "recv");
            send = find(lookup, "send");
            sendto = find(lookup, "sendto");
            poll = find(lookup, "poll");
            ppoll = find(lookup, "ppoll");
            shutdown = find(lookup, "shutdown");
            schedSetaffinity = find(lookup, "sched_setaffinity");
            schedGetaffinity = find(lookup, "sched_getaffinity");
            gettid = find(lookup, "gettid");
            socket = find(lookup, "socket");
            dup3 = find(lookup, "dup3");
            bind = find(lookup, "bind");
            listen = find(lookup, "listen");
            connect = find(lookup, "connect");
            close = find(lookup, "close");
            eventfd = find(lookup, "eventfd");
            read = find(lookup, "read");
            write = find(lookup, "write");
            open = find(lookup, "open");
            memfdCreate = find(lookup, "memfd_create");
            sendfile = find(lookup, "sendfile");
            sigaction = find(lookup, "sigaction");
            pthreadSigmask = find(lookup, "pthread_sigmask");
            errnoLocation = find(lookup, "__errno_location");
        }

        private static MemorySegment find(SymbolLookup lookup, String name) {
            return lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        }
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

    /** An {@code int} function's result (the low 32 bits of {@code raw}), or -errno when it is -1. */
    private static int result(long raw, MemorySegment state) {
        int r = (int) raw;
        return r == -1 ? -errno(state) : r;
    }

    /** An {@code ssize_t} function's result, or -errno when it is -1. */
    private static long longResult(long r, MemorySegment state) {
        return r == -1 ? -errno(state) : r;
    }

    private static IllegalStateException unexpected(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed unexpectedly", t);
    }

    /** {@code fn(a, b, c, d, e, f)} with errno captured into {@code state} (arguments past fn's own are ignored). */
    private static long captured(MemorySegment state, MemorySegment fn, long a, long b, long c, long d, long e, long f) {
        try {
            return (long) Base.CAPTURING.invokeExact(fn, state, a, b, c, d, e, f);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code fn(a, b, c, d, e, f)}, errno not captured (arguments past fn's own are ignored). */
    private static long plain(MemorySegment fn, long a, long b, long c, long d, long e, long f) {
        try {
            return (long) Plain.CALL.invokeExact(fn, a, b, c, d, e, f);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code fn(a, b, c, d, e, f)}, critical: for calls that never wait (arguments past fn's own are ignored). */
    private static long critical(MemorySegment fn, long a, long b, long c, long d, long e, long f) {
        try {
            return (long) Critical.CALL.invokeExact(fn, a, b, c, d, e, f);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    int getsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value, MemorySegment lenPtr) {
        try {
            return result(captured(state, Base.FN.getsockopt, fd, level, name, value.address(), lenPtr.address(), 0), state);
        } finally {
            Reference.reachabilityFence(value);
            Reference.reachabilityFence(lenPtr);
        }
    }

    int setsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return result(captured(state, Base.FN.setsockopt, fd, level, name, value.address(), len, 0), state);
        } finally {
            Reference.reachabilityFence(value);
        }
    }

    int getsockname(MemorySegment state, int fd, MemorySegment addr, MemorySegment lenPtr) {
        try {
            return result(captured(state, Base.FN.getsockname, fd, addr.address(), lenPtr.address(), 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(addr);
            Reference.reachabilityFence(lenPtr);
        }
    }

    int getpeername(MemorySegment state, int fd, MemorySegment addr, MemorySegment lenPtr) {
        try {
            return result(captured(state, Base.FN.getpeername, fd, addr.address(), lenPtr.address(), 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(addr);
            Reference.reachabilityFence(lenPtr);
        }
    }

    /** {@code int ioctl(int fd, unsigned long request, ...)} with one pointer argument: 0 or more, or -errno. */
    int ioctl(MemorySegment state, int fd, long request, MemorySegment arg) {
        try {
            return result(captured(state, Base.FN.ioctl, fd, request, arg.address(), 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(arg);
        }
    }

    int getrusage(MemorySegment state, int who, MemorySegment usage) {
        try {
            return result(captured(state, Base.FN.getrusage, who, usage.address(), 0, 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(usage);
        }
    }

    /**
     * glibc's {@code clock()}: process CPU time in units of {@link #CLOCKS_PER_SEC}, computed
     * as glibc computes it from {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)}, or -errno.
     *
     * @param timespec {@link #TIMESPEC_SIZE} bytes of scratch space
     */
    long clock(MemorySegment state, MemorySegment timespec) {
        int r = result(captured(state, Base.FN.clockGettime, CLOCK_PROCESS_CPUTIME_ID, timespec.address(), 0, 0, 0, 0),
                state);
        if (r < 0) {
            return r;
        }
        return timespec.get(JAVA_LONG, 0) * CLOCKS_PER_SEC + timespec.get(JAVA_LONG, 8) / (1_000_000_000L / CLOCKS_PER_SEC);
    }

    /**
     * {@code clock_nanosleep(CLOCK_MONOTONIC, 0, timespec, NULL)}: sleeps for the time in {@code timespec}
     * on the monotonic clock; 0, or the error number negated (-EINTR when a signal handler ran). It
     * returns the error number itself, so errno is not captured.
     *
     * @param timespec {@link #TIMESPEC_SIZE} bytes holding the time to sleep
     */
    int sleepFor(MemorySegment timespec) {
        try {
            return -(int) plain(Base.FN.clockNanosleep, CLOCK_MONOTONIC, 0, timespec.address(), 0, 0, 0);
        } finally {
            Reference.reachabilityFence(timespec);
        }
    }

    /** Makes the plain handle {@link #sleepFor} uses now (once per JVM), so a paced stream's first sleep does not. */
    void bindSleep() {
        java.util.Objects.requireNonNull(Plain.CALL);
    }

    /** {@code sigaction(2)}: {@code act} or {@code old} may be {@link MemorySegment#NULL}; 0, or -errno. */
    int sigaction(MemorySegment state, int signal, MemorySegment act, MemorySegment old) {
        try {
            return result(captured(state, Base.FN.sigaction, signal, act.address(), old.address(), 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(act);
            Reference.reachabilityFence(old);
        }
    }

    /**
     * {@code pthread_sigmask(3)} of the calling thread: {@code how} is {@link #SIG_UNBLOCK} here; 0, or
     * -errno (it returns the error number itself, not -1).
     */
    int pthreadSigmask(MemorySegment state, int how, MemorySegment set, MemorySegment old) {
        try {
            int r = (int) captured(state, Base.FN.pthreadSigmask, how, set.address(), old.address(), 0, 0, 0);
            return r == 0 ? 0 : -r;
        } finally {
            Reference.reachabilityFence(set);
            Reference.reachabilityFence(old);
        }
    }

    int uname(MemorySegment state, MemorySegment utsname) {
        try {
            return result(captured(state, Base.FN.uname, utsname.address(), 0, 0, 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(utsname);
        }
    }

    /** {@code sendmmsg(2)}: datagrams sent, or -errno. */
    int sendmmsg(MemorySegment state, int fd, MemorySegment msgvec, int vlen, int flags) {
        try {
            return result(captured(state, Base.FN.sendmmsg, fd, msgvec.address(), vlen, flags, 0, 0), state);
        } finally {
            Reference.reachabilityFence(msgvec);
        }
    }

    /** {@code sendmsg(2)}: bytes sent, or -errno. */
    long sendmsg(MemorySegment state, int fd, MemorySegment msg, int flags) {
        try {
            return longResult(captured(state, Base.FN.sendmsg, fd, msg.address(), flags, 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(msg);
        }
    }

    /** {@code recvmmsg(2)} without a timeout: datagrams received, or -errno. */
    int recvmmsg(MemorySegment state, int fd, MemorySegment msgvec, int vlen, int flags) {
        try {
            return result(captured(state, Base.FN.recvmmsg, fd, msgvec.address(), vlen, flags, 0, 0), state);
        } finally {
            Reference.reachabilityFence(msgvec);
        }
    }

    /** {@code poll(2)} on {@code n} pollfds: ready count, 0 on timeout, or -errno. */
    int poll(MemorySegment state, MemorySegment fds, long n, int timeoutMillis) {
        try {
            return result(captured(state, Base.FN.poll, fds.address(), n, timeoutMillis, 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(fds);
        }
    }

    /**
     * {@code shutdown(2)}: 0, or -errno. The wake-up of a worker blocked on {@code fd} (never a hot
     * call), so it captures errno in an arena of its own.
     */
    int shutdown(int fd, int how) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = newCallState(a);
            return result(captured(state, Base.FN.shutdown, fd, how, 0, 0, 0, 0), state);
        }
    }

    /** {@code recv(2)}: bytes received (with {@code MSG_TRUNC} on TCP: discarded), 0 at end of stream, or -errno. */
    long recv(MemorySegment state, int fd, MemorySegment buf, long len, int flags) {
        try {
            return longResult(captured(state, Base.FN.recv, fd, buf.address(), len, flags, 0, 0), state);
        } finally {
            Reference.reachabilityFence(buf);
        }
    }

    /**
     * {@code recv(2)} into memory at {@code address} with {@code MSG_DONTWAIT} among {@code flags}
     * (the call must not wait: it is made critical): bytes received, 0 at end of stream, or -1 with
     * the error in the calling thread's errno ({@link #errnoWord()}).
     *
     * <p>This and the other calls by address ({@code recvWaitingAt}, {@code pollAt}, {@code sendAt}) are the
     * TCP data path's ({@link TcpReceiver}, {@link TcpSender}): no segment checks, no session acquire or
     * release, no capture state; under C1 those were about half of a receiving stream thread's user time
     * (docs/design/cpu-per-bit.md, "The data path by address"). The caller owns the buffer's life: its worker
     * thread is the only one that calls, and the memory is freed only after the worker has left. errno is read
     * from the thread's own errno word right after a call that returned -1: the calls that may block
     * ({@code send}, {@code poll}, the {@code recv} that waits, bounded by the socket's {@code SO_RCVTIMEO}) are
     * plain downcalls, so a safepoint on the way back may leave the JVM's own EINTR or EAGAIN there, and their
     * callers take those as "call again". Why not capture errno here too: under C1 its per-call work (the capture
     * segment's slice and checks, its session's acquire and release, the copy of errno) was a fifth of a receiving
     * thread's user time, for an errno needed once every several blocks.
     */
    long recvAt(int fd, long address, long len, int flags) {
        return critical(Base.FN.recv, fd, address, len, flags, 0, 0);
    }

    /**
     * {@code recv(2)} into memory at {@code address} that may wait (a plain downcall): bytes received,
     * 0 at end of stream, or -1 with the error in the calling thread's errno, which a safepoint on the way
     * back may have turned into EINTR or EAGAIN.
     */
    long recvWaitingAt(int fd, long address, long len, int flags) {
        return plain(Base.FN.recv, fd, address, len, flags, 0, 0);
    }

    /** {@code poll(2)} of {@code nfds} {@code struct pollfd} at {@code address}: the ready count, 0 on timeout, or -1 with the error in errno. */
    int pollAt(long address, long nfds, int timeoutMillis) {
        return (int) plain(Base.FN.poll, address, nfds, timeoutMillis, 0, 0, 0);
    }

    /** {@code send(2)} from memory at {@code address}: bytes sent, or -1 with the error in the calling thread's errno. */
    long sendAt(int fd, long address, long len, int flags) {
        return plain(Base.FN.send, fd, address, len, flags, 0, 0);
    }

    /** The calling thread's errno word, to read after a by-address call returned -1: valid while the thread lives. */
    @SuppressWarnings("restricted") // reinterpret: __errno_location's int, this class being the only native entry point
    MemorySegment errnoWord() {
        return MemorySegment.ofAddress(errnoAddress()).reinterpret(Integer.BYTES);
    }

    /** The address of the calling thread's errno ({@code __errno_location()}, critical): valid while the thread lives. */
    private long errnoAddress() {
        return critical(Base.FN.errnoLocation, 0, 0, 0, 0, 0, 0);
    }

    /** {@code sched_setaffinity(2)} for thread {@code tid} (0: the calling thread): 0, or -errno. */
    int schedSetaffinity(MemorySegment state, int tid, MemorySegment mask) {
        try {
            return result(captured(state, Base.FN.schedSetaffinity, tid, mask.byteSize(), mask.address(), 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(mask);
        }
    }

    /** {@code sched_getaffinity(2)} for thread {@code tid} (0: the calling thread): 0, or -errno. */
    int schedGetaffinity(MemorySegment state, int tid, MemorySegment mask) {
        try {
            int r = result(captured(state, Base.FN.schedGetaffinity, tid, mask.byteSize(), mask.address(), 0, 0, 0), state);
            return r < 0 ? r : 0; // the raw syscall returns the mask size; glibc 0
        } finally {
            Reference.reachabilityFence(mask);
        }
    }

    /** The calling thread's kernel id ({@code gettid()}). */
    int gettid() {
        return (int) plain(Base.FN.gettid, 0, 0, 0, 0, 0, 0);
    }

    /** {@code socket(2)}: the new descriptor, or -errno. */
    int socket(MemorySegment state, int domain, int type, int protocol) {
        return result(captured(state, Base.FN.socket, domain, type, protocol, 0, 0, 0), state);
    }

    /** {@code dup3(2)}: {@code newFd}, or -errno. */
    int dup3(MemorySegment state, int oldFd, int newFd, int flags) {
        return result(captured(state, Base.FN.dup3, oldFd, newFd, flags, 0, 0, 0), state);
    }

    /** {@code bind(2)}: 0, or -errno. */
    int bind(MemorySegment state, int fd, MemorySegment addr, int len) {
        try {
            return result(captured(state, Base.FN.bind, fd, addr.address(), len, 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(addr);
        }
    }

    /** {@code connect(2)}: 0, or -errno. Blocks on a blocking socket (bound it with SO_SNDTIMEO). */
    int connect(MemorySegment state, int fd, MemorySegment addr, int len) {
        try {
            return result(captured(state, Base.FN.connect, fd, addr.address(), len, 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(addr);
        }
    }

    /** {@code listen(2)}: 0, or -errno. */
    int listen(MemorySegment state, int fd, int backlog) {
        return result(captured(state, Base.FN.listen, fd, backlog, 0, 0, 0, 0), state);
    }

    /** {@code close(2)}: 0, or -errno. */
    int close(MemorySegment state, int fd) {
        return result(captured(state, Base.FN.close, fd, 0, 0, 0, 0, 0), state);
    }

    /** {@code sendto(2)} ({@code to} may be NULL with length 0): bytes sent, or -errno. */
    long sendto(MemorySegment state, int fd, MemorySegment buf, long len, int flags, MemorySegment to, int toLen) {
        try {
            return longResult(captured(state, Base.FN.sendto, fd, buf.address(), len, flags, to.address(), toLen), state);
        } finally {
            Reference.reachabilityFence(buf);
            Reference.reachabilityFence(to);
        }
    }

    /** {@code recvmsg(2)}: bytes received, or -errno. */
    long recvmsg(MemorySegment state, int fd, MemorySegment msg, int flags) {
        try {
            return longResult(captured(state, Base.FN.recvmsg, fd, msg.address(), flags, 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(msg);
        }
    }

    /** {@code ppoll(2)} without a signal mask: ready count, 0 on timeout, or -errno. */
    int ppoll(MemorySegment state, MemorySegment fds, long n, MemorySegment timeout) {
        try {
            return result(captured(state, Base.FN.ppoll, fds.address(), n, timeout.address(), 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(fds);
            Reference.reachabilityFence(timeout);
        }
    }

    /** {@code eventfd(2)}: the new descriptor, or -errno. */
    int eventfd(MemorySegment state, int initial, int flags) {
        return result(captured(state, Base.FN.eventfd, initial, flags, 0, 0, 0, 0), state);
    }

    /** {@code open(2)} with a mode (variadic): the descriptor, or -errno. */
    int open(MemorySegment state, MemorySegment path, int flags, int mode) {
        try {
            return result(captured(state, Base.FN.open, path.address(), flags, mode, 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(path);
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
            return result(captured(state, Base.FN.memfdCreate, name.address(), flags, 0, 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(name);
        }
    }

    /** {@code sendfile(2)} from {@code *offset} (which it advances): bytes sent, or -errno. */
    long sendfile(MemorySegment state, int outFd, int inFd, MemorySegment offset, long count) {
        try {
            return longResult(captured(state, Base.FN.sendfile, outFd, inFd, offset.address(), count, 0, 0), state);
        } finally {
            Reference.reachabilityFence(offset);
        }
    }

    /** {@code read(2)}: bytes read, or -errno. */
    long read(MemorySegment state, int fd, MemorySegment buf, long len) {
        try {
            return longResult(captured(state, Base.FN.read, fd, buf.address(), len, 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(buf);
        }
    }

    /** {@code write(2)}: bytes written, or -errno. */
    long write(MemorySegment state, int fd, MemorySegment buf, long len) {
        try {
            return longResult(captured(state, Base.FN.write, fd, buf.address(), len, 0, 0, 0), state);
        } finally {
            Reference.reachabilityFence(buf);
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

    /**
     * {@code strerror(errno)}, e.g. "No such file or directory". glibc's strerror returns a pointer to a
     * constant string for every known errno (a thread-local buffer only for unknown ones), so it is safe
     * across threads.
     */
    @SuppressWarnings("restricted") // ofAddress, reinterpret: strerror returns a NUL-terminated string of unknown length
    String strerror(int errno) {
        long p = plain(Base.FN.strerror, errno, 0, 0, 0, 0, 0);
        if (p == 0) {
            return "Unknown error " + errno;
        }
        return MemorySegment.ofAddress(p).reinterpret(1024).getString(0);
    }

    /** {@link #strerror(int)} when the bindings exist, a generic text otherwise. */
    static String describe(int errno) {
        return get().map(l -> l.strerror(errno)).orElse("errno " + errno);
    }
}
