package io.iperf3j.session.command;

import io.iperf3j.session.internal.output.ProgressLine;
import io.iperf3j.internal.subcommand.HostPort;
import io.iperf3j.export.cli.MetricsOption;
import io.iperf3j.internal.subcommand.Subcommands;
import io.iperf3j.report.HtmlReport;
import io.iperf3j.report.ReportInputException;
import io.iperf3j.session.internal.output.ResultArchives;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.internal.output.PlanOutputDirectory;
import io.iperf3j.session.internal.plan.PlanFile;
import io.iperf3j.session.internal.result.ThroughputMatrix;
import io.iperf3j.session.internal.run.PlanExecution;
import io.iperf3j.session.internal.schedule.ScheduledDues;
import io.iperf3j.session.internal.schedule.ScheduleState;
import io.iperf3j.session.internal.output.RunRecord;
import io.iperf3j.session.internal.output.TestsFile;

/**
 * {@code iperf3j session PLAN}: runs a plan file and writes its output directory;
 * progress on stdout, one line per test. Exit status 0 when every test ran, 1 when any
 * failed, 2 for a bad plan or command line (nothing ran). The CLI is this thin layer over
 * {@link PlanFile}, {@link PlanExecution} and {@link PlanOutputDirectory}.
 */
@Command(name = "iperf3j session", description = "Run an iperf test plan over many hosts (local or SSH).",
        sortOptions = false)
public final class SessionCommand implements Callable<Integer> {
    /** Every test ran. */
    public static final int OK = 0;
    /** At least one test failed. */
    public static final int TEST_FAILED = 1;
    /** The plan or the command line is wrong; nothing ran. */
    public static final int BAD_PLAN = 2;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this message and quit")
    boolean help;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "show version information and quit")
    boolean version;

    @SuppressWarnings("deprecation") // help = true: PLAN is not required with it, as with --help
    @Option(names = "--schema", help = true,
            description = "print the plan file's JSON Schema (every key, its type, default and an example) and quit")
    boolean schema;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PLAN", description = "the plan (YAML); with --resend, only to name its archives")
    Path planFile;

    @Option(names = "--resend", paramLabel = "DIR",
            description = "send every result DIR/tests.jsonl holds to the archives (--remote-write.url, --push.url, or the"
                    + " plan's), run nothing: after a controller was killed, or a receiver was down past the end")
    Path resend;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "output directory (default: session-<time>)")
    Path output;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "run, into DIR, the plan's tests that are not ok in DIR/tests.jsonl: not there yet (a run stopped"
                    + " or cut short) or failed there (run again, a line after the failed one)")
    Path resume;

    @Option(names = "--replace",
            description = "with -o DIR: remove an earlier run's results from DIR (tests.jsonl, summaries, raw/, a schedule's state), then run the whole plan")
    boolean replace;

    @Option(names = "--dry-run", description = "print every iperf command each host would run, run nothing")
    boolean dryRun;

    @Option(names = {"-V", "--verbose"},
            description = "with --dry-run: also the whole script each host runs around its iperf command")
    boolean verbose;

    @Option(names = "--parallel", description = "run tests on disjoint host pairs at once: each test as soon as both its hosts are free")
    boolean parallel;

    @Option(names = "--every", paramLabel = "DURATION",
            description = "run the plan's tests again every DURATION (30s, 5m, 1h), spread across it, until stopped;"
                    + " over the plan's schedule: every")
    String every;

    @Option(names = "--slot-dir", paramLabel = "DIR",
            description = "where hosts' throughput slots are locked: sessions sharing it never put a host in two tests at once"
                    + "; a folder of yours no one else can write (default: $XDG_RUNTIME_DIR/iperf3j-slots, else"
                    + " ~/.cache/iperf3j-slots)")
    Path slotDirectory;

    /** {@code --push.url} and {@code --push.job} (or the old {@code --push}, {@code --push-job}): added by {@link #commandLine}. */
    private final PushOptions push = new PushOptions();

    /** {@code --metrics.listen}: export's row, as the server spells it. */
    String metricsListen;

    @Option(names = "--report", paramLabel = "FILE",
            description = "write the HTML report of the output directory (every test's charts and the matrix) at the end")
    Path report;

    private PrintStream out;
    private PrintStream err;
    /** Given the action a SIGINT/SIGTERM takes while a schedule runs (null: the caller's, which exits); see {@link #run}. */
    private Consumer<Runnable> onSignal = action -> { };
    /** Where results leave for (the plan's push and remote_write, or the command line's), once started. */
    private ResultArchives archives;
    /** {@code --remote-write.*}: added to the model by {@link #commandLine}. */
    private final RemoteWriteOptions remoteWrite = new RemoteWriteOptions();
    private volatile PlanExecution runner;

    private SessionCommand() {
    }

    /** A refused command line: printed as every subcommand prints it; status 2 (1 means a test failed). */
    private record Refused(PrintStream err) implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            err.print(Subcommands.refused(NAME, ex.getMessage()));
            err.flush();
            return BAD_PLAN;
        }
    }

    /** The subcommand's name: {@code iperf3j session}. */
    public static final String NAME = "session";

    /** The command's picocli model: its options, for the man page. */
    public static CommandLine.Model.CommandSpec spec() {
        return commandLine(new SessionCommand()).getCommandSpec();
    }

    private static CommandLine commandLine(SessionCommand c) {
        CommandLine cl = new CommandLine(c);
        CommandSpec spec = cl.getCommandSpec();
        spec.version(Subcommands.version());
        c.push.addTo(spec, true);
        TableOption.add(spec, MetricsOption.METRICS_LISTEN, "with a schedule: serve every test's last results and run counters"
                + " on /metrics (and /health) at [HOST:]PORT (PORT alone: 127.0.0.1; :PORT: every interface), as the server's option",
                v -> c.metricsListen = v);
        c.remoteWrite.addTo(spec);
        return cl;
    }


    /** The command line's archives over the plan's ({@code plan} empty: the command line's alone). */
    private ResultArchives archivesOf(Optional<Plan> plan) {
        Plan p = plan.orElseGet(() -> new Plan(List.of(), List.of(), false, "", Optional.empty()));
        return ResultArchives.of(withCommandLine(p), w -> err.println("warning: " + w));
    }

    /** Runs the command; returns the exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, action -> { });
    }

    /**
     * Runs the command; returns the exit status. While a schedule runs, {@code onSignal} is given the action a SIGINT/SIGTERM
     * takes: its tests stopped, then the command ends as its schedule's end does, with status 0 (issue 66: a stopped schedule
     * exited 1, which {@code systemctl stop} reads as a failed unit and an orchestrator as a crash); then null again. A plan run
     * once keeps the caller's handling (iperf3's: summary, status 1).
     */
    public static int run(List<String> args, PrintStream out, PrintStream err, Consumer<Runnable> onSignal) {
        SessionCommand c = new SessionCommand();
        c.out = out;
        c.err = err;
        c.onSignal = java.util.Objects.requireNonNull(onSignal, "onSignal");
        CommandLine cl = commandLine(c).setOut(new java.io.PrintWriter(out, true)).setErr(new java.io.PrintWriter(err, true));
        cl.setExitCodeExceptionMapper(e -> BAD_PLAN);
        cl.setParameterExceptionHandler(new Refused(err));
        int status = cl.execute(args.toArray(String[]::new));
        return status == CommandLine.ExitCode.USAGE ? BAD_PLAN : status;
    }

    /** The command as picocli reads {@code args}, not run (tests). */
    public static SessionCommand parsed(String... args) {
        SessionCommand c = new SessionCommand();
        commandLine(c).parseArgs(args);
        return c;
    }

    /**
     * {@code plan} with this command line's {@code --parallel} and {@code --push.url}/{@code --push.job}
     * over the plan file's: a URL given replaces the plan's push target; the job is
     * {@code --push.job}, else the plan's, else {@code iperf3j_session}. {@code --push.job} without
     * any push target (no URL, no {@code push:} in the plan) pushes nothing.
     */
    public Plan withCommandLine(Plan plan) {
        if (every != null) {
            Duration period = Plan.Schedule.duration("--every", every, false);
            Plan.Schedule s;
            try {
                s = plan.schedule().map(p -> p.withEvery(period)).orElseGet(() -> Plan.Schedule.every(period));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--every " + every.trim() + ": not in 1s .. 366 days", e);
            }
            plan = new Plan(plan.hosts(), plan.tests(), plan.parallel(), plan.filenameBase(), plan.push(), Optional.of(s), plan.remoteWrite());
        }
        plan = plan.withRemoteWrite(remoteWrite.over(plan.remoteWrite()));
        // a receiver that cannot be valid (its URL, a file that cannot be read) is said before anything runs
        plan.remoteWrite().ifPresent(io.iperf3j.session.internal.output.ResultRemoteWrite::config);
        if (!parallel && !push.given()) {
            return plan;
        }
        Optional<Plan.PushTarget> target = push.over(plan.push());
        return new Plan(plan.hosts(), plan.tests(), plan.parallel() || parallel, plan.filenameBase(), target, plan.schedule(),
                plan.remoteWrite());
    }

    @Override
    public Integer call() throws Exception {
        if (schema) {
            out.print(PlanFile.schema());
            out.flush();
            return OK;
        }
        if (resend != null) {
            return Resend.run(NAME, resend, () -> archivesOf(planFile == null ? Optional.empty() : Optional.of(PlanFile.read(planFile))),
                    out, err);
        }
        if (planFile == null) {
            err.print(io.iperf3j.internal.subcommand.Subcommands.refused("session", "Missing required parameter: 'PLAN'"));
            return BAD_PLAN;
        }
        OldGenerationWatch heap = OldGenerationWatch.start();
        try {
            return runPlan();
        } finally {
            heap.close();
        }
    }

    /** Reads the plan and runs it once or on its schedule; returns the exit status. */
    private int runPlan() throws Exception {
        List<Consumer<RunRecord>> onceSinks = new ArrayList<>();
        Plan plan;
        PlanExecution r;
        if (resume != null && output != null && !resume.equals(output)) {
            err.println("iperf3j session: -o " + output + " and --resume " + resume + " name two directories; give one");
            return BAD_PLAN;
        }
        if (replace && resume != null) {
            err.println("iperf3j session: --replace removes what --resume would keep; give one");
            return BAD_PLAN;
        }
        Path dir = resume != null ? resume : output != null ? output
                : Path.of("session-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(LocalDateTime.now()));
        PlanOutputDirectory files = null;
        Plan whole;
        java.util.Map<String, TestResult> earlier;
        try {
            whole = withCommandLine(PlanFile.read(planFile));
            plan = whole;
            if (dryRun) {
                r = new PlanExecution(plan, dir.resolve("raw"), x -> { });
                for (String line : r.dryRun(verbose)) {
                    out.println(line);
                }
                return OK;
            }
            if (plan.schedule().isPresent()) {
                return scheduled(plan, dir);
            }
            if (metricsListen != null) {
                err.println("iperf3j session: --metrics.listen serves a schedule's results; give --every DURATION"
                        + " or schedule: in the plan");
                return BAD_PLAN;
            }
            files = new PlanOutputDirectory(dir);
            replaceEarlier(files);
            long there = files.resultCount();
            if (resume == null && there > 0) {
                err.println("iperf3j session: " + dir + " already holds " + there + " test result(s) (" + TestsFile.file(dir, 0)
                        + "); --resume " + dir + " runs the plan's tests that are not in it or failed there, --replace removes them first,"
                        + " or give another -o");
                return BAD_PLAN;
            }
            // a test's last line is its result: one that failed runs again (its new line follows the failed one),
            // so --resume finishes a plan whose host was down, where --replace would rerun all of it (issue 46)
            java.util.Map<String, TestResult> found = files.completed(whole.tests());
            earlier = new java.util.LinkedHashMap<>(found);
            earlier.values().removeIf(t -> !t.ok());
            if (!found.isEmpty()) {
                plan = whole.withTests(whole.tests().stream().filter(t -> !earlier.containsKey(t.id())).toList());
                int failed = found.size() - earlier.size();
                int missing = whole.tests().size() - found.size();
                out.println("resuming " + dir + ": " + earlier.size() + " of " + whole.tests().size()
                        + " test(s) already ok in tests.jsonl" + (failed > 0 ? "; rerunning " + failed + " that failed" : "")
                        + (missing > 0 ? "; running " + missing + " not in it" : ""));
            }
            int total = plan.tests().size();
            AtomicInteger done = new AtomicInteger();
            // a plan run once and a schedule hand their records to the same kinds of sink (issue 45)
            onceSinks.add(TestsFile.once(dir));
            onceSinks.add(rec -> out.println(String.format(Locale.ROOT, "[%d/%d] ", done.incrementAndGet(), total)
                    + ProgressLine.of(rec)));
            archives = ResultArchives.of(plan, w -> err.println("warning: " + w));
            if (archives.any()) {
                onceSinks.add(archives);
            }
            r = planRunner(plan, files, res -> { });
        } catch (IperfConfigurationError e) {
            err.println("iperf3j session: " + e.getMessage());
            return BAD_PLAN;
        } catch (IllegalArgumentException e) {
            err.println("iperf3j session: " + e.getMessage());
            return BAD_PLAN;
        } catch (IOException e) {
            err.println("iperf3j session: " + e.getMessage());
            return BAD_PLAN;
        }
        runner = r;
        // per_run cuts a schedule's runs; a plan run once runs every pair (issue 69)
        for (Plan.Turn turn : whole.rotations()) {
            out.println(turn.shape() + " " + turn.test() + ": per_run " + turn.perRun() + " takes a schedule's runs through its "
                    + Plan.Turn.grouped(turn.pairs()) + " pairs, " + Plan.Turn.grouped(turn.runs())
                    + " run(s) a cycle; run once, all of them run");
        }
        out.println("running " + plan.tests().size() + " test(s) on " + plan.hosts().size() + " host(s)"
                + (plan.parallel() ? " in parallel (at least " + r.schedule().size() + " rounds of disjoint pairs)" : "") + "; output in " + dir);
        // SIGINT/SIGTERM: every iperf the plan started is killed, and the summaries of what completed
        // are written (by this thread, which the hook waits for) before the JVM ends
        java.util.concurrent.CountDownLatch summarised = new java.util.concurrent.CountDownLatch(1);
        Thread hook = stopHook(r, summarised);
        long started = System.nanoTime();
        try {
            List<TestResult> ranNow = new ArrayList<>();
            onceSinks.add(rec -> {
                if (rec instanceof RunRecord.Ran x) {
                    ranNow.add(ThroughputMatrix.kept(x.result()));
                }
            });
            r.execute(r.once(), false, all(onceSinks));
            List<TestResult> ran = r.inPlanOrder(ranNow);
            java.util.Map<String, TestResult> byId = new java.util.HashMap<>(earlier);
            ran.forEach(t -> byId.put(t.id(), t));
            List<TestResult> results = whole.tests().stream().map(t -> byId.get(t.id())).filter(java.util.Objects::nonNull).toList();
            if (results.size() < whole.tests().size()) {
                out.println("stopped: " + results.size() + " of " + whole.tests().size() + " test(s) completed");
            }
            List<String> notes = archives == null || !archives.any() ? List.of() : flushArchives(results.size(), System.nanoTime() - started);
            try {
                files.writeSummaries(results, plan.hosts().stream().map(Node::id).toList(), notes);
            } catch (IOException e) {
                err.println("iperf3j session: cannot write the summaries: " + e.getMessage());
                return TEST_FAILED;
            }
            out.print(new String(java.nio.file.Files.readAllBytes(dir.resolve("summary.txt")), java.nio.charset.StandardCharsets.UTF_8));
            ThroughputMatrix m = ThroughputMatrix.of(results, List.of());
            boolean reported = report == null || writeReport(dir);
            return m.failed() == 0 && reported && results.size() == whole.tests().size() ? OK : TEST_FAILED;
        } finally {
            summarised.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    /** With {@code --replace}: empties {@code files} of an earlier run's results, saying how many were removed. */
    private void replaceEarlier(PlanOutputDirectory files) throws IOException {
        if (replace) {
            long removed = files.clear();
            if (removed > 0) {
                out.println("replacing " + files.directory() + ": " + removed + " earlier result(s) removed");
            }
        }
    }

    /**
     * A plan on a schedule ({@link ScheduledDues}): runs until the schedule ends or SIGINT/SIGTERM; {@code -o DIR}
     * given again (a restart, the systemd unit) takes the schedule up where DIR's state file left it.
     */
    private int scheduled(Plan plan, Path dir) throws Exception {
        if (resume != null) {
            err.println("iperf3j session: --resume runs a plan's missing tests once; a schedule resumes by itself:"
                    + " give -o " + dir + " again");
            return BAD_PLAN;
        }
        java.net.InetSocketAddress listen = null;
        PlanOutputDirectory files;
        PlanExecution r;
        ScheduledDues dues;
        Consumer<RunRecord> toSinks;
        String position;
        ScheduleState book;
        io.iperf3j.session.internal.schedule.LivePlan live;
        io.iperf3j.session.internal.output.SessionMetrics metrics = new io.iperf3j.session.internal.output.SessionMetrics(plan.tests());
        try {
            if (metricsListen != null) {
                listen = io.iperf3j.export.cli.MetricsOptions.listen(MetricsOption.METRICS_LISTEN.flag(), metricsListen);
            }
            files = new PlanOutputDirectory(dir);
            replaceEarlier(files);
            if (files.resultCount() > 0 && !io.iperf3j.session.internal.schedule.ScheduleState.exists(dir)) {
                err.println("iperf3j session: " + dir + " holds the results of a run that was not scheduled; --replace removes"
                        + " them first, or give another -o");
                return BAD_PLAN;
            }
            archives = ResultArchives.of(plan, w -> err.println("warning: " + w));
            r = planRunner(plan, files, x -> { });
            book = ScheduleState.open(dir, plan.tests(), plan.schedule().get(), java.time.Instant.now());
            book.last().forEach(metrics::restore);
            position = ScheduledDues.position(book);
            // the same path as a plan run once: the one tests.jsonl writer first, then the book (which must not count
            // a run the file does not hold), the metrics, the progress line and the push
            List<Consumer<RunRecord>> sinks = new ArrayList<>(List.of(TestsFile.scheduled(dir, TestsFile.DEFAULT_ROTATE_BYTES),
                    book, metrics, rec -> out.println("[run " + rec.run() + "] " + ProgressLine.of(rec))));
            if (archives.any()) {
                sinks.add(archives);
                archives.countIn(metrics);
            }
            toSinks = all(sinks);
            // each run after the first reads the plan again (issue 66): new hosts and tests without a restart
            live = new io.iperf3j.session.internal.schedule.LivePlan(
                    planFile.toString(), plan, () -> withCommandLine(PlanFile.read(planFile)), r::adopt, book, metrics::tests,
                    out::println, java.time.Clock.systemUTC());
            dues = new ScheduledDues(plan, live, book, java.time.Clock.systemUTC(), toSinks);
            Plan.Schedule schedule = plan.schedule().get();
            book.onClose(c -> {
                if (c.skipped() > 0) {
                    out.println(fallingBehind(c, schedule.every(), schedule.slip()));
                }
            });
        } catch (io.iperf3j.options.OptionError | IperfConfigurationError | IllegalArgumentException | IOException e) {
            err.println("iperf3j session: " + e.getMessage());
            return BAD_PLAN;
        }
        runner = r;
        io.iperf3j.export.server.ServerMetricsEndpoint endpoint = null;
        if (listen != null) {
            try {
                // the schedule's series, then the process's own (build info, start time, JVM: issue 66), as a server's
                io.iperf3j.export.server.ProcessSeries process = new io.iperf3j.export.server.ProcessSeries(
                        io.iperf3j.IperfCommand.version());
                endpoint = io.iperf3j.export.server.ServerMetricsEndpoint.start(listen, "iperf3j-session-metrics-", () -> {
                    List<io.prometheus.metrics.model.snapshots.MetricSnapshot> all = new ArrayList<>();
                    metrics.snapshots().forEach(all::add);
                    all.addAll(process.snapshots());
                    return new io.prometheus.metrics.model.snapshots.MetricSnapshots(all);
                });
            } catch (IOException e) {
                err.println("iperf3j session: unable to listen on --metrics.listen " + metricsListen + ": " + e.getMessage());
                return BAD_PLAN;
            }
        }
        out.println("running " + plan.tests().size() + " test(s) on " + plan.hosts().size() + " host(s) every "
                + Plan.Schedule.text(plan.schedule().get().every()) + ", from " + position + "; output in " + dir
                + (endpoint == null ? "" : "; metrics on http://" + HostPort.of(endpoint.address()) + "/metrics"));
        List<String> cut = book.cutByTheChange();
        cut.forEach(line -> out.println("warning: " + line));
        // SIGINT/SIGTERM: the running tests are killed (not recorded: a restart runs them again if their slip allows)
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        Thread hook = stopHook(r, ended);
        // a signal stops the tests (on a thread of its own: the kills take a while) and this thread ends the schedule
        PlanExecution stopping = r;
        onSignal.accept(() -> Thread.ofPlatform().name("iperf3j-session-stop").start(() -> {
            try {
                stopping.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            r.execute(dues, true, toSinks);
            // its runs or until time over, or cut by a SIGINT/SIGTERM (then the running tests were killed, not written)
            out.println(r.stopped() ? "schedule stopped" : "schedule ended");
            // the runs a stop cut: their tests without a line, named (issue 66); a restart on DIR runs them while their slip allows
            List<String> stopCut = new ArrayList<>();
            if (r.stopped()) {
                for (String line : book.missing(book.runAt(java.time.Instant.now()))) {
                    stopCut.add(line + " (cut by the stop; -o " + dir + " again runs them while their slip allows)");
                }
                stopCut.forEach(out::println);
            }
            List<String> notes = archives.any() ? archives.finish() : List.of();
            notes.forEach(out::println);
            // as a plan run once ends: the summaries, of each test's last run that ran, and the counts of every run
            try {
                // the plan that runs at the end: read again, it may have other tests than at the start
                Plan last = live.current();
                PlanOutputDirectory.ScheduleTally tally = files.scheduleTally(last.tests());
                List<String> tail = new ArrayList<>(tally.text());
                cut.forEach(line -> tail.add("at the start: " + line));
                tail.addAll(stopCut);
                tail.addAll(notes);
                files.writeSummaries(List.copyOf(tally.lastRan().values()), last.hosts().stream().map(Node::id).toList(), tail);
                out.print(new String(java.nio.file.Files.readAllBytes(dir.resolve("summary.txt")), java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.println("iperf3j session: cannot write the summaries: " + e.getMessage());
            }
            return OK;
        } finally {
            if (endpoint != null) {
                endpoint.close();
            }
            ended.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    /**
     * Adds the SIGINT/SIGTERM hook: stops {@code r} (every iperf it started is killed), then waits up to
     * {@link #STOP_SUMMARY_WAIT} for {@code done}, counted down by the command's thread when it has finished.
     */
    private static Thread stopHook(PlanExecution r, java.util.concurrent.CountDownLatch done) {
        Thread hook = new Thread(() -> {
            try {
                r.stop();
                done.await(STOP_SUMMARY_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }


    /** The plan's runner, its raw outputs in {@code files}, its slots in {@code --slot-dir} when given. */
    private PlanExecution planRunner(Plan plan, PlanOutputDirectory files, Consumer<TestResult> onResult)
            throws IperfConfigurationError, IOException {
        PlanExecution r = new PlanExecution(plan, files.rawDirectory(), onResult, out::println);
        if (slotDirectory != null) {
            r.slotDirectory(slotDirectory);
        }
        r.prepareSlots();
        return r;
    }

    /**
     * The warning of a run that skipped tests: a schedule that cannot keep up says so, with its numbers (issue 66: runs 9-12
     * skipped 17-25 tests each on an overloaded box, and nothing said it).
     */
    static String fallingBehind(ScheduleState.RunClosed c, java.time.Duration every, java.time.Duration slip) {
        return String.format(Locale.ROOT, "warning: the schedule is falling behind: run %d skipped %d of its %d test(s) (their hosts'"
                + " slots not free within the slip of %s); its last test ended %.0f s after the run began, of a %s period;"
                + " a longer period, a longer slip or fewer tests a run would let it keep up", c.run(), c.skipped(), c.tests(),
                Plan.Schedule.text(slip), java.time.Duration.between(c.began(), c.lastEnd()).toMillis() / 1000.0,
                Plan.Schedule.text(every));
    }

    /** Every sink in {@code sinks}, in order. */
    private static Consumer<RunRecord> all(List<Consumer<RunRecord>> sinks) {
        return rec -> sinks.forEach(s -> s.accept(rec));
    }

    /** How long a SIGINT/SIGTERM waits, after the kills, for the summaries of what completed. */
    static final java.time.Duration STOP_SUMMARY_WAIT = java.time.Duration.ofSeconds(20);

    /**
     * Gives the results still on their way to the archives their flush time ({@link ResultArchives#finish}), after a line with
     * the plan's own time (the flush's is not in it); returns the summary's lines.
     */
    private List<String> flushArchives(int tests, long planNanos) throws InterruptedException {
        out.println(String.format(Locale.ROOT, "plan ran %d test(s) in %.1f s; ", tests, planNanos / 1e9)
                + String.join("; ", archives.waitingLines()));
        return archives.finish();
    }

    /** The report module's page of the whole output directory; a failure to write it is said, and the run counts as failed. */
    private boolean writeReport(Path dir) {
        try {
            HtmlReport.builder().add(dir).title("iperf3j session " + planFile.getFileName() + " (" + dir.getFileName() + ")")
                    .build().write(report);
            out.println("report: " + report);
            return true;
        } catch (ReportInputException | IOException | RuntimeException e) {
            err.println("iperf3j session: --report " + report + " not written: " + e.getMessage());
            return false;
        }
    }

}
