package io.iperf3j.internal.engine;

import io.iperf3j.Transport;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.protocol.TestParameters;
import io.iperf3j.internal.stats.TestMode;
import io.iperf3j.internal.stats.TestRecord;

/**
 * A test's settings are the parameters the client sends: the client records what
 * it sends, the server what it receives, through this one mapping, so both sides
 * describe the same test the same way.
 */
public final class TestSettings {
    private TestSettings() {
    }

    /**
     * Copies the parameters into the record. The mode is this side's: a client
     * sends unless reverse, a server receives unless reverse.
     */
    public static void apply(TestRecord rec, TestParameters p, boolean client) {
        rec.protocol = p.udp() ? Transport.UDP : Transport.TCP;
        rec.reverse = p.reverse();
        rec.bidirectional = p.bidirectional();
        if (p.bidirectional()) {
            rec.mode = TestMode.BIDIRECTIONAL;
        } else if (p.reverse()) {
            rec.mode = client ? TestMode.RECEIVER : TestMode.SENDER;
        } else {
            rec.mode = client ? TestMode.SENDER : TestMode.RECEIVER;
        }
        rec.parallel = p.parallel();
        rec.omit = p.omit();
        rec.duration = p.time();
        rec.bytes = p.num();
        rec.blocks = p.blockcount();
        rec.blockSize = p.len() > 0 ? p.len()
                : p.udp() ? IperfOptions.DEFAULT_UDP_BLOCKSIZE : IperfOptions.DEFAULT_TCP_BLOCKSIZE;
        rec.window = p.window();
        rec.mssRequested = p.mss();
        rec.noDelayRequested = p.nodelay();
        rec.targetBitrate = p.bandwidth();
        rec.fqRate = p.fqrate();
        rec.burst = p.burst();
        rec.pacingTimer = p.pacingTimer();
        rec.tos = p.tos();
        rec.title = p.title();
        rec.extraData = p.extraData();
        rec.congestionRequested = p.congestion();
        rec.getServerOutput = p.getServerOutput();
        rec.udpCounters64 = p.udpCounters64();
        rec.dontFragment = p.dontFragment();
        rec.repeatingPayload = p.repeatingPayload();
        rec.zeroCopy = p.zerocopy();
        rec.skipRxCopy = p.skipRxCopy();
        rec.mptcp = p.mptcp();
        rec.gso = p.gso() != null && p.gso().gso() > 0;
        rec.gro = p.gso() != null && p.gso().gro() > 0;
        rec.serverAffinity = p.serverAffinity();
    }
}
