package io.iperf3j.link;

/** What a send did. A message that can never fit a datagram is refused with an exception instead. */
public sealed interface SendResult {
    /** Queued; {@code bytes} is its size on the wire (transport header included). */
    record Queued(int bytes) implements SendResult {
    }

    /** Not queued: the out-buffer already holds its bound of messages (the peer is not acking or reading). */
    record BufferFull(int queuedMessages) implements SendResult {
    }

    /** Not queued: the endpoint is not connected. */
    record NotConnected(LinkState state) implements SendResult {
    }

    /** Whether the message was queued. */
    default boolean queued() {
        return this instanceof Queued;
    }
}
