package io.iperf3j.server;

import io.iperf3j.internal.protocol.Cookie;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A hand-driven control (or data) connection: writes exactly the bytes a test wants, reads what comes back. */
final class RawPeer implements AutoCloseable {
    static final byte PARAM_EXCHANGE = 9;
    static final byte CREATE_STREAMS = 10;
    static final byte TEST_START = 1;
    static final byte TEST_RUNNING = 2;
    static final byte SERVER_ERROR = (byte) 0xFE;
    static final byte ACCESS_DENIED = (byte) 0xFF;

    final Socket socket;
    final Cookie cookie;
    private final InputStream in;
    private final OutputStream out;

    RawPeer(int port, Cookie cookie) throws IOException {
        this("127.0.0.1", port, cookie);
    }

    /** Connects from source address {@code from} (127.0.0.N: another client address). */
    RawPeer(String from, int port, Cookie cookie) throws IOException {
        this.cookie = cookie;
        socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Connects and sends a fresh cookie. */
    static RawPeer control(int port) throws IOException {
        return control("127.0.0.1", port);
    }

    /** Connects from {@code from} and sends a fresh cookie. */
    static RawPeer control(String from, int port) throws IOException {
        RawPeer p = new RawPeer(from, port, Cookie.random());
        p.write(p.cookie.wireBytes());
        return p;
    }

    /** Connects, sends a fresh cookie and reads PARAM_EXCHANGE. */
    static RawPeer atParameters(int port) throws IOException {
        RawPeer p = control(port);
        assertThat(p.readByte(5000)).as("PARAM_EXCHANGE").isEqualTo(PARAM_EXCHANGE);
        return p;
    }

    RawPeer write(byte[] b) throws IOException {
        out.write(b);
        out.flush();
        return this;
    }

    RawPeer writeInt(int v) throws IOException {
        return write(ByteBuffer.allocate(4).putInt(v).array());
    }

    /** A JSON frame: the length prefix, then the text as UTF-8. */
    RawPeer writeJson(String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return writeInt(body.length).write(body);
    }

    /** The next byte, or -1 at EOF; fails after the timeout. */
    int readByteOrEof(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        return in.read();
    }

    byte readByte(int timeoutMs) throws IOException {
        int b = readByteOrEof(timeoutMs);
        assertThat(b).as("a byte before EOF").isNotNegative();
        return (byte) b;
    }

    int readInt(int timeoutMs) throws IOException {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (readByte(timeoutMs) & 0xFF);
        }
        return v;
    }

    /** Everything until the server closes, failing if it does not within the timeout. */
    byte[] readToEof(int timeoutMs) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        byte[] buf = new byte[4096];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("the server did not close within " + timeoutMs + " ms");
            }
            socket.setSoTimeout((int) left);
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server did not close within " + timeoutMs + " ms", e);
            } catch (IOException e) {
                return all.toByteArray(); // a reset counts as closed
            }
            if (n < 0) {
                return all.toByteArray();
            }
            all.write(buf, 0, n);
        }
    }

    /** Expects SERVER_ERROR with this iperf3 error number (and errno 0), then the close. */
    void expectServerErrorThenClose(int code, int timeoutMs) throws IOException {
        byte[] rest = readToEof(timeoutMs);
        ByteBuffer expected = ByteBuffer.allocate(9).put(SERVER_ERROR).putInt(code).putInt(0);
        assertThat(rest).as("SERVER_ERROR %d then close", code).isEqualTo(expected.array());
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
