package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.auth.PemKeys;
import io.iperf3j.internal.engine.EngineInfo;
import io.iperf3j.internal.engine.IoErrno;
import io.iperf3j.internal.engine.Unsupported;
import io.iperf3j.RttResponder;
import io.iperf3j.ServerEvent;
import io.iperf3j.ServerEvents;
import io.iperf3j.internal.engine.udp.UdpStreamRouter;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.output.OutputMode;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.output.TestPrinter;
import io.iperf3j.internal.output.TestReporter;
import io.iperf3j.internal.protocol.Cookie;
import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;
import io.iperf3j.internal.stats.TestMode;
import io.iperf3j.internal.stats.TestObserver;
import io.iperf3j.internal.stats.TestRecord;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * An iperf3 server that runs many tests at once on one port, or on every port of a range
 * ({@code -p FIRST-LAST}: one acceptor, one queue and one set of limits for them all). Each accepted
 * connection first sends a 37-byte cookie: a cookie some test is waiting for makes
 * it that test's data stream; any other cookie starts a new test, unless
 * {@code --max-concurrent} tests already run, in which case the client gets
 * iperf3's "busy" answer. Every test runs on its own thread and ends on its own.
 */
public final class IperfServer implements Closeable {
    private final IperfOptions options;
    /** The server's own lines and the operator log: stderr or the --logfile. */
    private final OutputSink sink;
    /**
     * Where the tests' reports (iperf3's text or {@code -J}) go: the same sink, but with
     * {@code --server-log=json}, whose stream carries JSON only, nowhere unless {@link #reports} says.
     */
    private volatile OutputSink reports;
    /** The operator log ({@code --server-log}), the first of the events' listeners. */
    private final ServerLog log;
    private final EngineInfo info;
    private final Supplier<TestObserver> observers;
    /** Which test a cookie belongs to. */
    private final CookieTable cookies = new CookieTable();
    private final AtomicInteger testNumber = new AtomicInteger(1);
    private final AtomicInteger completedTests = new AtomicInteger();
    /** Numbers every admitted control connection, for the operator log. */
    private final AtomicLong testIds = new AtomicLong();
    /** The operator log and the listeners added with {@link #events}. */
    private final EventFanout events;
    /** {@code --total-rate}'s division among the running tests; null without the option. */
    private final RateShares rates;
    /** {@code --cool-down}: addresses whose test was cut for its rate. */
    private final CoolDowns coolDowns;
    private volatile ServerLimits limits = ServerLimits.DEFAULTS;
    private volatile RttResponder rttResponder;
    private final CountDownLatch oneOffDone = new CountDownLatch(1);
    private volatile ListeningSocket listener;
    /** Tells apart the UDP streams of tests that set up at the same time: one per port, in port order. */
    private final UdpStreamRouter[] udpRouters;
    /** The authentication every test passes first; null without {@code --rsa-private-key-path}. */
    private AuthCheck authCheck;
    /** What the tests of each port get (its UDP router), in port order; built when {@link #serve()} starts. */
    private volatile ServerContext[] contexts;
    private volatile boolean closed;
    /** The --max-concurrent slots. */
    private final SlotPool slots;
    /** New tests: a slot, or the busy answer. */
    private final Admission admission;
    /** {@code --queue}; null without it (the busy answer). */
    private final WaitQueue waitQueue;
    /** {@code --allow}/{@code --deny}; null without rules. */
    private final AddressFilter addressFilter;
    /** The selector thread for refused (and, with --queue, held) connections; null when no option needs it. */
    private volatile Lobby lobby;
    /** Test seam: runs on the handshake thread when a new test has its slot, before its session exists. */
    private volatile Runnable onSlotTaken = () -> { };
    /** Test seam: runs in {@link #close()} once every test holding a slot was told to end, before the wait. */
    private volatile Runnable onTestsToldToEnd = () -> { };

    /**
     * @param observers makes an observer for each new test (live metrics, results);
     *        null for none
     */
    public IperfServer(IperfOptions options, OutputSink sink, EngineInfo info, Supplier<TestObserver> observers) {
        this.options = options;
        this.rates = options.totalRate() > 0 ? new RateShares(options.totalRate()) : null;
        this.coolDowns = new CoolDowns(Duration.ofSeconds(options.coolDownSec()));
        java.util.List<Integer> ports = options.ports();
        this.udpRouters = new UdpStreamRouter[ports.size()];
        for (int i = 0; i < udpRouters.length; i++) {
            int p = ports.get(i);
            // One port may be 0 (an ephemeral one): its router asks the listener.
            udpRouters[i] = new UdpStreamRouter(options, ports.size() == 1 ? this::port : () -> p);
        }
        this.sink = sink;
        this.info = info;
        this.observers = observers == null ? () -> TestObserver.NONE : observers;
        this.reports = jsonLog() ? OutputSink.discarding() : sink;
        this.log = new ServerLog(sink, info.programName(), options.timestampFormat(), options.serverLog());
        this.events = new EventFanout(log, m -> serverLine("warning", "warning - ", m));
        this.slots = new SlotPool(options.maxConcurrent(), options.oneOff(), options.maxPerClient(), this::slotFreed);
        // The busy line shows the pool's count, the one admission refused by (bug 5).
        RefuseBusy busy = new RefuseBusy(events, slots::running, slots.max(), cookies);
        if (options.queue() > 0) {
            this.waitQueue = new WaitQueue(options.queue(), Duration.ofSeconds(options.queueTimeoutSec()), slots, events,
                    cookies, busy, this::startTest);
            // --total-rate: a UDP upload it refuses is refused before it queues, not after its wait.
            this.admission = rates == null ? new Admission(waitQueue, waitQueue)
                    : new Admission(waitQueue, waitQueue, new EarlyParameters(rates, events, cookies, () -> limits));
        } else {
            this.waitQueue = null;
            this.admission = new Admission(slots, busy);
        }
        this.addressFilter = options.addressRules().isEmpty() ? null : new AddressFilter(options.addressRules());
    }

    /** {@code --server-log=json}: the log's stream carries JSON lines only. */
    private boolean jsonLog() {
        return options.serverLog() == io.iperf3j.internal.options.ServerLogFormat.JSON;
    }

    /**
     * Under {@code --server-log=json}, where the tests' reports go (the command gives standard output
     * with {@code -V}); by default nowhere, as the log's stream carries JSON only. Without a JSON log
     * the reports share the server's sink and this changes nothing. Call before {@link #serve()}.
     */
    public IperfServer reports(OutputSink to) {
        if (jsonLog()) {
            this.reports = java.util.Objects.requireNonNull(to, "to");
        }
        return this;
    }

    /**
     * A line of the server itself, outside any test: {@code <program>: <kind - >message} as iperf3
     * writes it, or with {@code --server-log=json} a JSON line whose event is {@code event}.
     */
    private void serverLine(String event, String kind, String message) {
        if (jsonLog()) {
            sink.err(ServerLog.notice(event, message));
        } else {
            new TestPrinter(sink, info.programName(), null, options.timestampFormat(), ZonedDateTime::now)
                    .errorRaw(kind + message);
        }
    }

    /**
     * The command's lines outside any test with {@code --server-log=json}: a JSON line whose
     * {@code event} is {@code error}, {@code warning} or {@code terminated}, with its {@code message}.
     */
    public static String jsonLogLine(String event, String message) {
        return ServerLog.notice(event, message);
    }

    /** Lines the operator log's rate limit left out since start (each said by a {@code dropped} line). */
    public long droppedLogLines() {
        return log.droppedLines();
    }

    /** Whether an option needs the lobby thread ({@code --queue}, {@code --allow}, {@code --deny}). */
    private boolean needsLobby() {
        return addressFilter != null || waitQueue != null;
    }

    /**
     * Sets the cookie and setup bounds and the cap on pending connections (see
     * {@link ServerLimits}); call before {@link #serve()}.
     */
    public IperfServer limits(ServerLimits limits) {
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
        return this;
    }

    /**
     * Answers the latency probes ({@code --latency}) of every running test's client on the server's
     * UDP port (the link module's); null (the default) answers none. Call before {@link #serve()}.
     */
    public IperfServer rttResponder(RttResponder responder) {
        this.rttResponder = responder;
        return this;
    }

    /**
     * Adds a listener to the server's events (the operator log is the first); call before
     * {@link #serve()}. See {@link ServerEvents} for the threads it is called on.
     */
    public IperfServer events(ServerEvents listener) {
        events.add(java.util.Objects.requireNonNull(listener, "listener"));
        return this;
    }

    public ServerLimits limits() {
        return limits;
    }

    /** Opens the listening socket. */
    public void bind() throws IperfException {
        Unsupported.check(options);
        try {
            if (options.rsaPrivateKeyPath() != null) {
                // either padding (AUTO) unless --use-pkcs1-padding or --use-oaep-padding names one; no oracle either way
                authCheck = new AuthCheck(PemKeys.readPrivate(options.rsaPrivateKeyPath()), options.authPadding(),
                        options.authorizedUsersPath(), options.timeSkewThreshold());
            }
        } catch (Exception e) {
            throw new IperfException(ErrorCode.SET_SERVER_AUTH, e.getMessage());
        }
        listener = ListeningSocket.bind(options);
    }

    /** The bound port (useful with port 0); with a range, its first. */
    public int port() {
        return listener.port();
    }

    /** What each test on the {@code i}th port gets from this server (after {@link #bind()} and the setters). */
    private ServerContext context(int i) {
        return new ServerContext(limits, authCheck, listener.buffers(), udpRouters[i], rttResponder, events, cookies,
                rates, coolDowns);
    }

    /** The context of the port a control connection came in on (its UDP streams come to that port too). */
    private ServerContext contextOf(SocketChannel control) {
        ServerContext[] all = contexts;
        if (all.length == 1) {
            return all[0];
        }
        try {
            int i = ((java.net.InetSocketAddress) control.getLocalAddress()).getPort() - options.port();
            return i >= 0 && i < all.length ? all[i] : all[0];
        } catch (IOException | RuntimeException e) {
            return all[0]; // a closed connection: its test ends at its first read
        }
    }

    /**
     * Accepts connections until {@link #close()}, or after one test with {@code -1}.
     */
    public void serve() throws IperfException {
        ServerContext[] built = new ServerContext[udpRouters.length];
        for (int i = 0; i < built.length; i++) {
            built[i] = context(i);
        }
        contexts = built;
        Handshakes handshakes = new Handshakes(limits, events, this::route);
        if (needsLobby() && !closed) {
            Lobby l = Lobby.start();
            if (waitQueue != null) {
                waitQueue.attach(l);
            }
            lobby = l;
        }
        printBanner();
        Thread oneOffWatcher = null;
        if (options.oneOff()) {
            oneOffWatcher = Thread.ofPlatform().daemon().name("iperf3j-server-oneoff").start(() -> {
                try {
                    oneOffDone.await();
                } catch (InterruptedException e) {
                    return;
                }
                closeListener();
            });
        }
        try {
            long backoffMs = 0;
            while (!closed) {
                SocketChannel ch;
                try {
                    ch = listener.accept(options.oneOff() ? options.idleTimeoutSec() : 0);
                } catch (ClosedChannelException e) {
                    break;
                } catch (IOException e) {
                    if (closed) {
                        break;
                    }
                    // Out of file descriptors (EMFILE) and the like: say so once, then back
                    // off rather than spin; the connection waits in the backlog meanwhile.
                    if (backoffMs == 0) {
                        serverLine("error", "error - ", ErrorCode.ACCEPT.text() + ": " + IoErrno.describe(e));
                    }
                    backoffMs = Math.min(1000, Math.max(10, backoffMs * 2));
                    sleepQuietly(backoffMs);
                    continue;
                }
                backoffMs = 0;
                if (ch == null) {
                    // --idle-timeout with -1: nobody came, so the server is done.
                    break;
                }
                if (addressAllowed(ch)) {
                    handshakes.start(ch);
                }
            }
        } finally {
            if (oneOffWatcher != null) {
                oneOffWatcher.interrupt();
            }
            awaitActiveTests();
            closeListener(); // an idle -1 server's ports too, which nothing else closes
            closeLobby();
            log.reportDrops();
        }
    }

    /**
     * {@code --allow}/{@code --deny}, on the acceptor before anything else (no thread, no cookie,
     * no slot): a refused connection is answered "test authorization failed" by the lobby.
     */
    private boolean addressAllowed(SocketChannel ch) {
        if (addressFilter == null) {
            return true;
        }
        java.net.InetSocketAddress remote = Handshakes.remote(ch);
        if (remote == null) {
            return true; // a connection already gone: its handshake drops it
        }
        AddressFilter.Decision d = addressFilter.check(remote.getAddress());
        if (d.allowed()) {
            return true;
        }
        events.denied(remote, d.ruleText());
        lobby.refuse(ch, Refusal.NOT_ALLOWED.wire());
        return false;
    }

    private void closeLobby() {
        Lobby l = lobby;
        if (l != null) {
            l.close();
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A connection sent its cookie: a waiting test's data stream, a surplus one, or a new test. */
    private void route(Arrival a) {
        SocketChannel ch = a.channel();
        switch (cookies.route(a)) {
            case CookieTable.ToTest(TcpArrivals waiting) -> {
                if (!waiting.offer(ch, a.acceptOrder())) {
                    // The test ended between the look-up and the offer: nobody else will close this one.
                    events.refused(a.client(), ServerEvent.Reason.SURPLUS, "cookie of a test that has ended");
                    Refusal.SURPLUS.answer(ch);
                }
                return;
            }
            case CookieTable.Surplus() -> {
                // A data connection for a test that has all its streams, or a second control
                // connection with a running test's cookie: iperf3's answer to a stream with the
                // wrong cookie, ACCESS_DENIED.
                events.refused(a.client(), ServerEvent.Reason.SURPLUS, "cookie of a test that has all its connections");
                Refusal.SURPLUS.answer(ch);
                return;
            }
            case CookieTable.NewTest() -> {
                // below
            }
        }
        events.accepted(a.client(), queuedTests());
        long coolingSec = coolDowns.secondsLeft(a.client(), System.nanoTime());
        if (coolingSec > 0) {
            // Before a place or a queue place: a policed address gets no second window at once.
            events.coolDown(a.client(), coolingSec, coolDowns.seconds());
            Refusal.coolDown(ch, coolingSec);
            cookies.release(a);
            return;
        }
        // A closed server's pool gives no slot: the test gets the busy answer.
        admission.admit(a, this::startTest);
    }

    /** A slot went back (on the giving thread). */
    private void slotFreed() {
        admission.slotFreed();
    }

    /** Launches the test of control connection {@code a}, whose cookie the table took for it. */
    private void startTest(Arrival a, Slot slot) {
        onSlotTaken.run();
        SocketChannel ch = a.channel();
        Cookie cookie = a.cookie();
        // Named by the operator log's test id, unique per admitted test: the banner's number
        // (testNumber) only moves when a test finishes, so concurrent tests shared it.
        long id = testIds.incrementAndGet();
        String name = "test" + id;
        Selector selector;
        try {
            selector = Selector.open();
        } catch (IOException e) {
            events.busy(a.client(), slots.running(), slots.max());
            Refusal.BUSY.answer(ch);
            slot.giveBackAsNoTest();
            slot.close();
            cookies.release(a);
            return;
        }
        TestRecord rec = new TestRecord(false, options);
        rec.mode = TestMode.RECEIVER;
        TestPrinter printer = printer(null);
        if (options.numberedReports()) {
            printer.label("test=" + id + " "); // the operator log's number, so grep can pull one test out
        }
        TestReporter reporter = new TestReporter(rec, printer, outputMode(options), options.verbose(),
                options.format(), options.interval(), info.versionText(), info.systemInfo(), observers.get());
        ServerSession session = new ServerSession(contextOf(ch), cookie, ch, slot, options, rec, printer, reporter, selector,
                name, id).withEarlyParameters(a.parameters());
        // If the server's close() ran since this test took its slot, this cancels it at once (bug 3).
        slot.whenCancelled(session::cancel);
        Thread.ofPlatform().name("iperf3j-server-" + name).start(() -> {
            try {
                session.run();
            } finally {
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // nothing left to release
                }
                slot.close();
                cookies.release(a);
                finished(session, reporter);
            }
        });
    }

    private void finished(ServerSession session, TestReporter reporter) {
        if (session.authDenied()) {
            return; // not a test: its slot was given back before the denial was sent
        }
        completedTests.incrementAndGet();
        int next = testNumber.incrementAndGet();
        if (options.oneOff()) {
            oneOffDone.countDown();
        } else if (!closed) {
            printBanner(next);
        }
    }

    private static OutputMode outputMode(IperfOptions o) {
        return OutputMode.of(o.json(), o.jsonStream(), o.jsonStreamFullOutput());
    }

    private void printBanner() {
        if (jsonLog()) {
            sink.err(ServerLog.listening(listener.ports(), info.versionText()));
        }
        printBanner(testNumber.get());
    }

    private void printBanner(int number) {
        if (options.json() || options.jsonStream()) {
            return;
        }
        TestPrinter p = printer(null);
        if (options.verbose()) {
            p.line(info.versionText());
            p.line(info.systemInfo());
        }
        java.util.List<Integer> ports = listener.ports();
        TestReporter.printServerBanner(p, ports.size() == 1 ? Integer.toString(ports.getFirst())
                : ports.getFirst() + "-" + ports.getLast(), number);
        p.sink().flush();
    }

    /** A printer of the tests' reports. */
    TestPrinter printer(String title) {
        return new TestPrinter(reports, info.programName(), title, options.timestampFormat(), ZonedDateTime::now);
    }

    /** Tests that ran to their end (not counting refused or unauthenticated ones). */
    public int completedTests() {
        return completedTests.get();
    }

    /** Tests running now: those holding a {@code --max-concurrent} place (the count admission uses). */
    public int activeTests() {
        return slots.running();
    }

    /**
     * Tests taken in whose thread has not ended: the running ones and those still finishing,
     * such as a test refused for its authentication, which gives its place back before its
     * client is told and logs its end after that. Zero means every test's end line is written.
     */
    public int unfinishedTests() {
        return slots.held();
    }

    /**
     * Takes one of this server's places from outside, as a test would ({@link SlotPool#tryHold}): the agent's own test
     * (issue 69) holds it while it runs, so the server admits no test then (an arrival waits in the {@code --queue}).
     *
     * @return the place, given back by its {@code close()} (idempotent); empty when every place is taken or the server
     *         is closing
     */
    public java.util.Optional<io.iperf3j.ServerSlot> hold() {
        Slot s = slots.tryHold();
        return s == null ? java.util.Optional.empty() : java.util.Optional.of(s::close);
    }

    /** Clients waiting in the {@code --queue} now (0 without one). */
    public int queuedTests() {
        return waitQueue == null ? 0 : waitQueue.queued();
    }

    /** {@code --total-rate} in bits/s, 0 without it. */
    public long totalRate() {
        return rates == null ? 0 : rates.total();
    }

    /** {@code --total-rate}'s fair share now in bits/s (the most any running test gets), 0 without it. */
    public long fairShare() {
        return rates == null ? 0 : rates.fairShare();
    }

    /** Waits, at most 5 s, until every test that took a slot has ended. */
    private void awaitActiveTests() {
        try {
            slots.awaitEnded(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeListener() {
        closed = true;
        ListeningSocket l = listener;
        if (l != null) {
            l.close();
        }
        for (UdpStreamRouter r : udpRouters) {
            r.close();
        }
    }

    /**
     * Test seams, so a test can force an interleaving of admission and {@link #close()}
     * without sleeping: {@code slotTaken} runs on the handshake thread of a new test that
     * has its slot and no session yet; {@code testsToldToEnd} in {@code close()} once every
     * test holding a slot was told to end. Set before {@link #serve()}.
     */
    void seams(Runnable slotTaken, Runnable testsToldToEnd) {
        this.onSlotTaken = slotTaken;
        this.onTestsToldToEnd = testsToldToEnd;
    }

    /** Stops accepting and ends running tests as iperf3 does on SIGTERM (they are told SERVER_TERMINATE). */
    @Override
    public void close() {
        closeListener();
        // One step with admission (the pool's monitor): every test that got a slot is told to
        // end, one whose session is not attached yet as soon as it attaches (bug 3).
        slots.close();
        onTestsToldToEnd.run();
        closeLobby();
        awaitActiveTests();
    }
}
