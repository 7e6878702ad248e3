package io.iperf3j.sys;

/**
 * A socket call through {@link NativeSocket} failed.
 *
 * <p>Unchecked: a failing setter is a configuration problem the caller maps to
 * an iperf3 error code (for example {@code IESETCONGESTION}), not an I/O
 * condition to retry. {@link #errno()} is the C {@code errno} captured right
 * after the call and {@link #errnoText()} its {@code strerror} text, which is
 * what iperf3 prints after the colon. The message has the form
 * {@code "setsockopt(TCP_CONGESTION, \"foo\"): No such file or directory (errno 2)"}.
 */
public final class NativeSocketException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final int errno;
    private final String errnoText;

    /**
     * @param operation the call, e.g. {@code setsockopt(TCP_MAXSEG, 1000)}
     * @param errno     the C errno (positive)
     * @param errnoText {@code strerror(errno)}
     */
    public NativeSocketException(String operation, int errno, String errnoText) {
        super(operation + ": " + errnoText + " (errno " + errno + ")");
        this.operation = operation;
        this.errno = errno;
        this.errnoText = errnoText;
    }

    /** The call that failed, e.g. {@code setsockopt(TCP_CONGESTION, "foo")}. */
    public String operation() {
        return operation;
    }

    /** The C errno, e.g. 2 ({@code ENOENT}). */
    public int errno() {
        return errno;
    }

    /** {@code strerror(errno)}, e.g. {@code "No such file or directory"}. */
    public String errnoText() {
        return errnoText;
    }
}
