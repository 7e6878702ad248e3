package io.iperf3j.internal.stats;

import io.iperf3j.Transport;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.options.IperfOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the reports of one test are made from: its settings as both sides
 * agreed them, identity (cookie, peers, times), the streams, and what the peer
 * sent back. It plays the part of the reporting half of iperf3's
 * {@code struct iperf_test}.
 *
 * <p>Owned by the test's thread, which both fills it and runs the reporters; not
 * thread-safe and not meant to be.
 */
public final class TestRecord {
    public final boolean client;
    /** This side's options (a server's own command line; a client's whole test). */
    public final IperfOptions localOptions;

    // The test's settings, from the client's options or the received parameters.
    public Transport protocol = Transport.TCP;
    public TestMode mode = TestMode.SENDER;
    public int parallel = 1;
    public int blockSize;
    public int omit;
    public int duration;
    public long bytes;
    public long blocks;
    public boolean reverse;
    public boolean bidirectional;
    public int tos;
    public long targetBitrate;
    /** {@code --fq-rate}, bits/s; 0 = unset (3.21 prints it as {@code fq_rate} and {@code fqrate}). */
    public long fqRate;
    public int window;
    /** {@code -M} value sent by the client, 0 if none. */
    public int mssRequested;
    public String title;
    public String extraData;
    public boolean getServerOutput;
    public boolean udpCounters64;
    /** {@code --dont-fragment}: IPv4 DF on UDP data sockets. */
    public boolean dontFragment;
    public String congestionRequested;
    public boolean noDelayRequested;
    public boolean repeatingPayload;
    public boolean zeroCopy;
    /** {@code --skip-rx-copy} (iperf3 3.19+): receiving streams discard data with MSG_TRUNC. */
    public boolean skipRxCopy;
    /** {@code -m} (iperf3 3.19+): TCP data streams over IPPROTO_MPTCP. */
    public boolean mptcp;
    /** UDP segmentation offload for sending streams, from 3.21's {@code gso} parameter ({@code --gsro}). */
    public boolean gso;
    /** UDP GRO for receiving streams, from 3.21's {@code gro} parameter ({@code --gsro}). */
    public boolean gro;
    /** The CPU the server's streams of this test run on ({@code -A n,m}'s m), or -1. */
    public int serverAffinity = -1;
    public int burst;
    public int pacingTimer;
    /** Client with {@code --latency}: the probe's figures; null when the option is off. */
    public LatencyRecord latency;

    // Identity
    public String cookie;
    public String connectingHost;
    public int connectingPort;
    public String acceptedHost;
    public int acceptedPort;
    public String timestampText;
    /** When the test was set up, ms since the epoch ({@code timesecs} is this / 1000, as in iperf3 3.21). */
    public long timestampMillis;
    /** Control connection MSS ({@code tcp_mss_default}); 0 when unknown, always 0 on a server as iperf3. */
    public int controlMss;
    /** Buffer sizes read back per data socket: (sock_bufsize, sndbuf_actual, rcvbuf_actual) triples. */
    public final List<int[]> socketBuffers = new ArrayList<>();

    public final List<StreamRecord> streams = new ArrayList<>();

    /** 1 if this side sends TCP and reads retransmits, 0 if it sends without them, -1 if it only receives. */
    public int senderHasRetransmits = -1;
    /** In bidir mode, the peer's {@code sender_has_retransmits}. */
    public int otherSideHasRetransmits;
    public String congestionUsed;
    public String remoteCongestionUsed;
    public CpuUtilization localCpu = CpuUtilization.ZERO;
    public CpuUtilization remoteCpu = CpuUtilization.ZERO;

    /** Whether the {@code -O} period is running. */
    public boolean omitting;
    /** Whether the test reached TEST_START. */
    public boolean started;
    /** Whether the test is past TEST_END (reports then print "the last interval" and the summary). */
    public boolean ended;
    /** Whether this side's summary can include the peer's figures (client after the results exchange). */
    public boolean peerResultsKnown;

    /** Server output returned by {@code --get-server-output}: one of these, or neither. */
    public JsonObject serverOutputJson;
    /** {@code --why} was asked for: by this client's option, or (server) by the client's parameters. */
    public boolean whyWanted;
    /** {@code --why}: this side's streams' figures at the results exchange (internal.why's probes). */
    public List<io.iperf3j.internal.why.WhyProbe> localWhy = List.of();
    /** {@code --why}: the peer's streams' figures from its results; empty when it sent none. */
    public List<io.iperf3j.internal.why.WhyProbe> peerWhy = List.of();
    /** Whether the peer's results had an {@code iperf3j_why} object. */
    public boolean peerSentWhy;
    /** {@code --why}: a real iperf3 server's sending streams as its returned output shows them; may be empty. */
    public List<io.iperf3j.internal.why.SenderReport> peerReports = List.of();
    /** {@code --why}: the verdicts, set by the client before it reports the test's end; null otherwise. */
    public io.iperf3j.Why why;
    public String serverOutputText;

    public TestRecord(boolean client, IperfOptions localOptions) {
        this.client = client;
        this.localOptions = localOptions;
    }

    /** Streams this side sends on, in creation order. */
    public List<StreamRecord> sendingStreams() {
        return streams.stream().filter(StreamRecord::sending).toList();
    }

    /** Streams this side receives on, in creation order. */
    public List<StreamRecord> receivingStreams() {
        return streams.stream().filter(s -> !s.sending()).toList();
    }
}
