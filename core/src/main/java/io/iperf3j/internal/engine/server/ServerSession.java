package io.iperf3j.internal.engine.server;

import io.iperf3j.Direction;
import io.iperf3j.RttResponder;
import io.iperf3j.Transport;
import io.iperf3j.internal.auth.AuthToken;
import io.iperf3j.internal.auth.AuthorizedUsers;
import io.iperf3j.internal.engine.AddressText;
import io.iperf3j.internal.engine.AffinityScope;
import io.iperf3j.internal.engine.DataStream;
import io.iperf3j.internal.engine.Errno;
import io.iperf3j.internal.engine.KeepaliveSocketOptions;
import io.iperf3j.internal.engine.StreamFactory;
import io.iperf3j.internal.engine.TestSession;
import io.iperf3j.internal.engine.TestSettings;
import io.iperf3j.internal.engine.TransferBudget;
import io.iperf3j.internal.engine.tcp.TcpStream;
import io.iperf3j.internal.engine.udp.UdpStream;
import io.iperf3j.internal.engine.udp.UdpStreamRouter;
import io.iperf3j.internal.engine.udp.UdpStreams;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.sys.NativeSocket;
import io.iperf3j.sys.ProcessCpu;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.output.OutputMode;
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
import io.iperf3j.internal.stats.TestMode;
import io.iperf3j.internal.stats.TestRecord;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One test on the server side, on its own thread: from the accepted control
 * connection (cookie already read) to IPERF_DONE. Every way a test can go wrong
 * (a silent or vanished client, bad parameters, a failed stream, a timeout) ends
 * this test only, with a message, and frees everything it held.
 */
final class ServerSession extends TestSession implements UdpStreamRouter.Sink, UdpStreamRouter.ProbeSink {
    private enum Expect { PARAMS, STATE, RESULTS }

    private final IperfServer server;
    private final Cookie cookie;
    private final SocketChannel controlSocket;
    private final StreamFactory factory;
    /** A TCP data connection and its place in the acceptor's order. */
    private record Arrival(SocketChannel channel, long acceptOrder) {
    }

    private final Queue<Arrival> arrivingStreams = new ConcurrentLinkedQueue<>();
    /** TCP streams in, waiting for the rest before roles are given. */
    private final List<Arrival> pendingStreams = new ArrayList<>();
    private final Queue<DatagramChannel> arrivingUdpStreams = new ConcurrentLinkedQueue<>();
    /** UDP: another test from the client's IP is setting up streams; CREATE_STREAMS waits for {@link #udpGranted}. */
    private boolean awaitingUdpGrant;
    private volatile boolean udpGranted;
    private Expect expect = Expect.PARAMS;
    private final ServerWatchdog watchdog;
    private int expectedStreams;
    private boolean authDenied;
    /** Whether this test's --max-concurrent slot was given back (guarded by the server). */
    boolean slotReleased;
    /** The parameters were refused (SERVER_ERROR sent). */
    private boolean refused;
    /** A SERVER_ERROR went to the client already. */
    private boolean errorSent;
    /** What the operator log says when the test was cut short, if more than {@link #endReason}. */
    private String cutDetail;
    private String authUser;
    private final long id;
    private final long admittedNanos = System.nanoTime();
    private ServerLog.TestShape shape = ServerLog.TestShape.UNKNOWN;
    private InetSocketAddress peer;
    /** Bytes moved per interval, for the running {@code --server-bitrate-limit} check. */
    private long[] rateWindow;
    private int rateSamples;
    private boolean resultsSent;
    private String endReason;
    /** The client's latency probe being answered (guarded by {@link #probeLock}); {@link #probeEnded} once the test is over. */
    private RttResponder.Answering probeAnswer;
    private boolean probeEnded;
    private final Object probeLock = new Object();

    /** {@code -A}: this thread's CPU for the test, given back when the test ends. */
    private AffinityScope pinned = AffinityScope.NONE;

    ServerSession(IperfServer server, IperfOptions options, TestRecord rec, TestPrinter printer, TestReporter reporter,
                  Selector selector, Cookie cookie, SocketChannel controlSocket, String name, long id) {
        super(options, rec, printer, reporter, selector, name);
        this.id = id;
        this.server = server;
        this.cookie = cookie;
        this.controlSocket = controlSocket;
        this.factory = new StreamFactory(options, this::wake);
        this.statsInterval = options.interval();
        this.watchdog = new ServerWatchdog(server.limits(), options);
    }

    Cookie cookie() {
        return cookie;
    }

    /** Whether the client failed authentication (such a test does not use up {@code -1}). */
    boolean authDenied() {
        return authDenied;
    }

    /** Why the test ended early, or null if it completed. */
    String endReason() {
        return endReason;
    }

    /** A data connection with this test's cookie arrived (acceptor thread). */
    void offerStream(SocketChannel ch, long acceptOrder) {
        arrivingStreams.add(new Arrival(ch, acceptOrder));
        wake();
    }

    /** A UDP stream socket connected to this test's client arrived (UDP acceptor thread). */
    @Override
    public void offerUdpStream(DatagramChannel ch) {
        arrivingUdpStreams.add(ch);
        wake();
    }

    @Override
    public boolean isProbeRequest(ByteBuffer datagram) {
        RttResponder r = server.rttResponder();
        return r != null && r.isProbeRequest(datagram);
    }

    /** The client's latency probe arrived (UDP acceptor thread): answer it until the test ends. */
    @Override
    public void offerProbe(InetSocketAddress client) {
        RttResponder r = server.rttResponder();
        synchronized (probeLock) {
            if (probeEnded || probeAnswer != null || r == null) {
                return;
            }
            try {
                probeAnswer = r.answer((InetSocketAddress) controlSocket.getLocalAddress(), client);
            } catch (IOException | RuntimeException e) {
                debug("latency probe from " + client + " not answered: " + e, null);
            }
        }
    }

    private void endProbe() {
        synchronized (probeLock) {
            probeEnded = true;
            if (probeAnswer != null) {
                probeAnswer.close();
                probeAnswer = null;
            }
        }
    }

    @Override
    public void udpSetupGranted() {
        udpGranted = true;
        wake();
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
            rec.acceptedHost = AddressText.of(peer);
            rec.acceptedPort = peer.getPort();
            rec.cookie = cookie.text();
            watchdog.armSetup(System.nanoTime());
            if (server.rttResponder() != null) {
                try {
                    // Before PARAM_EXCHANGE: an iperf3j client with --latency probes before it sends its parameters.
                    server.udpRouter.expectProbe(this, peer.getAddress());
                } catch (IOException e) {
                    debug("no latency probe for this test: UDP port " + Errno.describe(e), null);
                }
            }
            control.sendState(ControlState.PARAM_EXCHANGE);
            loop();
        } catch (IperfException e) {
            endReason = e.getMessage();
            tellClient(e);
            reporter.onError(e.getMessage());
        } catch (IOException e) {
            endReason = ErrorCode.CTRL_READ.text() + ": " + Errno.describe(e);
            reporter.onError(endReason);
        } catch (RuntimeException e) {
            endReason = "internal error: " + e;
            reporter.onError(endReason);
        } finally {
            pinned.close();
            server.streamsNoLongerExpected(this);
            server.udpRouter.forget(this);
            endProbe();
            closeStreams();
            Arrival a;
            while ((a = arrivingStreams.poll()) != null) {
                StreamFactory.closeQuietly(a.channel());
            }
            for (Arrival p : pendingStreams) {
                StreamFactory.closeQuietly(p.channel());
            }
            DatagramChannel dc;
            while ((dc = arrivingUdpStreams.poll()) != null) {
                StreamFactory.closeQuietly(dc);
            }
            try {
                if (control != null) {
                    control.close();
                } else {
                    controlSocket.close();
                }
            } catch (IOException ignored) {
                // closing is best effort
            }
            if (!authDenied && rec.cookie != null && expect != Expect.PARAMS) {
                reporter.onFinish(false);
            }
            logEnd();
        }
    }

    /**
     * A test that fails before it starts tells its client why with SERVER_ERROR, as
     * iperf3 3.21 does (3.12 only closes), so a client that sent something malformed
     * or took too long sees the reason rather than "control socket has closed
     * unexpectedly". Once the test runs, failures close the connection as 3.12 does.
     */
    private void tellClient(IperfException e) {
        if (errorSent || authDenied || control == null || rec.started || control.endOfStream()
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

    /** The operator log's end line (see {@link ServerLog}). */
    private void logEnd() {
        ServerLog log = server.log();
        if (!log.enabled()) {
            return;
        }
        long sent = 0;
        long received = 0;
        for (DataStream s : streams) {
            if (s.sending()) {
                sent += s.bytes();
            } else {
                received += s.bytes();
            }
        }
        String result;
        String reason = endReason;
        if (authDenied) {
            result = "denied";
        } else if (refused) {
            result = "refused";
        } else if (endReason == null) {
            result = "ok";
        } else {
            result = "cut";
        }
        if (cutDetail != null) {
            reason = reason == null ? cutDetail : reason + " (" + cutDetail + ")";
        }
        double seconds = (System.nanoTime() - admittedNanos) / 1e9;
        log.testEnded(id, peer, shape, sent, received, seconds, result, reason);
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
                control.sendJson(localResults(serverJson, serverText).toJson());
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
        shape = shapeOf(p);
        if (server.requiresAuthentication() && !authorized(p)) {
            authDenied = true;
            server.releaseSlot(this, true);
            // 3.12 sends SERVER_ERROR and only the code, then closes.
            ByteBuffer b = ByteBuffer.allocate(5).put(ControlState.SERVER_ERROR.wireByte()).putInt(ErrorCode.AUTH_TEST.number());
            control.write(b.flip());
            throw new IperfException(ErrorCode.AUTH_TEST);
        }
        if (local.serverMaxDurationSec() > 0 && p.time() > local.serverMaxDurationSec()) {
            IperfException e = new IperfException(ErrorCode.MAX_SERVER_TEST_DURATION_EXCEEDED);
            refuse(e);
            throw e;
        }
        server.log().testStarted(id, peer, shape, authUser);
        TestSettings.apply(rec, p, false);
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
            int[] buffers = server.listenerBuffers();
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
                awaitingUdpGrant = !server.udpRouter.expect(this, control.remoteAddress().getAddress(), expectedStreams);
            } catch (IOException e) {
                // iperf3 binds its UDP socket here; a taken port fails the test with the errno.
                IperfException failure = new IperfException(ErrorCode.STREAM_LISTEN, Errno.describe(e), e);
                try {
                    control.write(ControlFrames.encodeServerError(ErrorCode.STREAM_LISTEN.number(), Errno.of(e)));
                } catch (IOException ignored) {
                    // the client is gone; the test ends either way
                }
                throw failure;
            }
        } else {
            server.expectStreams(this);
        }
        if (!awaitingUdpGrant) {
            control.sendState(ControlState.CREATE_STREAMS);
        }
        reporter.onConnect();
        expect = Expect.STATE;
    }

    private static ServerLog.TestShape shapeOf(TestParameters p) {
        String dir = p.bidirectional() ? "bidir" : p.reverse() ? "reverse" : "normal";
        String limit = p.num() > 0 ? p.num() + "B" : p.blockcount() > 0 ? p.blockcount() + "blocks" : p.time() + "s";
        return new ServerLog.TestShape(p.udp() ? "UDP" : "TCP", dir, p.parallel(), limit);
    }

    /** Sends SERVER_ERROR with iperf3's code for a refused test, so the client can say why. */
    private void refuse(IperfException e) {
        refused = true;
        errorSent = true;
        try {
            control.write(ControlFrames.encodeServerError(e.code().number(), 0));
        } catch (IOException ignored) {
            // the client is gone; the test ends either way
        }
    }

    private boolean authorized(TestParameters p) {
        if (p.authToken() == null) {
            cutDetail = "no authentication token";
            return false;
        }
        try {
            AuthToken.Credentials c = AuthToken.decode(p.authToken(), server.privateKey(), IperfOptions.RsaPadding.PKCS1);
            long skew = System.currentTimeMillis() / 1000 - c.timestamp();
            if (Math.abs(skew) > local.timeSkewThreshold()) {
                cutDetail = (skew > 0 ? "token " + skew + " s old" : "token " + -skew + " s in the future")
                        + ", more than --time-skew-threshold " + local.timeSkewThreshold();
                return false;
            }
            if (!new AuthorizedUsers(local.authorizedUsersPath()).accepts(c.username(), c.password())) {
                cutDetail = "unknown user or wrong password for user " + c.username();
                return false;
            }
            authUser = c.username();
            return true;
        } catch (Exception e) {
            cutDetail = "bad token: " + e.getMessage();
            return false;
        }
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
                endReason = ErrorCode.CLIENT_TERM.text();
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
        endReason = "the client has unexpectedly closed the connection";
        printer.errorRaw(endReason);
        done = true;
    }

    // ------------------------------------------------------------ streams

    @Override
    protected void onStreamEvents() throws IperfException, IOException {
        if (awaitingUdpGrant && udpGranted) {
            awaitingUdpGrant = false;
            control.sendState(ControlState.CREATE_STREAMS);
        }
        Arrival a;
        while ((a = arrivingStreams.poll()) != null) {
            if (streams.size() + pendingStreams.size() >= expectedStreams || running) {
                refuseStream(a.channel());
                continue;
            }
            pendingStreams.add(a);
        }
        if (!pendingStreams.isEmpty() && streams.size() + pendingStreams.size() == expectedStreams) {
            // Roles and ids follow the order the client opened its streams (bidir: its
            // sending streams first). The acceptor numbered connections in that order;
            // their cookies may have been read in any order, so sort before assigning.
            pendingStreams.sort(Comparator.comparingLong(Arrival::acceptOrder));
            List<Arrival> ready = new ArrayList<>(pendingStreams);
            pendingStreams.clear();
            for (Arrival p : ready) {
                int index = streams.size();
                Direction d = nextDirection();
                int id = streams.isEmpty() ? 1 : streams.size() + 2;
                int socketNumber = index == 0 ? 5 : 6 + 2 * index;
                TcpStream s = factory.acceptedTcp(p.channel(), id, socketNumber, d, rec,
                        d == Direction.SENDER ? sendBudget : null);
                addAcceptedStream(s);
            }
        }
        DatagramChannel dc;
        while ((dc = arrivingUdpStreams.poll()) != null) {
            if (streams.size() >= expectedStreams || running) {
                StreamFactory.closeQuietly(dc);
                continue;
            }
            Direction d = nextDirection();
            int id = streams.isEmpty() ? 1 : streams.size() + 2;
            int socketNumber = 5 + streams.size(); // 3.12's server UDP sockets: 5, 6, 7, ...
            boolean text = !local.json() && !local.jsonStream();
            UdpStream s = UdpStreams.accepted(dc, id, socketNumber, d, rec, d == Direction.SENDER ? sendBudget : null,
                    reporter, printer, text, this::wake);
            addAcceptedStream(s);
        }
        if (running) {
            Throwable f = streamFailure();
            if (f != null) {
                throw new IperfException(ErrorCode.STREAM_WRITE, Errno.describe(f));
            }
        }
    }

    /** Stream roles in arrival order: in bidir mode the first P streams are the server's receiving ones. */
    private Direction nextDirection() {
        return switch (rec.mode) {
            case RECEIVER -> Direction.RECEIVER;
            case SENDER -> Direction.SENDER;
            case BIDIRECTIONAL -> streams.size() < rec.parallel ? Direction.RECEIVER : Direction.SENDER;
        };
    }

    private void addAcceptedStream(DataStream s) throws IperfException, IOException {
        streams.add(s);
        rec.streams.add(s.record);
        reporter.onStreamConnected(s.record);
        if (!s.sending()) {
            s.start(name);
        }
        if (streams.size() == expectedStreams) {
            server.streamsNoLongerExpected(this);
            server.udpRouter.forget(this);
            startTest();
        }
    }

    private static void refuseStream(SocketChannel ch) {
        try {
            ch.write(ByteBuffer.wrap(new byte[] {ControlState.ACCESS_DENIED.wireByte()}));
        } catch (IOException ignored) {
            // refused either way
        }
        StreamFactory.closeQuietly(ch);
    }

    private void startTest() throws IperfException, IOException {
        if (local.serverBitrateLimit() > 0) {
            double total = (double) rec.targetBitrate * rec.parallel * (rec.bidirectional ? 2 : 1);
            if (total > local.serverBitrateLimit()) {
                throw new IperfException(ErrorCode.TOTAL_RATE);
            }
        }
        cpuStart = ProcessCpu.now();
        // Count from before the client can know it may send (iperf3 is TEST_RUNNING as it
        // sends the byte); otherwise its first datagrams are dropped and count as lost.
        startClocks(false);
        for (DataStream s : streams) {
            s.counting = true;
        }
        control.sendState(ControlState.TEST_START);
        control.sendState(ControlState.TEST_RUNNING);
        reporter.onTestStart();
        running = true;
        watchdog.armRunning(System.nanoTime(), rec.duration, rec.omit, progressTotal(), activityTotal());
        for (DataStream s : streams) {
            if (s.sending()) {
                s.start(name);
            }
        }
    }

    /** How long a server waits at TEST_END for its senders to finish the write they are in. */
    static final long END_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    /** TEST_END: final sample, data sockets closed (as iperf3 does), the server's own report. */
    private void endTest() {
        // The test ends now, as iperf3's does on TEST_END: nothing received later counts.
        // A write our sender is in may already be partly read by the client, so it is
        // let finish (briefly: a 3.12 bidir client stops reading) and counted.
        long end = System.nanoTime() / 1000;
        running = false;
        stopCounting();
        stopSenders(END_GRACE_NANOS);
        measureCpu();
        sampleAll(end);
        closeStreams();
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
        if (local.serverBitrateLimit() <= 0 || statsInterval <= 0) {
            return;
        }
        if (rateWindow == null) {
            rateWindow = new long[(int) Math.max(1, Math.round(local.serverBitrateLimitInterval() / statsInterval))];
        }
        long bytes = 0;
        for (DataStream s : streams) {
            bytes += s.record.lastInterval.bytes();
        }
        rateWindow[rateSamples++ % rateWindow.length] = bytes;
        if (rateSamples >= rateWindow.length) {
            long sum = 0;
            for (long b : rateWindow) {
                sum += b;
            }
            if (sum * 8 / (statsInterval * rateWindow.length) > local.serverBitrateLimit()) {
                endTest();
                throw new IperfException(ErrorCode.TOTAL_RATE);
            }
        }
    }

    // ------------------------------------------------------------ timeouts

    @Override
    protected long extraDeadline() {
        return watchdog.nextDeadline(running, stallNanos());
    }

    private long activityTotal() {
        long total = control.bytesRead();
        for (DataStream s : streams) {
            total += s.bytes();
        }
        return total;
    }

    @Override
    protected void onExtraDeadline(long now) throws IperfException {
        if (!running) {
            throw new IperfException(ErrorCode.NO_MSG, "no parameters, streams or results from the client in time");
        }
        Optional<ServerWatchdog.Expiry> expiry = watchdog.expired(now, this::progressTotal, this::activityTotal,
                stallNanos(), receivesData());
        if (expiry.isPresent()) {
            endTest();
            cutDetail = expiry.get().detail();
            throw new IperfException(expiry.get().code());
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
        endReason = ErrorCode.SERVER_TERM.text();
        done = true;
    }

    static OutputMode outputMode(IperfOptions o) {
        return OutputMode.of(o.json(), o.jsonStream(), o.jsonStreamFullOutput());
    }
}
