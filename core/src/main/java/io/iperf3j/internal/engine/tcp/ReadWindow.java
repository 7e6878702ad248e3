package io.iperf3j.internal.engine.tcp;

import io.iperf3j.internal.engine.RateShare;
import io.iperf3j.sys.NativeSocket;
import io.iperf3j.sys.TcpInfo;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The receive buffer of a read-paced TCP stream (a server's {@code --total-rate} share): sized
 * to the share times the connection's round trip, and kept so as the share and the round trip
 * change.
 *
 * <p>Read pacing holds a client to its share through TCP's flow control: the server reads at the
 * share, its buffer fills and the window closes. For the share to be reached, the window has to
 * hold what is in flight while a read's window update travels to the client and its data comes
 * back: the share × RTT. A fixed buffer (it was 50 ms of the share) caps a far client below its
 * share (37 of 100 Mbit/s at 150 ms), and a large one lets a near client send that much ahead of
 * the share when it starts. So the buffer asked for ({@code SO_RCVBUF}) is
 * {@link #size the share × (2 × RTT + 50 ms)}, at least 64 KiB: twice the round trip, because
 * the round trip grows when a queue builds and a buffer that runs dry loses rate for good; 50 ms
 * for the reader's own delays, as much as its pacer lets it catch up ({@code Pacer}'s credit): a
 * descheduled thread on a loaded host then still finds the data it is owed. (With 20 ms, four
 * uploads at 20-150 ms RTT on a loaded 2-core host got 28-41 of 50 Mbit/s, the nearest least.) The kernel doubles what
 * is asked for its bookkeeping and advertises a window of about half to three quarters of that.
 *
 * <p>The RTT is the larger of TCP_INFO's {@code tcpi_rtt} (from the handshake: a receiver sends
 * no data, so it gets no later samples) and {@code tcpi_rcv_rtt} (the receiver's own estimate,
 * which follows the path's queueing under load). It is read when the stream is accepted and
 * then {@link #follow every 200 ms}; the buffer is set again when the size grew by more than an
 * eighth (a larger share, a longer RTT). It never shrinks: the kernel never withdraws a window it
 * offered, so data already on its way for the old window would arrive at a buffer too small for
 * it, and the kernel drops what it cannot queue. A share that fell keeps its buffer; the reader
 * still reads at the share, so the client is held to it all the same.
 *
 * <p>The kernel caps {@code SO_RCVBUF} at {@code net.core.rmem_max} (208 KiB on a stock Linux,
 * 4 MiB on the VM the figures in docs/server.md come from); a larger size sets that cap, which
 * bounds how far the share holds (docs/server.md). The kernel's autotuning is no way around it:
 * left to it, a read-paced buffer grew to 16 MB at 150 ms, the client's window outgrew the path's
 * queue, and the upload got half its share with thousands of retransmissions. A client's
 * {@code -w} smaller than the size stands (it asked for less).
 *
 * <p>Threads: made and first sized by the thread that accepts the stream, before its worker
 * starts; then owned by the stream's worker, which calls {@link #follow} between reads.
 */
public final class ReadWindow {
    /** The least buffer asked for. */
    static final int FLOOR = 64 * 1024;
    /** The most buffer asked for (the kernel's cap is usually lower). */
    static final int CEILING = 32 * 1024 * 1024;
    /** Added to twice the RTT: the reader's own delays, up to its pacer's credit ({@code Pacer.MAX_CREDIT_NANOS}). */
    static final long SLACK_MICROS = 50_000;
    /** How often the worker looks at the share and the RTT again. */
    static final long FOLLOW_EVERY_NANOS = 200_000_000L;
    private static final Path RMEM_MAX = Path.of("/proc/sys/net/core/rmem_max");

    private final SocketChannel channel;
    private final NativeSocket socket;
    private final RateShare share;
    /** The client's {@code -w} (already set on the socket), or 0. */
    private final int asked;
    /** The most {@code SO_RCVBUF} the kernel grants. */
    private final long kernelMax;
    /** The size last set, or 0 while the kernel's default stands. */
    private int set;
    private long nextFollowNanos;

    private ReadWindow(SocketChannel channel, NativeSocket socket, RateShare share, int asked, long kernelMax) {
        this.channel = channel;
        this.socket = socket;
        this.share = share;
        this.asked = asked;
        this.kernelMax = kernelMax;
    }

    /**
     * Sizes the buffer of a just-accepted read-paced stream (nothing while the share sets no
     * rate yet) and returns the window its worker keeps following.
     *
     * @param socket the socket's native handle for TCP_INFO, or null (then the size has no RTT in it)
     * @param asked the client's {@code -w}, already set on the socket, or 0
     */
    public static ReadWindow accepted(SocketChannel channel, NativeSocket socket, RateShare share, int asked)
            throws IOException {
        return accepted(channel, socket, share, asked, kernelMax());
    }

    /** {@link #accepted(SocketChannel, NativeSocket, RateShare, int)} with the kernel's cap given (tests). */
    static ReadWindow accepted(SocketChannel channel, NativeSocket socket, RateShare share, int asked, long kernelMax)
            throws IOException {
        ReadWindow w = new ReadWindow(channel, socket, share, asked, kernelMax);
        w.resize();
        w.nextFollowNanos = System.nanoTime() + FOLLOW_EVERY_NANOS;
        return w;
    }

    /**
     * {@code max(64 KiB, min(32 MiB, share × (2 × rtt + 50 ms)))} in bytes; 0 (leave it alone)
     * while the share sets no rate.
     */
    static int size(long bitsPerSecond, long rttMicros) {
        if (bitsPerSecond <= 0) {
            return 0;
        }
        double bytes = bitsPerSecond / 8.0 * (2 * Math.max(0, rttMicros) + SLACK_MICROS) / 1e6;
        return (int) Math.max(FLOOR, Math.min(CEILING, bytes));
    }

    /** Called by the worker between reads: every 200 ms, grows the buffer if the share or the RTT grew. */
    void follow(long nowNanos) throws IOException {
        if (nowNanos - nextFollowNanos < 0) {
            return;
        }
        nextFollowNanos = nowNanos + FOLLOW_EVERY_NANOS;
        resize();
    }

    /** The size last set on the socket, 0 while the kernel's own stands (tests). */
    int current() {
        return set;
    }

    private void resize() throws IOException {
        int size = size(share.streamBitsPerSecond(), rttMicros());
        if (size == 0 || (asked > 0 && asked <= size)) {
            return; // no rate yet, or the client's smaller -w stands
        }
        int target = (int) Math.min(size, kernelMax);
        if (set == 0 || target > set + set / 8) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, target);
            set = target;
        }
    }

    /** The larger of the handshake's RTT and the receiver's own estimate, in µs; 0 when unknown. */
    private long rttMicros() {
        Optional<TcpInfo> info = socket == null ? Optional.empty() : socket.tcpInfo();
        return info.map(i -> Math.max(i.rttMicros(), i.rcvRttMicros())).orElse(0L);
    }

    /** {@code net.core.rmem_max}: what the kernel grants {@code SO_RCVBUF} at most; unbounded if unreadable. */
    static long kernelMax() {
        // Files.readString trusts the size a /proc file reports (0) and returned its first byte only
        try (BufferedReader r = Files.newBufferedReader(RMEM_MAX)) {
            return Long.parseLong(r.readLine().trim());
        } catch (IOException | RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }
}
