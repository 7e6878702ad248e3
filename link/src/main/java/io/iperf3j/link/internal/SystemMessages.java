package io.iperf3j.link.internal;

import io.iperf3j.link.Wire;

/** The link's own messages, type ids 2..10 as in legume, and 11 (PongHeld, this link's). */
public final class SystemMessages {
    private SystemMessages() {
    }

    public static final int CONNECT_REQUEST = 2;
    public static final int CONNECT_REJECTED = 3;
    public static final int CONNECT_ACCEPTED = 4;
    public static final int KEEP_ALIVE_REQUEST = 5;
    public static final int KEEP_ALIVE_RESPONSE = 6;
    public static final int DISCONNECTED = 7;
    public static final int MESSAGE_ACK = 8;
    public static final int PING = 9;
    public static final int PONG = 10;
    public static final int PONG_HELD = 11;
    /** First id free for user messages. */
    public static final int FIRST_USER_TYPE = 20;

    public record ConnectRequest(@Wire.U8 int protocol) {
    }

    public record ConnectRequestRejected() {
    }

    public record ConnectRequestAccepted() {
    }

    public record KeepAliveRequest(@Wire.U16 int id) {
    }

    /** {@code heldNanos}: how long the request waited at the answering socket (see {@link Pong}). */
    public record KeepAliveResponse(@Wire.U16 int id, int heldNanos) {
    }

    public record Disconnected() {
    }

    /** legume's field is a signed int32 holding the acked message id (0..65535). */
    public record MessageAck(int messageToAck) {
    }

    /** {@code zero}: four zero bytes, so that a ping is as big as its pong (nothing is amplified). */
    public record Ping(@Wire.U16 int id, int zero, boolean zeroFlag) {
    }

    /**
     * {@code heldNanos}: the time from the ping's arrival at the answering socket to the pong's
     * departure (the answerer's wake-up and work), which the pinger subtracts from its round trip.
     */
    public record Pong(@Wire.U16 int id, int heldNanos, boolean followUp) {
    }

    /**
     * The exact {@code heldNanos} of pong {@code id}, sent after it when the answerer's kernel stamps
     * sends (the pong's own figure is then the time up to the send call, this one up to the moment
     * the kernel took the datagram; a thread preempted in between makes them differ).
     */
    public record PongHeld(@Wire.U16 int id, int heldNanos) {
    }

    /** Offset of {@code heldNanos} in an encoded Pong or KeepAliveResponse message (header, type id, id). */
    public static final int HELD_OFFSET = DatagramCodec.HEADER + 1 + 2;
}
