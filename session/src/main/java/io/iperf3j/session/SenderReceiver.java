package io.iperf3j.session;

import java.util.Objects;

/**
 * The two nodes of one test: the sender runs the iperf client, the receiver the server.
 *
 * @param sender the node that sends (iperf client)
 * @param receiver the node that receives (iperf server)
 */
public record SenderReceiver(Node sender, Node receiver) {
    /** Checks both are present and different. */
    public SenderReceiver {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(receiver, "receiver");
        if (sender.id().equals(receiver.id())) {
            throw new IllegalArgumentException("a node cannot send to itself: " + sender.id());
        }
    }
}
