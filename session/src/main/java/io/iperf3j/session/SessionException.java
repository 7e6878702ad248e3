package io.iperf3j.session;

/**
 * Why one test of a session could not give a result. Sealed: a caller can tell a
 * connection problem ({@link IperfError}), a bad iperf command ({@link IperfCommandError}),
 * a bad session or plan setting ({@link IperfConfigurationError}) and a host that could
 * not be reached or logged into ({@link ConnectionError}) apart with a switch.
 */
public abstract sealed class SessionException extends Exception
        permits IperfError, IperfCommandError, IperfConfigurationError, ConnectionError {
    SessionException(String message) {
        super(message);
    }

    SessionException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A short name of the kind of failure, for tables: the class's simple name. */
    public String kind() {
        return getClass().getSimpleName();
    }
}
