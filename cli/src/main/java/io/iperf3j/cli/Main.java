package io.iperf3j.cli;

import io.iperf3j.MetricsMode;
import io.iperf3j.MetricsStream;
import io.iperf3j.Role;
import io.iperf3j.export.cli.CliMetrics;
import io.iperf3j.export.cli.MetricsOptions;
import io.iperf3j.export.cli.WrapperOptions;
import io.iperf3j.export.exporter.ExporterCommand;
import io.iperf3j.export.server.ServerMetrics;
import io.iperf3j.export.server.ServerMetricsEndpoint;
import io.iperf3j.internal.engine.ClientTest;
import io.iperf3j.internal.engine.EngineInfo;
import io.iperf3j.internal.engine.server.IperfServer;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.options.OptionParser;
import io.iperf3j.internal.options.ParseResult;
import io.iperf3j.internal.options.ServerLogFormat;
import io.iperf3j.internal.output.ErrorDocument;
import io.iperf3j.internal.output.OutputMode;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.protocol.IperfException;
import io.iperf3j.internal.stats.LiveMetrics;
import io.iperf3j.internal.stats.TestObserver;
import io.iperf3j.link.LinkCommand;
import io.iperf3j.report.ReportCommand;
import io.iperf3j.report.ReportOption;
import io.iperf3j.session.command.AgentCommand;
import io.iperf3j.session.command.HostSlotsCommand;
import io.iperf3j.session.command.SessionCommand;
import io.iperf3j.sys.NativeSocketException;
import io.iperf3j.sys.SignalDisposition;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code iperf3j} command: iperf3's command line over the iperf3j engine.
 * Everything test-related lives in the engine; this class only wires arguments,
 * output streams, signals, the PID file and the process exit status.
 */
public final class Main {

    private final PrintStream out;
    private final PrintStream err;
    private final AtomicReference<Runnable> onSignal = new AtomicReference<>();
    /**
     * The exit status of a signal that comes while the command starts, before it has a handler of its own
     * ({@link #onSignal} unset): 0 for a server and the long-lived subcommands, which a signal stops (a
     * {@code podman stop} in a container's first second read {@code Exited (1)}; iperf3 3.21's server exits 0
     * on TERM once its options are read), 1 for the rest (a client, as iperf3). Known once {@link #run} has
     * read the command line; a signal before that waits for it, at most {@value #STARTING_WAIT_MS} ms.
     */
    private final CompletableFuture<Integer> startingSignalStatus = new CompletableFuture<>();
    private static final long STARTING_WAIT_MS = 2000;
    /** The thread installing the signal handlers ({@link #main}); null in-process, where none are installed. */
    private volatile Thread signalSetup;
    private final Map<String, String> env;
    /** The run's metrics sinks (iperf3j-export); none until a test is about to run. */
    private CliMetrics metrics;
    /** The run's metrics options ({@code --metrics.listen} for a server's /metrics). */
    private WrapperOptions wrapper = MetricsOptions.defaults();
    /** {@code --report FILE} (iperf3j-report): the HTML report a client run writes when it ends. */
    private ReportOption report;

    Main(PrintStream out, PrintStream err) {
        this(out, err, System.getenv());
    }

    Main(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        phase("main");
        if (mayRunATest(args)) {
            // FFM bindings, uname, the cookie's random seed: on the second core while the options are parsed.
            io.iperf3j.internal.engine.OneTimeSetup.startInBackground();
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
        Main main = new Main(out, err);
        main.startSignalSetup();
        if (Boolean.getBoolean("iperf3j.signals.held")) {
            main.releaseHeldSignals();
        }
        int status = main.run(args);
        out.flush();
        err.flush();
        phase("exit");
        // Status 0 with nothing else running: main returns and the JVM ends as after any last thread, with
        // the same shutdown hooks. System.exit would first look up a System.Logger to log the exit
        // (Shutdown.logRuntimeExit), which reads the class path's service files: the fat jar's 5 600-entry
        // directory, 10-15 ms of every process's CPU that nothing else needs once jvm.options names the
        // selector provider (docs/design/cpu-per-bit.md, stop 95). A thread left running (a --metrics.listen
        // endpoint) would keep a returning JVM alive, so then, as for any other status, System.exit.
        if (status == 0 && onlyDaemonThreadsLeft()) {
            return;
        }
        System.exit(status);
    }

    /** Whether every live platform thread but this one is a daemon (virtual threads always are). */
    private static boolean onlyDaemonThreadsLeft() {
        Thread self = Thread.currentThread();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t != self && !t.isDaemon() && t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Starts installing the signal handlers on their own thread: the handlers' proxy class is generated at run
     * time (~5 ms, more on a busy core), beside the parsing. Called by {@link #main} and by the AOT training
     * ({@link AotTraining}), so that the classes it loads are in the cache and no start reads them from the jar.
     */
    void startSignalSetup() {
        Thread signals = new Thread(new SignalSetup(this), "iperf3j-signals"); // not a lambda, as OneTimeSetup
        signals.setDaemon(true);
        signalSetup = signals;
        signals.start();
    }

    /** Installs the signal handlers on their own thread; a signal before they are in place ends the JVM as by default. */
    private static final class SignalSetup implements Runnable {
        private final Main main;

        SignalSetup(Main main) {
            this.main = main;
        }

        @Override
        public void run() {
            main.installSignalHandlers();
            phase("handlers");
        }
    }

    /** A mark of the phase trace ({@link io.iperf3j.internal.engine.PhaseTrace}): main, handlers, parsed, ended, exit. */
    private static void phase(String name) {
        io.iperf3j.internal.engine.PhaseTrace.mark(name);
    }

    /**
     * Whether the arguments may start a test (not a subcommand, help or version), so the
     * one-time native set-up is worth starting before they are parsed: it costs ~100 ms
     * of CPU that {@code --version} would not otherwise spend.
     */
    static boolean mayRunATest(String[] args) {
        if (args.length > 0 && Subcommand.named(args[0]) != null) {
            return false;
        }
        for (String a : args) {
            if (a.equals("-v") || a.equals("--version") || a.equals("-h") || a.equals("--help")) {
                return false;
            }
        }
        return args.length > 0;
    }

    /** Runs the command and returns the exit status, without exiting the JVM (tests call this). */
    int run(String[] args) {
        Subcommand sub = args.length > 0 ? Subcommand.named(args[0]) : null;
        if (sub != null) {
            startingSignalStatus.complete(sub == Subcommand.EXPORTER || sub == Subcommand.HOST_SLOTS || sub == Subcommand.AGENT ? 0 : 1);
            List<String> rest = Arrays.asList(args).subList(1, args.length);
            return switch (sub) {
                case AGENT -> {
                    awaitSignalHandlers();
                    // a signal stops it after the test that runs now: status as its schedule's end
                    yield AgentCommand.run(rest, out, err, onSignal::set);
                }
                case EXPORTER -> {
                    awaitSignalHandlers();
                    yield ExporterCommand.run(rest, out, err, onSignal::set);
                }
                case HOST_SLOTS -> {
                    awaitSignalHandlers();
                    yield HostSlotsCommand.run(rest, out, err, onSignal::set);
                }
                case LINK -> runLink(rest);
                case REPORT -> ReportCommand.run(rest, out, err);
                case SESSION -> {
                    awaitSignalHandlers();
                    // a schedule stopped by SIGINT/SIGTERM ends as its schedule's end does, status 0 (a plan run once: 1)
                    yield SessionCommand.run(rest, out, err, onSignal::set);
                }
            };
        }
        // One table: iperf3's rows, export's --push.* / --metrics.*, report's --report; scanned once.
        MetricsOptions wrapper = new MetricsOptions(new Environment(env));
        report = new ReportOption();
        ParseResult result = OptionParser.parse(List.of(wrapper, report), args);
        phase("parsed");
        startingSignalStatus.complete(result instanceof ParseResult.Run r && r.options().isServer() ? 0 : 1);
        switch (result) {
            case ParseResult.Help h -> {
                out.print(helpText(h.text()));
                out.flush();
                return 0;
            }
            case ParseResult.Version v -> {
                out.print(v.text());
                out.flush();
                return 0;
            }
            case ParseResult.Failure f -> {
                // The message and a short usage on stderr, or with -J / --json-stream the error as JSON on stdout.
                err.print(f.stderrText());
                err.flush();
                out.print(errorOutput(f.output(), f.errorText()));
                out.flush();
                return f.exitCode();
            }
            case ParseResult.Run r -> {
                for (String w : r.warnings()) {
                    err.println(w);
                }
                return execute(r.options(), args, wrapper.options());
            }
        }
    }

    /** The environment as the metrics options read it (a class, not a lambda: the -c path). */
    private record Environment(Map<String, String> env) implements java.util.function.Function<String, String> {
        @Override
        public String apply(String name) {
            return env.get(name);
        }
    }

    /** {@code iperf3j link}: its {@code --push.*} / {@code --metrics.*} options feed the same sinks as a test's. */
    private int runLink(List<String> args) {
        MetricsOptions wrapper = new MetricsOptions(new Environment(env));
        LinkCommand.Parsed parsed = LinkCommand.parse(args, out, err, List.of(wrapper));
        if (parsed.command() == null) {
            return parsed.status();
        }
        awaitSignalHandlers();
        CliMetrics sinks;
        try {
            sinks = CliMetrics.open(wrapper.options(), err);
        } catch (IOException e) {
            err.println("iperf3j link: error - " + e.getMessage());
            return 2;
        }
        if (!sinks.enabled()) {
            return parsed.command().run(out, err, null, onSignal::set);
        }
        MetricsStream stream = MetricsStream.open(MetricsStream.DEFAULT_CAPACITY);
        Thread feeder = Thread.ofPlatform().daemon().name("iperf3j-link-metrics").start(() -> stream.forEach(sinks));
        int status = parsed.command().run(out, err, stream, onSignal::set);
        stream.close();
        try {
            feeder.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sinks.finish(status);
    }

    /** Everything {@code iperf3j --help} prints (the man page renders this). */
    static String helpText() {
        return helpText(OptionParser.usage(List.of(new MetricsOptions(new Environment(Map.of())), new ReportOption())));
    }

    /**
     * Everything {@code --help} prints: the synopsis with the subcommands' line, the subcommands, the
     * option table (the metrics options first), the data path.
     */
    static String helpText(String usage) {
        int synopsisEnd = usage.indexOf("\n\n");
        String withSubcommands = synopsisEnd < 0 ? usage + Subcommand.helpSection()
                : usage.substring(0, synopsisEnd) + "\n" + Subcommand.synopsis() + "\n\n" + Subcommand.helpSection()
                        + usage.substring(synopsisEnd + 2);
        return withSubcommands + io.iperf3j.internal.engine.DataPath.help();
    }

    private int execute(IperfOptions options, String[] args, WrapperOptions wrapper) {
        if (options.daemon() && options.isServer() && !Daemon.isDaemonChild()) {
            return Daemon.detach(args, err);
        }
        awaitSignalHandlers();
        this.wrapper = wrapper;
        try {
            metrics = CliMetrics.open(wrapper, err);
        } catch (IOException e) {
            err.println("iperf3j: error - " + e.getMessage());
            return 2;
        }
        int status = executeTest(options);
        phase("ended");
        return metrics.finish(status);
    }

    private int executeTest(IperfOptions options) {
        OutputSink sink;
        try {
            sink = options.logFile() != null
                    ? OutputSink.appendingTo(options.logFile())
                    : OutputSink.of(out, err, options.forceFlush());
        } catch (IOException e) {
            err.println("iperf3j: error - unable to open log file: " + e.getMessage());
            return 1;
        }
        Optional<PidFile> pid;
        try {
            pid = PidFile.create(options.pidFile());
        } catch (PidFile.AlreadyRunningException e) {
            errorOutsideTest(options, sink, "error - Another instance of iperf3j appears to be running");
            sink.close();
            return 1;
        } catch (IOException e) {
            errorOutsideTest(options, sink, "error - unable to write PID file");
            sink.close();
            return 1;
        }
        try {
            if (options.loopback()) {
                return runLoopback(options, sink);
            }
            return options.isClient() ? runClient(options, sink) : runServer(options, sink);
        } finally {
            pid.ifPresent(PidFile::delete);
            sink.close();
        }
    }

    /** The engine's observer for one test: interval samples to the metrics sinks, or none. */
    private TestObserver metricsObserver() {
        return metrics.enabled() ? new LiveMetrics(MetricsMode.interval(), metrics) : TestObserver.NONE;
    }

    private int runClient(IperfOptions options, OutputSink sink) {
        ClientTest test = new ClientTest(options, sink, EngineInfo.standard(), metricsObserver())
                .rttProbes(io.iperf3j.link.LinkRttProbe::start);
        onSignal.set(test::cancel);
        ClientTest.Outcome outcome = test.run();
        onSignal.set(null);
        if (metrics.enabled()) {
            // --why, -V: the verdict to the metrics sinks (iperf3j_test_limited{cause,sender})
            outcome.why().ifPresent(metrics::why);
        }
        if (report.file() != null && !report.write("iperf3j -c " + options.host(),
                io.iperf3j.internal.json.CJsonWriter.standard().pretty(outcome.document()), err)) {
            return 1;
        }
        // iperf3 3.12 exits 0 after an error in -J mode; 3.14+ exit 1, which scripts need. We follow 3.14+.
        return outcome.succeeded() ? 0 : 1;
    }

    private int runServer(IperfOptions options, OutputSink sink) {
        IperfServer server = new IperfServer(options, sink, EngineInfo.standard(), this::metricsObserver)
                .rttResponder(new io.iperf3j.link.LinkRttResponder());
        // --server-log=json: the log's stream is JSON only; the tests' reports go to standard output with -V.
        if (options.verbose()) {
            server.reports(OutputSink.of(out, out, options.forceFlush()));
        }
        // The handler before the port listens: a signal between the bind and serve() (ServerWatchIT sends one as soon as
        // the port answers) met no handler and exited 0 without the interrupt's line (CI, stop 76; 3 of 40 runs of
        // /tmp's loop). One before the bind closes the server first, whose serve() then ends at once.
        java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean testsRunning = new java.util.concurrent.atomic.AtomicBoolean();
        onSignal.set(() -> {
            testsRunning.set(server.activeTests() > 0);
            interrupted.set(true);
            server.close();
        });
        try {
            server.bind();
        } catch (IperfException e) {
            errorOutsideTest(options, sink, "error - " + e.getMessage());
            if (!jsonServerLog(options)) {
                sink.err("iperf3j: exiting\n"); // 3.12 writes this line on stderr in -J mode too
            }
            return 1;
        }
        ServerMetricsEndpoint endpoint;
        try {
            endpoint = serverMetrics(options, server);
        } catch (IOException e) {
            errorOutsideTest(options, sink, "error - unable to listen on --metrics.listen "
                    + ServerMetricsEndpoint.metricsUrl(wrapper.serverMetricsListen().orElseThrow()) + ": "
                    + e.getMessage());
            server.close();
            return 1;
        }
        try {
            return serve(options, sink, server, interrupted, testsRunning);
        } finally {
            if (endpoint != null) {
                endpoint.close();
            }
        }
    }

    /**
     * {@code --metrics.listen}: the server's events counted for its /metrics, served until the server
     * ends; null without the option.
     */
    private ServerMetricsEndpoint serverMetrics(IperfOptions options, IperfServer server) throws IOException {
        if (wrapper.serverMetricsListen().isEmpty()) {
            return null;
        }
        ServerMetrics m = new ServerMetrics(new ServerMetrics.Limits(options.maxConcurrent(), options.queue(),
                wrapper.clientPrefixes()), server::activeTests, server::queuedTests);
        if (options.totalRate() > 0) {
            m.rateGauges(() -> server.totalRate() / 8.0, () -> server.fairShare() / 8.0);
        }
        if (options.serverLog() != ServerLogFormat.OFF) {
            m.logDrops(server::droppedLogLines);
        }
        m.process(io.iperf3j.internal.options.Version.VERSION); // iperf3j_build_info, jvm_*, process_*
        server.events(m);
        return ServerMetricsEndpoint.start(wrapper.serverMetricsListen().get(), m);
    }

    /** Serves until {@code server} is closed; {@code interrupted} and {@code testsRunning} are set by the signal handler. */
    private int serve(IperfOptions options, OutputSink sink, IperfServer server,
            java.util.concurrent.atomic.AtomicBoolean interrupted, java.util.concurrent.atomic.AtomicBoolean testsRunning) {
        try {
            server.serve();
        } catch (IperfException e) {
            errorOutsideTest(options, sink, "error - " + e.getMessage());
            return 1;
        }
        if (interrupted.get()) {
            // Running tests were told SERVER_TERMINATE. With -J an interrupted test's document carries the
            // error; an idle server prints its own (3.12's words). Exit status 0, as iperf3 3.21's server (3.12
            // exits 1): SIGTERM/SIGINT is how a server is stopped (systemctl stop, podman stop), not a failure.
            if (!outputMode(options).json() || !testsRunning.get()) {
                errorOutsideTest(options, sink, "interrupt - the server has terminated");
            }
            return 0;
        }
        return 0;
    }

    /**
     * An error outside any test: a stderr line, or iperf3's error document / events with -J / --json-stream;
     * a server with {@code --server-log=json} writes it as a JSON line of its log instead ({@code error}, or
     * {@code terminated} for the interrupt).
     */
    private static void errorOutsideTest(IperfOptions options, OutputSink sink, String message) {
        OutputMode mode = outputMode(options);
        if (jsonServerLog(options)) {
            int dash = message.indexOf(" - "); // "error - ...", "interrupt - ..."
            String kind = dash < 0 ? "error" : message.substring(0, dash);
            String text = dash < 0 ? message : message.substring(dash + 3);
            sink.err(IperfServer.jsonLogLine(kind.equals("interrupt") ? "terminated" : kind, text));
        } else if (mode.json()) {
            sink.out(errorOutput(mode, message));
        } else {
            sink.err("iperf3j: " + message + "\n");
        }
    }

    /** A server whose log's stream ({@code --logfile} or stderr) carries JSON lines only. */
    private static boolean jsonServerLog(IperfOptions options) {
        return options.isServer() && options.serverLog() == ServerLogFormat.JSON;
    }

    private static OutputMode outputMode(IperfOptions options) {
        return OutputMode.of(options.json(), options.jsonStream(), options.jsonStreamFullOutput());
    }

    /** The error as JSON in {@code mode} (empty in text mode), with this program's version and uname. */
    private static String errorOutput(OutputMode mode, String message) {
        EngineInfo info = EngineInfo.standard();
        return ErrorDocument.render(mode, info.versionText(), info.systemInfo(), message);
    }

    /** {@code --loopback}: an embedded one-off server on 127.0.0.1 and the client against it, in this process. */
    private int runLoopback(IperfOptions options, OutputSink sink) {
        IperfOptions serverOptions = IperfOptions.builder()
                .role(Role.SERVER)
                .port(options.port() == IperfOptions.DEFAULT_PORT ? 0 : options.port())
                .bindAddress("127.0.0.1")
                .oneOff(true)
                .build();
        IperfServer server = new IperfServer(serverOptions, OutputSink.discarding(), EngineInfo.standard(), null)
                .rttResponder(new io.iperf3j.link.LinkRttResponder());
        try {
            server.bind();
        } catch (IperfException e) {
            errorOutsideTest(options, sink, "error - " + e.getMessage());
            return 1;
        }
        Thread serverThread = Thread.ofPlatform().name("iperf3j-loopback-server").start(() -> {
            try {
                server.serve();
            } catch (IperfException e) {
                sink.err("iperf3j: error - " + e.getMessage() + "\n");
            }
        });
        IperfOptions clientOptions = options.toBuilder().host("127.0.0.1").port(server.port()).loopback(false).build();
        try {
            return runClient(clientOptions, sink);
        } finally {
            server.close();
            try {
                serverThread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Before the first socket: the handlers are in place, so a signal that comes once the server
     * listens (or the client connects) ends the test as iperf3's does, never by the JVM's default
     * (exit 143 with no output: a CI run sent TERM to a server just after it listened). The setup
     * runs beside the parsing and is done by now on an idle machine; the wait is bounded.
     */
    private void awaitSignalHandlers() {
        Thread t = signalSetup;
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The launchers ({@code ./iperf3j}, the image's {@code bin/iperf3j}) start the JVM with INT, TERM
     * and HUP ignored and blocked ({@code env --ignore-signal ... --block-signal ...}, and
     * {@code -Diperf3j.signals.held=true}). Why: the JDK installs its own TERM and INT handler early in
     * its start-up, before java.base is defined, and a signal in between made its Runtime.exit logging
     * fail, so a session that stopped a starting iperf3j read "exited with status 143: Runtime.exit(143)
     * logging failed: Cannot invoke "java.lang.Module.getClassLoader()" ..." (issue 46). A signal that
     * comes once both are in place is never discarded (Linux keeps a blocked signal pending even while
     * ignored), but setting one ignored discards it if it is pending (POSIX): the launchers' one
     * {@code env} ignores, then blocks, two system calls apart (two, one blocking and the next ignoring,
     * lost a TERM that came between them). Ignored, it gets no JDK handler and HotSpot leaves it
     * blocked in every thread. Once this program's handlers are in place
     * ({@link #installSignalHandlers} resets the ignored dispositions), this thread unblocks them: a
     * signal that came during start-up is then handled as any later one, and every thread started
     * from here on, and every child process, gets them unblocked. The wait for the handlers moves
     * before the parsing (a few ms); without the launcher nothing changes.
     */
    void releaseHeldSignals() {
        awaitSignalHandlers();
        try {
            SignalDisposition.unblock(SIGHUP, SIGINT, SIGTERM);
        } catch (UnsupportedOperationException | NativeSocketException e) {
            // no FFM: the signals stay held, as the JVM would have ignored them
        }
    }

    /** {@link #startingSignalStatus} once known; 1 if the command line is not read within the wait. */
    private int startingSignalStatus() {
        try {
            return startingSignalStatus.get(STARTING_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static final int SIGHUP = 1;
    private static final int SIGINT = 2;
    private static final int SIGTERM = 15;

    /**
     * SIGINT, SIGTERM and SIGHUP end the test as in iperf3: summary first, then exit status 1.
     * As iperf3's {@code signal(2)} calls, they are caught even when this process inherited them
     * ignored (a background job of a script: {@code iperf3j -s &}), through {@link SignalDisposition}.
     * The JDK's only signal API is {@code sun.misc.Signal} (module jdk.unsupported, exported, in
     * every JDK and in the image). It is named directly: found by name, with the handler a
     * {@code Proxy}, it cost a start about 35 ms (docs/design/cpu-per-bit.md, "The signal handlers
     * by reference"); the lambda is in the AOT cache. javac's "internal proprietary API" warning
     * for it is left out by cli/pom.xml ({@code -XDignore.symbol.file}).
     */
    void installSignalHandlers() {
        sun.misc.SignalHandler handler = signal -> {
            Runnable r = onSignal.get();
            if (r != null) {
                r.run();
            } else {
                System.exit(startingSignalStatus());
            }
        };
        for (String name : List.of("INT", "TERM", "HUP")) {
            try {
                sun.misc.Signal signal = new sun.misc.Signal(name);
                if (sun.misc.Signal.handle(signal, handler) == sun.misc.SignalHandler.SIG_IGN
                        && SignalDisposition.resetIfIgnored(signal.getNumber())) {
                    sun.misc.Signal.handle(signal, handler);
                }
            } catch (IllegalArgumentException | UnsupportedOperationException | NativeSocketException e) {
                // this platform lacks the signal or FFM: that signal keeps the JVM's handling
            }
        }
    }
}
