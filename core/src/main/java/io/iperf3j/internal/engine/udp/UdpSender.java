package io.iperf3j.internal.engine.udp;

import java.io.IOException;

/**
 * How a UDP stream sends its datagrams: one {@code write} per datagram through the
 * JDK ({@link PlainUdpSender}) or {@code sendmmsg} batches and UDP segmentation offload
 * through FFM ({@link BatchedUdpSender}). Both stamp iperf3's header, follow the
 * stream's {@code -b} pacer and {@code -n}/{@code -k} budget, and publish the sequence
 * number as the packet count. Run on the stream's thread only.
 */
sealed interface UdpSender permits PlainUdpSender, BatchedUdpSender {
    /** How a send loop ended. */
    enum End {
        /** The stream was asked to stop (or is closing). */
        STOPPED,
        /** The test's {@code -n}/{@code -k} budget has no datagram left for this stream. */
        BUDGET_SPENT
    }

    /** Sends until the stream stops or the budget is spent. */
    End run() throws IOException;

    /** The system call this sender uses, for {@code -d} output. */
    String ioPath();
}
