package io.iperf3j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * An interface's root qdisc as rtnetlink reports it ({@code RTM_GETQDISC}): what {@code tc -s qdisc show
 * dev X} prints on its {@code root} line. A shaper on the sender's own egress ({@code tc qdisc ... tbf})
 * shows no loss on the path and makes a UDP sender look CPU-bound; the qdisc's overlimits, drops and
 * rate are the evidence.
 *
 * <p>Counters are the kernel's since the qdisc was made (replacing it restarts them); compare two
 * readings. All are unsigned in the kernel and non-negative here.
 *
 * <p>Immutable; any thread. How it is read, and its limits: docs/design/one-native-layer.md, section 7.
 *
 * @param ifindex           the interface
 * @param kind              {@code TCA_KIND}: "tbf", "fq_codel", "pfifo_fast", "mq", "noqueue", ...
 * @param bytes             bytes sent (dequeued to the device)
 * @param packets           packets sent
 * @param drops             packets dropped (a full queue, or a policy such as tbf's limit)
 * @param overlimits        times the qdisc held a packet back over its limit (tbf: out of tokens)
 * @param requeues          packets the device handed back
 * @param backlogBytes      bytes queued now
 * @param queueLength       packets queued now
 * @param rateBitsPerSecond a {@code tbf}'s rate, or an {@code fq}'s per-flow {@code maxrate} when one is set;
 *                          empty for other kinds
 */
public record QdiscStats(int ifindex, String kind, long bytes, long packets, long drops, long overlimits,
                         long requeues, long backlogBytes, long queueLength, OptionalLong rateBitsPerSecond) {
    /** Each {@code recv} waits at most this long ({@code SO_RCVTIMEO}). */
    public static final long RECEIVE_TIMEOUT_MILLIS = 200;
    /** The whole dump may take this long; past it the answer is empty. */
    public static final long DEADLINE_MILLIS = 1000;
    /** At most this many bytes of reply are read; a dump larger than that (thousands of qdiscs) is empty. */
    public static final int MAX_REPLY_BYTES = 1 << 20;
    /** One receive's buffer: a dump datagram is a page or two (the kernel's {@code NLMSG_GOODSIZE}). */
    static final int DATAGRAM_BYTES = 64 * 1024;
    /** {@code sizeof(struct sockaddr_nl)}: family, pad, pid, groups. */
    private static final int SOCKADDR_NL_SIZE = 12;

    public QdiscStats {
        if (ifindex <= 0 || kind == null || kind.isEmpty() || bytes < 0 || packets < 0 || drops < 0 || overlimits < 0
                || requeues < 0 || backlogBytes < 0 || queueLength < 0) {
            throw new IllegalArgumentException("qdisc " + kind + " of interface " + ifindex + ": out of range");
        }
        Objects.requireNonNull(rateBitsPerSecond, "rateBitsPerSecond");
        if (rateBitsPerSecond.isPresent() && rateBitsPerSecond.getAsLong() < 0) {
            throw new IllegalArgumentException("negative rate");
        }
    }

    /**
     * The root qdisc of interface {@code ifindex} in the calling thread's network namespace; empty
     * when netlink is unavailable (no FFM, not Linux), the interface does not exist or has none (one
     * that is down has the builtin {@code noop} qdisc, which the kernel leaves out of dumps), or the
     * reply is malformed, too large or late. Costs one netlink dump: a socket, a send, a few
     * receives of the kernel's list of qdiscs (all interfaces' on most kernels, so it is filtered
     * here), bounded by {@link #RECEIVE_TIMEOUT_MILLIS} per receive, {@link #DEADLINE_MILLIS} in all
     * and {@link #MAX_REPLY_BYTES}; it never hangs. The first call binds the socket calls it needs
     * (a few ms). Needs no privilege.
     *
     * <p>Threads: any thread; the socket and its memory belong to the call (a confined arena) and are
     * closed before it returns.
     *
     * @throws IllegalArgumentException if {@code ifindex} is not positive
     */
    public static Optional<QdiscStats> root(int ifindex) {
        if (ifindex <= 0) {
            throw new IllegalArgumentException("ifindex " + ifindex + " (interface indexes start at 1)");
        }
        Optional<Libc> bound = Libc.get();
        if (bound.isEmpty()) {
            return Optional.empty();
        }
        Libc libc = bound.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            int fd = libc.socket(state, Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_ROUTE);
            if (fd < 0) {
                return Optional.empty();
            }
            try {
                return dump(libc, arena, state, fd, ifindex);
            } catch (MalformedNetlinkException e) {
                return Optional.empty();
            } finally {
                libc.close(state, fd);
            }
        }
    }

    private static Optional<QdiscStats> dump(Libc libc, Arena arena, MemorySegment state, int fd, int ifindex)
            throws MalformedNetlinkException {
        MemorySegment timeout = Libc.timeval(arena, RECEIVE_TIMEOUT_MILLIS);
        if (libc.setsockopt(state, fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeout, 16) < 0
                || libc.setsockopt(state, fd, Libc.SOL_SOCKET, Libc.SO_SNDTIMEO, timeout, 16) < 0) {
            return Optional.empty();
        }
        // connected to the kernel (pid 0): the socket then accepts no other process's unicasts
        MemorySegment kernel = arena.allocate(SOCKADDR_NL_SIZE, 4);
        kernel.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
        if (libc.connect(state, fd, kernel, SOCKADDR_NL_SIZE) < 0) {
            return Optional.empty();
        }
        // a fresh sequence number per dump (no state shared between calls): replies to another dump are refused
        int seq = java.util.concurrent.ThreadLocalRandom.current().nextInt();
        MemorySegment request = arena.allocate(QdiscMessages.REQUEST_LENGTH, 4);
        MemorySegment.copy(MemorySegment.ofBuffer(QdiscMessages.request(seq, ifindex)), 0, request, 0,
                QdiscMessages.REQUEST_LENGTH);
        if (libc.sendto(state, fd, request, QdiscMessages.REQUEST_LENGTH, 0, MemorySegment.NULL, 0)
                != QdiscMessages.REQUEST_LENGTH) {
            return Optional.empty();
        }
        MemorySegment buf = arena.allocate(DATAGRAM_BYTES, 8);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        long total = 0;
        while (System.nanoTime() - deadline < 0) {
            long n = libc.recv(state, fd, buf, DATAGRAM_BYTES, Libc.MSG_TRUNC); // MSG_TRUNC: the real length
            if (n == -Libc.EINTR) {
                continue;
            }
            if (n <= 0 || n > DATAGRAM_BYTES) { // an error, EAGAIN at the timeout, or a truncated datagram
                return Optional.empty();
            }
            total += n;
            if (total > MAX_REPLY_BYTES) {
                return Optional.empty();
            }
            QdiscMessages.Reply reply = QdiscMessages.parse(buf.asSlice(0, n).asByteBuffer(), seq, ifindex);
            if (reply.root().isPresent()) {
                return reply.root(); // the rest of the dump is dropped with the socket
            }
            if (reply.done()) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
