package io.iperf3j;

import io.iperf3j.internal.engine.ClientTest;
import io.iperf3j.internal.engine.EngineInfo;
import io.iperf3j.internal.engine.OneTimeSetup;
import io.iperf3j.internal.engine.server.IperfServer;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.options.OptionParser;
import io.iperf3j.internal.options.ParseResult;
import io.iperf3j.internal.options.Version;
import io.iperf3j.internal.output.ErrorDocument;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.protocol.IperfException;
import io.iperf3j.internal.stats.LiveMetrics;
import io.iperf3j.internal.stats.TestObserver;
import io.iperf3j.internal.stats.TestRecord;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * An iperf3 test to run in this process: ordinary iperf3 arguments, with typed
 * setters for the common ones. {@code args(...)} takes any other iperf3 flag; all
 * arguments go through the same parser as the {@code iperf3j} command, so anything
 * the command accepts works here and errors read the same.
 *
 * <pre>{@code
 * IperfResult r = IperfCommand.client("192.0.2.10").duration(Duration.ofSeconds(5)).parallel(4).run();
 * System.out.println(r.summary().orElseThrow().received().bitsPerSecond());
 * }</pre>
 *
 * <p>Runs print nothing by default ({@link #inheritOutput()} shows iperf3's text).
 * Any number of runs may go on at once in one JVM: they share nothing. A server
 * runs one test and stops (iperf3's {@code -s -1}) unless {@link #longLived()}.
 *
 * <p>A command is a mutable recipe, not thread-safe; each {@code run}/{@code spawn}
 * takes a snapshot of its arguments, so it can be reused.
 */
public final class IperfCommand {
    private final boolean server;
    private final List<String> args = new ArrayList<>();
    private boolean longLived;
    private boolean ephemeralPort;
    private PrintStream out;
    private PrintStream err;
    private int metricsCapacity = MetricsStream.DEFAULT_CAPACITY;
    private Consumer<IperfResult> onServerResult;
    private RttProbe.Starter rttProbes;
    private RttResponder rttResponder;
    private final List<ServerEvents> serverEvents = new ArrayList<>();

    private IperfCommand(boolean server) {
        this.server = server;
    }

    /** A client test against {@code host} ({@code -c host}). */
    public static IperfCommand client(String host) {
        IperfCommand c = new IperfCommand(false);
        c.args.add("-c");
        c.args.add(Objects.requireNonNull(host, "host"));
        return c;
    }

    /**
     * iperf3j's version, e.g. {@code 0.1.0}: what {@code -v} and the {@code -J} start section say;
     * {@code "unknown"} when run without the build's resources (an IDE).
     */
    public static String version() {
        return Version.VERSION;
    }

    /** A server ({@code -s}); one test then stop, unless {@link #longLived()}. */
    public static IperfCommand server() {
        IperfCommand c = new IperfCommand(true);
        c.args.add("-s");
        return c;
    }

    /**
     * {@code -p}: the server port (default 5201). For a server, 0 picks a free port
     * (see {@link RunningIperf#localPort()}); iperf3's command line has no such value.
     */
    public IperfCommand port(int port) {
        if (port == 0 && server) {
            ephemeralPort = true;
            return this;
        }
        ephemeralPort = false;
        return add("-p", Integer.toString(port));
    }

    /** {@code -t}: test length, in whole seconds rounded up. */
    public IperfCommand duration(Duration d) {
        return add("-t", Long.toString(ceilSeconds(d)));
    }

    /** {@code -i}: interval between reports (and live samples); zero turns them off. */
    public IperfCommand reportInterval(Duration d) {
        return add("-i", seconds(d));
    }

    /** {@code -O}: warm-up left out of the results, in whole seconds rounded up. */
    public IperfCommand omit(Duration d) {
        return add("-O", Long.toString(ceilSeconds(d)));
    }

    /** {@code -P}: parallel streams. */
    public IperfCommand parallel(int streams) {
        return add("-P", Integer.toString(streams));
    }

    /** {@code -R}: the server sends. */
    public IperfCommand reverse() {
        return add("-R");
    }

    /** {@code --bidir}: both sides send. */
    public IperfCommand bidirectional() {
        return add("--bidir");
    }

    /** {@code -u}: UDP. */
    public IperfCommand udp() {
        return add("-u");
    }

    /** {@code -b}: target rate per stream in bits per second (0 = unlimited). */
    public IperfCommand bitrate(long bitsPerSecond) {
        return add("-b", Long.toString(bitsPerSecond));
    }

    /** {@code -n}: bytes to send instead of a duration. */
    public IperfCommand bytes(long bytes) {
        return add("-n", Long.toString(bytes));
    }

    /** {@code -k}: blocks to send instead of a duration. */
    public IperfCommand blockCount(long blocks) {
        return add("-k", Long.toString(blocks));
    }

    /** {@code -l}: block or datagram length in bytes. */
    public IperfCommand length(int bytes) {
        return add("-l", Integer.toString(bytes));
    }

    /** {@code -w}: socket buffer size in bytes. */
    public IperfCommand window(int bytes) {
        return add("-w", Integer.toString(bytes));
    }

    /** {@code -N}: TCP_NODELAY. */
    public IperfCommand noDelay() {
        return add("-N");
    }

    /** {@code -Z}: send with sendfile. */
    public IperfCommand zeroCopy() {
        return add("-Z");
    }

    /** {@code -C}: TCP congestion control algorithm. */
    public IperfCommand congestion(String algorithm) {
        return add("-C", algorithm);
    }

    /** {@code -B}: local address (and {@code %dev}). */
    public IperfCommand bind(String address) {
        return add("-B", address);
    }

    /** {@code --connect-timeout}: limit on connecting the control connection (ms, rounded up). */
    public IperfCommand connectTimeout(Duration d) {
        return add("--connect-timeout", Long.toString(Math.max(1, (d.toNanos() + 999_999) / 1_000_000)));
    }

    /**
     * Client: latency under load ({@code --latency=MS}): a round-trip probe every {@code interval}
     * before, during and after the test, its figures in the result's {@code latency} objects and, as
     * {@link MetricEvent.Gauges} of sources {@code latency} and {@code latency_verdict}, in the
     * metrics stream. The probe comes from another module, such as the link's
     * {@code io.iperf3j.link.LinkRttProbe::start}; the server must answer it (an iperf3j server,
     * see {@link #rttResponder}).
     *
     * @param interval 1 ms to 1 s, whole milliseconds
     * @param probes starts a probe toward the server's UDP port
     */
    public IperfCommand latency(Duration interval, RttProbe.Starter probes) {
        Objects.requireNonNull(probes, "probes");
        long ms = interval.toMillis();
        if (ms < 1 || ms > 1000 || !interval.equals(Duration.ofMillis(ms))) {
            throw new IllegalArgumentException("latency probe interval must be 1..1000 whole ms: " + interval);
        }
        this.rttProbes = probes;
        return args("--latency=" + ms);
    }

    /**
     * Server: answer the {@code --latency} probes of the clients' tests with {@code responder}
     * (the link's {@code new io.iperf3j.link.LinkRttResponder()}); without one a server answers none.
     */
    public IperfCommand rttResponder(RttResponder responder) {
        this.rttResponder = Objects.requireNonNull(responder, "responder");
        return this;
    }

    /**
     * Client: {@code --why}, what held the test back ({@link IperfResult#why()}; docs/design/why.md). An iperf3j
     * server sends its streams' figures too; against another server the verdict says what it could not see.
     */
    public IperfCommand why() {
        return add("--why");
    }

    /** {@code -T}: title. */
    public IperfCommand title(String title) {
        return add("-T", title);
    }

    /** {@code -J}: with {@link #inheritOutput()}, print JSON instead of text. */
    public IperfCommand json() {
        return add("-J");
    }

    /** {@code --logfile}: write iperf3's output to a file. */
    public IperfCommand logfile(Path file) {
        return add("--logfile", file.toString());
    }

    /** Any other iperf3 arguments, appended as they are. */
    public IperfCommand args(String... more) {
        for (String a : more) {
            args.add(Objects.requireNonNull(a, "argument"));
        }
        return this;
    }

    /** A server that keeps serving test after test (and concurrent tests) until cancelled. */
    public IperfCommand longLived() {
        this.longLived = true;
        return this;
    }

    /** Print iperf3's output on this JVM's standard output and error. */
    public IperfCommand inheritOutput() {
        return output(System.out, System.err);
    }

    /** Print iperf3's output on these streams. */
    public IperfCommand output(PrintStream out, PrintStream err) {
        this.out = Objects.requireNonNull(out);
        this.err = Objects.requireNonNull(err);
        return this;
    }

    /** Capacity of the live-metrics queue (default {@link MetricsStream#DEFAULT_CAPACITY}). */
    public IperfCommand metricsCapacity(int events) {
        if (events < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.metricsCapacity = events;
        return this;
    }

    /** Server: called with each finished test's result, on that test's thread. */
    public IperfCommand onServerResult(Consumer<IperfResult> consumer) {
        this.onServerResult = consumer;
        return this;
    }

    /**
     * Server: {@code listener} hears what the server does with its clients ({@link ServerEvent}s:
     * accepted, queued, left, refused, started, each interval's bytes, ended), as its
     * {@code --server-log} and {@code /metrics} do. Call it once for each listener. See
     * {@link ServerEvents} for the threads it is called on and what it may do there.
     *
     * @throws IllegalStateException on a client command
     */
    public IperfCommand serverEvents(ServerEvents listener) {
        Objects.requireNonNull(listener, "listener");
        if (!server) {
            throw new IllegalStateException("server events are a server's: this is a client command");
        }
        serverEvents.add(listener);
        return this;
    }

    /** The iperf3 arguments this command runs with (a server gets {@code -1} unless long-lived). */
    public List<String> arguments() {
        List<String> all = new ArrayList<>(args);
        if (server && !longLived) {
            all.add("-1");
        }
        return List.copyOf(all);
    }

    /**
     * Checks the arguments as {@link #run()} and {@link #spawn()} would, without running anything.
     *
     * @throws IllegalArgumentException with iperf3's message if the arguments are invalid
     */
    public void validate() {
        options();
    }

    /** The parsed options (the engine's own type, so not part of the API). */
    IperfOptions options() {
        ParseResult r = OptionParser.parse(arguments().toArray(String[]::new));
        if (r instanceof ParseResult.Run run) {
            return ephemeralPort ? run.options().toBuilder().port(0).build() : run.options();
        }
        if (r instanceof ParseResult.Failure f) {
            throw new IllegalArgumentException(f.message());
        }
        throw new IllegalArgumentException("help and version requests are not tests: " + arguments());
    }

    /** Runs the test and waits for its end. */
    public IperfResult run() throws InterruptedException {
        return spawn(MetricsMode.disabled()).await();
    }

    /**
     * Runs a client test on the calling thread without metrics: {@link IperfClient}'s
     * test thread, which is already the test's own.
     *
     * @throws IllegalArgumentException if the arguments are invalid or not a client's
     */
    IperfResult runHere() {
        IperfOptions options = options();
        if (!options.isClient()) {
            throw new IllegalArgumentException("not a client: " + arguments());
        }
        OutputSink sink = out != null ? OutputSink.of(out, err, options.forceFlush()) : OutputSink.discarding();
        try {
            ClientTest.Outcome o = withProbes(new ClientTest(options, sink, EngineInfo.standard(), TestObserver.NONE)).run();
            return new IperfResult(Role.CLIENT, o.document(), o.cancelled());
        } finally {
            if (out == null) {
                sink.close();
            } else {
                sink.flush();
            }
        }
    }

    /** Starts the run without metrics. */
    public RunningIperf spawn() {
        return spawn(MetricsMode.disabled());
    }

    /**
     * Starts the run on its own thread.
     *
     * @throws IllegalArgumentException if the arguments are invalid
     */
    public RunningIperf spawn(MetricsMode mode) {
        Objects.requireNonNull(mode, "mode");
        OneTimeSetup.startInBackground(); // a JVM's first run: native bindings while the options are parsed
        IperfOptions options = options();
        MetricsStream stream = mode.enabled() ? new MetricsStream(metricsCapacity) : MetricsStream.closedStream();
        OutputSink sink = out != null ? OutputSink.of(out, err, options.forceFlush()) : OutputSink.discarding();
        EngineInfo info = EngineInfo.standard();
        return options.isClient() ? spawnClient(options, mode, stream, sink, info) : spawnServer(options, mode, stream, sink, info);
    }

    private RunningIperf spawnClient(IperfOptions options, MetricsMode mode, MetricsStream stream, OutputSink sink,
                                     EngineInfo info) {
        ClientTest test = withProbes(new ClientTest(options, sink, info, new LiveMetrics(mode, stream::offer)));
        RunningIperf running = new RunningIperf(stream, test::cancel, 0);
        Thread.ofPlatform().name("iperf3j-client").start(() -> {
            try {
                ClientTest.Outcome o = test.run();
                running.complete(new IperfResult(Role.CLIENT, o.document(), o.cancelled() || running.cancelRequested()));
            } catch (Throwable t) {
                running.fail(t);
            } finally {
                stream.close();
                if (out == null) {
                    sink.close();
                } else {
                    sink.flush();
                }
            }
        });
        return running;
    }

    private ClientTest withProbes(ClientTest test) {
        return rttProbes == null ? test : test.rttProbes(rttProbes);
    }

    private RunningIperf spawnServer(IperfOptions options, MetricsMode mode, MetricsStream stream, OutputSink sink,
                                     EngineInfo info) {
        AtomicReference<IperfResult> last = new AtomicReference<>();
        Consumer<IperfResult> callback = onServerResult;
        AtomicReference<RunningIperf> self = new AtomicReference<>();
        IperfServer server = new IperfServer(options, sink, info, () -> {
            LiveMetrics live = new LiveMetrics(mode, stream::offer);
            return new TestObserver() {
                @Override
                public void intervalReported(TestRecord record) {
                    live.intervalReported(record);
                }

                @Override
                public void testFinished(TestRecord record, JsonObject document) {
                    live.testFinished(record, document);
                    IperfResult r = new IperfResult(Role.SERVER, document, self.get() != null && self.get().cancelRequested());
                    last.set(r);
                    if (callback != null) {
                        callback.accept(r);
                    }
                }
            };
        });
        if (rttResponder != null) {
            server.rttResponder(rttResponder);
        }
        for (ServerEvents listener : serverEvents) {
            server.events(listener);
        }
        // Bind now, so the port is known when spawn() returns and a failure shows at once.
        try {
            server.bind();
        } catch (IperfException e) {
            RunningIperf failed = new RunningIperf(stream, () -> { }, 0);
            failed.complete(errorResult(info, e.getMessage(), false));
            stream.close();
            sink.close();
            return failed;
        }
        RunningIperf running = new RunningIperf(stream, server::close, server.port());
        running.slots(server::hold);
        self.set(running);
        Thread.ofPlatform().name("iperf3j-server").start(() -> {
            try {
                server.serve();
                IperfResult r = last.get();
                running.complete(r != null ? r : errorResult(info, running.cancelRequested()
                        ? "interrupt - the server has terminated" : "no test was run", running.cancelRequested()));
            } catch (IperfException e) {
                running.complete(errorResult(info, e.getMessage(), false));
            } catch (Throwable t) {
                running.fail(t);
            } finally {
                server.close();
                stream.close();
                if (out == null) {
                    sink.close();
                } else {
                    sink.flush();
                }
            }
        });
        return running;
    }

    /** iperf3's document for a run that failed before any test: empty start, no intervals, the error. */
    private static IperfResult errorResult(EngineInfo info, String message, boolean cancelled) {
        JsonObject doc = ErrorDocument.of(info.versionText(), info.systemInfo(), message);
        return new IperfResult(Role.SERVER, doc, cancelled);
    }

    private IperfCommand add(String... more) {
        args.addAll(List.of(more));
        return this;
    }

    private static long ceilSeconds(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration: " + d);
        }
        long s = d.getSeconds();
        return d.getNano() > 0 ? s + 1 : s;
    }

    private static String seconds(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration: " + d);
        }
        return java.math.BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString();
    }
}
