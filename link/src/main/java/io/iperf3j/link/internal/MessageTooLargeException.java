package io.iperf3j.link.internal;

/** A message whose encoding can never fit in one datagram. */
public final class MessageTooLargeException extends IllegalArgumentException {
    public MessageTooLargeException(String message) {
        super(message);
    }
}
