package io.iperf3j.session;

/**
 * The iperf command itself is wrong: bad flags, iperf printed its usage text, or the
 * binary is missing on the host (exit status 127) (the seed's {@code IperfCommandError}).
 */
public final class IperfCommandError extends SessionException {
    /** With its message. */
    public IperfCommandError(String message) {
        super(message);
    }
}
