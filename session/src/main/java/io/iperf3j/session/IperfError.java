package io.iperf3j.session;

/**
 * iperf ran but the test failed on the network path: no route, connection refused,
 * connect failed, server busy, or the client ran past its abort limit (the seed's
 * {@code IperfError}, a {@code CommandError}).
 */
public final class IperfError extends SessionException {
    /** With its message. */
    public IperfError(String message) {
        super(message);
    }
}
