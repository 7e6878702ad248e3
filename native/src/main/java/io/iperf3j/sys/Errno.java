package io.iperf3j.sys;

/**
 * The C {@code errno} values the callers of this module test for (Linux generic ABI), and their
 * text. The hot paths here return {@code -errno}; compare with the negated constant.
 *
 * <p>Pure; any thread.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int EINTR = Libc.EINTR;
    public static final int EIO = 5;
    public static final int EBADF = Libc.EBADF;
    public static final int EAGAIN = Libc.EAGAIN;
    public static final int EINVAL = Libc.EINVAL;
    public static final int EMSGSIZE = 90;
    public static final int ENOBUFS = Libc.ENOBUFS;
    public static final int ECONNREFUSED = Libc.ECONNREFUSED;
    public static final int ENETUNREACH = 101;

    private Errno() {
    }

    /** {@code strerror(errno)}, e.g. "Connection refused"; "errno n" without FFM. */
    public static String text(int errno) {
        return Libc.describe(errno);
    }

    /**
     * The errno's meaning and number, as this module's exceptions write them:
     * "Operation not permitted (errno 1)".
     */
    public static String describe(int errno) {
        return text(errno) + " (errno " + errno + ")";
    }

    /**
     * Whether a failed send of one datagram means "not sent now, the socket is fine", a datagram a
     * caller may drop like a lossy link or send later: {@code EAGAIN} (a full send buffer),
     * {@code ENOBUFS} (a full device queue) and {@code EINTR}. These are iperf3's soft errors
     * ({@code Nwrite} in net.c); every other errno ({@code EPERM} from a firewall,
     * {@code ENETUNREACH}, {@code EMSGSIZE}, ...) is a hard one, which the next send would
     * meet again: iperf3 ends the test with it ("unable to write to stream socket").
     */
    public static boolean transientSend(int errno) {
        return errno == EAGAIN || errno == ENOBUFS || errno == EINTR;
    }
}
