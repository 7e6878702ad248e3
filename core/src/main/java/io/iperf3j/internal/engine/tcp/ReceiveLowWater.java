package io.iperf3j.internal.engine.tcp;

import io.iperf3j.sys.NativeSocket;

import java.util.function.IntSupplier;

/**
 * A TCP receiver woken once per block, not once per arriving burst of segments: {@code
 * SO_RCVLOWAT} set to the block size, so the receiver's wait in {@code recv} ({@link
 * io.iperf3j.sys.TcpReceiver}) returns only when a whole block is there (or the stream ended, or the
 * wait's 100 ms bound passed: a stream's last, partial block is then read as it is, as it was when
 * the wait was a {@code poll}). The receiver counts whole blocks anyway ({@link TcpStream}'s {@code receive}),
 * so every count, interval and result stays as it was; what changes is how often the thread
 * wakes: a paced 128 KiB block arrives as two or three segments, and each woke the reader. A
 * long-lived server receiving a 3.21 client's {@code -b 5G}: 0.032 → 0.015–0.019 CPU s per Gbit
 * between two namespaces, 0.029 → 0.017–0.020 on loopback (docs/design/cpu-per-bit.md).
 *
 * <p>Why not at once: Linux's {@code tcp_set_rcvlowat} grows a buffer smaller than the value
 * needs and then clamps the window to the value, and autotuning, which grows with what the
 * reader takes per round trip, never lifted it again: on a 50 ms path at 500 Mbit/s a receiver
 * that set it on its fresh 128 KiB buffer moved 14.6 Mbit/s instead of 380. So it is set only
 * once the autotuned buffer holds {@link #MIN_BLOCKS_IN_BUFFER} blocks (the kernel then neither
 * grows nor clamps, and the window stays many blocks wide, so the sender never waits on a block
 * the reader holds back), checked every {@link #CHECK_EVERY_BLOCKS} blocks. Never with {@code
 * -w} (a buffer fixed by the user, which a low-water mark could fill) nor with a read pacer
 * (the server's {@code --total-rate}, whose {@link io.iperf3j.internal.engine.ReadWindow} sizes
 * the buffer to the share), nor when the sender is not paced ({@code -b}): an unpaced sender keeps
 * the reader behind, so whole blocks are queued anyway, and the mark only adds acknowledgements
 * (issue 68; the decision and its figures are {@code StreamFactory.wakesPerBlock}).
 *
 * <p>Thread: the stream's worker only.
 */
final class ReceiveLowWater {
    /** The buffer, in blocks, at which the mark is set. */
    static final int MIN_BLOCKS_IN_BUFFER = 8;
    /** How many blocks pass between two reads of the buffer's size. */
    static final int CHECK_EVERY_BLOCKS = 64;

    private final NativeSocket socket;
    private final int blockSize;
    private final IntSupplier receiveBuffer;
    private int blocksUntilCheck = 1;
    private boolean settled;

    /**
     * @param socket the stream's socket, or null (then nothing is ever set)
     * @param receiveBuffer the buffer's size now as the kernel holds it ({@code SO_RCVBUF}), -1 if unknown
     */
    ReceiveLowWater(NativeSocket socket, int blockSize, IntSupplier receiveBuffer) {
        this.socket = socket;
        this.blockSize = blockSize;
        this.receiveBuffer = receiveBuffer;
        this.settled = socket == null || blockSize <= 1;
    }

    /** After each whole block read: now and then, sets the mark once the buffer is large enough. */
    void blockRead() {
        if (settled || --blocksUntilCheck > 0) {
            return;
        }
        blocksUntilCheck = CHECK_EVERY_BLOCKS;
        int buffer = receiveBuffer.getAsInt();
        if (buffer < 0 || (long) buffer < (long) MIN_BLOCKS_IN_BUFFER * blockSize) {
            return;
        }
        settled = true;
        try {
            socket.setReceiveLowWater(blockSize);
        } catch (RuntimeException e) {
            // A socket closed meanwhile, or a kernel without the option: the reader wakes as before.
        }
    }

    /** Whether the mark was set (or given up). */
    boolean settled() {
        return settled;
    }
}
