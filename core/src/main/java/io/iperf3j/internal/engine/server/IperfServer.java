package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.auth.PemKeys;
import io.iperf3j.internal.engine.EngineInfo;
import io.iperf3j.internal.engine.Errno;
import io.iperf3j.internal.engine.SocketBuffers;
import io.iperf3j.internal.engine.StreamFactory;
import io.iperf3j.internal.engine.Unsupported;
import io.iperf3j.RttResponder;
import io.iperf3j.internal.engine.udp.UdpStreamRouter;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.output.TestPrinter;
import io.iperf3j.internal.output.TestReporter;
import io.iperf3j.internal.protocol.ControlState;
import io.iperf3j.internal.protocol.Cookie;
import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;
import io.iperf3j.internal.stats.TestMode;
import io.iperf3j.internal.stats.TestObserver;
import io.iperf3j.internal.stats.TestRecord;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.PrivateKey;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * An iperf3 server that runs many tests at once on one port. Each accepted
 * connection first sends a 37-byte cookie: a cookie some test is waiting for makes
 * it that test's data stream; any other cookie starts a new test, unless
 * {@code --max-concurrent} tests already run, in which case the client gets
 * iperf3's "busy" answer. Every test runs on its own thread and ends on its own.
 */
public final class IperfServer implements Closeable {
    private final IperfOptions options;
    private final OutputSink sink;
    private final EngineInfo info;
    private final Supplier<TestObserver> observers;
    private final Map<Cookie, ServerSession> awaitingStreams = new ConcurrentHashMap<>();
    private final Set<ServerSession> active = ConcurrentHashMap.newKeySet();
    /** Cookies of the tests that run now: another connection with one is a surplus data stream. */
    private final Map<Cookie, ServerSession> activeCookies = new ConcurrentHashMap<>();
    private final AtomicInteger testNumber = new AtomicInteger(1);
    private final AtomicInteger completedTests = new AtomicInteger();
    /** Numbers every admitted control connection, for the operator log. */
    private final AtomicLong testIds = new AtomicLong();
    /** Connections whose cookie has not arrived yet. */
    private final AtomicInteger pendingHandshakes = new AtomicInteger();
    private final ServerLog log;
    private volatile ServerLimits limits = ServerLimits.DEFAULTS;
    private volatile RttResponder rttResponder;
    private final CountDownLatch oneOffDone = new CountDownLatch(1);
    private ServerSocketChannel listener;
    /** Tells apart the UDP streams of tests that set up at the same time. */
    final UdpStreamRouter udpRouter;
    private PrivateKey privateKey;
    private int[] listenerBuffers = {0, 0};
    private volatile boolean closed;
    private volatile boolean oneOffTaken;
    /** Tests holding one of the --max-concurrent slots (guarded by this). */
    private int admitted;
    /** Counts accepted connections, so a test can give its streams roles in the order the client opened them. */
    private long acceptOrder;

    /**
     * @param observers makes an observer for each new test (live metrics, results);
     *        null for none
     */
    public IperfServer(IperfOptions options, OutputSink sink, EngineInfo info, Supplier<TestObserver> observers) {
        this.options = options;
        this.udpRouter = new UdpStreamRouter(options, this::port);
        this.sink = sink;
        this.info = info;
        this.observers = observers == null ? () -> TestObserver.NONE : observers;
        this.log = new ServerLog(sink, info.programName(), options.timestampFormat(), options.serverLog());
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

    RttResponder rttResponder() {
        return rttResponder;
    }

    public ServerLimits limits() {
        return limits;
    }

    ServerLog log() {
        return log;
    }

    /** Opens the listening socket. */
    public void bind() throws IperfException {
        Unsupported.check(options);
        try {
            if (options.rsaPrivateKeyPath() != null) {
                privateKey = PemKeys.readPrivate(options.rsaPrivateKeyPath());
            }
        } catch (Exception e) {
            throw new IperfException(ErrorCode.SET_SERVER_AUTH, e.getMessage());
        }
        try {
            InetAddress bindTo = options.bindAddress() != null ? InetAddress.getByName(options.bindAddress()) : null;
            StandardProtocolFamily family = switch (options.ipVersion()) {
                case V4 -> StandardProtocolFamily.INET;
                case V6, ANY -> bindTo instanceof java.net.Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
            };
            listener = ServerSocketChannel.open(family);
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (!options.mptcp()) {
                listener.bind(new InetSocketAddress(bindTo, options.port()), 128);
            } else {
                // -m on a server: listen with MPTCP, so data streams of MPTCP clients are MPTCP
                // (3.21 re-creates its listener per test when the client asks; one listener
                // serves all tests here). Plain TCP clients still connect (fallback). The JDK's
                // TCP listener gets an ephemeral port, so no client reaches it before the swap.
                listener.bind(new InetSocketAddress(bindTo, 0), 128);
                try {
                    mptcpPort = io.iperf3j.sys.MultipathTcp.replaceListener(listener, 128, options.port());
                } catch (io.iperf3j.sys.NativeSocketException | UnsupportedOperationException e) {
                    throw new java.io.IOException(e.getMessage(), e);
                }
            }
            try (SocketChannel probe = SocketChannel.open()) {
                listenerBuffers = new int[] {SocketBuffers.sendBuffer(probe), SocketBuffers.receiveBuffer(listener)};
            }
        } catch (IOException e) {
            StreamFactory.closeQuietly(listener);
            throw new IperfException(ErrorCode.LISTEN, Errno.describe(e), e);
        }
    }

    /** With {@code -m}: the MPTCP listener's port; 0 otherwise. */
    private volatile int mptcpPort;

    /** The bound port (useful with port 0). */
    public int port() {
        if (mptcpPort > 0) {
            return mptcpPort; // the JDK still reports the ephemeral port it bound first
        }
        return ((InetSocketAddress) listenerAddress()).getPort();
    }

    private java.net.SocketAddress listenerAddress() {
        try {
            return listener.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean requiresAuthentication() {
        return privateKey != null;
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    /**
     * The buffer sizes iperf3 reports in a server's JSON {@code start}: the send
     * buffer a new socket gets (Java exposes no SO_SNDBUF on a listener) and the
     * listener's receive buffer, which accepted sockets inherit.
     */
    int[] listenerBuffers() {
        return listenerBuffers;
    }

    /**
     * Accepts connections until {@link #close()}, or after one test with {@code -1}.
     */
    public void serve() throws IperfException {
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
                    ch = acceptWithIdleTimeout();
                } catch (ClosedChannelException e) {
                    break;
                } catch (IOException e) {
                    if (closed) {
                        break;
                    }
                    // Out of file descriptors (EMFILE) and the like: say so once, then back
                    // off rather than spin; the connection waits in the backlog meanwhile.
                    if (backoffMs == 0) {
                        printer(null).error(ErrorCode.ACCEPT.text() + ": " + Errno.describe(e));
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
                if (pendingHandshakes.incrementAndGet() > limits.maxPendingHandshakes()) {
                    pendingHandshakes.decrementAndGet();
                    log.dropped(remote(ch), "more than " + limits.maxPendingHandshakes()
                            + " connections waiting to send their cookie");
                    StreamFactory.closeQuietly(ch);
                    continue;
                }
                long order = acceptOrder++; // only this thread accepts
                Thread.ofVirtual().name("iperf3j-handshake").start(() -> {
                    try {
                        handshake(ch, order);
                    } finally {
                        pendingHandshakes.decrementAndGet();
                    }
                });
            }
        } finally {
            if (oneOffWatcher != null) {
                oneOffWatcher.interrupt();
            }
            awaitActiveTests();
        }
    }

    private SocketChannel acceptWithIdleTimeout() throws IOException {
        if (options.idleTimeoutSec() <= 0 || !options.oneOff()) {
            return listener.accept();
        }
        // A one-off server with --idle-timeout exits when nobody connects in time (exit status 0, as iperf3).
        listener.socket().setSoTimeout(options.idleTimeoutSec() * 1000);
        try {
            java.net.Socket s = listener.socket().accept();
            return s.getChannel();
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static InetSocketAddress remote(SocketChannel ch) {
        try {
            return (InetSocketAddress) ch.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads the cookie of a new connection, then routes it. Runs on a virtual thread per connection. */
    private void handshake(SocketChannel ch, long acceptOrder) {
        Cookie cookie;
        try {
            cookie = readCookie(ch, limits.cookieTimeout().toMillis());
        } catch (SocketTimeoutException e) {
            log.dropped(remote(ch), "no cookie within " + limits.cookieTimeout().toMillis() + " ms");
            StreamFactory.closeQuietly(ch);
            return; // a silent connection costs nothing more
        } catch (IOException e) {
            log.dropped(remote(ch), "closed before sending its cookie");
            StreamFactory.closeQuietly(ch);
            return; // nor does a broken one
        }
        ServerSession waiting = awaitingStreams.get(cookie);
        if (waiting != null) {
            waiting.offerStream(ch, acceptOrder);
            return;
        }
        if (activeCookies.containsKey(cookie)) {
            // A data connection for a test that has all its streams, or a second control
            // connection with a running test's cookie: iperf3's answer to a stream with the
            // wrong cookie, ACCESS_DENIED.
            log.dropped(remote(ch), "cookie of a test that has all its connections");
            deny(ch);
            return;
        }
        if (closed || !admit()) {
            log.busy(remote(ch), active.size(), options.oneOff() ? 1 : options.maxConcurrent());
            deny(ch);
            return;
        }
        startTest(ch, cookie);
    }

    private static Cookie readCookie(SocketChannel ch, long timeoutMs) throws IOException {
        ch.configureBlocking(true);
        java.net.Socket s = ch.socket();
        InputStream in = s.getInputStream();
        byte[] b = new byte[Cookie.SIZE];
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        int got = 0;
        while (got < b.length) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new SocketTimeoutException("no cookie");
            }
            s.setSoTimeout((int) Math.max(1, left));
            int n = in.read(b, got, b.length - got);
            if (n < 0) {
                throw new IOException("closed before the cookie");
            }
            got += n;
        }
        s.setSoTimeout(0);
        return Cookie.fromWire(b);
    }

    private synchronized boolean admit() {
        if (options.oneOff() && oneOffTaken) {
            return false;
        }
        if (admitted >= Math.max(1, options.oneOff() ? 1 : options.maxConcurrent())) {
            return false;
        }
        admitted++;
        if (options.oneOff()) {
            oneOffTaken = true;
        }
        return true;
    }

    /** iperf3's busy answer: ACCESS_DENIED, then close. */
    private static void deny(SocketChannel ch) {
        try {
            ch.write(ByteBuffer.wrap(new byte[] {ControlState.ACCESS_DENIED.wireByte()}));
        } catch (IOException ignored) {
            // the client sees the close either way
        }
        StreamFactory.closeQuietly(ch);
    }

    private void startTest(SocketChannel ch, Cookie cookie) {
        int number = testNumber.get();
        String name = "test" + number;
        Selector selector;
        try {
            selector = Selector.open();
        } catch (IOException e) {
            deny(ch);
            releaseSlot(null, true);
            return;
        }
        TestRecord rec = new TestRecord(false, options);
        rec.mode = TestMode.RECEIVER;
        TestPrinter printer = printer(null);
        TestReporter reporter = new TestReporter(rec, printer, ServerSession.outputMode(options), options.verbose(),
                options.format(), options.interval(), info.versionText(), info.systemInfo(), observers.get());
        ServerSession session = new ServerSession(this, options, rec, printer, reporter, selector, cookie, ch, name,
                testIds.incrementAndGet());
        active.add(session);
        activeCookies.putIfAbsent(cookie, session);
        Thread.ofPlatform().name("iperf3j-server-" + name).start(() -> {
            try {
                session.run();
            } finally {
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // nothing left to release
                }
                releaseSlot(session, false);
                active.remove(session);
                activeCookies.remove(cookie, session);
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

    /**
     * Gives back the slot {@link #admit} took, once per session (null: a test that never
     * started); {@code -1} is available again only if the attempt was no test. A test
     * whose authorization failed gives it back before the client is told, so a client
     * that retries at once (a script trying passwords) finds the slot free.
     */
    synchronized void releaseSlot(ServerSession session, boolean noTest) {
        if (session != null) {
            if (session.slotReleased) {
                return;
            }
            session.slotReleased = true;
        }
        admitted--;
        if (noTest && options.oneOff()) {
            oneOffTaken = false;
        }
    }

    private void printBanner() {
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
        TestReporter.printServerBanner(p, port(), number);
        sink.flush();
    }

    TestPrinter printer(String title) {
        return new TestPrinter(sink, info.programName(), title, options.timestampFormat(), ZonedDateTime::now);
    }

    /** A test now waits for its data connections. */
    void expectStreams(ServerSession session) {
        awaitingStreams.put(session.cookie(), session);
    }

    void streamsNoLongerExpected(ServerSession session) {
        awaitingStreams.remove(session.cookie(), session);
    }

    /** Tests that ran to their end (not counting refused or unauthenticated ones). */
    public int completedTests() {
        return completedTests.get();
    }

    /** Tests running now. */
    public int activeTests() {
        return active.size();
    }

    private void awaitActiveTests() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!active.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void closeListener() {
        closed = true;
        StreamFactory.closeQuietly(listener);
        udpRouter.close();
    }

    /** Stops accepting and ends running tests as iperf3 does on SIGTERM (they are told SERVER_TERMINATE). */
    @Override
    public void close() {
        closeListener();
        for (ServerSession s : active) {
            s.cancel();
        }
        awaitActiveTests();
    }
}
