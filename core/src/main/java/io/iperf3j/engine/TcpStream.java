package io.iperf3j.engine;

import io.iperf3j.net.NativeSocket;
import io.iperf3j.stats.StreamRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

/**
 * A TCP data stream: a blocking {@link SocketChannel} and one reused direct buffer
 * (or, with {@code -Z}, a file sent with {@code sendfile}). The sender writes whole
 * blocks; the receiver counts each successful read, as iperf3 does.
 */
final class TcpStream extends DataStream {
    private final SocketChannel channel;
    private final ByteBuffer buffer;
    private final int blockSize;
    private final FileChannel zeroCopySource;
    private final Pacer pacer;
    private final TransferBudget budget;
    /** The socket's native handle for TCP_INFO, or null where it cannot be had. */
    final NativeSocket nativeSocket;

    /**
     * @param budget the test's {@code -n}/{@code -k} budget (sending) or receive
     *        limit (receiving client), or null
     * @param pacer the {@code -b} pacer for a sender, or null
     */
    TcpStream(StreamRecord record, Runnable wakeTest, SocketChannel channel, ByteBuffer buffer,
              FileChannel zeroCopySource, Pacer pacer, TransferBudget budget, NativeSocket nativeSocket)
            throws IOException {
        super(record, wakeTest);
        this.nativeSocket = nativeSocket;
        this.channel = channel;
        this.buffer = buffer;
        this.blockSize = buffer.capacity();
        this.zeroCopySource = zeroCopySource;
        this.pacer = pacer;
        this.budget = budget;
        channel.configureBlocking(true);
    }

    SocketChannel channel() {
        return channel;
    }

    @Override
    void transfer() throws IOException {
        if (sending()) {
            send();
        } else {
            receive();
        }
    }

    private void send() throws IOException {
        if (pacer != null) {
            pacer.start(System.nanoTime());
        }
        long sent = 0;
        while (!stopRequested) {
            if (budget != null && !budget.take(blockSize)) {
                endReached();
                return;
            }
            if (pacer != null && !pacer.awaitTurn(sent, () -> stopRequested)) {
                return;
            }
            if (zeroCopySource != null) {
                long position = 0;
                while (position < blockSize) {
                    position += zeroCopySource.transferTo(position, blockSize - position, channel);
                }
            } else {
                buffer.clear();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            sent += blockSize;
            count(blockSize);
        }
    }

    private void receive() throws IOException {
        while (true) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                endReached();
                return;
            }
            if (counting && n > 0) {
                count(n);
                // A receiving client's -n/-k limit: iperf3 counts bytes and reads (one "block" per read).
                if (budget != null && budget.take(n) && budget.exhausted()) {
                    endReached();
                }
            }
        }
    }

    @Override
    void closeChannel() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is best effort; the stream is over either way
        }
        if (zeroCopySource != null) {
            try {
                zeroCopySource.close();
            } catch (IOException ignored) {
                // the temp file is already unlinked
            }
        }
    }
}
