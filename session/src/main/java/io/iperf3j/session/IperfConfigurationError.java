package io.iperf3j.session;

/**
 * A session or plan setting is wrong (unknown direction, unknown node id, tools that
 * cannot talk to each other, a bad plan key). Raised before anything runs.
 */
public final class IperfConfigurationError extends SessionException {
    /** With its message, which names what was wrong. */
    public IperfConfigurationError(String message) {
        super(message);
    }
}
