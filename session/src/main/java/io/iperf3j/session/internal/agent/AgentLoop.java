package io.iperf3j.session.internal.agent;

import io.iperf3j.IperfCommand;
import io.iperf3j.IperfResult;
import io.iperf3j.IperfSummary;
import io.iperf3j.Role;
import io.iperf3j.RunningIperf;
import io.iperf3j.ServerSlot;
import io.iperf3j.session.IperfKind;
import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.SessionException;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.internal.output.ProgressLine;
import io.iperf3j.session.internal.output.RunRecord;
import io.iperf3j.session.internal.output.TestsFile;
import io.iperf3j.session.internal.result.IperfOutputs;
import io.iperf3j.session.internal.result.RunFigures;
import io.iperf3j.session.internal.run.PairSession;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * One agent's work: its server for its peers (the plan's port, a {@code --queue} so that an arrival while this host is busy
 * waits), and the tests of the plan this host sends, each at its {@link AgentTimetable} time toward its peer's address. One
 * slot for both ends: a test of its own starts only once it holds its server's one place ({@link RunningIperf#holdSlot}),
 * which it keeps until its test ends, so the server admits none meanwhile; a test that cannot get it within the margin is
 * skipped and counted. Each result goes to {@code tests.jsonl} ({@link TestsFile}, the session's lines: {@code sender} and
 * {@code receiver} the plan's ids) and a progress line; what the server ran goes to {@code served.jsonl} ({@link ServedFile}).
 * The plan is read again before each run ({@link AgentPlan#forRun}), and the run keeps the version it got to its end, its
 * lines stamped with it ({@code plan_version}).
 */
public final class AgentLoop implements AutoCloseable {
    /** How long before a run's start an agent must have read its plan: runs that start sooner are not this agent's first. */
    static final Duration LEAD = Duration.ofSeconds(2);
    /** What the warm-up test sends ({@link #warmUpBefore}). */
    static final long WARM_UP_BYTES = 64L << 20;
    /** How far off the first run (less {@link #LEAD}) must be for a warm-up, which may take until then. */
    static final Duration WARM_UP_ROOM = Duration.ofSeconds(5);
    /** How often a test waiting for its server's place asks again. */
    private static final long HOLD_POLL_MS = 20;

    /**
     * What the agent's tests came to.
     *
     * @param ok tests that completed
     * @param failed tests that ran and failed
     * @param skipped tests that could not start within their slip
     */
    public record Counts(int ok, int failed, int skipped) {
    }

    private final AgentPlan plans;
    private final Node me;
    private final PrintStream out;
    private final TestsFile tests;
    private final RunningIperf server;
    private volatile boolean stopped;
    /** Where each record and each run's end go besides the files (the archives, {@code /metrics}); none when null. */
    private AgentArchives archives;
    private int ok;
    private int failed;
    private int skipped;

    private AgentLoop(AgentPlan plans, PrintStream out, TestsFile tests, RunningIperf server) {
        this.plans = plans;
        this.me = plans.current().me();
        this.out = out;
        this.tests = tests;
        this.server = server;
    }

    /**
     * Starts the agent's server for its host of {@code plans} (checked as {@link AgentPlan} does: one port, runs that fit),
     * its records in {@code dir}; each run reads the plan again ({@link AgentPlan#forRun}).
     *
     * @throws IllegalArgumentException when the server cannot listen, saying why
     */
    public static AgentLoop start(AgentPlan plans, Path dir, PrintStream out) {
        Plan plan = plans.current().plan();
        Node me = plans.current().me();
        int port = plans.current().port();
        // one place (the server's default is 16): the host's one slot, which its own tests hold from outside; bound to the
        // host's address, the test interface its peers reach it by
        RunningIperf server = IperfCommand.server().longLived().port(port).bind(me.address())
                .args("--max-concurrent", "1", "--queue", Integer.toString(Math.min(4096, Math.max(1, plan.hosts().size()))))
                .serverEvents(new ServedFile(dir, () -> plans.current().plan(), me)).spawn();
        if (server.localPort().isEmpty()) {
            String why;
            try {
                why = server.await(Duration.ofSeconds(5)).flatMap(IperfResult::error).orElse("it did not start");
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                why = "interrupted";
            }
            throw new IllegalArgumentException("the server for this host's peers cannot listen on port " + port + ": " + why);
        }
        TestsFile tests = plan.schedule().isPresent() ? TestsFile.scheduled(dir, TestsFile.DEFAULT_ROTATE_BYTES) : TestsFile.once(dir);
        return new AgentLoop(plans, out, tests, server);
    }

    /** The port this host's server listens on: its tests' as receiver (one port; 5201 when it receives none). */
    static int port(Plan plan, Node me) {
        Set<Integer> ports = new TreeSet<>();
        for (Plan.Test t : plan.tests()) {
            if (t.receiver().equals(me.id())) {
                ports.add(t.spec().port());
            }
        }
        if (ports.size() > 1) {
            throw new IllegalArgumentException("host " + me.id() + " receives tests on ports " + ports
                    + ": an agent serves one port (give its tests one port)");
        }
        return ports.isEmpty() ? io.iperf3j.session.TestSpec.DEFAULT_PORT : ports.iterator().next();
    }

    /** Hands each record, and each run's end, to {@code a} from now on (before {@link #run}). */
    public void reportTo(AgentArchives a) {
        archives = a;
    }

    /** The port the server listens on. */
    public int port() {
        return server.localPort().orElse(0);
    }

    /** Runs the plan's runs (a schedule's, or the one run of a plan without) until they end or {@link #stop}; returns the counts. */
    public Counts run() {
        Instant notBefore = Instant.now().plus(LEAD);
        AgentPlan.Version first = plans.current();
        if (first.plan().schedule().isEmpty()) {
            Duration grid = first.timetable().onceGrid();
            Instant start = AgentTimetable.runStart(AgentTimetable.firstRun(notBefore, grid), grid);
            warmUpBefore(start);
            runOne(first, AgentTimetable.ONCE, 1, start);
        } else {
            // the schedule is the same in every version (AgentPlan refuses one that changes it)
            Plan.Schedule s = first.plan().schedule().get();
            long n = AgentTimetable.firstRun(notBefore, s.every());
            warmUpBefore(AgentTimetable.runStart(n, s.every()));
            for (long done = 0; !stopped && (s.runs().isEmpty() || done < s.runs().getAsLong()); done++, n++) {
                Instant start = AgentTimetable.runStart(n, s.every());
                if (s.until().isPresent() && !start.isBefore(s.until().get())) {
                    break;
                }
                // the plan read again shortly before the run (after the previous one's end), kept to the run's end
                if (!sleepUntil(start.minus(AgentPlan.READ_AHEAD))) {
                    break;
                }
                runOne(plans.forRun(n, start, this::say), n, n, start);
            }
        }
        return new Counts(ok, failed, skipped);
    }

    /**
     * One test of this JVM's own before its first run, when that run is more than {@link #WARM_UP_ROOM} and {@link #LEAD}
     * away (and within that time): a server on
     * loopback (not the agent's, whose place and records it leaves alone) and a client sending {@link #WARM_UP_BYTES} to it,
     * so that the first run's tests do not pay for loading and first running the engine's code. In a lab of 96 agents
     * started at once on 2 cores (bench/agent_fleet.py), the first run's first minute skipped 70 of 3 040 tests, which took
     * up to 19 s where the second run's took at most 2.1 s, and skipped none. Said in one line, never recorded; a failure
     * is only said.
     */
    private void warmUpBefore(Instant firstRun) {
        // all the time there is, less the lead a run's start keeps: 96 agents warming up at once on 2 cores took over 5 s
        Duration limit = Duration.between(Instant.now(), firstRun).minus(LEAD);
        if (limit.compareTo(WARM_UP_ROOM) < 0) {
            return;
        }
        long began = System.nanoTime();
        String outcome;
        RunningIperf local = IperfCommand.server().port(0).bind("127.0.0.1").spawn();
        try {
            int port = local.localPort().orElseThrow(() -> new IllegalStateException("its server did not listen"));
            RunningIperf client = IperfCommand.client("127.0.0.1").port(port).bytes(WARM_UP_BYTES).spawn();
            Optional<IperfResult> r = client.await(limit);
            if (r.isPresent()) {
                outcome = r.get().error().map(e -> "failed: " + e).orElse("ok");
            } else {
                client.cancel();
                outcome = "stopped at the first run's lead";
            }
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException x) {
            outcome = "failed: " + x.getMessage();
        } finally {
            try {
                local.cancel();
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
            }
        }
        say(String.format(java.util.Locale.ROOT, "warm-up: %d MiB over loopback to a server of its own, %s (%.1f s)",
                WARM_UP_BYTES >> 20, outcome, (System.nanoTime() - began) / 1e9));
    }

    /**
     * Run {@code run} of version {@code v}'s timetable ({@link AgentTimetable#ONCE} for a plan without a schedule), recorded as
     * {@code recorded}, its lines stamped with the version.
     */
    private void runOne(AgentPlan.Version v, long run, long recorded, Instant start) {
        AgentTimetable timetable = v.timetable();
        TestsFile stamped = tests.planVersion(v.id());
        List<AgentTimetable.Entry> all = timetable.run(run, start);
        List<AgentTimetable.Entry> mine = new ArrayList<>();
        for (AgentTimetable.Entry e : all) {
            if (e.test().sender().equals(me.id())) {
                mine.add(e);
            }
        }
        if (!sleepUntil(start)) {
            return;
        }
        String where = run == AgentTimetable.ONCE ? "" : String.join("; ", v.plan().rotationsAt(run));
        say("[run " + recorded + "] " + me.id() + " sends " + mine.size() + " test(s), plan " + v.id()
                + (where.isEmpty() ? "" : "; " + where));
        // the run's length from its entries (its last round's end): timetable.length(run) would pack the rounds again
        Duration length = all.isEmpty() ? Duration.ZERO : Duration.between(start, all.getLast().end());
        Instant replayEnd = start.plus(length).plus(timetable.replayWindow(run, length));
        // a test skipped at its time is tried again in the run's replay, its line written then (one line a test and run)
        List<Skip> again = new ArrayList<>();
        for (AgentTimetable.Entry e : mine) {
            if (!sleepUntil(e.start())) {
                break;
            }
            RunRecord r = attempt(v, e, e.start(), recorded);
            AgentTimetable.Entry replay = e.replayed(length);
            if (r instanceof RunRecord.Skipped s && !stopped && !replay.end().isAfter(replayEnd)) {
                again.add(new Skip(e, replay, s));
                say("[run " + recorded + "] test " + e.test().id() + " skipped at its time (" + s.reason() + "); tried again at "
                        + replay.start() + ", its round of the run's replay");
            } else {
                record(stamped, r, recorded);
            }
        }
        for (Skip k : again) {
            RunRecord r = k.skipped();
            if (sleepUntil(k.replay().start())) {
                RunRecord second = attempt(v, k.first(), k.replay().start(), recorded);
                r = second instanceof RunRecord.Skipped s && !stopped ? new RunRecord.Skipped(k.first().test(), recorded,
                        k.first().start(), k.skipped().reason() + "; and again in its round of the run's replay", s.givenUp()) : second;
            }
            record(stamped, r, recorded);
        }
        // its peers' tests toward it run until the run's last round ends, and their replays until the replay's: the server
        // stays until then
        if (sleepUntil(replayEnd) && archives != null) {
            archives.runEnded(recorded, Instant.now());
        }
    }

    /**
     * A test skipped at its time, waiting for its round of the run's replay.
     *
     * @param first its entry in the run
     * @param replay the same in the replay
     * @param skipped what its first try came to
     */
    private record Skip(AgentTimetable.Entry first, AgentTimetable.Entry replay, RunRecord.Skipped skipped) {
    }

    /** Writes {@code r}'s line (stamped with its plan's version), hands it to the archives, counts it and says it. */
    private void record(TestsFile stamped, RunRecord r, long recorded) {
        stamped.accept(r);
        if (archives != null) {
            archives.accept(r);
        }
        switch (r) {
            case RunRecord.Ran ran when ran.result().ok() -> ok++;
            case RunRecord.Ran ran -> failed++;
            case RunRecord.Skipped s -> skipped++;
        }
        say("[run " + recorded + "] " + ProgressLine.of(r));
    }

    /**
     * Holds the server's place within the slip after {@code tried} (the test's time, or its round's in the run's replay), runs
     * test {@code e} and gives the place back; or skips it. Its line's due time is {@code e}'s.
     */
    private RunRecord attempt(AgentPlan.Version v, AgentTimetable.Entry e, Instant tried, long run) {
        Duration margin = v.timetable().margin();
        Instant slip = tried.plus(margin);
        Optional<ServerSlot> held = server.holdSlot();
        while (held.isEmpty()) {
            if (stopped) {
                return new RunRecord.Skipped(e.test(), run, e.start(), "the agent was stopped", Instant.now());
            }
            if (Instant.now().isAfter(slip)) {
                return new RunRecord.Skipped(e.test(), run, e.start(), "this host's server was in a test until the test's slip ("
                        + Plan.Schedule.text(margin) + ") passed", Instant.now());
            }
            try {
                Thread.sleep(HOLD_POLL_MS);
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                return new RunRecord.Skipped(e.test(), run, e.start(), "the agent was stopped", Instant.now());
            }
            held = server.holdSlot();
        }
        Instant started = Instant.now();
        TestResult result;
        try {
            result = client(v.plan(), e.test());
        } finally {
            held.get().close();
        }
        Instant ended = Instant.now();
        return new RunRecord.Ran(e.test(), result, run, e.start(), started, RunFigures.of(run, result, ended.toEpochMilli() / 1000.0));
    }

    /** Runs {@code t}'s client toward its receiver's address, bound to this host's, within the test's client limit. */
    private TestResult client(Plan plan, Plan.Test t) {
        Node peer = plan.hostsById().get(t.receiver());
        List<String> args = PairSession.clientArgs(IperfKind.IPERF3J, t.spec(), peer.address(), Optional.of(me.address()));
        long began = System.nanoTime();
        TestResult.Outcome outcome;
        // its -J with --why (clientArgs asks for both), read as a session reads a client's output: the verdicts and the
        // sender's figures (retransmits, RTT) on the test's line, as a controller's tests have them
        Optional<TestResult.ParsedOutput> parsed = Optional.empty();
        try {
            RunningIperf client = IperfCommand.client(peer.address()).args(args.subList(2, args.size()).toArray(String[]::new)).spawn();
            Optional<IperfResult> r = client.await(t.spec().effectiveClientLimit());
            IperfResult result = r.isPresent() ? r.get() : client.cancel();
            outcome = outcome(result);
            if (outcome instanceof TestResult.Outcome.Completed) {
                parsed = Optional.of(IperfOutputs.parse(result.jsonText(), Role.CLIENT, t.spec().protocol()));
            }
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            outcome = new TestResult.Outcome.Failed(new SessionException.IperfError("the agent was stopped"));
        } catch (IllegalArgumentException x) {
            outcome = new TestResult.Outcome.Failed(new SessionException.IperfCommandError(x.getMessage()));
        }
        return new TestResult(t.id(), t.sender(), t.receiver(), t.direction().word(), t.spec(), t.repeat(), outcome,
                Optional.empty(), Optional.empty(), parsed, Optional.empty(), List.of(), Duration.ofNanos(System.nanoTime() - began));
    }

    private static TestResult.Outcome outcome(IperfResult r) {
        Optional<IperfSummary> s = r.summary();
        if (r.error().isPresent() || s.isEmpty() || r.cancelled()) {
            String why = r.error().orElse(r.cancelled() ? "the test ran past its client limit" : "the client gave no summary");
            return new TestResult.Outcome.Failed(new SessionException.IperfError(why));
        }
        return new TestResult.Outcome.Completed(s.get().sent().bitsPerSecond(), s.get().received().bitsPerSecond(),
                s.get().received().bytes());
    }

    /** Sleeps until {@code t}, never waking before it; false when stopped meanwhile. */
    private boolean sleepUntil(Instant t) {
        while (!stopped) {
            long nanos = Duration.between(Instant.now(), t).toNanos();
            if (nanos <= 0) {
                return true;
            }
            try {
                // whole milliseconds up: a wake-up a fraction of one early would start a test before its time
                TimeUnit.MILLISECONDS.sleep(Math.min((nanos + 999_999) / 1_000_000, 1000));
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    /** Stops after the test that runs now, within a second when none does (a signal's action); the server stops at {@link #close}. */
    public void stop() {
        stopped = true;
    }

    /** Stops the server. */
    @Override
    public void close() {
        try {
            server.cancel();
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
        }
    }
}
