package io.iperf3j.session.internal.connect;

import io.iperf3j.session.Connection;
import io.iperf3j.session.SessionException.ConnectionError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A UNIX socket of this machine as a {@link Connection.HostSocket} (a local host's host-slots service): non-blocking,
 * so that {@link InputStream#available()} can say what arrived, and -1 at its end, as an SSH channel's stream does.
 * Threads: one caller at a time (its host agent's lock).
 */
final class LocalSocket implements Connection.HostSocket {
    private final SocketChannel channel;
    private final ByteBuffer pending = ByteBuffer.allocate(4096).flip();
    private boolean ended;

    private LocalSocket(SocketChannel channel) {
        this.channel = channel;
    }

    /** Connects to {@code path}, within {@code timeout}. */
    static LocalSocket open(String path, Duration timeout) throws ConnectionError, InterruptedException {
        SocketChannel c = null;
        try {
            c = SocketChannel.open(StandardProtocolFamily.UNIX);
            c.configureBlocking(false);
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean connected = c.connect(UnixDomainSocketAddress.of(path));
            while (!connected) {
                if (System.nanoTime() > deadline) {
                    throw new ConnectionError("connecting to " + path + " took more than " + timeout.toMillis() + " ms");
                }
                Thread.sleep(1);
                connected = c.finishConnect();
            }
            return new LocalSocket(c);
        } catch (IOException e) {
            closeQuietly(c);
            throw new ConnectionError("cannot connect to " + path + ": " + e.getMessage(), e);
        } catch (ConnectionError | InterruptedException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static void closeQuietly(SocketChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing to keep
            }
        }
    }

    /** Reads what has arrived into {@code pending}, without blocking; notes the end. */
    private void fill() throws IOException {
        if (ended || pending.hasRemaining()) {
            return;
        }
        pending.clear();
        int n = channel.read(pending);
        pending.flip();
        if (n < 0) {
            ended = true;
        }
    }

    private final InputStream in = new InputStream() {
        @Override
        public int available() throws IOException {
            fill();
            return pending.hasRemaining() ? pending.remaining() : ended ? -1 : 0;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                fill();
                if (pending.hasRemaining()) {
                    int n = Math.min(len, pending.remaining());
                    pending.get(b, off, n);
                    return n;
                }
                if (ended) {
                    return -1;
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
            }
        }
    };

    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                if (channel.write(buf) == 0) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted");
                    }
                }
            }
        }
    };

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }
}
