package io.iperf3j.sys;

/**
 * The C {@code errno} values the callers of this module test for (Linux generic ABI), and their
 * text. The hot paths here return {@code -errno}; compare with the negated constant.
 *
 * <p>Pure; any thread.
 */
public final class Errno {
    public static final int EINTR = Libc.EINTR;
    public static final int EIO = 5;
    public static final int EBADF = Libc.EBADF;
    public static final int EAGAIN = Libc.EAGAIN;
    public static final int EINVAL = Libc.EINVAL;
    public static final int EMSGSIZE = 90;
    public static final int ENOBUFS = Libc.ENOBUFS;
    public static final int ECONNREFUSED = Libc.ECONNREFUSED;

    private Errno() {
    }

    /** {@code strerror(errno)}, e.g. "Connection refused"; "errno n" without FFM. */
    public static String text(int errno) {
        return Libc.describe(errno);
    }
}
