package io.iperf3j.session;

/**
 * Why one test of a session could not give a result. Sealed: a caller can tell a
 * connection problem ({@link IperfError}), a bad iperf command ({@link IperfCommandError}),
 * a bad session or plan setting ({@link IperfConfigurationError}) and a host that could
 * not be reached or logged into ({@link ConnectionError}) apart with a switch.
 */
public abstract sealed class SessionException extends Exception {
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

    /**
     * iperf ran but the test failed on the network path: no route, connection refused,
     * connect failed, server busy, or the client ran past its abort limit (the seed's
     * {@code IperfError}, a {@code CommandError}).
     */
    public static final class IperfError extends SessionException {
        /** With its message. */
        public IperfError(String message) {
            super(message);
        }
    }

    /**
     * The iperf command itself is wrong: bad flags, iperf printed its usage text, or the
     * binary is missing on the host (exit status 127) (the seed's {@code IperfCommandError}).
     */
    public static final class IperfCommandError extends SessionException {
        /** With its message. */
        public IperfCommandError(String message) {
            super(message);
        }
    }

    /**
     * A session or plan setting is wrong (unknown direction, unknown node id, tools that
     * cannot talk to each other, a bad plan key). Raised before anything runs.
     */
    public static final class IperfConfigurationError extends SessionException {
        /** With its message, which names what was wrong. */
        public IperfConfigurationError(String message) {
            super(message);
        }
    }

    /**
     * A host could not be reached, logged into or talked to over its connection (sshd
     * down, key refused, host key not trusted, channel lost, file transfer failed).
     */
    public static final class ConnectionError extends SessionException {
        /** With its message. */
        public ConnectionError(String message) {
            super(message);
        }

        /** With its message and cause. */
        public ConnectionError(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
