package io.iperf3j.internal.protocol;

import java.util.Objects;

/**
 * A failure with an iperf3 error code. {@link #getMessage()} is the text iperf3
 * prints after {@code "iperf3: error - "} and puts in the JSON {@code error}
 * field, e.g. {@code "unable to connect to server: Connection refused"}.
 */
public final class IperfException extends Exception {
    private final ErrorCode code;
    private final String detail;

    /**
     * @param code the iperf3 error code
     * @param detail the system error text iperf3 appends after {@code ": "}
     *        (its {@code strerror(errno)}), or null
     */
    public IperfException(ErrorCode code, String detail) {
        this(code, detail, null);
    }

    public IperfException(ErrorCode code, String detail, Throwable cause) {
        super(render(code, detail), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.detail = detail;
    }

    public IperfException(ErrorCode code) {
        this(code, null, null);
    }

    public ErrorCode code() {
        return code;
    }

    /** The appended system error text, or null. */
    public String detail() {
        return detail;
    }

    private static String render(ErrorCode code, String detail) {
        return detail == null || detail.isEmpty() ? code.text() : code.text() + ": " + detail;
    }
}
