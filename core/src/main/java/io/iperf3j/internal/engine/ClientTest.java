package io.iperf3j.internal.engine;

import io.iperf3j.RttProbe;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.options.IperfOptions.RsaPadding;
import io.iperf3j.internal.output.OutputMode;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.output.TestPrinter;
import io.iperf3j.internal.output.TestReporter;
import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;
import io.iperf3j.internal.protocol.TestParameters;
import io.iperf3j.internal.stats.LatencyRecord;
import io.iperf3j.internal.stats.TestObserver;
import io.iperf3j.internal.stats.TestRecord;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.Selector;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * One client test: resolves the server, runs the protocol, and reports as
 * iperf3's client does. {@link #run()} blocks; {@link #cancel()} (from any thread)
 * ends the test as iperf3 ends on SIGINT: summary, CLIENT_TERMINATE, then the
 * error {@code interrupt - the client has terminated}.
 */
public final class ClientTest {
    /**
     * How a client test ended.
     *
     * @param document the JSON document iperf3 would print with {@code -J} (with
     *        {@code error} on failure), whatever the output mode
     * @param error the failure, or null on success
     * @param cancelled whether {@link #cancel()} ended the test
     */
    public record Outcome(JsonObject document, IperfException error, boolean cancelled) {
        public boolean succeeded() {
            return error == null;
        }

        /** What held the test back ({@code --why}, {@code -V}): the document's {@code end.iperf3j_why}, if any. */
        public java.util.Optional<io.iperf3j.Why> why() {
            return document == null ? java.util.Optional.empty() : io.iperf3j.internal.why.WhyJson.read(document);
        }
    }

    private final IperfOptions options;
    private final OutputSink sink;
    private final EngineInfo info;
    private final TestObserver observer;
    private volatile ClientSession session;
    private RttProbe.Starter rttProbes;
    private volatile boolean cancelRequested;
    /** Before the PKCS#1 attempt that follows a refused OAEP token (see {@link #run()}). */
    private static final long RETRY_PAUSE_NANOS = 200_000_000L;

    /**
     * @param observer told about each reported interval and the end; {@link TestObserver#NONE} for none
     */
    public ClientTest(IperfOptions options, OutputSink sink, EngineInfo info, TestObserver observer) {
        if (!options.isClient()) {
            throw new IllegalArgumentException("client options expected");
        }
        this.options = options;
        this.sink = sink;
        this.info = info;
        this.observer = observer == null ? TestObserver.NONE : observer;
    }

    /**
     * The probe {@code --latency} runs next to the test (the link module's); without one the option
     * reports that latency cannot be measured. Call before {@link #run()}.
     */
    public ClientTest rttProbes(RttProbe.Starter starter) {
        this.rttProbes = starter;
        return this;
    }

    /** Runs the test on the calling thread and returns how it ended; never throws for test failures. */
    public Outcome run() {
        TestPrinter printer = new TestPrinter(sink, info.programName(), options.title(), options.timestampFormat(),
                ZonedDateTime::now);
        OutputMode mode = OutputMode.of(options.json(), options.jsonStream(), options.jsonStreamFullOutput());
        String password = null;
        List<RsaPadding> paddings = List.of(RsaPadding.PKCS1); // no token: the padding is unused
        IperfException credentialsError = null;
        if (options.username() != null) {
            paddings = options.authPadding() == RsaPadding.AUTO ? List.of(RsaPadding.OAEP, RsaPadding.PKCS1)
                    : List.of(options.authPadding());
            try {
                password = ClientCredentials.password();
            } catch (IperfException e) {
                credentialsError = e;
            }
        }
        Attempt last = null;
        for (int i = 0; i < paddings.size(); i++) {
            Attempt a = attempt(printer, mode, i == 0, password, paddings.get(i), credentialsError);
            if (last != null && a.error() != null && a.error().code() == ErrorCode.CONNECT) {
                break; // the server went away after refusing the first token (a 3.21 -1 server does): that refusal is the news
            }
            last = a;
            if (!last.deniedBeforeStart() || cancelRequested) {
                break;
            }
            // iperf3 3.17+ servers close their listening socket when a test ends and open it
            // again for the next (cleanup_server, then iperf_server_listen): a connection made in
            // between is reset. Give the refusing server that moment before the next attempt.
            if (i + 1 < paddings.size()) {
                LockSupport.parkNanos(RETRY_PAUSE_NANOS);
            }
        }
        TestReporter reporter = last.reporter();
        IperfException error = last.error();
        if (error != null) {
            if (last.cancelled() || error.code() == ErrorCode.CLIENT_TERM) {
                reporter.onErrorRaw("interrupt - " + error.getMessage());
            } else {
                reporter.onError(error.getMessage());
            }
        }
        reporter.onFinish(error == null);
        return new Outcome(reporter.document(), error, last.cancelled());
    }

    /**
     * One connection to the server. With {@code --username} and neither padding flag, a
     * first attempt's OAEP token that the server refuses before the test starts (3.16 and
     * older answer "test authorization failed"; a 3.17+ server run with
     * {@code --use-pkcs1-padding} closes the connection, or resets it) is followed by one more attempt
     * with PKCS#1 v1.5. A 3.12 server denies a token without using up {@code -1}; a 3.21
     * {@code -1} server that cannot decrypt one exits, which is why OAEP, 3.17+'s default,
     * goes first.
     */
    private record Attempt(TestReporter reporter, IperfException error, boolean cancelled, boolean started) {
        boolean deniedBeforeStart() {
            return error != null && !cancelled && !started
                    && (error.code() == ErrorCode.AUTH_TEST || error.code() == ErrorCode.CTRL_CLOSE
                        // a 3.17+ server that closes on a token it cannot decrypt: a FIN, or a reset
                        // when the close meets bytes it has not read (seen 1 in 8 with 3.21)
                        || (error.code() == ErrorCode.CTRL_READ && IoErrno.isConnectionReset(error.getCause())));
        }
    }

    @SuppressWarnings("try") // the affinity scope only has to be closed (its thread's old mask restored)
    private Attempt attempt(TestPrinter printer, OutputMode mode, boolean first, String password, RsaPadding padding,
                            IperfException credentialsError) {
        TestRecord rec = record(options);
        TestReporter reporter = new TestReporter(rec, printer, mode, options.verbose(), options.format(),
                options.interval(), info.versionText(), info.systemInfo(), observer);
        if (first) {
            reporter.printVersionPreamble();
        }
        IperfException error = null;
        boolean cancelled = false;
        try (Selector selector = Selector.open();
             AffinityScope pinned = AffinityScope.pin(AffinityScope.ownCpu(options.affinity()))) {
            Unsupported.check(options);
            if (credentialsError != null) {
                throw credentialsError;
            }
            InetSocketAddress server = resolve(options);
            ClientSession s = new ClientSession(options, rec, printer, reporter, selector, server, "client", password,
                    padding);
            if (options.latencyMs() > 0) {
                rec.latency = new LatencyRecord(options.latencyMs());
                s.latency(new LatencyRun(rttProbes, rec.latency, printer));
            }
            session = s;
            if (cancelRequested) {
                s.cancel();
            }
            try {
                s.run();
            } finally {
                cancelled = s.cancelled();
            }
        } catch (IperfException e) {
            error = e;
        } catch (IOException e) {
            error = new IperfException(ErrorCode.CONNECT, IoErrno.describe(e), e);
        }
        return new Attempt(reporter, error, cancelled, rec.started || !rec.streams.isEmpty());
    }

    /** Ends the test early, as SIGINT ends iperf3's. Safe from any thread, at any time. */
    public void cancel() {
        cancelRequested = true;
        ClientSession s = session;
        if (s != null) {
            s.cancel();
        }
    }

    static InetSocketAddress resolve(IperfOptions o) throws IperfException {
        try {
            for (InetAddress a : InetAddress.getAllByName(o.host())) {
                boolean ok = switch (o.ipVersion()) {
                    case ANY -> true;
                    case V4 -> a instanceof Inet4Address;
                    case V6 -> a instanceof Inet6Address;
                };
                if (ok) {
                    return new InetSocketAddress(a, o.port());
                }
            }
            throw new IperfException(ErrorCode.CONNECT, "Address family for hostname not supported");
        } catch (UnknownHostException e) {
            throw new IperfException(ErrorCode.CONNECT, "Name or service not known");
        }
    }

    /**
     * Whether the client reads and prints what held the test back: {@code --why}, or {@code -V} with text output
     * (verbose text includes the block; {@code -J}/{@code --json-stream} stay iperf3's unless {@code --why}).
     */
    static boolean whyWanted(IperfOptions o) {
        return o.why() || o.verbose() && !o.json() && !o.jsonStream();
    }

    /** The client's record: the settings it will send, and where it connects. */
    static TestRecord record(IperfOptions o) {
        TestRecord r = new TestRecord(true, o);
        r.whyWanted = whyWanted(o);
        // The block size may still change once the control connection's MSS is known.
        TestSettings.apply(r, TestParameters.of(o, 0, null), true);
        r.connectingHost = o.host();
        r.connectingPort = o.port();
        return r;
    }
}
