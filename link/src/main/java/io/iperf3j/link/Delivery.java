package io.iperf3j.link;

/** How a message is sent. */
public enum Delivery {
    /** At most once, no ack, no resend; may arrive out of order. */
    UNRELIABLE,
    /** Exactly once (resent until acked, duplicates dropped); may arrive out of order. */
    RELIABLE,
    /** Exactly once and in the order sent, relative to the other ordered messages of the link. */
    ORDERED
}
