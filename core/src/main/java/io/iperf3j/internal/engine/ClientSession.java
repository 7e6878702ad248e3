package io.iperf3j.internal.engine;

import io.iperf3j.Direction;
import io.iperf3j.Transport;
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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * One client test, from the control connection to IPERF_DONE, as iperf3 3.12's
 * {@code iperf_run_client}: connect, send the cookie and the parameters, open the
 * data streams when asked, run until the duration or the byte/block limit is
 * reached, send TEST_END, exchange results, report.
 */
final class ClientSession extends TestSession {
    private enum Expect { STATE, ERROR_CODE, ERROR_ERRNO, RESULTS }

    private final Cookie cookie;
    private final StreamFactory factory;
    private final InetSocketAddress server;
    private Expect expect = Expect.STATE;
    private ControlState state;
    private int serverErrorCode;
    private IperfException failure;
    private boolean cancelled;
    /** Last time the server sent anything on the control connection, or data arrived. */
    private long lastActivityNanos = System.nanoTime();
    private long lastProgressTotal;
    /** {@code --username}: the password (read once per test) and this attempt's token padding; else null. */
    private final String password;
    private final IperfOptions.RsaPadding padding;
    /** {@code --latency}: the probe's phases around the test, or null when the option is off. */
    private LatencyRun latency;

    ClientSession(IperfOptions options, TestRecord rec, TestPrinter printer, TestReporter reporter, Selector selector,
                  InetSocketAddress server, String name, String password, IperfOptions.RsaPadding padding) {
        super(options, rec, printer, reporter, selector, name);
        this.password = password;
        this.padding = padding;
        this.cookie = Cookie.random();
        this.server = server;
        this.factory = new StreamFactory(options, this::wake);
        this.statsInterval = options.interval();
    }

    /** Runs a latency probe around the test ({@code --latency}); call before {@link #run()}. */
    void latency(LatencyRun run) {
        this.latency = run;
    }

    /** Whether the run ended because {@link #cancel()} was called. */
    boolean cancelled() {
        return cancelled;
    }

    /**
     * Runs the test on the calling thread.
     *
     * @throws IperfException the error iperf3 would report; the reporter has the
     *         document so far (the caller adds the error to it)
     */
    void run() throws IperfException {
        try {
            if (local.protocol() == Transport.UDP) {
                // On the spare core while the control connection is made; the streams' set-up waits for it.
                UdpStream.warmUpInBackground(local.blockSize() > 0 ? local.blockSize() : IperfOptions.DEFAULT_UDP_BLOCKSIZE,
                        local.udpCounters64());
            }
            connect();
            loop();
        } catch (IOException e) {
            throw new IperfException(ErrorCode.CTRL_READ, IoErrno.describe(e), e);
        } finally {
            closeStreams();
            if (latency != null) {
                latency.close();
            }
            if (control != null) {
                try {
                    control.close();
                } catch (IOException ignored) {
                    // already failing or done
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ------------------------------------------------------------ connection

    private void connect() throws IperfException, IOException {
        SocketChannel ch = SocketChannel.open(server.getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            if (local.bindAddress() != null) {
                ch.bind(new InetSocketAddress(InetAddress.getByName(local.bindAddress()), 0));
            }
            ch.configureBlocking(false);
            boolean connected = ch.connect(server);
            if (!connected && !waitForConnect(ch)) {
                // A signal while connecting ends the client as in any other phase: iperf3's longjmp out of
                // connect() gives "interrupt - the client has terminated" (issue 46), not the connect's EINTR.
                ch.close();
                cancelled = true;
                throw new IperfException(ErrorCode.CLIENT_TERM);
            }
        } catch (IOException e) {
            ch.close();
            throw new IperfException(ErrorCode.CONNECT, IoErrno.describe(e), e);
        }
        PhaseTrace.mark("control-connected");
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (local.sndTimeoutMs() > 0) { // finding the descriptor waits for FFM's first bindings: only when needed
            StreamFactory.applyUserTimeout(NativeSocket.of(ch).orElse(null), local.sndTimeoutMs());
        }
        applyControlKeepalive(ch);
        control = new ControlChannel(ch, selector);
        cpuStart = ProcessCpu.now();
        control.write(ByteBuffer.wrap(cookie.wireBytes()));
        rec.cookie = cookie.text();
        // Read after the cookie, as iperf3 does: Linux's value changes once data went out
        // (32741 before, 32768 after on loopback), and it decides the default UDP length.
        NativeSocket.of(ch).ifPresent(n -> n.tcpMaxSeg().ifPresent(mss -> rec.controlMss = mss));
        reporter.printControlMss(rec.controlMss);
        if (rec.protocol == Transport.UDP) {
            UdpStreams.clientBlockSizeNotes(local, rec, factory.blockSize(rec.controlMss), printer);
        }
    }

    /** {@code --cntl-ka}, as 3.21's client sets it right after connecting; closes the socket if it fails. */
    private void applyControlKeepalive(SocketChannel ch) throws IperfException, IOException {
        try {
            String note = KeepaliveSocketOptions.apply(ch, local.controlKeepalive(), printer::errorRaw);
            if (note != null && local.verbose()) {
                printer.line(note);
            }
        } catch (IperfException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Waits for a non-blocking connect, honouring {@code --connect-timeout}; false when {@link #cancel()}
     * came first (it wakes the select at once).
     */
    private boolean waitForConnect(SocketChannel ch) throws IOException {
        long timeoutNanos = local.connectTimeoutMs() > 0 ? local.connectTimeoutMs() * 1_000_000L : Long.MAX_VALUE;
        long deadline = System.nanoTime() + Math.min(timeoutNanos, Long.MAX_VALUE / 4);
        try (Selector s = Selector.open()) {
            ch.register(s, SelectionKey.OP_CONNECT);
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new java.net.ConnectException("Connection timed out");
                }
                if (cancelRequested()) {
                    return false;
                }
                s.select(Math.min(50, Math.max(1, left / 1_000_000))); // a signal is seen within 50 ms
                if (ch.finishConnect()) {
                    return true;
                }
            }
        }
    }

    // ------------------------------------------------------------ control messages

    @Override
    protected boolean handleControl() throws IperfException, IOException {
        if (control.hasBufferedBytes()) {
            lastActivityNanos = System.nanoTime();
        }
        switch (expect) {
            case STATE -> {
                long v = control.pollState();
                if (v == ControlFrames.NEED_MORE) {
                    return false;
                }
                onState((byte) v);
                return true;
            }
            case ERROR_CODE -> {
                long v = control.pollInt32();
                if (v == ControlFrames.NEED_MORE) {
                    return false;
                }
                serverErrorCode = (int) v;
                expect = Expect.ERROR_ERRNO;
                return true;
            }
            case ERROR_ERRNO -> {
                long v = control.pollInt32();
                if (v == ControlFrames.NEED_MORE) {
                    if (control.endOfStream()) {
                        // 3.12 sends only the code after an authentication failure, then closes.
                        failServerError(serverErrorCode, 0);
                        return true;
                    }
                    return false;
                }
                failServerError(serverErrorCode, (int) v);
                return true;
            }
            case RESULTS -> {
                if (!receivePeerResults()) {
                    return false;
                }
                PhaseTrace.mark("results-received");
                expect = Expect.STATE;
                return true;
            }
        }
        return false;
    }

    private void failServerError(int ierrno, int errno) throws IperfException {
        ErrorCode code = ErrorCode.ofNumber(ierrno);
        String detail = null;
        if (code == null) {
            throw new IperfException(ErrorCode.MESSAGE, "server error " + ierrno);
        }
        if (errno != 0 && code.appendsSystemError()) {
            detail = IoErrno.text(errno);
        }
        if (code == ErrorCode.TOTAL_RATE && errno < 0) {
            // An iperf3j server's --cool-down sends its seconds left as a negative errno, which
            // iperf3's clients do not print (Refusal.COOL_DOWN): say when this address may test again.
            detail = "try again in " + -(long) errno + " s (the server's --cool-down)";
        }
        throw new IperfException(code, detail);
    }

    private void onState(byte b) throws IperfException, IOException {
        ControlState s = ControlState.ofWire(b);
        if (s == null) {
            throw new IperfException(ErrorCode.MESSAGE);
        }
        state = s;
        debug("State change: client received " + s, null);
        switch (s) {
            case PARAM_EXCHANGE -> {
                if (latency != null) {
                    // Before the parameters, so a real iperf3 server has no UDP socket the probe could be taken for.
                    latency.idlePhase(server, this::cancelRequested);
                }
                sendParameters();
            }
            case CREATE_STREAMS -> createStreams();
            case TEST_START -> {
                rec.senderHasRetransmits = computeSenderHasRetransmits();
                startClocks(true);
                reporter.onTestStart();
            }
            case TEST_RUNNING -> {
                PhaseTrace.mark("test-running");
                startRunning();
            }
            case EXCHANGE_RESULTS -> {
                PhaseTrace.mark("exchange-results");
                if (rec.whyWanted) {
                    rec.localWhy = whyProbes();
                }
                JsonObject results = localResults(null, null).toJson();
                if (rec.whyWanted) {
                    // the server's verdict (its /metrics) pairs these with its own; iperf3's servers ignore the key
                    results.put(WhyProbe.KEY, WhyProbe.toJson(rec.localWhy));
                }
                debug("send_results", results);
                control.sendJson(results);
                PhaseTrace.mark("results-sent");
                expect = Expect.RESULTS;
            }
            case DISPLAY_RESULTS -> {
                PhaseTrace.mark("display-results");
                closeStreams();
                if (latency != null) {
                    latency.tail(this::cancelRequested);
                }
                if (rec.whyWanted) {
                    rec.why = WhyAssembler.assemble(rec, rec.localWhy, rec.peerWhy, rec.peerSentWhy, rec.peerReports);
                }
                rec.ended = true;
                reporter.onTestEnd();
                control.sendState(ControlState.IPERF_DONE);
                PhaseTrace.mark("iperf-done");
                done = true;
            }
            case SERVER_TERMINATE -> {
                // The server was interrupted: show what was measured, then fail.
                if (running) {
                    stopMeasuring();
                }
                closeStreams();
                if (latency != null) {
                    latency.close();
                }
                rec.ended = true;
                reporter.onTestEnd();
                throw new IperfException(ErrorCode.SERVER_TERM);
            }
            case ACCESS_DENIED -> throw new IperfException(ErrorCode.ACCESS_DENIED);
            case SERVER_ERROR -> expect = Expect.ERROR_CODE;
            default -> throw new IperfException(ErrorCode.MESSAGE);
        }
    }

    private void sendParameters() throws IperfException, IOException {
        int blockSize = factory.blockSize(rec.controlMss);
        rec.blockSize = blockSize;
        String token = local.username() != null ? ClientCredentials.token(local, password, padding) : null;
        JsonObject params = TestParameters.of(local, blockSize, token).toJson();
        if (rec.whyWanted) {
            // --why: an iperf3j server then sends its streams' figures with its results; iperf3 ignores the key
            params.put(WhyProbe.KEY, true);
            if ((local.reverse() || local.bidirectional()) && !local.getServerOutput()) {
                // a real iperf3 server, the sender here, shows its sending sockets only in the output it returns
                // (SenderReport); it is read for the verdict, never printed or put in -J without the option
                params.put("get_server_output", 1);
            }
        }
        debug("send_parameters:", params);
        control.sendJson(params);
        PhaseTrace.mark("params-sent");
        long nowMillis = System.currentTimeMillis();
        rec.timestampMillis = nowMillis;
        rec.timestampText = Strftime.gmtTime(nowMillis / 1000);
        reporter.onConnect();
    }

    private void createStreams() throws IperfException, IOException {
        List<Direction> directions = new ArrayList<>();
        switch (rec.mode) {
            case SENDER -> repeat(directions, Direction.SENDER, rec.parallel);
            case RECEIVER -> repeat(directions, Direction.RECEIVER, rec.parallel);
            case BIDIRECTIONAL -> {
                repeat(directions, Direction.SENDER, rec.parallel);
                repeat(directions, Direction.RECEIVER, rec.parallel);
            }
        }
        if (rec.bytes > 0 || rec.blocks > 0) {
            // iperf3's client ends a -n/-k test when either count reaches the limit: what it
            // sent, or what it received (bytes, or reads for -k). Each half has its own count.
            if (rec.mode != TestMode.RECEIVER) {
                sendBudget = newBudget();
            }
            if (rec.mode != TestMode.SENDER) {
                receiveBudget = newBudget();
            }
        }
        if (rec.protocol == Transport.UDP) {
            // Before any handshake: a reverse test's server sends once the last stream is set up.
            // Started in the background by run(); this waits for it to end (or runs it).
            UdpStream.warmUpOnce(rec.blockSize, rec.udpCounters64);
        }
        for (int i = 0; i < directions.size(); i++) {
            int id = streams.isEmpty() ? 1 : streams.size() + 2;
            int socketNumber = 5 + 2 * i;
            int cport = local.cport() > 0 ? local.cport() + i : 0;
            Direction d = directions.get(i);
            TransferBudget budget = d == Direction.SENDER ? sendBudget : receiveBudget;
            DataStream s;
            try {
                s = rec.protocol == Transport.UDP
                        ? UdpStreams.connect(local, server, id, socketNumber, d, cport, rec, budget, reporter, printer,
                                this::wake, this::cancelRequested)
                        : factory.connectTcp(server, cookie, id, socketNumber, d, cport, rec, budget, reporter);
            } catch (IperfException e) {
                if (e.code() != ErrorCode.CLIENT_TERM) {
                    throw e;
                }
                onCancel(); // a signal while a UDP stream waited for its reply: ends the test as in any phase
                return;
            }
            streams.add(s);
            rec.streams.add(s.record);
            reporter.onStreamConnected(s.record);
            // Receivers start reading only at TEST_RUNNING, as iperf3's client does: the server sends
            // right after TEST_RUNNING, and bytes read before this side counts would be lost (a -R -n/-k
            // test then never reaches its limit).
        }
    }

    private TransferBudget newBudget() {
        return rec.bytes > 0 ? TransferBudget.bytes(rec.bytes) : TransferBudget.blocks(rec.blocks);
    }

    private static void repeat(List<Direction> list, Direction d, int n) {
        for (int i = 0; i < n; i++) {
            list.add(d);
        }
    }

    private void startRunning() {
        running = true;
        lastActivityNanos = System.nanoTime();
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            s.counting = true;
        }
        for (int at = 0; at < streams.size(); at++) {
            DataStream s = streams.get(at);
            s.measureSched = rec.whyWanted;
            s.start(name);
        }
        if (latency != null) {
            latency.loadStarts();
        }
    }

    @Override
    protected void onOmitEnded() {
        if (latency != null) {
            latency.omitEnds();
        }
    }

    // ------------------------------------------------------------ ending

    @Override
    protected void onDurationElapsed() throws IOException {
        endTest();
    }

    @Override
    protected void onStreamEvents() throws IperfException, IOException {
        if (!running) {
            return;
        }
        Throwable f = streamFailure();
        if (f != null) {
            running = false;
            boolean sendingFailed = false;
            for (int at = 0; at < streams.size(); at++) {
                DataStream s = streams.get(at);
                if (s.failure() != null && s.sending()) {
                    sendingFailed = true;
                }
            }
            throw new IperfException(sendingFailed ? ErrorCode.STREAM_WRITE : ErrorCode.STREAM_READ, IoErrno.describe(f));
        }
        boolean limitReached = (sendBudget != null && sendBudget.exhausted()) || (receiveBudget != null && receiveBudget.exhausted());
        if (limitReached && rec.omit > 0 && rec.omitting) {
            limitReached = false; // iperf3 ends a -n/-k test only after the omit period
        }
        if (limitReached) {
            endTest();
        }
    }

    /**
     * No phase waits forever. While the test runs, its data must move: nothing received
     * for {@code --rcv-timeout} (default 120 s) ends a receiving test with iperf3's
     * "idle timeout for receiving data", and a sending-only test whose sockets accept
     * nothing for as long ends with a write error (see {@link #stallNanos}). Outside the
     * running phase the server owes us a control message; iperf3 waits forever there,
     * we give up after the receive timeout.
     */
    @Override
    protected long extraDeadline() {
        if (running) {
            return lastActivityNanos + stallNanos();
        }
        return lastActivityNanos + local.rcvTimeoutMs() * 1_000_000L;
    }

    @Override
    protected void onExtraDeadline(long now) throws IperfException {
        if (running) {
            long moved = progressTotal();
            if (moved != lastProgressTotal) {
                lastProgressTotal = moved;
                lastActivityNanos = now;
                return;
            }
            if (!receivesData()) {
                throw new IperfException(ErrorCode.STREAM_WRITE,
                        "nothing could be sent for " + stallNanos() / 1_000_000 + " ms (the server does not read)");
            }
        }
        throw new IperfException(ErrorCode.NO_MSG);
    }

    @Override
    protected void onControlClosed() throws IperfException {
        throw new IperfException(ErrorCode.CTRL_CLOSE);
    }

    /** The end condition is met: final sample, then TEST_END. Receivers read no further block. */
    private void endTest() throws IOException {
        if (!running) {
            return;
        }
        stopMeasuring();
        statsDue = NEVER;
        omitDue = NEVER;
        endDue = NEVER;
        control.sendState(ControlState.TEST_END);
        PhaseTrace.mark("test-end-sent");
    }

    /**
     * The test ends now: the final sample is taken at this moment, after each sender
     * has finished the write it was in (those bytes are already on the wire, so they
     * count). Receivers count no more and stop reading, as iperf3 3.21's receiver
     * threads do once the test is done: a block the server is still writing then stays
     * uncounted on both sides (docs/design/test-end.md).
     */
    private void stopMeasuring() {
        long end = System.nanoTime() / 1000;
        running = false;
        stopSenders(STOP_GRACE_NANOS);
        measureCpu();
        sampleAll(end);
        if (latency != null) {
            latency.loadEnds();
        }
        stopCounting();
        stopReceivers();
    }

    @Override
    protected void onCancel() throws IperfException, IOException {
        // As iperf3 on SIGINT: final figures, summary, CLIENT_TERMINATE, then the interrupt error.
        cancelled = true;
        if (running) {
            stopMeasuring();
        }
        closeStreams();
        if (latency != null) {
            latency.close();
        }
        if (rec.started) {
            rec.ended = true;
            reporter.onTestEnd();
        }
        if (control != null) {
            try {
                control.sendState(ControlState.CLIENT_TERMINATE);
            } catch (IOException ignored) {
                // the server may be gone already
            }
        }
        done = true;
        failure = new IperfException(ErrorCode.CLIENT_TERM);
    }
}
