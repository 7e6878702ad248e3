package io.iperf3j.session.internal.slots;

import io.iperf3j.session.Connection;
import io.iperf3j.session.SessionException.ConnectionError;
import io.iperf3j.session.internal.slots.SlotWire.Hello;
import io.iperf3j.session.internal.slots.SlotWire.Reply;
import io.iperf3j.session.internal.slots.SlotWire.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * A controller's connection to one host's host-slots service ({@link SlotService}), over the host's {@link Connection}
 * ({@link Connection#openSocket}: SSH's {@code direct-streamlocal}, or a local socket). Each request waits for its
 * reply at most {@link #REPLY_WAIT}; a connection that did not answer, or whose reply is not one, is closed and its
 * caller says so. Replies are looked for by polling {@link InputStream#available()}, as the host agent's are (a thread
 * blocked for good in a read holds a virtual thread's carrier).
 *
 * <p>Threads: one caller at a time (its host agent's lock).
 */
public final class SlotClient implements AutoCloseable {
    /** How long the service may take to greet and to answer. */
    public static final Duration REPLY_WAIT = Duration.ofSeconds(15);
    private final Connection.HostSocket socket;
    private final String account;
    private final byte[] line = new byte[SlotWire.MAX_LINE];
    private int have;

    private SlotClient(Connection.HostSocket socket, String account) {
        this.socket = socket;
        this.account = account;
    }

    /**
     * Connects to the service at {@code path} on the connection's host and reads its greeting.
     *
     * @throws UnsupportedOperationException if the connection cannot reach its host's sockets
     * @throws ConnectionError if the socket cannot be opened (the host's words: nothing listens, sshd does not allow it),
     *         or what answers is not the service
     */
    public static SlotClient open(Connection connection, String path, Duration timeout) throws ConnectionError, InterruptedException {
        Connection.HostSocket s = connection.openSocket(path, timeout);
        try {
            String first = readLine(s, new byte[SlotWire.MAX_LINE], new int[1], System.nanoTime() + timeout.toNanos());
            Optional<Reply> r = first == null ? Optional.empty() : SlotWire.reply(first);
            if (r.isPresent() && r.get() instanceof Hello h && h.version() >= 1) {
                return new SlotClient(s, h.user());
            }
            if (r.isPresent() && r.get() instanceof SlotWire.Refused e) {
                throw new ConnectionError("the host-slots service at " + path + " on " + connection.describe() + " refused: " + e.why());
            }
            throw new ConnectionError("what listens at " + path + " on " + connection.describe() + " is not the host-slots service"
                    + (first == null ? " (no greeting within " + timeout.toMillis() + " ms)" : ""));
        } catch (ConnectionError | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The account the service sees this controller as (the host's user it logs in as). */
    public String account() {
        return account;
    }

    /**
     * Sends {@code request} and returns the service's reply.
     *
     * @throws ConnectionError if it cannot be sent, no reply came within {@link #REPLY_WAIT}, or the reply is not one
     */
    public Reply ask(Request request) throws ConnectionError, InterruptedException {
        try {
            OutputStream out = socket.out();
            out.write((SlotWire.line(request) + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            throw new ConnectionError("the host-slots service's connection is gone: " + e.getMessage(), e);
        }
        int[] held = {have};
        String reply = readLine(socket, line, held, System.nanoTime() + REPLY_WAIT.toNanos());
        have = held[0];
        if (reply == null) {
            throw new ConnectionError("the host-slots service did not answer '" + SlotWire.line(request) + "' within "
                    + REPLY_WAIT.toSeconds() + " s, or its connection ended");
        }
        return SlotWire.reply(reply).orElseThrow(() -> new ConnectionError("the host-slots service's reply is not one: "
                + io.iperf3j.internal.subcommand.LogText.escape(reply)));
    }

    /**
     * The next line (without its newline) from {@code s}, the bytes of the next ones kept in {@code buf[0, have[0])}: null at
     * the end of the stream, at {@code deadline}, or when a line is longer than the buffer.
     */
    private static String readLine(Connection.HostSocket s, byte[] buf, int[] have, long deadline) throws InterruptedException {
        InputStream in = s.in();
        long pause = 1;
        while (true) {
            for (int i = 0; i < have[0]; i++) {
                if (buf[i] == '\n') {
                    String l = new String(buf, 0, i, StandardCharsets.ISO_8859_1);
                    System.arraycopy(buf, i + 1, buf, 0, have[0] - i - 1);
                    have[0] -= i + 1;
                    return l;
                }
            }
            if (have[0] == buf.length) {
                return null;
            }
            try {
                int n = in.available();
                if (n > 0) {
                    int k = in.read(buf, have[0], Math.min(n, buf.length - have[0]));
                    if (k < 0) {
                        return null;
                    }
                    have[0] += k;
                    pause = 1;
                    continue;
                }
                if (n < 0) {
                    return null;
                }
            } catch (IOException e) {
                return null;
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            Thread.sleep(pause);
            pause = Math.min(20, pause * 2);
        }
    }

    /** Closes the connection: the service frees every slot it held and forgets its waits. */
    @Override
    public void close() {
        socket.close();
    }
}
