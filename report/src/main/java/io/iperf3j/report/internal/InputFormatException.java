package io.iperf3j.report.internal;

/** An input that is not what a reader expects; the message names the input and where. */
public final class InputFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public InputFormatException(String message) {
        super(message);
    }

    public InputFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
