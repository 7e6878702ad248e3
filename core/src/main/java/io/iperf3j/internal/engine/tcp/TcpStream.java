package io.iperf3j.internal.engine.tcp;

import io.iperf3j.internal.engine.DataStream;
import io.iperf3j.internal.engine.Pacer;
import io.iperf3j.internal.engine.SocketBuffers;
import io.iperf3j.internal.engine.TransferBudget;
import io.iperf3j.sys.NativeSocket;
import io.iperf3j.sys.TcpInfo;
import io.iperf3j.sys.TcpReceiver;
import io.iperf3j.sys.TcpSender;
import io.iperf3j.sys.ZeroCopyPayload;
import io.iperf3j.internal.stats.StreamRecord;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A TCP data stream: a {@link SocketChannel} and one reused direct buffer (or, with
 * {@code -Z}, a nameless file sent with one {@code sendfile} per block: {@link ZeroCopyPayload};
 * without FFM, a temporary file sent with {@code FileChannel.transferTo}). The sender writes
 * whole blocks; the receiver counts whole blocks read, as iperf3 3.16+ does.
 *
 * <p>The sender's socket blocks: the worker thread sleeps in {@code send} until the socket
 * can take bytes. It sends through the descriptor where FFM can ({@link TcpSender}: the buffer by
 * its address, none of a channel's locks and bookkeeping per call, which under C1 were half of an
 * unpaced sending thread's user time, issue 68), else through the blocking channel's {@code write}.
 * A non-blocking channel with a selector per stream (iperf3's select loop) was
 * measured beside it on 2026-11-23 against iperf3 3.21 and was no faster
 * (docs/design/performance.md, "TCP: blocking channels"), so it was removed.
 *
 * <p>A receiver reads through the descriptor where FFM can ({@link TcpReceiver}): a {@code recv} that
 * waits at most {@link #MAX_RECEIVE_WAIT_MS} ({@code SO_RCVTIMEO}), one call a wake-up as 3.21's blocking
 * {@code read}. That lets it wait for a whole block ({@link ReceiveLowWater}: one wake-up per block
 * instead of one per arriving segment) and still read a stream's last, partial block, once the wait's
 * bound passes or the stream ends. Where the bound cannot be set it reads without waiting and waits in
 * {@code poll}; without FFM it reads through its blocking channel.
 *
 * <p>Either worker makes native calls on the buffer's address and the descriptor number, so the
 * stream wakes it and lets it leave before either is given back ({@link #closeChannel}, and
 * DataStream's memory rule).
 */
public final class TcpStream extends DataStream {
    /** Longest wait of a descriptor-level receiver in recv or poll, so a stop request is seen. */
    public static final int MAX_RECEIVE_WAIT_MS = 100;
    private final SocketChannel channel;
    private final ByteBuffer buffer;
    private final int blockSize;
    /** {@code -Z} without FFM: a temporary file the channel's {@code transferTo} sends; else null. */
    private final FileChannel zeroCopySource;
    /** {@code -Z}: the nameless file sent with {@code sendfile} through {@link #nativeSocket}; else null. */
    private final ZeroCopyPayload zeroCopyPayload;
    /** The {@code -b} pacer of a sender, the {@code --total-rate} share's pacer of a server's receiver, or null. */
    private final Pacer pacer;
    /** A read-paced receiver's buffer, which follows its share and RTT; else null. */
    private final ReadWindow window;
    /** The pacer's stop test, made once (a lambda per block would allocate). */
    private final BooleanSupplier stopCheck = () -> stopRequested;
    private final TransferBudget budget;
    /** The socket's native handle for TCP_INFO, or null where it cannot be had. */
    private final NativeSocket nativeSocket;
    /** TCP_INFO read just before the socket was closed, or null: see {@link #tcpInfo()}. */
    private volatile TcpInfo infoAtClose;
    /** SO_SNDBUF read just before the socket was closed, or -1. */
    private volatile int sendBufferAtClose = -1;
    private volatile int receiveBufferAtClose = -1;
    /**
     * A receiver's descriptor-level reads (copying, or {@code --skip-rx-copy}'s MSG_TRUNC); null for a
     * sender, or where FFM cannot be used (then the channel reads).
     */
    private final TcpReceiver receiver;
    /** A sender's descriptor-level writes; null for a receiver, with {@code -Z}, or where FFM cannot be used (then the channel writes). */
    private final TcpSender sender;
    /** A receiver's wake-up per block ({@link ReceiveLowWater}), or null. */
    private final ReceiveLowWater lowWater;

    /**
     * @param zeroCopySource {@code -Z} without FFM: the temporary file {@code transferTo} sends, or null
     * @param zeroCopyPayload {@code -Z}: the nameless file sent with {@code sendfile} (needs {@code nativeSocket}), or null
     * @param budget the test's {@code -n}/{@code -k} budget (sending) or receive
     *        limit (receiving client), or null
     * @param pacer the {@code -b} pacer for a sender; for a receiver the read pacer of a server's
     *        {@code --total-rate} share; or null
     * @param window the read pacer's receive buffer, or null
     * @param receiver a receiver's descriptor-level reader (copying, or {@code --skip-rx-copy}'s), or
     *        null to read through the channel
     * @param sender a sender's descriptor-level writer, or null to write through the channel
     * @param wakePerBlock a receiver of a paced sender whose buffer is autotuned (no {@code -w}) and not
     *        read-paced: it sets {@code SO_RCVLOWAT} to the block once the buffer is large
     *        ({@link ReceiveLowWater}; the choice is StreamFactory's {@code wakesPerBlock})
     * @param memory the arena {@code buffer} lives in, freed by the stream when its worker is done, or null
     */
    public TcpStream(StreamRecord record, Runnable wakeTest, SocketChannel channel, ByteBuffer buffer,
              FileChannel zeroCopySource, ZeroCopyPayload zeroCopyPayload, Pacer pacer, ReadWindow window,
              TransferBudget budget, NativeSocket nativeSocket, TcpReceiver receiver, TcpSender sender, boolean wakePerBlock,
              Arena memory)
            throws IOException {
        super(record, wakeTest, memory);
        this.receiver = receiver;
        this.sender = sender;
        this.nativeSocket = nativeSocket;
        this.channel = channel;
        this.buffer = buffer;
        this.blockSize = buffer.capacity();
        this.zeroCopySource = zeroCopySource;
        this.zeroCopyPayload = zeroCopyPayload;
        if (zeroCopyPayload != null && nativeSocket == null) {
            throw new IllegalArgumentException("a -Z payload file needs the socket's descriptor");
        }
        this.pacer = pacer;
        this.window = window;
        this.budget = budget;
        this.lowWater = wakePerBlock && receiver != null
                ? new ReceiveLowWater(nativeSocket, blockSize, this::receiveBufferBytes) : null;
        channel.configureBlocking(true);
    }

    SocketChannel channel() {
        return channel;
    }

    @Override
    protected void transfer() throws IOException {
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
            if (pacer != null && !pacer.awaitTurn(sent, stopCheck)) {
                return;
            }
            if (zeroCopyPayload != null) {
                long position = 0;
                while (position < blockSize) {
                    long n = zeroCopyPayload.sendTo(nativeSocket, position, blockSize - position);
                    if (n == ZeroCopyPayload.EINTR || n == ZeroCopyPayload.EAGAIN) {
                        continue;
                    }
                    if (n < 0) {
                        if (stopRequested) {
                            count(position); // the part of the block that left is sent
                            return;
                        }
                        throw new IOException(zeroCopyPayload.errorText(n));
                    }
                    position += n;
                }
            } else if (zeroCopySource != null) {
                long position = 0;
                while (position < blockSize) {
                    long n = zeroCopySource.transferTo(position, blockSize - position, channel);
                    position += n;
                    if (n == 0 && stopRequested) {
                        count(position); // the part of the block that left is sent
                        return;
                    }
                }
            } else if (sender != null) {
                long position = 0;
                while (position < blockSize) {
                    long n = sender.send(position); // blocks until the socket took part of the block
                    if (n == TcpSender.EINTR) {
                        continue;
                    }
                    if (n < 0) {
                        if (stopRequested) {
                            return; // woken mid-block: uncounted, as a channel's write that failed was
                        }
                        throw new IOException(sender.errorText(n));
                    }
                    position += n;
                }
            } else {
                buffer.clear();
                while (buffer.hasRemaining()) {
                    channel.write(buffer); // blocks until the socket took part of the block
                }
            }
            sent += blockSize;
            count(blockSize);
        }
    }

    /**
     * Reads whole blocks, as iperf3 3.16+ does ({@code Nrecv_no_select} loops until it
     * has {@code blksize} bytes): a block counts, and takes from a receiving client's
     * {@code -n}/{@code -k} limit, once its last byte is read, so a receiver never counts
     * part of a block its sender has not finished writing (3.21's threads count a block
     * when its write returns). A partial block at the end of the stream counts as it is.
     * After a stop request the worker reads no further block (iperf3's receiver threads
     * end with the test), so a sender blocked in a write stays uncounted on both sides.
     * With a read pacer the worker waits for each block's turn before reading it, and keeps the
     * receive buffer sized to the share and the RTT ({@link ReadWindow}).
     */
    private void receive() throws IOException {
        final Pacer p = pacer;
        if (p != null) {
            p.start(System.nanoTime());
        }
        long received = 0;
        int inBlock = 0;
        while (!stopRequested) {
            // Read pacing (a server's --total-rate share): the next block is read only when
            // it is due, so the receive buffer fills, the window closes and TCP's flow
            // control holds the client's sender to the share.
            if (p != null && inBlock == 0) {
                if (!p.awaitTurn(received, stopCheck)) {
                    return;
                }
                if (window != null) {
                    window.follow(System.nanoTime());
                }
            }
            int n = receiver != null ? receiveNative(blockSize - inBlock) : read(blockSize - inBlock);
            if (n == 0) {
                continue;
            }
            if (n < 0) {
                if (inBlock > 0 && counting) {
                    count(inBlock);
                }
                endReached();
                return;
            }
            inBlock += n;
            received += n;
            if (inBlock == blockSize) {
                inBlock = 0;
                if (lowWater != null) {
                    lowWater.blockRead();
                }
                if (counting) {
                    count(blockSize);
                    if (budget != null && budget.arrived(blockSize, 1)) {
                        endReached();
                    }
                }
            }
        }
    }

    /** Reads up to {@code max} bytes ({@code max} > 0): the count, or -1 at end of stream. */
    private int read(int max) throws IOException {
        buffer.clear().limit(max);
        return channel.read(buffer);
    }

    /**
     * Like {@link #read}, through the descriptor ({@link TcpReceiver}; with {@code --skip-rx-copy} the
     * kernel drops the bytes instead of copying them): 0 after a wait of at most {@link #MAX_RECEIVE_WAIT_MS}
     * (in the receiver's {@code recv}, or here in {@code poll}) when nothing (with the low-water mark:
     * less than a block) came.
     */
    private int receiveNative(int max) throws IOException {
        long r = receiver.receive(max);
        if (r == TcpReceiver.EAGAIN || r == TcpReceiver.EINTR) {
            if (!receiver.waits()) {
                receiver.awaitReadable(MAX_RECEIVE_WAIT_MS);
            }
            return 0;
        }
        if (r < 0) {
            throw new IOException(receiver.errorText(r));
        }
        return r == 0 ? -1 : (int) r;
    }

    @Override
    protected void closeChannel() {
        // A worker that calls send, sendfile (-Z) or recv/poll on the descriptor number: wake it
        // (shutdown(SHUT_WR) for a sender, as the JDK's close does for a blocked writer;
        // shutdown(SHUT_RD) for a receiver), and close only once it has left (the close is the
        // worker's if it takes longer than a second; see closeAfterWorker).
        Runnable wake = zeroCopyPayload != null ? () -> ZeroCopyPayload.wakeSender(nativeSocket)
                : sender != null ? sender::wakeUp
                : receiver != null ? receiver::wakeUp : null;
        if (wake == null) {
            closeNow();
            return;
        }
        closeAfterWorker(() -> {
            if (channel.isOpen()) {
                stopRequested = true;
                wake.run();
            }
        }, this::closeNow, 1_000_000_000L);
    }

    /**
     * The socket's TCP_INFO; once the socket is closed, as it was just before. A test's last
     * sample is taken after its senders stop, and a sender still blocked in a write then (a peer
     * that stopped reading at TEST_END) has had its socket closed: iperf3 reads that sample with
     * the socket open, so its retransmits and window must still be there. Empty where TCP_INFO
     * cannot be had.
     */
    public Optional<TcpInfo> tcpInfo() {
        if (nativeSocket == null) {
            return Optional.empty();
        }
        Optional<TcpInfo> now = nativeSocket.tcpInfo();
        return now.isPresent() ? now : Optional.ofNullable(infoAtClose);
    }

    /** {@code SO_SNDBUF} as the kernel holds it (autotuned); once closed, as it was just before; -1 if unknown. */
    public int sendBufferBytes() {
        return bufferNow(true, sendBufferAtClose);
    }

    /** {@code SO_RCVBUF} as the kernel holds it (autotuned); once closed, as it was just before; -1 if unknown. */
    public int receiveBufferBytes() {
        return bufferNow(false, receiveBufferAtClose);
    }

    /** A buffer's size read now while the socket is open, else (or when the read fails) {@code atClose}. */
    private int bufferNow(boolean send, int atClose) {
        if (channel.isOpen()) {
            try {
                return send ? SocketBuffers.sendBuffer(channel) : SocketBuffers.receiveBuffer(channel);
            } catch (IOException | RuntimeException e) {
                return atClose;
            }
        }
        return atClose;
    }

    private void closeNow() {
        if (nativeSocket != null && channel.isOpen()) {
            infoAtClose = nativeSocket.tcpInfo().orElse(null);
        }
        if (channel.isOpen()) {
            try {
                sendBufferAtClose = SocketBuffers.sendBuffer(channel);
                receiveBufferAtClose = SocketBuffers.receiveBuffer(channel);
            } catch (IOException | RuntimeException ignored) {
                // -1: unknown
            }
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is best effort; the stream is over either way
        }
        if (zeroCopyPayload != null) {
            zeroCopyPayload.close();
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
