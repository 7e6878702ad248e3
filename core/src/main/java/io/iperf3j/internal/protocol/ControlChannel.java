package io.iperf3j.internal.protocol;

import io.iperf3j.internal.json.JsonObject;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The control connection of one test, non-blocking and registered with the test's
 * selector so the test thread can wait for control bytes, timers and wake-ups at
 * once. Reading is incremental: {@link #fill()} takes what the socket has, the
 * {@code poll...} methods decode whole frames from it (see {@link ControlFrames}).
 * The inbound buffer grows only for a JSON frame the caller asked for, and only up
 * to that call's limit, so a peer cannot make it grow without bound.
 */
public final class ControlChannel implements Closeable {
    private static final int INITIAL_BUFFER = 4096;
    private static final long WRITE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final SocketChannel channel;
    private final SelectionKey key;
    /** Bytes read and not yet decoded; kept in write mode between calls. */
    private ByteBuffer inbound = ByteBuffer.allocate(INITIAL_BUFFER);
    private boolean endOfStream;
    private long bytesRead;

    /**
     * Takes over a connected channel: makes it non-blocking and registers it for reads.
     */
    public ControlChannel(SocketChannel channel, Selector selector) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.key = channel.register(selector, SelectionKey.OP_READ, this);
    }

    /** Bytes already read before this object took over (e.g. a cookie read by the acceptor's peek); rarely used. */
    public void pushBack(byte[] bytes) {
        ensureSpace(bytes.length);
        inbound.put(bytes);
    }

    public SocketChannel socketChannel() {
        return channel;
    }

    public SelectionKey selectionKey() {
        return key;
    }

    public InetSocketAddress remoteAddress() throws IOException {
        return (InetSocketAddress) channel.getRemoteAddress();
    }

    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /**
     * Reads whatever the socket has now.
     *
     * @return bytes read, 0 if none, or -1 once the peer has closed its side
     */
    public int fill() throws IOException {
        if (endOfStream) {
            return -1;
        }
        if (!inbound.hasRemaining()) {
            // The caller decodes after every fill, so a full buffer means bytes nobody
            // asked for: allow some slack, never unbounded growth.
            if (inbound.capacity() >= ControlFrames.MAX_RESULTS_LENGTH + 4) {
                throw new IOException("control connection sent more than " + inbound.capacity() + " undecoded bytes");
            }
            ensureSpace(INITIAL_BUFFER);
        }
        int n = channel.read(inbound);
        if (n < 0) {
            endOfStream = true;
        } else {
            bytesRead += n;
        }
        return n;
    }

    /** Whether the peer closed its side and every byte it sent has been decoded. */
    public boolean exhausted() {
        return endOfStream && inbound.position() == 0;
    }

    /** Whether the peer has closed its side (some bytes may still wait to be decoded). */
    public boolean endOfStream() {
        return endOfStream;
    }

    /** Bytes read from the peer so far (activity for idle timeouts). */
    public long bytesRead() {
        return bytesRead;
    }

    /** Drops every undecoded byte (a test that has ended reads nothing more it would act on). */
    public void discardBuffered() {
        inbound.clear();
    }

    /** Whether undecoded bytes are buffered. */
    public boolean hasBufferedBytes() {
        return inbound.position() > 0;
    }

    /** The next state byte (signed), or {@link ControlFrames#NEED_MORE}. */
    public long pollState() {
        inbound.flip();
        try {
            return ControlFrames.tryReadState(inbound);
        } finally {
            inbound.compact();
        }
    }

    /** The next big-endian int32, or {@link ControlFrames#NEED_MORE}. */
    public long pollInt32() {
        inbound.flip();
        try {
            return ControlFrames.tryReadInt32(inbound);
        } finally {
            inbound.compact();
        }
    }

    /**
     * The next JSON frame, or null while it is incomplete. Makes room for the whole
     * frame once its length is known and within {@code maxLength}.
     */
    public JsonObject pollJson(int maxLength) throws MalformedFrameException {
        inbound.flip();
        JsonObject result;
        long announced;
        try {
            result = ControlFrames.tryReadJson(inbound, maxLength);
            announced = result == null ? ControlFrames.peekJsonLength(inbound) : -1;
        } finally {
            inbound.compact();
        }
        if (result == null && announced > 0) {
            int frame = (int) (4 + announced);
            if (inbound.capacity() < frame) {
                ensureSpace(frame - inbound.position());
            }
        }
        return result;
    }

    /** Sends one state byte. */
    public void sendState(ControlState state) throws IOException {
        write(ControlFrames.encodeState(state));
    }

    /** Sends a length-prefixed JSON message. */
    public void sendJson(JsonObject object) throws IOException {
        write(ControlFrames.encodeJson(object));
    }

    /** Sends raw bytes (cookie, SERVER_ERROR frames). */
    public void write(ByteBuffer bytes) throws IOException {
        long deadline = System.nanoTime() + WRITE_TIMEOUT_NANOS;
        long backoff = 20_000;
        while (bytes.hasRemaining()) {
            if (channel.write(bytes) == 0) {
                // Control messages are small; a full send buffer means the peer is not
                // reading. Back off briefly rather than block the test thread forever.
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("control connection write timed out");
                }
                LockSupport.parkNanos(backoff);
                backoff = Math.min(backoff * 2, 10_000_000);
            }
        }
    }

    private void ensureSpace(int extra) {
        if (inbound.remaining() >= extra) {
            return;
        }
        int needed = inbound.position() + extra;
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(needed, inbound.capacity() * 2));
        inbound.flip();
        bigger.put(inbound);
        inbound = bigger;
    }

    @Override
    public void close() throws IOException {
        key.cancel();
        channel.close();
    }
}
