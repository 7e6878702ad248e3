package io.iperf3j.internal.stats;

import io.iperf3j.Direction;

/**
 * What one test knows about one stream: identity, the latest interval, and the
 * running totals the summary is built from. It mirrors iperf3's per-stream result
 * fields so that the summary arithmetic can follow iperf3 3.12 step by step.
 *
 * <p>Owned by the test's own thread: the engine writes it while sampling, the
 * reporters read it on the same thread. Stream worker threads never touch it.
 */
public final class StreamRecord {
    private final int id;
    private final int socketNumber;
    private final Direction direction;
    private final String localHost;
    private final int localPort;
    private final String remoteHost;
    private final int remotePort;

    /** Latest interval recorded, or null before the first. */
    public IntervalRecord lastInterval;
    /** Whether the latest interval is the first since the stream's start (iperf3 prints the header then). */
    public boolean lastIntervalIsFirst;

    // Totals in iperf3's terms (iperf_stream_result); see the protocol doc section 9.
    public long bytesSent;
    public long bytesReceived;
    public long bytesSentOmit;
    /** TCP: total retransmits after the omit period (sending side with TCP_INFO), or the peer's figure. */
    public long streamRetrans;
    public boolean hasRetransmitInfo;
    public long maxRtt;
    public long minRtt = Long.MAX_VALUE;
    public long sumRtt;
    public long countRtt;
    public long maxSndCwnd;
    public long maxSndWnd;
    /** TCP sender: the last interval's {@code tcpi_reord_seen} (iperf3 3.21's {@code stream_reorder}); 0 until read. */
    public long streamReorder;
    /** Seconds this side measured for the stream (start to last sample). */
    public double endTime;
    /** Sender's and receiver's measured durations, from this side or the peer's results; NaN until known. */
    public double senderTime = Double.NaN;
    public double receiverTime = Double.NaN;

    // UDP (iperf_stream fields)
    public long packetCount;
    public long peerPacketCount;
    public long omittedPacketCount;
    public long cntError;
    public long omittedCntError;
    public long outOfOrderPackets;
    public long omittedOutOfOrderPackets;
    public double jitter;

    public StreamRecord(int id, int socketNumber, Direction direction,
                        String localHost, int localPort, String remoteHost, int remotePort) {
        this.id = id;
        this.socketNumber = socketNumber;
        this.direction = direction;
        this.localHost = localHost;
        this.localPort = localPort;
        this.remoteHost = remoteHost;
        this.remotePort = remotePort;
    }

    /** iperf3's stream id: 1, 3, 4, 5, ... (2 is never used). */
    public int id() {
        return id;
    }

    /** The "socket" number iperf3 prints; a file descriptor in C, a stable made-up number here. */
    public int socketNumber() {
        return socketNumber;
    }

    public Direction direction() {
        return direction;
    }

    public boolean sending() {
        return direction == Direction.SENDER;
    }

    public String localHost() {
        return localHost;
    }

    public int localPort() {
        return localPort;
    }

    public String remoteHost() {
        return remoteHost;
    }

    public int remotePort() {
        return remotePort;
    }

    /** Mean RTT in microseconds as iperf3 prints it (integer division), 0 without samples. */
    public long meanRtt() {
        return countRtt == 0 ? 0 : sumRtt / countRtt;
    }

    /** Min RTT, 0 without samples (iperf3 prints its initial value only when it has samples). */
    public long minRttOrZero() {
        return countRtt == 0 ? 0 : minRtt;
    }
}
