package io.iperf3j.session;

/**
 * A host could not be reached, logged into or talked to over its connection (sshd
 * down, key refused, host key not trusted, channel lost, file transfer failed).
 */
public final class ConnectionError extends SessionException {
    /** With its message. */
    public ConnectionError(String message) {
        super(message);
    }

    /** With its message and cause. */
    public ConnectionError(String message, Throwable cause) {
        super(message, cause);
    }
}
