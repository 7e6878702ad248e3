package io.iperf3j.internal.engine.server;

import io.iperf3j.Direction;
import io.iperf3j.RttResponder;
import io.iperf3j.ServerEvent;
import io.iperf3j.Transport;
import io.iperf3j.internal.engine.AddressText;
import io.iperf3j.internal.engine.AffinityScope;
import io.iperf3j.internal.engine.DataStream;
import io.iperf3j.internal.engine.IoErrno;
import io.iperf3j.internal.engine.KeepaliveSocketOptions;
import io.iperf3j.internal.engine.RateShare;
import io.iperf3j.internal.engine.StreamFactory;
import io.iperf3j.internal.engine.TestSession;
import io.iperf3j.internal.engine.TestSettings;
import io.iperf3j.internal.engine.TransferBudget;
import io.iperf3j.internal.engine.tcp.TcpStream;
import io.iperf3j.internal.engine.udp.UdpStream;
import io.iperf3j.internal.engine.udp.UdpStreams;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.sys.NativeSocket;
import io.iperf3j.sys.ProcessCpu;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.output.Strftime;
import io.iperf3j.internal.output.TestPrinter;
import io.iperf3j.internal.output.TestReporter;
import io.iperf3j.internal.protocol.ControlChannel;
import io.iperf3j.internal.protocol.ControlFrames;
import io.iperf3j.internal.protocol.ControlState;
import io.iperf3j.internal.protocol.Cookie;
import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;
import io.iperf3j.internal.protocol.TestParameters;
import io.iperf3j.internal.why.WhyAssembler;
import io.iperf3j.internal.why.WhyProbe;
import io.iperf3j.internal.stats.TestMode;
import io.iperf3j.internal.stats.TestRecord;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One test on the server side, on its own thread: from the accepted control
 * connection (cookie already read) to IPERF_DONE. Every way a test can go wrong
 * (a silent or vanished client, bad parameters, a failed stream, a timeout) ends
 * this test only, with a message, and frees everything it held.
 */
final class ServerSession extends TestSession {
    private enum Expect { PARAMS, STATE, RESULTS }

    private final ServerContext ctx;
    private final Cookie cookie;
    /** This test's --max-concurrent place. */
    private final Slot slot;
    private final SocketChannel controlSocket;
    private final StreamFactory factory;
    /** TCP data connections with this test's cookie, until all have come. */
    private final TcpArrivals tcpArrivals = new TcpArrivals(this::wake);
    /** UDP stream sockets from the router, and the turn to set them up. */
    private final UdpArrivals udpArrivals = new UdpArrivals(this::wake);
    private Expect expect = Expect.PARAMS;
    private final ServerWatchdog watchdog;
    private int expectedStreams;
    /** A SERVER_ERROR went to the client already. */
    private boolean errorSent;
    /** How the test ended, for the operator log. */
    private final TestVerdict verdict = new TestVerdict();
    private final long id;
    private final long admittedNanos = System.nanoTime();
    /** What held the test back, when its client asked ({@code iperf3j_why}): for {@link ServerEvent.Ended}. */
    private io.iperf3j.Why why;
    private InetSocketAddress peer;
    /** {@link #peer} as its interval events name it: made with it, not once per interval. */
    private ClientAddress peerEvents = ClientAddress.UNKNOWN;
    /** The running {@code --server-bitrate-limit} check, made at the first interval (null: none yet or none at all). */
    private BitrateLimit rateLimit;
    private boolean resultsSent;
    /** This test's {@code --total-rate} share, which its streams' pacers follow; null without one. */
    private RateShare rateShare;
    /** This test's place in {@code --total-rate}'s division, from its parameters to its end; else null. */
    private RateShares.Member rateMember;
    /** {@code --total-rate}'s measurement of this test once a second, from its parameters to its end; else null. */
    private ShareFollower shareFollower;
    /** Bytes sent and received that the server's events have counted ({@link ServerEvent.Interval}). */
    private long eventSent;
    private long eventReceived;
    /** Answers the client's latency probe ({@code --latency}); null when the server answers none. */
    private ProbeAnswer probe;

    /** {@code -A}: this thread's CPU for the test, given back when the test ends. */
    private AffinityScope pinned = AffinityScope.NONE;
    /** The parameters read before the test queued ({@link EarlyParameters}); null: ask with PARAM_EXCHANGE. */
    private JsonObject earlyParameters;

    ServerSession(ServerContext ctx, Cookie cookie, SocketChannel controlSocket, Slot slot, IperfOptions options,
                  TestRecord rec, TestPrinter printer, TestReporter reporter, Selector selector, String name, long id) {
        super(options, rec, printer, reporter, selector, name);
        this.id = id;
        this.ctx = ctx;
        this.cookie = cookie;
        this.slot = slot;
        this.controlSocket = controlSocket;
        this.factory = new StreamFactory(options, this::wake);
        this.statsInterval = options.interval();
        this.watchdog = new ServerWatchdog(ctx.limits(), options);
    }

    /** The test's parameters, read before it queued: it sends no PARAM_EXCHANGE of its own. */
    ServerSession withEarlyParameters(JsonObject json) {
        this.earlyParameters = json;
        return this;
    }

    /** Whether the client failed authentication (such a test does not use up {@code -1}). */
    boolean authDenied() {
        return verdict.denied();
    }

    /** Runs the test on the calling thread; never throws. */
    void run() {
        try {
            // As iperf3's iperf_accept: without it TEST_RUNNING waits behind TEST_START for
            // the client's delayed ACK (up to 40 ms), and a reverse test's first datagrams
            // reach a client that is not yet running, which counts them as lost.
            controlSocket.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            StreamFactory.applyUserTimeout(NativeSocket.of(controlSocket).orElse(null), local.sndTimeoutMs());
            String keepalive = KeepaliveSocketOptions.apply(controlSocket, local.controlKeepalive(), printer::errorRaw);
            if (keepalive != null && local.verbose()) {
                printer.line(keepalive);
            }
            control = new ControlChannel(controlSocket, selector);
            peer = control.remoteAddress();
            peerEvents = ClientAddress.of(peer);
            rec.acceptedHost = AddressText.of(peer);
            rec.acceptedPort = peer.getPort();
            rec.cookie = cookie.text();
            watchdog.armSetup(System.nanoTime());
            RttResponder responder = ctx.responder();
            if (responder != null) {
                probe = new ProbeAnswer(responder, () -> (InetSocketAddress) controlSocket.getLocalAddress(),
                        text -> debug(text, null));
                try {
                    // Before PARAM_EXCHANGE: an iperf3j client with --latency probes before it sends its parameters.
                    ctx.router().expectProbe(probe, peer.getAddress());
                } catch (IOException e) {
                    debug("no latency probe for this test: UDP port " + IoErrno.describe(e), null);
                }
            }
            if (earlyParameters == null) {
                control.sendState(ControlState.PARAM_EXCHANGE);
            } else {
                debug("get_parameters:", earlyParameters);
                onParameters(earlyParameters);
            }
            loop();
        } catch (IperfException e) {
            verdict.endReason(e.getMessage());
            verdict.endFrom(e.code());
            tellClient(e);
            reporter.onError(e.getMessage());
        } catch (IOException e) {
            verdict.endReason(ErrorCode.CTRL_READ.text() + ": " + IoErrno.describe(e));
            verdict.end(ServerEvent.EndReason.IO_ERROR);
            reporter.onError(verdict.endReason());
        } catch (RuntimeException e) {
            verdict.endReason("internal error: " + e);
            verdict.end(ServerEvent.EndReason.OTHER);
            reporter.onError(verdict.endReason());
        } finally {
            leaveRateShares();
            pinned.close();
            ctx.cookies().streamsNoLongerExpected(cookie, tcpArrivals);
            forgetUdp();
            if (probe != null) {
                probe.close();
            }
            closeStreams();
            tcpArrivals.close();
            udpArrivals.close();
            try {
                if (control != null) {
                    control.close();
                } else {
                    controlSocket.close();
                }
            } catch (IOException ignored) {
                // closing is best effort
            }
            if (!verdict.denied() && rec.cookie != null && expect != Expect.PARAMS) {
                reporter.onFinish(false);
            }
            logEnd();
        }
    }

    /**
     * A test that fails before it starts tells its client why with SERVER_ERROR, as
     * iperf3 3.21 does (3.12 only closes), so a client that sent something malformed
     * or took too long sees the reason rather than "control socket has closed
     * unexpectedly". Once the test runs, the server's own cuts say why through
     * {@link #cutRunningTest}; other failures (a stream that broke) close the connection as 3.12 does.
     */
    private void tellClient(IperfException e) {
        if (errorSent || verdict.denied() || control == null || rec.started || control.endOfStream()
                || e.code() == ErrorCode.CLIENT_TERM) {
            return;
        }
        errorSent = true;
        try {
            control.write(ControlFrames.encodeServerError(e.code().number(), 0));
        } catch (IOException ignored) {
            // the client is gone; the test ends either way
        }
    }

    /** The test's last {@link ServerEvent.Interval} (the bytes not counted yet) and its {@link ServerEvent.Ended}. */
    private void logEnd() {
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            verdict.count(s.sending(), s.bytes());
        }
        raiseInterval(verdict.sent(), verdict.received());
        ctx.events().ended(id, peer, verdict.shape(), verdict.sent(), verdict.received(),
                Duration.ofNanos(System.nanoTime() - admittedNanos), verdict.result(), verdict.reason(),
                java.util.Optional.ofNullable(why), verdict.endClass());
    }

    /** An {@link ServerEvent.Interval} with the bytes moved since the last one, given the totals; none if none moved. */
    private void raiseInterval(long sentTotal, long receivedTotal) {
        long sent = sentTotal - eventSent;
        long received = receivedTotal - eventReceived;
        if (sent == 0 && received == 0) {
            return;
        }
        eventSent = sentTotal;
        eventReceived = receivedTotal;
        ctx.events().interval(id, peerEvents, rec.protocol.name(), sent, received);
    }
    // ------------------------------------------------------------ control messages

    @Override
    protected boolean handleControl() throws IperfException, IOException {
        switch (expect) {
            case PARAMS -> {
                JsonObject json = pollJson(ControlFrames.MAX_PARAMETERS_LENGTH, ErrorCode.RECV_PARAMS);
                if (json == null) {
                    return false;
                }
                debug("get_parameters:", json);
                onParameters(json);
                return true;
            }
            case RESULTS -> {
                if (!receivePeerResults()) {
                    return false;
                }
                JsonObject serverJson = local.json() || local.jsonStream() ? reporter.document().copy() : null;
                String serverText = serverJson == null ? printer.captured() : null;
                if (!rec.getServerOutput) {
                    serverJson = null;
                    serverText = null;
                }
                JsonObject results = localResults(serverJson, serverText).toJson();
                if (rec.whyWanted) {
                    List<WhyProbe> mine = whyProbes();
                    results.put(WhyProbe.KEY, WhyProbe.toJson(mine));
                    // the server's own verdict, for its /metrics: with the client's figures (an iperf3j client sends
                    // them with its results) it is the client's; kept apart from rec.why, which the server's own
                    // output would print
                    try {
                        why = WhyAssembler.assemble(rec, mine, rec.peerWhy, rec.peerSentWhy);
                    } catch (RuntimeException e) {
                        why = null; // a count the server's /metrics goes without; never the test's end
                    }
                }
                control.sendJson(results);
                control.sendState(ControlState.DISPLAY_RESULTS);
                resultsSent = true;
                expect = Expect.STATE;
                return true;
            }
            case STATE -> {
                long v = control.pollState();
                if (v == ControlFrames.NEED_MORE) {
                    return false;
                }
                onState((byte) v);
                return true;
            }
        }
        return false;
    }

    private void onParameters(JsonObject json) throws IperfException, IOException {
        TestParameters p;
        try {
            p = TestParameters.fromJson(json);
        } catch (IperfException e) {
            refuse(e);
            throw e;
        }
        verdict.shape(ServerLog.TestShape.of(p));
        if (ctx.auth() != null && !authorized(p)) {
            verdict.deny();
            ctx.events().refused(peer, ServerEvent.Reason.AUTH, verdict.reason());
            slot.giveBackAsNoTest();
            // SERVER_ERROR, the code and errno 0 (as 3.21's server), then the close.
            control.write(Refusal.AUTH.wire());
            throw new IperfException(ErrorCode.AUTH_TEST);
        }
        if (local.serverMaxDurationSec() > 0 && p.time() > local.serverMaxDurationSec()) {
            IperfException e = new IperfException(ErrorCode.MAX_SERVER_TEST_DURATION_EXCEEDED);
            refuse(e);
            throw e;
        }
        TestSettings.apply(rec, p, false);
        // --why of an iperf3j client: send this side's streams' figures with the results
        rec.whyWanted = json.get(WhyProbe.KEY) instanceof Boolean b && b;
        // 3.21 checks -b and --fq-rate against --server-bitrate-limit here, in the parameter
        // exchange (3.12 only after the streams connect, and then it only closes).
        double limit = local.serverBitrateLimit();
        if (BitrateLimit.exceededUpFront(limit, rec.targetBitrate, rec.parallel, rec.bidirectional)
                || BitrateLimit.exceededUpFront(limit, rec.fqRate, rec.parallel, rec.bidirectional)) {
            IperfException e = new IperfException(ErrorCode.TOTAL_RATE);
            verdict.detail("asks for more than --server-bitrate-limit");
            refuse(e);
            throw e;
        }
        long shareBps = joinRateShares();
        ctx.events().started(id, peer, verdict.shape(), verdict.user(), slot.waited(), shareBps);
        // -A: the client's m (3.21 pins the server after the parameter exchange), else the
        // server's own n; the stream workers this thread starts inherit the CPU.
        pinned = AffinityScope.pin(rec.serverAffinity >= 0 ? rec.serverAffinity
                : AffinityScope.ownCpu(local.affinity()));
        rec.senderHasRetransmits = computeSenderHasRetransmits();
        reporter.onParametersReceived();
        if (rec.getServerOutput && !local.json() && !local.jsonStream()) {
            printer.startCapture();
        }
        boolean udp = rec.protocol == Transport.UDP;
        if (!udp) {
            int[] buffers = ctx.listenerBuffers();
            reporter.onListenerBuffers(rec.window, buffers[0], buffers[1]);
        }
        long nowMillis = System.currentTimeMillis();
        rec.timestampMillis = nowMillis;
        rec.timestampText = Strftime.gmtTime(nowMillis / 1000);
        expectedStreams = rec.mode == TestMode.BIDIRECTIONAL ? 2 * rec.parallel : rec.parallel;
        if ((rec.bytes > 0 || rec.blocks > 0) && !udp) {
            // The client always decides when a -n/-k test ends (TEST_END); the server only
            // sends. Over TCP nothing is lost, so stopping at the count (rounded up to whole
            // blocks, as iperf3's unpaced sender does) still lets the client reach it. Over
            // UDP a lost datagram would strand the client short of its count, so the server
            // keeps sending until TEST_END, as iperf3's paced sender does (docs/design/test-end.md).
            sendBudget = rec.bytes > 0 ? TransferBudget.bytes(rec.bytes) : TransferBudget.blocks(rec.blocks);
        }
        if (udp) {
            try {
                udpArrivals.register(ctx.router(), control.remoteAddress().getAddress(), expectedStreams);
            } catch (IOException e) {
                // iperf3 binds its UDP socket here; a taken port fails the test with the errno.
                IperfException failure = new IperfException(ErrorCode.STREAM_LISTEN, IoErrno.describe(e), e);
                // This SERVER_ERROR (with the errno) is the only one: tellClient must not add another.
                verdict.refuse();
                errorSent = true;
                try {
                    control.write(ControlFrames.encodeServerError(ErrorCode.STREAM_LISTEN.number(), IoErrno.of(e)));
                } catch (IOException ignored) {
                    // the client is gone; the test ends either way
                }
                throw failure;
            }
        } else {
            ctx.cookies().expectStreams(cookie, tcpArrivals);
        }
        if (!udpArrivals.awaitingGrant()) {
            control.sendState(ControlState.CREATE_STREAMS);
        }
        reporter.onConnect();
        expect = Expect.STATE;
    }

    /**
     * {@code --total-rate}: the test joins the division with its demand (per direction the
     * server carries, {@code -b × P}; unlimited without {@code -b}), and its streams will follow
     * the share. A UDP upload asking for more than the whole rate (or for no limit) is refused
     * with SERVER_ERROR 27, as 3.21 refuses one over {@code --server-bitrate-limit}: the server
     * cannot slow it. Returns the test's allocation in bits/s (0 without {@code --total-rate}).
     */
    private long joinRateShares() throws IperfException {
        RateShares rates = ctx.rates();
        if (rates == null) {
            return 0;
        }
        boolean serverSends = rec.mode != TestMode.RECEIVER;
        boolean serverReceives = rec.mode != TestMode.SENDER;
        long perDirection = RateShares.perDirection(rec.targetBitrate, rec.parallel);
        if (rates.refusesUdpUpload(rec.protocol == Transport.UDP, serverReceives, rec.targetBitrate, rec.parallel)) {
            IperfException e = new IperfException(ErrorCode.TOTAL_RATE);
            verdict.detail("UDP upload asks for more than --total-rate");
            refuse(e);
            throw e;
        }
        long asked = serverSends && serverReceives ? plus(perDirection, perDirection) : perDirection;
        int streams = rec.mode == TestMode.BIDIRECTIONAL ? 2 * rec.parallel : rec.parallel;
        rateMember = rates.join(asked, streams);
        rateShare = rateMember.share;
        shareFollower = new ShareFollower(rates, rateMember, rec.protocol == Transport.UDP && serverReceives);
        return rateMember.allocation();
    }

    /** {@code a + b} of two non-negative rates, or {@link RateShares#UNLIMITED} where it would overflow. */
    private static long plus(long a, long b) {
        return a > RateShares.UNLIMITED - b ? RateShares.UNLIMITED : a + b;
    }

    /** The test's share goes to the others (at TEST_END, and in the end whatever happened). */
    private void leaveRateShares() {
        if (rateMember != null) {
            ctx.rates().leave(rateMember);
        }
    }

    /** Sends SERVER_ERROR with iperf3's code for a refused test, so the client can say why. */
    private void refuse(IperfException e) {
        verdict.refuse();
        errorSent = true;
        try {
            control.write(ControlFrames.encodeServerError(e.code().number(), 0));
        } catch (IOException ignored) {
            // the client is gone; the test ends either way
        }
    }

    private boolean authorized(TestParameters p) {
        AuthCheck.Result r = ctx.auth().check(p.authToken());
        if (!r.accepted()) {
            verdict.detail(r.failure());
            return false;
        }
        verdict.user(r.user());
        return true;
    }

    private void onState(byte b) throws IperfException, IOException {
        ControlState s = ControlState.ofWire(b);
        if (s == null) {
            throw new IperfException(ErrorCode.MESSAGE);
        }
        debug("State change: server received " + s, null);
        switch (s) {
            case TEST_START -> {
                // 3.12 ignores a TEST_START from the client
            }
            case TEST_END -> {
                if (!running) {
                    throw new IperfException(ErrorCode.MESSAGE);
                }
                endTest();
                control.sendState(ControlState.EXCHANGE_RESULTS);
                expect = Expect.RESULTS;
                // The client gets the same bound to finish the exchange as it had to set up.
                watchdog.armSetup(System.nanoTime());
            }
            case IPERF_DONE -> {
                if (!resultsSent) {
                    throw new IperfException(ErrorCode.MESSAGE);
                }
                done = true;
            }
            case CLIENT_TERMINATE -> {
                // The client was interrupted: report what was measured and end this test quietly.
                if (running) {
                    endTest();
                }
                verdict.endReason(ErrorCode.CLIENT_TERM.text());
                verdict.end(ServerEvent.EndReason.CLIENT_TERMINATED);
                printer.errorRaw(ErrorCode.CLIENT_TERM.text());
                done = true;
            }
            default -> throw new IperfException(ErrorCode.MESSAGE);
        }
    }

    @Override
    protected void onControlClosed() throws IperfException {
        if (resultsSent) {
            done = true; // some clients close without IPERF_DONE once they have the results
            return;
        }
        if (running) {
            endTest();
        }
        verdict.endReason("the client has unexpectedly closed the connection");
        verdict.end(ServerEvent.EndReason.CLIENT_CLOSED);
        printer.errorRaw(verdict.endReason());
        done = true;
    }

    // ------------------------------------------------------------ streams

    @Override
    protected void onStreamEvents() throws IperfException, IOException {
        if (udpArrivals.takeGrant()) {
            control.sendState(ControlState.CREATE_STREAMS);
        }
        // Roles and ids follow the order the client opened its streams (bidir: its sending
        // streams first), which TcpArrivals restores from the acceptor's numbering.
        List<SocketChannel> arrived = tcpArrivals.ready(streams.size(), expectedStreams, running);
        for (int i = 0; i < arrived.size(); i++) { // no iterator per event (issue 58)
            SocketChannel ch = arrived.get(i);
            int index = streams.size();
            Direction d = nextDirection();
            TcpStream s = factory.acceptedTcp(ch, StreamRoles.id(index), StreamRoles.tcpSocket(index), d, rec,
                    d == Direction.SENDER ? sendBudget : null, rateShare);
            addAcceptedStream(s);
        }
        DatagramChannel dc;
        while ((dc = udpArrivals.poll()) != null) {
            if (streams.size() >= expectedStreams || running) {
                StreamFactory.closeQuietly(dc);
                continue;
            }
            Direction d = nextDirection();
            int index = streams.size();
            boolean text = !local.json() && !local.jsonStream();
            UdpStream s = UdpStreams.accepted(dc, StreamRoles.id(index), StreamRoles.udpSocket(index), d, rec, d == Direction.SENDER ? sendBudget : null,
                    reporter, printer, text, this::wake, rateShare);
            addAcceptedStream(s);
        }
        if (running) {
            Throwable f = streamFailure();
            if (f != null) {
                throw new IperfException(ErrorCode.STREAM_WRITE, IoErrno.describe(f));
            }
        }
    }

    /** Stream roles in arrival order: in bidir mode the first P streams are the server's receiving ones. */
    private Direction nextDirection() {
        return StreamRoles.direction(rec.mode, streams.size(), rec.parallel);
    }

    private void addAcceptedStream(DataStream s) throws IperfException, IOException {
        streams.add(s);
        rec.streams.add(s.record);
        reporter.onStreamConnected(s.record);
        s.measureSched = rec.whyWanted;
        if (!s.sending()) {
            s.start(name);
        }
        if (streams.size() == expectedStreams) {
            ctx.cookies().streamsNoLongerExpected(cookie, tcpArrivals);
            forgetUdp();
            startTest();
        }
    }

    /** Neither UDP streams nor a probe are expected any more: the router may close its acceptor. */
    private void forgetUdp() {
        if (probe != null) {
            ctx.router().forgetProbe(probe);
        }
        ctx.router().forget(udpArrivals);
    }

    private void startTest() throws IperfException, IOException {
        cpuStart = ProcessCpu.now();
        // Count from before the client can know it may send (iperf3 is TEST_RUNNING as it
        // sends the byte); otherwise its first datagrams are dropped and count as lost.
        startClocks(false);
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            s.counting = true;
        }
        control.sendState(ControlState.TEST_START);
        control.sendState(ControlState.TEST_RUNNING);
        reporter.onTestStart();
        running = true;
        long now = System.nanoTime();
        watchdog.armRunning(now, rec.duration, rec.omit, progressTotal(), activityTotal());
        if (shareFollower != null) {
            int receiving = 0;
            for (int at = 0; at < streams.size(); at++) {
                DataStream s = streams.get(at);
                if (!s.sending()) {
                    receiving++;
                }
            }
            shareFollower.start(now, sentTotal(), receivedTotal(), receiving);
        }
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            if (s.sending()) {
                s.start(name);
            }
        }
    }

    /** How long a server waits at TEST_END for its senders to finish the write they are in. */
    static final long END_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    /** TEST_END: final sample, data sockets closed (as iperf3 does), the server's own report. */
    private void endTest() {
        settleTest();
        closeStreams();
    }

    /** {@link #endTest} but for closing the data streams: the figures are final, the sockets still open. */
    private void settleTest() {
        leaveRateShares();
        // The test ends now, as iperf3's does on TEST_END: nothing received later counts.
        // A write our sender is in may already be partly read by the client, so it is
        // let finish (briefly: a 3.12 bidir client stops reading) and counted.
        long end = System.nanoTime() / 1000;
        running = false;
        stopCounting();
        stopSenders(END_GRACE_NANOS);
        measureCpu();
        sampleAll(end);
        statsDue = NEVER;
        omitDue = NEVER;
        rec.ended = true;
        reporter.onTestEnd();
    }

    /**
     * iperf3's running {@code --server-bitrate-limit} check: the average over the last
     * {@code round(S / interval)} intervals of all bytes sent and received.
     */
    @Override
    protected void onIntervalSampled() throws IperfException {
        raiseInterval(sentTotal(), receivedTotal());
        if (rateLimit == null) {
            rateLimit = BitrateLimit.running(local.serverBitrateLimit(), local.serverBitrateLimitInterval(), statsInterval);
            if (rateLimit == null) {
                return;
            }
        }
        long bytes = 0;
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            bytes += s.record.lastInterval.bytes();
        }
        if (rateLimit.exceededAfter(bytes)) {
            verdict.detail("over --server-bitrate-limit");
            throw cutForRate();
        }
    }

    /**
     * Ends a running test the server cuts, and tells the client why with SERVER_ERROR, the code
     * and errno 0, as iperf3's server does when its running {@code --server-bitrate-limit} check
     * trips (3.21 iperf_server_api.c, {@code bitrate_limit_exceeded}), when its test timer
     * expires ({@code server_timer_proc}, code 160; here also {@code --server-max-duration}) and
     * when no data arrives ({@code cleanup_server}, code 144). {@link #tellClient} stays
     * silent once a test runs, so the client would otherwise read "the server has terminated" or
     * "control socket has closed unexpectedly" instead of the reason.
     *
     * <p>The message goes first; the data sockets stay open (their receivers reading and
     * discarding, nothing counted) until the client closes its control connection, at most
     * {@link #CUT_LINGER_NANOS}, and are closed after. 3.21 closes them right after the message:
     * an unpaced 3.12 client in the middle of its write burst then meets the reset ("unable to
     * write to stream socket: Broken pipe") before its {@code select} reads the reason.
     *
     * @return the error to throw, which ends the session
     */
    private IperfException cutRunningTest(ErrorCode code) {
        errorSent = true;
        boolean told;
        try {
            control.write(ControlFrames.encodeServerError(code.number(), 0));
            told = true;
        } catch (IOException e) {
            // the client is gone; the test ends either way
            told = false;
        }
        settleTest();
        if (told) {
            awaitControlClose(CUT_LINGER_NANOS);
        }
        closeStreams();
        return new IperfException(code);
    }

    /** How long a cut test's data sockets wait for the client to read the reason and close. */
    static final long CUT_LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long LINGER_POLL_MILLIS = 20;

    /**
     * Waits, at most {@code limitNanos}, until the client closes its control connection; bytes it
     * sends meanwhile are read and dropped. Polls (this test's own thread, which owns the
     * connection) rather than selects: the selector also holds this test's data streams.
     */
    private void awaitControlClose(long limitNanos) {
        long deadline = System.nanoTime() + limitNanos;
        try {
            while (control.fill() >= 0 && deadline - System.nanoTime() > 0) {
                control.discardBuffered();
                Thread.sleep(LINGER_POLL_MILLIS);
            }
        } catch (IOException e) {
            // reset or closed: the client is gone, which is what was waited for
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A cut for the test's rate (SERVER_ERROR 27): its address cools down ({@code --cool-down}). */
    private IperfException cutForRate() {
        ctx.coolDowns().cut(peer, System.nanoTime());
        return cutRunningTest(ErrorCode.TOTAL_RATE);
    }

    /** Bytes the server's sending streams have counted so far. */
    private long sentTotal() {
        long total = 0;
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            if (s.sending()) {
                total += s.bytes();
            }
        }
        return total;
    }

    /** Bytes the server's receiving streams have counted so far. */
    private long receivedTotal() {
        long total = 0;
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            if (!s.sending()) {
                total += s.bytes();
            }
        }
        return total;
    }

    /**
     * {@code --total-rate} once a second ({@link ShareFollower}): the test's measured rate moves its
     * demand, and a UDP upload over its allocation for a whole window is cut with SERVER_ERROR 27.
     */
    private void followRateShare(long now) throws IperfException {
        if (shareFollower.tick(now, sentTotal(), receivedTotal())) {
            verdict.detail("UDP upload over its --total-rate share");
            throw cutForRate();
        }
    }

    // ------------------------------------------------------------ timeouts

    @Override
    protected long extraDeadline() {
        long watched = watchdog.nextDeadline(running, stallNanos());
        return running && shareFollower != null ? Math.min(watched, shareFollower.due()) : watched;
    }

    private long activityTotal() {
        long total = control.bytesRead();
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            total += s.bytes();
        }
        return total;
    }

    @Override
    protected void onExtraDeadline(long now) throws IperfException {
        if (running && shareFollower != null && now - shareFollower.due() >= 0) {
            followRateShare(now);
            if (now - watchdog.nextDeadline(true, stallNanos()) < 0) {
                return;
            }
        }
        if (!running) {
            verdict.end(ServerEvent.EndReason.SETUP_TIMEOUT);
            throw new IperfException(ErrorCode.NO_MSG, "no parameters, streams or results from the client in time");
        }
        Optional<ServerWatchdog.Expiry> expiry = watchdog.expired(now, this::progressTotal, this::activityTotal,
                stallNanos(), receivesData());
        if (expiry.isPresent()) {
            // As 3.21: SERVER_ERROR 160 for --server-max-duration (server_timer_proc), 144 for no
            // progress (cleanup_server sends every error it ends a test for).
            verdict.detail(expiry.get().detail());
            throw cutRunningTest(expiry.get().code());
        }
    }

    @Override
    protected void onCancel() {
        // The server is shutting down: as iperf3 on SIGTERM, report and tell the client.
        if (running) {
            endTest();
        }
        try {
            control.sendState(ControlState.SERVER_TERMINATE);
        } catch (IOException ignored) {
            // the client may be gone
        }
        verdict.endReason(ErrorCode.SERVER_TERM.text());
        verdict.end(ServerEvent.EndReason.SERVER_TERMINATED);
        done = true;
    }
}
