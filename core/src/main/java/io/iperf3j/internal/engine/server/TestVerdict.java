package io.iperf3j.internal.engine.server;

import io.iperf3j.ServerEvent;
import io.iperf3j.internal.protocol.ErrorCode;

/**
 * How one test ended, for the operator log's end line: denied (authentication) over
 * refused (its parameters) over cut (an end reason) over ok; the reason with its detail;
 * the user; what the client asked for; the bytes moved each way.
 */
final class TestVerdict {
    private boolean denied;
    private boolean refused;
    private String endReason;
    /** The end's class, once a site that knows it has said; null: from the result and the error code. */
    private ServerEvent.EndReason end;
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

    /** Why the test ends, as a class (the first site that says wins: it knows best). */
    void end(ServerEvent.EndReason e) {
        if (end == null) {
            end = e;
        }
    }

    /** The class of an end for iperf3's error {@code code}, unless a site already said. */
    void endFrom(ErrorCode code) {
        end(classOf(code, refused));
    }

    /** The class of a test ended (or refused) with iperf3's error {@code code}. */
    static ServerEvent.EndReason classOf(ErrorCode code, boolean refused) {
        return switch (code) {
            case SERVER_TEST_DURATION_EXPIRED, MAX_SERVER_TEST_DURATION_EXCEEDED -> ServerEvent.EndReason.MAX_DURATION;
            case TOTAL_RATE -> ServerEvent.EndReason.RATE_LIMIT;
            case NO_MSG -> ServerEvent.EndReason.IDLE_TIMEOUT;
            case MESSAGE -> ServerEvent.EndReason.PROTOCOL;
            case CLIENT_TERM -> ServerEvent.EndReason.CLIENT_TERMINATED;
            case SERVER_TERM -> ServerEvent.EndReason.SERVER_TERMINATED;
            case CTRL_CLOSE -> ServerEvent.EndReason.CLIENT_CLOSED;
            case AUTH_TEST -> ServerEvent.EndReason.AUTH;
            case CTRL_WRITE, CTRL_READ, SEND_MESSAGE, RECV_MESSAGE, STREAM_LISTEN, STREAM_WRITE ->
                    ServerEvent.EndReason.IO_ERROR;
            default -> refused ? ServerEvent.EndReason.PARAMETERS : ServerEvent.EndReason.OTHER;
        };
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

    /** The end's class: authentication over a site's word over the result's default. */
    ServerEvent.EndReason endClass() {
        ServerEvent.Result r = result();
        if (r == ServerEvent.Result.DENIED) {
            return ServerEvent.EndReason.AUTH;
        } else if (r == ServerEvent.Result.OK) {
            return ServerEvent.EndReason.COMPLETED;
        }
        return end != null ? end : ServerEvent.EndReason.of(r);
    }

    /** "reason (detail)", either alone, or null. */
    String reason() {
        if (detail != null) {
            return endReason == null ? detail : endReason + " (" + detail + ")";
        }
        return endReason;
    }
}
