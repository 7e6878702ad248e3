package io.iperf3j;

/**
 * What held a test's rate back ({@code --why}, docs/design/why.md): the one cause a verdict names.
 * {@link #key()} is its value in {@code end.iperf3j_why}; {@link #words()} follows "limited by" in the text block.
 */
public enum Cause {
    /** The congestion window: the path's capacity or its loss; nothing on either host lifts it. */
    PATH("path", "the path (congestion window)"),
    /** The window the receiver advertised, from its receive buffer ({@code tcp_rmem}, {@code -w}). */
    RECEIVER_WINDOW("receiver_window", "the receiver's window"),
    /** The sender's own send buffer ({@code tcp_wmem}, {@code -w}). */
    SENDER_BUFFER("sender_buffer", "the sender's buffer"),
    /**
     * UDP: the receiving socket's buffer ({@code SO_RCVBUF}, {@code net.core.rmem_max}, {@code -w}) was full and its
     * kernel dropped the datagrams the loss counts.
     */
    RECEIVER_BUFFER("receiver_buffer", "the receiver's socket buffer"),
    /** The sending thread had no CPU to spare: it ran, or waited to run, all the time. */
    SENDER_CPU("sender_cpu", "the sender's CPU"),
    /** The receiving thread had no CPU to spare. */
    RECEIVER_CPU("receiver_cpu", "the receiver's CPU"),
    /** The rate asked for ({@code -b}, {@code --fq-rate}) or an application that sent less. */
    PACING("pacing", "the pacing"),
    /** The figures cannot tell (a test too short, a sender whose counters could not be seen). */
    NOT_DETERMINED("not_determined", "not determined");

    private final String key;
    private final String words;

    Cause(String key, String words) {
        this.key = key;
        this.words = words;
    }

    /** The JSON value: {@code path}, {@code receiver_window}, ... */
    public String key() {
        return key;
    }

    /** The words after "limited by" (for {@link #NOT_DETERMINED}: the whole phrase). */
    public String words() {
        return words;
    }

    /** The words after "limited by" for a test of {@code transport}: UDP has no congestion window. */
    public String words(Transport transport) {
        return this == PATH && transport == Transport.UDP ? "the path" : words;
    }

    /** The cause whose {@link #key()} is {@code key}. */
    public static Cause ofKey(String key) {
        for (Cause c : values()) {
            if (c.key.equals(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no cause " + key);
    }
}
