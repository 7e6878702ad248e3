package io.iperf3j.link.internal;

import io.iperf3j.link.Wire;

/** The link's own messages, type ids 2..10 as in legume. */
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

    public record KeepAliveResponse(@Wire.U16 int id) {
    }

    public record Disconnected() {
    }

    /** legume's field is a signed int32 holding the acked message id (0..65535). */
    public record MessageAck(int messageToAck) {
    }

    public record Ping(@Wire.U16 int id) {
    }

    public record Pong(@Wire.U16 int id) {
    }
}
