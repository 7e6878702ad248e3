package io.iperf3j.internal.engine.server;

import io.iperf3j.ServerEvent;

/**
 * How one test ended, for the operator log's end line: denied (authentication) over
 * refused (its parameters) over cut (an end reason) over ok; the reason with its detail;
 * the user; what the client asked for; the bytes moved each way.
 */
final class TestVerdict {
    private boolean denied;
    private boolean refused;
    private String endReason;
    private String detail;
    private String user;
    private ServerLog.TestShape shape = ServerLog.TestShape.UNKNOWN;
    private long sent;
    private long received;

    /** The client failed authentication. */
    void deny() {
        denied = true;
    }

    boolean denied() {
        return denied;
    }

    /** The parameters were refused (SERVER_ERROR sent). */
    void refuse() {
        refused = true;
    }

    /** Why the test ended early (null: it completed). */
    void endReason(String reason) {
        endReason = reason;
    }

    String endReason() {
        return endReason;
    }

    /** What the operator log adds to the reason, in parentheses. */
    void detail(String text) {
        detail = text;
    }

    void user(String name) {
        user = name;
    }

    String user() {
        return user;
    }

    void shape(ServerLog.TestShape s) {
        shape = s;
    }

    ServerLog.TestShape shape() {
        return shape;
    }

    /** Adds a stream's bytes to the side it moved them. */
    void count(boolean sending, long bytes) {
        if (sending) {
            sent += bytes;
        } else {
            received += bytes;
        }
    }

    long sent() {
        return sent;
    }

    long received() {
        return received;
    }

    /** Denied, refused, cut or ok. */
    ServerEvent.Result result() {
        if (denied) {
            return ServerEvent.Result.DENIED;
        } else if (refused) {
            return ServerEvent.Result.REFUSED;
        } else if (endReason == null) {
            return ServerEvent.Result.OK;
        }
        return ServerEvent.Result.CUT;
    }

    /** "reason (detail)", either alone, or null. */
    String reason() {
        if (detail != null) {
            return endReason == null ? detail : endReason + " (" + detail + ")";
        }
        return endReason;
    }
}
