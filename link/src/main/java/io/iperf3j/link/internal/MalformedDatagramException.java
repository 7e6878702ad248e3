package io.iperf3j.link.internal;

/** A datagram that is not a well-formed sequence of link messages; it is dropped whole. */
public final class MalformedDatagramException extends Exception {
    public MalformedDatagramException(String message) {
        super(message, null, false, false);
    }
}
