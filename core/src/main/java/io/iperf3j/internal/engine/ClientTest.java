package io.iperf3j.internal.engine;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.output.OutputMode;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.output.TestPrinter;
import io.iperf3j.internal.output.TestReporter;
import io.iperf3j.internal.protocol.ErrorCode;
import io.iperf3j.internal.protocol.IperfException;
import io.iperf3j.internal.protocol.TestParameters;
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
    }

    private final IperfOptions options;
    private final OutputSink sink;
    private final EngineInfo info;
    private final TestObserver observer;
    private volatile ClientSession session;
    private volatile boolean cancelRequested;

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

    /** Runs the test on the calling thread and returns how it ended; never throws for test failures. */
    public Outcome run() {
        TestRecord rec = record(options);
        TestPrinter printer = new TestPrinter(sink, info.programName(), options.title(), options.timestampFormat(),
                ZonedDateTime::now);
        OutputMode mode = OutputMode.of(options.json(), options.jsonStream(), options.jsonStreamFullOutput());
        TestReporter reporter = new TestReporter(rec, printer, mode, options.verbose(), options.format(),
                options.interval(), info.versionText(), info.systemInfo(), observer);
        reporter.printVersionPreamble();
        IperfException error = null;
        boolean cancelled = false;
        try (Selector selector = Selector.open();
             AffinityScope pinned = AffinityScope.pin(AffinityScope.ownCpu(options.affinity()))) {
            Unsupported.check(options);
            InetSocketAddress server = resolve(options);
            ClientSession s = new ClientSession(options, rec, printer, reporter, selector, server, "client");
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
            error = new IperfException(ErrorCode.CONNECT, Errno.describe(e), e);
        }
        if (error != null) {
            if (cancelled || error.code() == ErrorCode.CLIENT_TERM) {
                reporter.onErrorRaw("interrupt - " + error.getMessage());
            } else {
                reporter.onError(error.getMessage());
            }
        }
        reporter.onFinish(error == null);
        return new Outcome(reporter.document(), error, cancelled);
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

    /** The client's record: the settings it will send, and where it connects. */
    static TestRecord record(IperfOptions o) {
        TestRecord r = new TestRecord(true, o);
        // The block size may still change once the control connection's MSS is known.
        TestSettings.apply(r, TestParameters.of(o, 0, null), true);
        r.connectingHost = o.host();
        r.connectingPort = o.port();
        return r;
    }
}
