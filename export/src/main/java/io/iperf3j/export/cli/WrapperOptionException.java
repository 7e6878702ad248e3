package io.iperf3j.export.cli;

/** A {@code --push.*} or {@code --metrics.*} option (or its environment variable) is wrong; the command exits 1. */
public final class WrapperOptionException extends Exception {
    /** With the message printed after {@code iperf3j: error - }. */
    public WrapperOptionException(String message) {
        super(message);
    }
}
