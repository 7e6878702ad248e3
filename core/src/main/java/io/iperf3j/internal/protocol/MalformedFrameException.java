package io.iperf3j.internal.protocol;

/** A control-connection message that cannot be accepted: too long, truncated or not JSON. */
public final class MalformedFrameException extends Exception {
    public MalformedFrameException(String message) {
        super(message);
    }

    public MalformedFrameException(String message, Throwable cause) {
        super(message, cause);
    }
}
