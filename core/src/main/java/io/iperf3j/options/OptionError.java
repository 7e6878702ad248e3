package io.iperf3j.options;

import java.io.Serial;

/**
 * An option's value or combination refused; the message is the text iperf3j prints after
 * {@code "iperf3j: parameter error - "}.
 */
public final class OptionError extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public OptionError(String message) {
        super(message, null, false, false);
    }
}
