package io.iperf3j.internal.why;

import io.iperf3j.Transport;
import io.iperf3j.Why;
import io.iperf3j.WhyFigures;
import io.iperf3j.internal.stats.CpuUtilization;
import io.iperf3j.internal.stats.StreamRecord;
import io.iperf3j.internal.stats.TestRecord;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * Pairs each stream's sender and receiver figures ({@link WhyProbe}s of this side and of the peer) with the test's
 * record into {@link WhyFigures}, per stream and per direction, and has {@link WhyRules} decide each.
 */
public final class WhyAssembler {
    private WhyAssembler() {
    }

    /**
     * The verdicts of a test that ended.
     *
     * @param rec the test's record, the peer's results applied
     * @param local this side's probes
     * @param peer the peer's probes; empty when it sent none (a real iperf3, or an iperf3j server not asked)
     * @param peerSentWhy whether the peer's results had an {@code iperf3j_why} object at all
     */
    public static Why assemble(TestRecord rec, List<WhyProbe> local, List<WhyProbe> peer, boolean peerSentWhy) {
        return assemble(rec, local, peer, peerSentWhy, List.of());
    }

    /**
     * The verdicts of a test that ended, with what a real iperf3 server's returned output says of its sending
     * streams ({@link SenderReport}, in its order) for those whose sender sent no probe.
     */
    public static Why assemble(TestRecord rec, List<WhyProbe> local, List<WhyProbe> peer, boolean peerSentWhy,
                               List<SenderReport> reports) {
        Map<Boolean, List<Part>> byDirection = new TreeMap<>((a, b) -> Boolean.compare(b, a)); // client's sending first
        int peerSending = 0;
        for (StreamRecord s : rec.streams) {
            boolean senderIsClient = rec.client == s.sending();
            Part p = part(rec, s, local, peer, peerSentWhy);
            if (!s.sending() && rec.client) {
                SenderReport r = peerSending < reports.size() ? reports.get(peerSending) : null;
                withReport(p, r == null || rec.controlMss <= 0 ? r : r.withSegments(s.bytesReceived / rec.controlMss));
                peerSending++;
            }
            byDirection.computeIfAbsent(senderIsClient, k -> new ArrayList<>()).add(p);
        }
        List<Why.DirectionWhy> directions = new ArrayList<>();
        for (Map.Entry<Boolean, List<Part>> e : byDirection.entrySet()) {
            List<Part> parts = e.getValue();
            Why.Verdict all = WhyRules.decide(figures(rec, parts), report(parts));
            List<Why.StreamWhy> streams = new ArrayList<>();
            for (Part p : parts) {
                Why.Verdict v = WhyRules.decide(p.figures(rec), report(List.of(p)));
                streams.add(new Why.StreamWhy(p.id, p.socket, v));
            }
            directions.add(new Why.DirectionWhy(e.getKey(), all, streams.size() > 1 ? streams : List.of()));
        }
        return new Why(directions);
    }

    /** One stream's raw figures, kept as counts so a direction's sums can be made. */
    private static final class Part {
        boolean sending;
        int id;
        int socket;
        double seconds;
        double bits;
        OptionalLong busy = OptionalLong.empty();
        OptionalLong rwnd = OptionalLong.empty();
        OptionalLong sndbufLimited = OptionalLong.empty();
        OptionalLong rtt = OptionalLong.empty();
        OptionalLong window = OptionalLong.empty();
        OptionalLong cwnd = OptionalLong.empty();
        OptionalLong sndBuf = OptionalLong.empty();
        WhyProbe senderThread;
        WhyProbe receiverThread;
        OptionalDouble senderCpu = OptionalDouble.empty();
        OptionalDouble receiverCpu = OptionalDouble.empty();
        long lost;
        long packets;
        OptionalLong drops = OptionalLong.empty();
        OptionalLong rcvBuf = OptionalLong.empty();
        OptionalLong srtt = OptionalLong.empty();
        OptionalLong rcvCeiling = OptionalLong.empty();
        OptionalLong sndCeiling = OptionalLong.empty();
        OptionalLong blocked = OptionalLong.empty();
        OptionalLong shaper = OptionalLong.empty();
        OptionalLong overlimits = OptionalLong.empty();
        long senderCores;
        long receiverCores;
        long retransmits = -1;
        long segments;
        boolean local;
        final List<String> unseen = new ArrayList<>();

        SenderReport report;

        WhyFigures figures(TestRecord rec) {
            return WhyAssembler.figures(rec, List.of(this));
        }
    }

    /**
     * A stream whose sender (a real iperf3 server) sent no probe: its returned output's congestion window, and with
     * {@code -J} on that server its send window and smallest RTT, stand in for what its TCP_INFO would have said.
     */
    private static void withReport(Part p, SenderReport r) {
        if (r == null || p.busy.isPresent() || r.intervals().isEmpty()) {
            return;
        }
        p.report = r;
        p.cwnd = r.cwndMax();
        if (r.sndWndMax().isPresent()) {
            p.window = r.sndWndMax();
        }
        if (r.minRttMicros().isPresent()) {
            p.rtt = r.minRttMicros();
        }
        p.unseen.replaceAll(u -> u.startsWith("the sender's TCP_INFO") ? "the sender's TCP_INFO chronos, send buffer"
                + " and thread: the server is not an iperf3j (its returned output, read for --why, gave its "
                + "retransmits and congestion window" + (r.sndWndMax().isPresent() ? ", send window and RTT" : "")
                + " only)" : u);
    }

    /** The direction's sender reports as one, when every stream has one. */
    private static java.util.Optional<SenderReport> report(List<Part> parts) {
        List<SenderReport> rs = new ArrayList<>();
        for (Part p : parts) {
            if (p.report == null) {
                return java.util.Optional.empty();
            }
            rs.add(p.report);
        }
        return rs.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(SenderReport.sum(rs));
    }

    private static Part part(TestRecord rec, StreamRecord s, List<WhyProbe> local, List<WhyProbe> peer,
                             boolean peerSentWhy) {
        Part p = new Part();
        p.sending = s.sending();
        p.id = s.id();
        p.socket = s.socketNumber();
        p.local = oneHost(s.localHost(), s.remoteHost());
        WhyProbe mine = find(local, s.id());
        WhyProbe theirs = find(peer, s.id());
        WhyProbe sender = s.sending() ? mine : theirs;
        WhyProbe receiver = s.sending() ? theirs : mine;
        CpuUtilization senderCpu = s.sending() ? rec.localCpu : rec.remoteCpu;
        CpuUtilization receiverCpu = s.sending() ? rec.remoteCpu : rec.localCpu;
        // the receiver's bytes over the receiver's time, as iperf3's receiver line (a sender's own time ends before
        // the last bytes are read)
        p.seconds = s.sending() && s.receiverTime > 0 ? s.receiverTime : s.endTime;
        p.bits = p.seconds > 0 ? s.bytesReceived * 8.0 / p.seconds : 0;
        p.senderCpu = rec.peerResultsKnown || s.sending() ? OptionalDouble.of(senderCpu.total()) : OptionalDouble.empty();
        p.receiverCpu = rec.peerResultsKnown || !s.sending() ? OptionalDouble.of(receiverCpu.total())
                : OptionalDouble.empty();
        String peerName = rec.client ? "the server" : "the client";
        String notSent = peerSentWhy ? peerName + " sent no figures for this stream"
                : peerName + " is not an iperf3j of this version (it sent no iperf3j_why figures)";
        if (sender != null) {
            p.busy = sender.busyMicros();
            p.rwnd = sender.rwndLimitedMicros();
            p.sndbufLimited = sender.sndbufLimitedMicros();
            p.rtt = sender.minRttMicros();
            p.window = positive(sender.sndWndMax());
            p.cwnd = positive(sender.cwndMax());
            p.sndBuf = positive(sender.sndBuf());
            p.senderThread = sender.runNanos().isPresent() ? sender : null;
            p.srtt = positive(sender.srttMicros());
            p.sndCeiling = positive(sender.bufCeiling());
            p.blocked = sender.sendBlockedNanos();
            p.shaper = positive(sender.qdiscRate());
            p.overlimits = sender.qdiscOverlimits();
            p.senderCores = plausibleCores(sender.cores());
        } else {
            p.unseen.add(rec.protocol == Transport.UDP ? "the sender's thread: " + notSent
                    : "the sender's TCP_INFO and thread: " + notSent);
        }
        boolean retransmitsKnown = s.sending() ? rec.senderHasRetransmits == 1 : rec.peerResultsKnown && s.streamRetrans >= 0
                && (rec.senderHasRetransmits == 1 || rec.otherSideHasRetransmits == 1);
        if (rec.protocol == Transport.TCP && retransmitsKnown && rec.controlMss > 0) {
            p.retransmits = s.streamRetrans;
            p.segments = s.bytesReceived / rec.controlMss;
        }
        if (receiver != null) {
            if (p.rtt.isEmpty()) {
                p.rtt = positive(receiver.rcvRttMicros());
            }
            if (p.window.isEmpty()) {
                p.window = positive(receiver.rcvWnd());
            }
            p.receiverThread = receiver.runNanos().isPresent() ? receiver : null;
            p.drops = receiver.socketDrops();
            p.rcvBuf = positive(receiver.rcvBuf());
            p.rcvCeiling = positive(receiver.bufCeiling());
            p.receiverCores = plausibleCores(receiver.cores());
            if (p.srtt.isEmpty()) {
                p.srtt = positive(receiver.rcvRttMicros());
            }
        } else {
            p.unseen.add("the receiver's thread: " + notSent + "; its process CPU stands in");
        }
        if (rec.protocol == Transport.UDP && receiver == null && rec.window > 0) {
            // a real iperf3 receiver sets SO_RCVBUF to -w, which the kernel doubles: its buffer, though unseen
            p.rcvBuf = OptionalLong.of(2L * rec.window);
            p.unseen.add("the receiver's socket buffer: taken as -w's size (" + rec.window + " bytes, doubled by the"
                    + " kernel), not read");
        }
        if (rec.protocol == Transport.UDP) {
            p.lost = s.cntError;
            p.packets = s.sending() ? s.packetCount : Math.max(s.packetCount, s.peerPacketCount);
            if (receiver != null && p.drops.isEmpty()) {
                p.unseen.add("the receiving socket's drop counter (SK_MEMINFO_DROPS): not readable here");
            }
        }
        return p;
    }

    private static WhyFigures figures(TestRecord rec, List<Part> parts) {
        double seconds = 0;
        double bits = 0;
        long busy = 0;
        long rwnd = 0;
        long sndbuf = 0;
        boolean chronos = true;
        long rttSum = 0;
        int rttN = 0;
        long window = 0;
        long cwnd = 0;
        long buf = 0;
        boolean hasWindow = true;
        boolean hasCwnd = true;
        boolean hasBuf = true;
        WhyProbe busiestSender = null;
        WhyProbe busiestReceiver = null;
        double senderCpu = -1;
        double receiverCpu = -1;
        long lost = 0;
        long packets = 0;
        long drops = 0;
        boolean hasDrops = true;
        long rcvBuf = 0;
        boolean hasRcvBuf = true;
        long srttSum = 0;
        int srttN = 0;
        long rcvCeiling = 0;
        boolean hasRcvCeiling = true;
        long sndCeiling = 0;
        boolean hasSndCeiling = true;
        long blocked = 0;
        boolean hasBlocked = true;
        long shaper = Long.MAX_VALUE;
        long overlimits = -1;
        long senderCores = Long.MAX_VALUE;
        long receiverCores = Long.MAX_VALUE;
        long retransmits = 0;
        long segments = 0;
        boolean hasRetransmits = true;
        Set<String> unseen = new LinkedHashSet<>();
        for (Part p : parts) {
            seconds = Math.max(seconds, p.seconds);
            bits += p.bits;
            if (p.busy.isPresent()) {
                busy += p.busy.getAsLong();
                rwnd += p.rwnd.orElse(0);
                sndbuf += p.sndbufLimited.orElse(0);
            } else {
                chronos = false;
            }
            if (p.rtt.isPresent()) {
                rttSum += p.rtt.getAsLong();
                rttN++;
            }
            hasWindow &= p.window.isPresent();
            window += p.window.orElse(0);
            hasCwnd &= p.cwnd.isPresent();
            cwnd += p.cwnd.orElse(0);
            hasBuf &= p.sndBuf.isPresent();
            buf += p.sndBuf.orElse(0);
            busiestSender = busier(busiestSender, p.senderThread);
            busiestReceiver = busier(busiestReceiver, p.receiverThread);
            senderCpu = Math.max(senderCpu, p.senderCpu.orElse(-1));
            receiverCpu = Math.max(receiverCpu, p.receiverCpu.orElse(-1));
            lost += p.lost;
            packets += p.packets;
            hasDrops &= p.drops.isPresent();
            drops += p.drops.orElse(0);
            hasRcvBuf &= p.rcvBuf.isPresent();
            rcvBuf = Math.max(rcvBuf, p.rcvBuf.orElse(0));
            if (p.srtt.isPresent()) {
                srttSum += p.srtt.getAsLong();
                srttN++;
            }
            // a direction's streams share the sysctls and -w: one ceiling, the buffers' largest against it
            hasRcvCeiling &= p.rcvCeiling.isPresent();
            rcvCeiling = Math.max(rcvCeiling, p.rcvCeiling.orElse(0));
            hasSndCeiling &= p.sndCeiling.isPresent();
            sndCeiling = Math.max(sndCeiling, p.sndCeiling.orElse(0));
            hasBlocked &= p.blocked.isPresent();
            blocked = Math.max(blocked, p.blocked.orElse(0));
            // the streams share the host's interface: its shaper's rate once, its overlimits the largest count
            if (p.shaper.isPresent()) {
                shaper = Math.min(shaper, p.shaper.getAsLong());
            }
            if (p.overlimits.isPresent()) {
                overlimits = Math.max(overlimits, p.overlimits.getAsLong());
            }
            senderCores = Math.min(senderCores, p.senderCores);
            receiverCores = Math.min(receiverCores, p.receiverCores);
            hasRetransmits &= p.retransmits >= 0;
            retransmits += Math.max(0, p.retransmits);
            segments += p.segments;
            unseen.addAll(p.unseen);
        }
        boolean tcp = rec.protocol == Transport.TCP;
        int n = parts.size();
        OptionalDouble busyShare = OptionalDouble.empty();
        OptionalDouble rwndShare = OptionalDouble.empty();
        OptionalDouble sndbufShare = OptionalDouble.empty();
        OptionalDouble cwndShare = OptionalDouble.empty();
        if (tcp && chronos && seconds > 0) {
            busyShare = OptionalDouble.of(Math.min(1, busy / (n * seconds * 1e6)));
            double r = busy > 0 ? (double) rwnd / busy : 0;
            double s = busy > 0 ? (double) sndbuf / busy : 0;
            rwndShare = OptionalDouble.of(r);
            sndbufShare = OptionalDouble.of(s);
            cwndShare = OptionalDouble.of(Math.max(0, 1 - r - s));
        }
        OptionalLong rtt = rttN == 0 ? OptionalLong.empty() : OptionalLong.of(rttSum / rttN);
        OptionalLong bdp = rtt.isPresent() && tcp ? OptionalLong.of((long) (bits * rtt.getAsLong() / 8e6))
                : OptionalLong.empty();
        return new WhyFigures(rec.protocol, seconds, bits, rec.targetBitrate * n, rec.fqRate * n, busyShare,
                rwndShare, sndbufShare, cwndShare, runShare(busiestSender), waitShare(busiestSender),
                runShare(busiestReceiver), waitShare(busiestReceiver),
                senderCpu < 0 ? OptionalDouble.empty() : OptionalDouble.of(senderCpu),
                receiverCpu < 0 ? OptionalDouble.empty() : OptionalDouble.of(receiverCpu),
                tcp ? rtt : OptionalLong.empty(), bdp,
                tcp && hasWindow ? OptionalLong.of(window) : OptionalLong.empty(),
                tcp && hasCwnd ? OptionalLong.of(cwnd) : OptionalLong.empty(),
                tcp && hasBuf ? OptionalLong.of(buf) : OptionalLong.empty(),
                tcp || packets == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) lost / packets),
                tcp || packets == 0 || !hasDrops ? OptionalDouble.empty() : OptionalDouble.of((double) drops / packets),
                !hasRcvBuf || rcvBuf == 0 ? OptionalLong.empty() : OptionalLong.of(rcvBuf), List.copyOf(unseen),
                tcp && srttN > 0 ? OptionalLong.of(boundedRtt(srttSum / srttN, hasWindow ? window : 0, bits))
                        : OptionalLong.empty(),
                tcp && hasRcvCeiling ? OptionalLong.of(rcvCeiling) : OptionalLong.empty(),
                tcp && hasSndCeiling ? OptionalLong.of(sndCeiling) : OptionalLong.empty(),
                !tcp && hasBlocked && seconds > 0 ? OptionalDouble.of(Math.min(1, blocked / (seconds * 1e9)))
                        : OptionalDouble.empty(),
                tcp && hasRetransmits && segments > 0 ? OptionalDouble.of((double) retransmits / segments)
                        : OptionalDouble.empty(),
                new WhyFigures.Sides(rec.client == parts.getFirst().sending, n,
                        (int) (senderCores == Long.MAX_VALUE ? 0 : senderCores),
                        (int) (receiverCores == Long.MAX_VALUE ? 0 : receiverCores), rec.zeroCopy,
                        parts.getFirst().local),
                shaper == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(shaper),
                overlimits < 0 ? OptionalLong.empty() : OptionalLong.of(overlimits));
    }

    private static WhyProbe busier(WhyProbe a, WhyProbe b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return wanted(b) > wanted(a) ? b : a;
    }

    private static double wanted(WhyProbe p) {
        return (p.runNanos().getAsLong() + p.waitNanos().orElse(0)) / (double) Math.max(1, p.wallNanos().orElse(1));
    }

    private static OptionalDouble runShare(WhyProbe p) {
        return p == null ? OptionalDouble.empty()
                : OptionalDouble.of(Math.min(1, p.runNanos().getAsLong() / (double) Math.max(1, p.wallNanos().orElse(1))));
    }

    private static OptionalDouble waitShare(WhyProbe p) {
        return p == null || p.waitNanos().isEmpty() ? OptionalDouble.empty()
                : OptionalDouble.of(Math.min(1, p.waitNanos().getAsLong() / (double) Math.max(1, p.wallNanos().orElse(1))));
    }

    /**
     * A smoothed RTT no longer than the window granted allows at the rate received: the data in flight never exceeds
     * the window, so a mean of interval samples above {@code window / rate} took a stall's spike for the round trip
     * (an iperf3j server's samples on the LAN, -R, 32 KiB window: a mean of 2.5 ms at 4.5 Gbit/s, which a 28 KiB window
     * cannot carry: at most 50 us).
     */
    private static long boundedRtt(long srtt, long window, double bitsPerSecond) {
        if (window <= 0 || bitsPerSecond <= 0) {
            return srtt;
        }
        return Math.min(srtt, Math.max(1, (long) (window * 8e6 / bitsPerSecond)));
    }

    /**
     * Whether a stream's two ends are on one host: its peer's address is a loopback one, or the same as its own (a
     * host's own address is routed over its loopback interface). Addresses are literals as iperf3 prints them;
     * anything else (or none) is taken as two hosts.
     */
    static boolean oneHost(String localHost, String remoteHost) {
        InetAddress remote = literal(remoteHost);
        if (remote == null) {
            return false;
        }
        // an IPv4-mapped literal (a dual-stack socket's ::ffff:127.0.0.1) reads as its IPv4 address
        InetAddress local = literal(localHost);
        return remote.isLoopbackAddress() || remote.equals(local);
    }

    private static InetAddress literal(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A peer's count of its cores as a remedy may say it: 0 (not known) for none or an implausible one. */
    private static long plausibleCores(OptionalLong cores) {
        return cores.isPresent() && cores.getAsLong() <= 4096 ? cores.getAsLong() : 0;
    }

    private static OptionalLong positive(OptionalLong v) {
        return v.isPresent() && v.getAsLong() > 0 ? v : OptionalLong.empty();
    }

    private static WhyProbe find(List<WhyProbe> list, int id) {
        for (WhyProbe p : list) {
            if (p.id() == id) {
                return p;
            }
        }
        return null;
    }
}
