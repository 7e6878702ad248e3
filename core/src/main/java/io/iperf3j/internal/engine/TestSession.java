package io.iperf3j.internal.engine;

import io.iperf3j.Transport;
import io.iperf3j.internal.engine.tcp.TcpStream;
import io.iperf3j.internal.engine.udp.PacketCounters;
import io.iperf3j.internal.engine.udp.UdpStream;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.stats.CpuUtilization;
import io.iperf3j.sys.NativeSocket;
import io.iperf3j.sys.ProcessCpu;
import io.iperf3j.sys.QdiscStats;
import io.iperf3j.sys.TcpInfo;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.output.TestPrinter;
import io.iperf3j.internal.output.TestReporter;
import io.iperf3j.internal.protocol.ControlChannel;
import io.iperf3j.internal.protocol.ControlFrames;
import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;
import io.iperf3j.internal.protocol.MalformedFrameException;
import io.iperf3j.internal.protocol.TestResults;
import io.iperf3j.internal.stats.IntervalRecord;
import io.iperf3j.internal.stats.StreamRecord;
import io.iperf3j.internal.stats.TestMode;
import io.iperf3j.internal.stats.TestRecord;
import io.iperf3j.internal.why.SenderReport;
import io.iperf3j.internal.why.WhyProbe;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What a client test and a server test have in common: the test thread's event
 * loop (control bytes, timers and wake-ups from stream threads, all through one
 * {@link Selector}), interval sampling as iperf3's stats callback does it, the
 * omit reset, and the results exchange.
 *
 * <p>All state here belongs to the test thread. Stream threads only publish
 * counters and call {@link #wake()}; {@link #cancel()} may come from any thread.
 */
public abstract class TestSession {
    public static final long NEVER = Long.MAX_VALUE;
    /** How long a sender may take to finish its current write when told to stop. */
    protected static final long STOP_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

    protected final IperfOptions local;
    protected final TestRecord rec;
    protected final TestPrinter printer;
    protected final TestReporter reporter;
    protected final Selector selector;
    protected final String name;
    protected ControlChannel control;
    /**
     * The test's streams. Loops over them are indexed: the per-interval paths run once a second, too
     * rarely for C2, and C1 makes an iterator per for-each (issue 58: nothing allocated per interval).
     */
    protected final List<DataStream> streams = new ArrayList<>();

    protected double statsInterval;
    protected long statsDue = NEVER;
    protected long omitDue = NEVER;
    protected long endDue = NEVER;
    protected TransferBudget sendBudget;
    protected TransferBudget receiveBudget;
    protected ProcessCpu cpuStart;
    protected boolean running;
    protected boolean done;
    private volatile boolean cancelRequested;

    public TestSession(IperfOptions local, TestRecord rec, TestPrinter printer, TestReporter reporter, Selector selector,
                String name) {
        this.local = local;
        this.rec = rec;
        this.printer = printer;
        this.reporter = reporter;
        this.selector = selector;
        this.name = name;
    }

    /** Wakes the test thread (stream events, cancellation). Safe from any thread. */
    protected final void wake() {
        selector.wakeup();
    }

    /** Asks the test to stop as iperf3 does on SIGINT. Safe from any thread. */
    public final void cancel() {
        cancelRequested = true;
        wake();
    }

    protected final boolean cancelRequested() {
        return cancelRequested;
    }

    // ------------------------------------------------------------ event loop

    /**
     * Runs until {@link #done}: waits for control bytes, the next timer or a
     * wake-up, then lets the subclass react.
     */
    protected final void loop() throws IperfException, IOException {
        while (!done) {
            long now = System.nanoTime();
            long next = Math.min(Math.min(statsDue, omitDue), Math.min(endDue, extraDeadline()));
            long wait = next - now;
            if (next == NEVER) {
                selector.select();
            } else if (wait <= 0) {
                selector.selectNow();
            } else if (wait < 2_000_000) {
                // select() counts in milliseconds; park for the last stretch so timers
                // (and so interval ends and -t) are on time to well under a millisecond.
                LockSupport.parkNanos(wait);
                selector.selectNow();
            } else {
                selector.select(TimeUnit.NANOSECONDS.toMillis(wait) - 1);
            }
            selector.selectedKeys().clear();
            if (cancelRequested) {
                onCancel();
                if (done) {
                    return;
                }
            }
            readControl();
            if (done) {
                return;
            }
            onStreamEvents();
            if (done) {
                return;
            }
            runTimers(System.nanoTime());
        }
    }

    private void readControl() throws IperfException, IOException {
        int n;
        do {
            n = control.fill();
            while (!done && handleControl()) {
                // handle every complete message
            }
        } while (n > 0 && !done);
        if (!done && control.endOfStream() && !handleControl()) {
            onControlClosed();
        }
    }

    /** Decodes and handles the next complete control message; false when none is complete. */
    protected abstract boolean handleControl() throws IperfException, IOException;

    /** The peer closed the control connection before the test was done. */
    protected abstract void onControlClosed() throws IperfException, IOException;

    /** Stream threads reported something (end of a limit, failure, peer close). */
    protected abstract void onStreamEvents() throws IperfException, IOException;

    /** A deadline of the subclass's own (timeouts), or {@link #NEVER}. */
    protected long extraDeadline() {
        return NEVER;
    }

    /** Called when a subclass deadline passes. */
    protected void onExtraDeadline(long now) throws IperfException, IOException {
    }

    /** {@code -d}: protocol messages on standard output, as iperf3's debug output. */
    protected final void debug(String label, Object detail) {
        if (local.debugLevel() > 0) {
            printer.plain(label + (detail == null ? "" : "\n" + detail) + "\n");
        }
    }

    /** Called after each interval sample while the test runs (server bitrate limit). */
    protected void onIntervalSampled() throws IperfException, IOException {
    }

    /** Whether this side receives test data (forward server, -R client, either in --bidir). */
    protected final boolean receivesData() {
        return rec.mode != TestMode.SENDER;
    }

    /**
     * Bytes that show the test's data moving: those received when this side receives
     * (iperf3's {@code --rcv-timeout} watches reads), else those its sockets accepted.
     */
    protected final long progressTotal() {
        long total = 0;
        boolean receiving = receivesData();
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            if (s.sending() != receiving) {
                total += s.bytes();
            }
        }
        return total;
    }

    /**
     * How long the test's data may stand still before the test ends with an error.
     * A receiving side uses {@code --rcv-timeout} (default 120 s), as iperf3. A side that
     * only sends uses it too, counting bytes its sockets accepted, so a peer that stopped
     * reading (stopped, or gone without a reset) cannot hold the test; unless the test
     * asked for a rate so low that its blocks (or bursts) are further apart than that,
     * in which case three such gaps.
     */
    protected final long stallNanos() {
        long n = local.rcvTimeoutMs() * 1_000_000L;
        if (!receivesData() && rec.targetBitrate > 0 && rec.blockSize > 0) {
            double gapSeconds = rec.blockSize * 8.0 * Math.max(1, rec.burst) / rec.targetBitrate;
            n = Math.max(n, (long) Math.min(3 * gapSeconds * 1e9, MAX_STALL_NANOS));
        }
        return n;
    }

    private static final long MAX_STALL_NANOS = TimeUnit.DAYS.toNanos(2);

    /** The {@code -t} duration timer fired (client). */
    protected void onDurationElapsed() throws IperfException, IOException {
    }

    protected abstract void onCancel() throws IperfException, IOException;

    private void runTimers(long now) throws IperfException, IOException {
        if (now - extraDeadline() >= 0) {
            onExtraDeadline(now);
            if (done) {
                return;
            }
        }
        boolean statsNow = statsDue != NEVER && now - statsDue >= 0;
        boolean endNow = endDue != NEVER && now - endDue >= 0;
        if (endNow) {
            // The end sample closes the running interval, so a tick due at the same
            // moment is not taken on its own: no stub interval, as with iperf3's client.
            endDue = NEVER;
            statsDue = NEVER;
            onDurationElapsed();
            return;
        }
        if (statsNow) {
            sampleAll();
            if (running) {
                reporter.onInterval();
                onIntervalSampled();
            }
            statsDue += intervalNanos();
            if (statsDue - now <= 0) { // we fell behind; do not fire a burst of ticks
                statsDue = now + intervalNanos();
            }
        }
        if (omitDue != NEVER && now - omitDue >= 0) {
            omitDue = NEVER;
            resetAfterOmit(now);
            onOmitEnded();
        }
    }

    /** The {@code -O} period just ended (the figures were reset); the client's latency run starts its loaded phase. */
    protected void onOmitEnded() {
    }

    protected final long intervalNanos() {
        return (long) (statsInterval * 1e9);
    }

    // ------------------------------------------------------------ test start

    /**
     * iperf3's {@code iperf_init_test} and timer creation at TEST_START: stream
     * clocks start now; interval, omit and (client) duration timers are armed.
     */
    protected final void startClocks(boolean withDurationTimer) {
        if (rec.whyWanted) {
            qdiscAtStart.putAll(egressQdiscs());
        }
        long nowNanos = System.nanoTime();
        long nowMicros = nowNanos / 1000;
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            s.sampler.start(nowMicros, s.bytes());
            if (rec.senderHasRetransmits == 1) {
                tcpInfo(s).ifPresent(i -> s.sampler.baseRetransmits(i.totalRetrans()));
            }
        }
        rec.started = true;
        rec.omitting = rec.omit > 0;
        if (statsInterval > 0) {
            statsDue = nowNanos + intervalNanos();
        }
        if (rec.omit > 0) {
            omitDue = nowNanos + TimeUnit.SECONDS.toNanos(rec.omit);
        }
        if (withDurationTimer && rec.duration > 0) {
            endDue = nowNanos + TimeUnit.SECONDS.toNanos(rec.duration + (long) rec.omit);
        }
    }

    // ------------------------------------------------------------ sampling

    /** iperf3's stats callback: one interval record per stream, ending now. */
    protected final void sampleAll() {
        sampleAll(System.nanoTime() / 1000);
    }

    /** iperf3's stats callback with the interval ending at {@code now} (microseconds of {@link System#nanoTime()}). */
    protected final void sampleAll(long now) {
        boolean tcp = rec.protocol == Transport.TCP;
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            StreamSampler sm = s.sampler;
            StreamRecord r = s.record;
            long total = s.bytes();
            if (s instanceof PacketCounters pc) {
                long consistent = pc.publishTo(r);
                if (consistent >= 0) {
                    total = consistent;
                }
            }
            long delta = sm.bytesSince(total);
            if (r.sending()) {
                r.bytesSent += delta;
            } else {
                r.bytesReceived += delta;
            }
            boolean hasInfo = false;
            long retrans = 0;
            long cwnd = 0;
            long wnd = 0;
            long rtt = 0;
            long rttvar = 0;
            long pmtu = 0;
            long reorder = 0;
            if (tcp && rec.senderHasRetransmits == 1) {
                Optional<TcpInfo> info = tcpInfo(s);
                if (info.isPresent()) {
                    TcpInfo i = info.get();
                    hasInfo = true;
                    retrans = sm.retransmitsSince(i.totalRetrans());
                    r.streamRetrans += retrans;
                    cwnd = i.sndCwndBytes();
                    r.maxSndCwnd = Math.max(r.maxSndCwnd, cwnd);
                    wnd = i.sndWnd();
                    r.maxSndWnd = Math.max(r.maxSndWnd, wnd);
                    rtt = i.rttMicros();
                    r.maxRtt = Math.max(r.maxRtt, rtt);
                    if (r.countRtt == 0 || rtt < r.minRtt) {
                        r.minRtt = rtt;
                    }
                    r.sumRtt += rtt;
                    r.countRtt++;
                    rttvar = i.rttVarMicros();
                    pmtu = i.pmtu();
                    reorder = i.reordSeen().orElse(-1);
                    r.streamReorder = reorder;
                }
            }
            long packets = 0;
            long lost = 0;
            long ooo = 0;
            if (s instanceof PacketCounters) {
                packets = sm.packetsSince(r.packetCount);
                lost = sm.lostSince(r.cntError);
                ooo = sm.outOfOrderSince(r.outOfOrderPackets);
            }
            double end = sm.intervalEnd(now);
            r.lastInterval = new IntervalRecord(sm.intervalStart(), end, sm.intervalDuration(now), delta, rec.omitting,
                    hasInfo, retrans, cwnd, wnd, rtt, rttvar, pmtu, reorder, packets, lost, ooo, r.jitter);
            r.lastIntervalIsFirst = sm.endInterval(now);
            r.endTime = end;
        }
    }

    /** iperf3's {@code iperf_reset_stats} when the omit period ends. */
    protected final void resetAfterOmit(long nowNanos) {
        long now = nowNanos / 1000;
        rec.omitting = false;
        if (sendBudget != null) {
            sendBudget.reset();
        }
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            StreamSampler sm = s.sampler;
            StreamRecord r = s.record;
            long live = s.bytes();
            if (s instanceof PacketCounters pc) {
                long consistent = pc.publishTo(r);
                if (consistent >= 0) {
                    live = consistent;
                }
                r.omittedPacketCount = r.packetCount;
                r.omittedCntError = r.cntError;
                r.omittedOutOfOrderPackets = r.outOfOrderPackets;
                pc.resetJitter();
                r.jitter = 0;
            }
            long sinceSample = sm.bytesSince(live);
            if (r.sending()) {
                r.bytesSent += sinceSample;
                r.bytesSentOmit = r.bytesSent;
            } else {
                r.bytesReceived = 0;
            }
            if (rec.senderHasRetransmits == 1) {
                tcpInfo(s).ifPresent(i -> sm.baseRetransmits(i.totalRetrans()));
            }
            r.streamRetrans = 0;
            // The next interval starts at the last sample; iperf3 prints |start - new start|.
            sm.restartClock(now);
        }
        if (statsInterval > 0) {
            statsDue = nowNanos + intervalNanos();
        }
    }

    private static Optional<TcpInfo> tcpInfo(DataStream s) {
        if (s instanceof TcpStream t) {
            return t.tcpInfo();
        }
        return Optional.empty();
    }

    /** Whether this side reports TCP retransmits: it sends TCP and can read TCP_INFO (iperf3's check). */
    protected final int computeSenderHasRetransmits() {
        return rec.mode != TestMode.RECEIVER && rec.protocol == Transport.TCP && NativeSocket.available() ? 1 : 0;
    }

    // ------------------------------------------------------------ end of the test

    /**
     * Stops the sending threads and waits, at most {@code graceNanos} in all, until
     * each has finished the write it was in, so those bytes are counted: the peer
     * may already have read them. A sender still blocked after that (a peer that
     * stopped reading) is closed.
     */
    protected final void stopSenders(long graceNanos) {
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            if (s.sending()) {
                s.stopRequested = true;
            }
        }
        long deadline = System.nanoTime() + graceNanos;
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            if (s.sending()) {
                s.stop(Math.max(0, deadline - System.nanoTime()));
            }
        }
    }

    /** Asks the receiving workers to read no further block; does not wait for them. */
    protected final void stopReceivers() {
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            if (!s.sending()) {
                s.stopRequested = true;
                s.wakeWorker();
            }
        }
    }

    protected final void stopCounting() {
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            s.counting = false;
        }
    }

    protected final void closeStreams() {
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            s.shutdown();
        }
    }

    protected final void measureCpu() {
        if (cpuStart != null) {
            rec.localCpu = CpuUtilization.since(cpuStart, ProcessCpu.now());
        }
    }

    /** The first stream failure that happened while the test wanted the stream, or null. */
    protected final Throwable streamFailure() {
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            if (s.failure() != null) {
                return s.failure();
            }
        }
        return null;
    }

    // ------------------------------------------------------------ results exchange

    /** The next JSON message, or null while it is incomplete; a malformed one fails with {@code onError}. */
    protected final JsonObject pollJson(int maxLength, ErrorCode onError) throws IperfException {
        try {
            return control.pollJson(maxLength);
        } catch (MalformedFrameException e) {
            throw new IperfException(onError, e.getMessage());
        }
    }

    /** iperf3's {@code get_results}, once the peer's results message is complete; false until then. */
    protected final boolean receivePeerResults() throws IperfException {
        JsonObject json = pollJson(ControlFrames.MAX_RESULTS_LENGTH, ErrorCode.RECV_RESULTS);
        if (json == null) {
            return false;
        }
        debug("get_results", json);
        applyPeerResults(TestResults.fromJson(json));
        if (rec.whyWanted) {
            Object why = json.get(WhyProbe.KEY);
            rec.peerSentWhy = why instanceof JsonObject;
            rec.peerWhy = WhyProbe.fromJson(why instanceof JsonObject o ? o : null);
            rec.peerReports = rec.client ? SenderReport.of(json) : List.of();
        }
        return true;
    }

    /**
     * {@code --why}: this side's figures of each stream, read now (the results exchange; senders stopped, sockets
     * open, or their last TCP_INFO kept at close): a TCP socket's chronos, windows and RTT, and each worker thread's
     * schedstat (waiting briefly for a receiving worker still on its way out).
     */
    protected final List<WhyProbe> whyProbes() {
        List<WhyProbe> out = new ArrayList<>();
        Map<String, QdiscStats> qdiscAtEnd = qdiscAtStart.isEmpty() ? Map.of()
                : egressQdiscs();
        long waitUntil = System.nanoTime() + WHY_WORKER_WAIT_NANOS;
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            StreamRecord r = s.record;
            OptionalLong none = OptionalLong.empty();
            OptionalLong busy = none;
            OptionalLong rwnd = none;
            OptionalLong sndbuf = none;
            OptionalLong rtt = none;
            OptionalLong rcvRtt = none;
            OptionalLong rcvWnd = none;
            OptionalLong sndBufBytes = none;
            Optional<TcpInfo> info = tcpInfo(s);
            if (info.isPresent()) {
                TcpInfo i = info.get();
                if (r.sending()) {
                    busy = i.busyTimeMicros();
                    rwnd = i.rwndLimitedMicros();
                    sndbuf = i.sndbufLimitedMicros();
                    rtt = i.minRttMicros().isPresent() ? i.minRttMicros() : OptionalLong.of(i.rttMicros());
                } else {
                    rcvRtt = i.rcvRttMicros() > 0 ? OptionalLong.of(i.rcvRttMicros()) : none;
                    // the window this receiver last advertised, or the clamp it grew its window to: the last ACK's
                    // window can be stale at the end (no data came after it)
                    rcvWnd = OptionalLong.of(Math.max(i.rcvWnd().orElse(0), i.rcvSsthresh()));
                }
            }
            OptionalLong drops = none;
            OptionalLong rcvBuf = none;
            OptionalLong srtt = none;
            OptionalLong ceiling = none;
            OptionalLong blocked = none;
            if (s instanceof TcpStream t) {
                int b = r.sending() ? t.sendBufferBytes() : t.receiveBufferBytes();
                OptionalLong bytes = b > 0 ? OptionalLong.of(b) : none;
                if (r.sending()) {
                    sndBufBytes = bytes;
                    // the RTT the data in flight took (queues and the receiver's delays in it): what a window or a
                    // buffer is held against, where the smallest RTT is only the path's floor
                    srtt = r.meanRtt() > 0 ? OptionalLong.of(r.meanRtt())
                            : info.map(i -> OptionalLong.of(i.rttMicros())).orElse(none);
                } else {
                    rcvBuf = bytes;
                }
                // -w locks the buffer at what it set; else autotuning grows it up to the sysctl's max
                ceiling = rec.window > 0 ? bytes : SocketBuffers.tcpMax(!r.sending());
            }
            if (s instanceof UdpStream u && !r.sending()) {
                // UDP: what the kernel dropped on its way into this socket (a full buffer), to tell from the path's
                drops = u.receiveDrops();
                rcvBuf = u.receiveBufferBytes();
            }
            if (s instanceof UdpStream u && r.sending()) {
                blocked = u.sendBlockedNanos();
            }
            OptionalLong qdiscRate = none;
            OptionalLong overlimits = none;
            QdiscStats before = r.sending() ? qdiscAtStart.get(r.localHost()) : null;
            QdiscStats after = before == null ? null : qdiscAtEnd.get(r.localHost());
            if (after != null && after.ifindex() == before.ifindex() && after.kind().equals(before.kind())
                    && after.overlimits() >= before.overlimits()) {
                qdiscRate = after.rateBitsPerSecond();
                overlimits = OptionalLong.of(after.overlimits() - before.overlimits());
            }
            long[] sched = s.schedDelta(Math.max(0, waitUntil - System.nanoTime()));
            out.add(new WhyProbe(r.id(), r.sending(), busy, rwnd, sndbuf, rtt, rcvRtt,
                    r.sending() && r.maxSndWnd > 0 ? OptionalLong.of(r.maxSndWnd) : none,
                    r.sending() && r.maxSndCwnd > 0 ? OptionalLong.of(r.maxSndCwnd) : none, sndBufBytes, rcvWnd,
                    sched == null ? none : OptionalLong.of(sched[0]), sched == null ? none : OptionalLong.of(sched[1]),
                    sched == null ? none : OptionalLong.of(sched[2]), drops, rcvBuf, srtt, ceiling, blocked,
                    OptionalLong.of(cores()), qdiscRate, overlimits));
        }
        return out;
    }

    /** {@code --why}: the sending streams' egress interfaces' root qdiscs as the test started, by local address. */
    private final Map<String, QdiscStats> qdiscAtStart = new HashMap<>();

    /**
     * The root qdisc of the interface each sending stream's data leaves by (its local address's), read once per
     * address however many streams share it: a shaper there ({@code tbf}) holds a sender on its own host, with no loss
     * on the path. An address whose qdisc cannot be read is left out.
     */
    private Map<String, QdiscStats> egressQdiscs() {
        Map<String, QdiscStats> out = new HashMap<>();
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            String local = s.record.localHost();
            if (s.record.sending() && !out.containsKey(local)) {
                egressQdisc(local).ifPresent(q -> out.put(local, q));
            }
        }
        return out;
    }

    private static Optional<QdiscStats> egressQdisc(String localHost) {
        try {
            NetworkInterface nif = NetworkInterface.getByInetAddress(InetAddress.ofLiteral(localHost));
            return nif == null || nif.getIndex() <= 0 ? Optional.empty() : QdiscStats.root(nif.getIndex());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The CPUs this process may run on (its affinity mask, as the JVM sees it). */
    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** How long {@link #whyProbes} waits in all for workers to leave, so their schedstat covers the whole test. */
    private static final long WHY_WORKER_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    protected final TestResults localResults(JsonObject serverOutputJson, String serverOutputText) {
        List<TestResults.StreamResult> list = new ArrayList<>();
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            StreamRecord r = s.record;
            long bytes = r.sending() ? r.bytesSent - r.bytesSentOmit : r.bytesReceived;
            long retrans = r.sending() && rec.senderHasRetransmits == 1 ? r.streamRetrans : -1;
            list.add(new TestResults.StreamResult(r.id(), bytes, retrans, r.jitter, r.cntError,
                    r.omittedCntError, r.packetCount, r.omittedPacketCount, 0, r.endTime));
        }
        int shr = rec.mode == TestMode.RECEIVER ? -1 : rec.senderHasRetransmits;
        return new TestResults(rec.localCpu.total(), rec.localCpu.user(), rec.localCpu.system(), shr,
                rec.congestionUsed, serverOutputJson, serverOutputText, list);
    }

    /** iperf3's {@code get_results}: folds the peer's figures into this side's records. */
    protected final void applyPeerResults(TestResults res) throws IperfException {
        rec.remoteCpu = new CpuUtilization(res.cpuTotal(), res.cpuUser(), res.cpuSystem());
        if (rec.mode == TestMode.RECEIVER) {
            rec.senderHasRetransmits = res.senderHasRetransmits();
        } else if (rec.mode == TestMode.BIDIRECTIONAL) {
            rec.otherSideHasRetransmits = res.senderHasRetransmits();
        }
        if (res.congestionUsed() != null) {
            rec.remoteCongestionUsed = res.congestionUsed();
        }
        if (rec.client && rec.getServerOutput) {
            if (res.serverOutputJson() != null) {
                rec.serverOutputJson = res.serverOutputJson();
            } else if (res.serverOutputText() != null) {
                rec.serverOutputText = res.serverOutputText();
            }
        }
        for (TestResults.StreamResult p : res.streams()) {
            StreamRecord r = null;
            for (int at = 0; at < streams.size(); at++) {
                DataStream s = streams.get(at);
                if (s.record.id() == p.id()) {
                    r = s.record;
                }
            }
            if (r == null) {
                throw new IperfException(ErrorCode.STREAM_ID);
            }
            if (r.sending()) {
                r.jitter = p.jitter();
                r.cntError = p.errors();
                r.peerPacketCount = p.packets();
                r.bytesReceived = p.bytes();
                r.receiverTime = p.endTime() - p.startTime();
            } else {
                r.peerPacketCount = p.packets();
                r.bytesSent = p.bytes();
                r.streamRetrans = p.retransmits();
                r.senderTime = p.endTime() - p.startTime();
            }
        }
        rec.peerResultsKnown = true;
    }
}
