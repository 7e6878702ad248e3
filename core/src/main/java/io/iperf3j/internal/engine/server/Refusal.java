package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.engine.StreamFactory;
import io.iperf3j.internal.protocol.ControlState;
import io.iperf3j.internal.protocol.ErrorCode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** What a connection that gets no test is answered on the wire, as iperf3 answers it. */
enum Refusal {
    /** {@code --max-concurrent} (or {@code -1}) tests run already: ACCESS_DENIED. */
    BUSY,
    /** A data connection its test does not want (all its streams are in, or it runs): ACCESS_DENIED. */
    SURPLUS,
    /** No cookie in time, or closed before it: closed without a word. */
    NO_COOKIE,
    /** Too many connections wait for their cookie: closed without a word. */
    HANDSHAKE_CAP,
    /**
     * Authentication failed: SERVER_ERROR, the code and errno 0, then the close. 3.12's server
     * sends no errno; a 3.21 client then prints "errno: Unknown error 142" (it keeps the code in
     * its errno variable at EOF), so iperf3j sends the 0 that 3.21's own server sends.
     */
    AUTH,
    /**
     * {@code --allow}/{@code --deny} refused the address: the same answer as {@link #AUTH}, so the
     * client prints "test authorization failed" (no client-visible code names an address rule).
     * Written by the lobby, which drains the connection before its close.
     */
    NOT_ALLOWED,
    /**
     * {@code --cool-down}: the address's last test was cut for its rate. SERVER_ERROR 27, the code
     * of the cut itself, so an iperf3 client prints "total required bandwidth is larger than server
     * limit" again (no client-visible code names a cool-down). The errno word carries the seconds
     * left, negated ({@link #coolDown}): 3.21 prints an errno only above 0 ("SERVER ERROR - ...,
     * errno: ..."), 3.12 prints none, and neither appends one to code 27's text, so both print
     * what they print for errno 0, while iperf3j's client says when to try again.
     */
    COOL_DOWN;

    /** The cool-down's answer with its seconds left ({@code -seconds} as the errno), then the close. */
    static void coolDown(SocketChannel ch, long secondsLeft) {
        write(ch, serverError(ErrorCode.TOTAL_RATE, -(int) Math.min(Integer.MAX_VALUE, Math.max(1, secondsLeft))));
    }

    /** The bytes the client gets before the close (none for some). */
    ByteBuffer wire() {
        return switch (this) {
            case BUSY, SURPLUS -> ByteBuffer.wrap(new byte[] {ControlState.ACCESS_DENIED.wireByte()});
            case NO_COOKIE, HANDSHAKE_CAP -> ByteBuffer.allocate(0);
            case AUTH, NOT_ALLOWED -> serverError(ErrorCode.AUTH_TEST, 0);
            case COOL_DOWN -> serverError(ErrorCode.TOTAL_RATE, 0);
        };
    }

    private static ByteBuffer serverError(ErrorCode code, int errno) {
        return ByteBuffer.allocate(9).put(ControlState.SERVER_ERROR.wireByte()).putInt(code.number()).putInt(errno).flip();
    }

    /** Writes the answer (best effort: the client sees the close either way), then closes. */
    void answer(SocketChannel ch) {
        write(ch, wire());
    }

    private static void write(SocketChannel ch, ByteBuffer b) {
        if (b.hasRemaining()) {
            try {
                ch.write(b);
            } catch (IOException ignored) {
                // refused either way
            }
        }
        StreamFactory.closeQuietly(ch);
    }
}
