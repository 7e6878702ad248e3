package io.iperf3j.engine;

import io.iperf3j.auth.AuthToken;
import io.iperf3j.auth.AuthorizedUsers;
import io.iperf3j.json.JsonObject;
import io.iperf3j.net.ProcessCpu;
import io.iperf3j.net.NativeSocket;
import io.iperf3j.options.IperfOptions;
import io.iperf3j.protocol.ControlChannel;
import io.iperf3j.protocol.ControlFrames;
import io.iperf3j.protocol.ControlState;
import io.iperf3j.protocol.Cookie;
import io.iperf3j.protocol.ErrorCode;
import io.iperf3j.protocol.IperfException;
import io.iperf3j.protocol.TestParameters;
import io.iperf3j.report.OutputMode;
import io.iperf3j.report.Strftime;
import io.iperf3j.report.TestPrinter;
import io.iperf3j.report.TestReporter;
import io.iperf3j.stats.Direction;
import io.iperf3j.stats.TestMode;
import io.iperf3j.stats.TestRecord;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One test on the server side, on its own thread: from the accepted control
 * connection (cookie already read) to IPERF_DONE. Every way a test can go wrong
 * (a silent or vanished client, bad parameters, a failed stream, a timeout) ends
 * this test only, with a message, and frees everything it held.
 */
final class ServerSession extends TestSession implements UdpStreamRouter.Sink {
    private enum Expect { PARAMS, STATE, RESULTS }

    /** How long a client may take to send its parameters and open its streams, at most. */
    static final long SETUP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

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
    private int expectedStreams;
    private long setupDeadline;
    private long safetyDeadline = NEVER;
    private long lastProgressNanos;
    private long lastReceivedTotal;
    private boolean authDenied;
    /** Bytes moved per interval, for the running {@code --server-bitrate-limit} check. */
    private long[] rateWindow;
    private int rateSamples;
    private boolean resultsSent;
    private String endReason;

    ServerSession(IperfServer server, IperfOptions options, TestRecord rec, TestPrinter printer, TestReporter reporter,
                  Selector selector, Cookie cookie, SocketChannel controlSocket, String name) {
        super(options, rec, printer, reporter, selector, name);
        this.server = server;
        this.cookie = cookie;
        this.controlSocket = controlSocket;
        this.factory = new StreamFactory(options, this::wake);
        this.statsInterval = options.interval();
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
            control = new ControlChannel(controlSocket, selector);
            InetSocketAddress peer = control.remoteAddress();
            rec.acceptedHost = AddressText.of(peer);
            rec.acceptedPort = peer.getPort();
            rec.cookie = cookie.text();
            setupDeadline = System.nanoTime() + Math.min(SETUP_TIMEOUT_NANOS, local.rcvTimeoutMs() * 1_000_000L);
            control.sendState(ControlState.PARAM_EXCHANGE);
            loop();
        } catch (IperfException e) {
            endReason = e.getMessage();
            reporter.onError(e.getMessage());
        } catch (IOException e) {
            endReason = ErrorCode.CTRL_READ.text() + ": " + ClientSession.errnoText(e);
            reporter.onError(endReason);
        } catch (RuntimeException e) {
            endReason = "internal error: " + e;
            reporter.onError(endReason);
        } finally {
            server.streamsNoLongerExpected(this);
            server.udpRouter.forget(this);
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
        }
    }

    // ------------------------------------------------------------ control messages

    @Override
    boolean handleControl() throws IperfException, IOException {
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
        if (server.requiresAuthentication() && !authorized(p)) {
            authDenied = true;
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
        TestSettings.apply(rec, p, false);
        rec.senderHasRetransmits = computeSenderHasRetransmits();
        reporter.onParametersReceived();
        if (rec.getServerOutput && !local.json() && !local.jsonStream()) {
            printer.startCapture();
        }
        boolean udp = rec.protocol == IperfOptions.Protocol.UDP;
        if (!udp) {
            int[] buffers = server.listenerBuffers();
            reporter.onListenerBuffers(rec.window, buffers[0], buffers[1]);
        }
        long now = System.currentTimeMillis() / 1000;
        rec.timestampSecs = now;
        rec.timestampText = Strftime.gmtTime(now);
        expectedStreams = rec.mode == TestMode.BIDIRECTIONAL ? 2 * rec.parallel : rec.parallel;
        if (rec.bytes > 0 || rec.blocks > 0) {
            // iperf3's server knows -n/-k from the parameters and stops sending there;
            // only the client ends the test.
            sendBudget = rec.bytes > 0 ? TransferBudget.bytes(rec.bytes) : TransferBudget.blocks(rec.blocks);
        }
        if (udp) {
            try {
                awaitingUdpGrant = !server.udpRouter.expect(this, control.remoteAddress().getAddress(), expectedStreams);
            } catch (IOException e) {
                // iperf3 binds its UDP socket here; a taken port fails the test with the errno.
                IperfException failure = new IperfException(ErrorCode.STREAM_LISTEN, ClientSession.errnoText(e), e);
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

    /** Sends SERVER_ERROR with iperf3's code for a refused test, so the client can say why. */
    private void refuse(IperfException e) {
        try {
            control.write(ControlFrames.encodeServerError(e.code().number(), 0));
        } catch (IOException ignored) {
            // the client is gone; the test ends either way
        }
    }

    private boolean authorized(TestParameters p) {
        if (p.authToken() == null) {
            return false;
        }
        try {
            AuthToken.Credentials c = AuthToken.decode(p.authToken(), server.privateKey(), IperfOptions.RsaPadding.PKCS1);
            long skew = System.currentTimeMillis() / 1000 - c.timestamp();
            if (Math.abs(skew) > local.timeSkewThreshold()) {
                return false;
            }
            return new AuthorizedUsers(local.authorizedUsersPath()).accepts(c.username(), c.password());
        } catch (Exception e) {
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
                setupDeadline = System.nanoTime() + SETUP_TIMEOUT_NANOS;
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
    void onControlClosed() throws IperfException {
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
    void onStreamEvents() throws IperfException, IOException {
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
                        d == Direction.SENDING ? sendBudget : null);
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
            UdpStream s = UdpStreams.accepted(dc, id, socketNumber, d, rec, d == Direction.SENDING ? sendBudget : null,
                    reporter, printer, text, this::wake);
            addAcceptedStream(s);
        }
        if (running) {
            Throwable f = streamFailure();
            if (f != null) {
                throw new IperfException(ErrorCode.STREAM_WRITE, ClientSession.errnoText(f));
            }
        }
    }

    /** Stream roles in arrival order: in bidir mode the first P streams are the server's receiving ones. */
    private Direction nextDirection() {
        return switch (rec.mode) {
            case RECEIVER -> Direction.RECEIVING;
            case SENDER -> Direction.SENDING;
            case BIDIRECTIONAL -> streams.size() < rec.parallel ? Direction.RECEIVING : Direction.SENDING;
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
        lastProgressNanos = System.nanoTime();
        if (rec.duration > 0) {
            safetyDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(rec.duration + (long) rec.omit + 40);
        }
        if (local.serverMaxDurationSec() > 0) {
            long cut = System.nanoTime() + TimeUnit.SECONDS.toNanos(local.serverMaxDurationSec() + (long) rec.omit);
            safetyDeadline = Math.min(safetyDeadline, cut);
        }
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
    void onIntervalSampled() throws IperfException {
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
    long extraDeadline() {
        if (!running) {
            return setupDeadline;
        }
        long deadline = safetyDeadline;
        if (receivesData()) {
            deadline = Math.min(deadline, lastProgressNanos + local.rcvTimeoutMs() * 1_000_000L);
        }
        return deadline;
    }

    private boolean receivesData() {
        return rec.mode != TestMode.SENDER;
    }

    @Override
    void onExtraDeadline(long now) throws IperfException {
        if (!running) {
            throw new IperfException(ErrorCode.NO_MSG, "no parameters, streams or results from the client in time");
        }
        if (safetyDeadline != NEVER && now - safetyDeadline >= 0) {
            endTest();
            throw new IperfException(local.serverMaxDurationSec() > 0
                    ? ErrorCode.SERVER_TEST_DURATION_EXPIRED : ErrorCode.NO_MSG);
        }
        long received = 0;
        for (DataStream s : streams) {
            if (!s.sending()) {
                received += s.bytes();
            }
        }
        if (received != lastReceivedTotal) {
            lastReceivedTotal = received;
            lastProgressNanos = now;
            return;
        }
        endTest();
        throw new IperfException(ErrorCode.NO_MSG);
    }

    @Override
    void onCancel() {
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
        return o.jsonStream() ? OutputMode.JSON_STREAM : o.json() ? OutputMode.JSON : OutputMode.TEXT;
    }
}
