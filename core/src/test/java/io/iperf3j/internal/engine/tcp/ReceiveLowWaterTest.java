package io.iperf3j.internal.engine.tcp;

import io.iperf3j.sys.NativeSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The receiver's low-water mark on a real loopback TCP connection. */
class ReceiveLowWaterTest {
    private static final int BLOCK = 128 * 1024;
    private ServerSocketChannel listener;
    private SocketChannel writer;
    private SocketChannel reader;
    private NativeSocket readerSocket;

    @BeforeEach
    void connect() throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        writer = SocketChannel.open(listener.getLocalAddress());
        reader = listener.accept();
        readerSocket = NativeSocket.of(reader).orElseThrow();
    }

    @AfterEach
    void close() throws IOException {
        writer.close();
        reader.close();
        listener.close();
    }

    @Test
    void aBufferUnderEightBlocksLeavesTheMarkUnset() {
        AtomicInteger reads = new AtomicInteger();
        ReceiveLowWater w = new ReceiveLowWater(readerSocket, BLOCK, () -> {
            reads.incrementAndGet();
            return 8 * BLOCK - 1;
        });
        for (int i = 0; i < 1 + 3 * ReceiveLowWater.CHECK_EVERY_BLOCKS; i++) {
            w.blockRead();
        }
        assertThat(w.settled()).isFalse();
        assertThat(reads).hasValue(4); // the first block, then every 64th
        assertThat(readerSocket.receiveLowWater()).hasValue(1);
    }

    @Test
    void aBufferOfEightBlocksSetsTheMarkToTheBlockOnce() {
        AtomicInteger reads = new AtomicInteger();
        ReceiveLowWater w = new ReceiveLowWater(readerSocket, BLOCK, () -> {
            reads.incrementAndGet();
            return 8 * BLOCK;
        });
        w.blockRead();
        assertThat(w.settled()).isTrue();
        assertThat(readerSocket.receiveLowWater()).hasValue(BLOCK);
        for (int i = 0; i < 3 * ReceiveLowWater.CHECK_EVERY_BLOCKS; i++) {
            w.blockRead();
        }
        assertThat(reads).hasValue(1);
    }

    @Test
    void anUnknownBufferOrNoSocketSetsNothing() {
        ReceiveLowWater unknown = new ReceiveLowWater(readerSocket, BLOCK, () -> -1);
        unknown.blockRead();
        assertThat(unknown.settled()).isFalse();
        assertThat(readerSocket.receiveLowWater()).hasValue(1);
        ReceiveLowWater none = new ReceiveLowWater(null, BLOCK, () -> {
            throw new AssertionError("no socket: the buffer is never read");
        });
        none.blockRead();
        assertThat(none.settled()).isTrue();
    }

    /**
     * The kernel's side of the mark, through a blocking channel read: with the mark set, a read on
     * an empty queue returns only once a whole block is there, and at the end of the stream the
     * partial block that is left. (The stream itself waits in {@code poll} and reads without waiting,
     * so a partial block is never held back: TcpReceiverTest.)
     */
    @Test
    void withTheMarkAReadWaitsForAWholeBlockAndTheEndReturnsWhatIsLeft() throws Exception {
        new ReceiveLowWater(readerSocket, BLOCK, () -> 8 * BLOCK).blockRead();
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> read(BLOCK));
        Thread.sleep(100);
        write(BLOCK / 2);
        Thread.sleep(200);
        assertThat(first).as("half a block queued: the read still waits").isNotDone();
        write(BLOCK / 2 + BLOCK / 4);
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(BLOCK);
        writer.shutdownOutput();
        assertThat(read(BLOCK)).isEqualTo(BLOCK / 4);
        assertThat(read(BLOCK)).isEqualTo(-1);
    }

    private void write(int bytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(bytes);
        while (b.hasRemaining()) {
            writer.write(b);
        }
    }

    private int read(int max) {
        try {
            ByteBuffer b = ByteBuffer.allocateDirect(max);
            int n = reader.read(b);
            return n;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
