package io.iperf3j.internal.json;

/**
 * JSON received from a peer could not be accepted: it is not valid JSON, its
 * top level is not an object, or it exceeds one of the {@link PeerJson.Limits}.
 * Checked, because every caller reading network input must decide how to
 * fail the test. The message says what was wrong (e.g.
 * {@code "invalid JSON at byte 17: ..."}, {@code "JSON nesting deeper than 32"},
 * {@code "JSON is not an object"}). Text quoted from the parser is cut to
 * 200 printable ASCII characters, so the message is safe to log.
 */
public final class MalformedJsonException extends Exception {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong with the input
     */
    public MalformedJsonException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the parser failure behind it.
     *
     * @param message what was wrong with the input
     * @param cause the parser failure behind it
     */
    public MalformedJsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
