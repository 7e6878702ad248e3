package io.iperf3j.session.internal.run;

import io.iperf3j.session.internal.output.RunRecord;
import io.iperf3j.session.internal.result.RunFigures;
import io.iperf3j.session.PlanRunner;
import io.iperf3j.session.internal.dispatch.Dispatcher;
import io.iperf3j.session.internal.dispatch.HostSlots;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import io.iperf3j.session.Connection;
import io.iperf3j.session.SessionException.ConnectionError;
import io.iperf3j.session.SessionException.IperfCommandError;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.IperfSession;
import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.internal.connect.SshConnection;

/**
 * Runs a {@link Plan}: every test is checked before anything runs (unknown host ids,
 * tools that cannot talk to each other → {@link IperfConfigurationError}), then the tests
 * run one after the other, or with {@link Plan#parallel()} each as soon as both its hosts are
 * free ({@link Dispatcher}): no host is ever in two tests at once, in this plan or in another
 * plan sharing its {@link #slotDirectory slot directory} ({@link HostSlots}). A failed test is a
 * result like any other; the plan goes on.
 *
 * <p>Threads: {@link #run()} runs on the caller's thread, which dispatches; each test runs on
 * a virtual thread. {@code onResult} is called once per test on the caller's thread, one call
 * at a time, as the tests end. {@link #stop()} may be called from any thread (the
 * CLI's shutdown hook on SIGINT/SIGTERM). The plan is values; the runner binds it: each host's connection is
 * made from its {@link Node#access()} when a test (or the dry run, which opens nothing) first asks for it, one
 * per host for the whole runner, opened by the tests' threads and closed by {@link #run()} at its end, after
 * any stop in progress ({@link PairSession#connection}).
 */
public final class PlanExecution implements PlanRunner {
    /** Replaced by {@link #adopt} (a schedule's plan read again): read by the dispatcher's and the tests' threads. */
    private volatile Plan plan;
    private final PairSession session;
    private final Consumer<TestResult> onResult;
    /** Held by {@link #stop()} while it kills, and by {@link #run()} while it closes the connections. */
    private final java.util.concurrent.locks.ReentrantLock stopping = new java.util.concurrent.locks.ReentrantLock();
    private boolean finished;
    private Path slotDirectory = HostSlots.defaultDirectory();
    private final Clock clock = Clock.systemUTC();
    /** The notes (one at a time): images, hosts without SFTP, and tests waiting for a host another session holds. */
    private final Consumer<String> notes;
    /** The tests waiting for a host another session holds, by id: since when, and the note said ({@link #blocked}). */
    private final Map<String, Waiting> waiting = new java.util.concurrent.ConcurrentHashMap<>();

    /** A test waiting for a host another session holds: since when, which host (its words). */
    private record Waiting(Instant since, String host) {
    }

    /**
     * @param plan the plan
     * @param rawDirectory where raw outputs go
     * @param onResult called with each result as it comes (progress, files, push)
     * @throws IperfConfigurationError if any test names a host that is not in the plan or cannot run
     */
    public PlanExecution(Plan plan, Path rawDirectory, Consumer<TestResult> onResult) throws IperfConfigurationError {
        this(plan, rawDirectory, onResult, note -> { });
    }

    /**
     * @param plan the plan
     * @param rawDirectory where raw outputs go
     * @param onResult called with each result as it comes (progress, files, push)
     * @param notes told one line per host when its iperf3j image is copied to it or found there, and once per
     *        connection when a host has no SFTP subsystem ({@link Connection#takeNotices()})
     * @throws IperfConfigurationError if any test names a host that is not in the plan or cannot run
     */
    public PlanExecution(Plan plan, Path rawDirectory, Consumer<TestResult> onResult, Consumer<String> notes)
            throws IperfConfigurationError {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.onResult = Objects.requireNonNull(onResult, "onResult");
        Map<String, Node> hosts = plan.hostsById();
        if (hosts.size() != plan.hosts().size()) {
            throw new IperfConfigurationError("host ids must be unique");
        }
        Node tpc = plan.hosts().stream().filter(n -> n.role() == Node.Role.TRAFFIC_PC).findFirst().orElse(null);
        Consumer<String> oneAtATime = note -> {
            synchronized (onResult) {
                notes.accept(note);
            }
        };
        this.notes = oneAtATime;
        this.session = new PairSession(hosts, tpc, plan.filenameBase(), rawDirectory, oneAtATime);
        check(plan.tests());
    }

    /** Each test can run: not to itself, its hosts known, its tools able to talk to each other. */
    private void check(List<Plan.Test> tests) throws IperfConfigurationError {
        for (Plan.Test t : tests) {
            java.util.Optional<String> itself = Plan.Test.sendsToItself(t.sender(), t.receiver());
            if (itself.isPresent()) {
                throw new IperfConfigurationError("test '" + t.id() + "': " + itself.get());
            }
            IperfSession.SenderReceiver sr = new IperfSession.SenderReceiver(node(t.id(), t.sender()), node(t.id(), t.receiver()));
            try {
                session.tools(sr, t.spec());
            } catch (IperfConfigurationError e) {
                throw new IperfConfigurationError("test '" + t.id() + "': " + e.getMessage());
            }
        }
    }

    /**
     * Runs {@code next} from now on (a schedule's plan read again: issue 66): its new hosts are added, its tests checked as the
     * constructor checks a plan's; the tests running go on. Refused, the plan running kept (new hosts known to no test of it), when a host it shares with the plan
     * running changed, a test cannot run, or what only a restart can change did (the traffic PC, the schedule, the archives,
     * {@code parallel}, the file names).
     *
     * @throws IperfConfigurationError saying why
     */
    public synchronized void adopt(Plan next) throws IperfConfigurationError {
        Plan now = plan;
        if (next.parallel() != now.parallel() || !next.filenameBase().equals(now.filenameBase()) || !next.push().equals(now.push())
                || !next.remoteWrite().equals(now.remoteWrite())) {
            throw new IperfConfigurationError("its parallel, filename base, push or remote_write changed: a running schedule takes"
                    + " new hosts and tests; restart the session for those");
        }
        if (!next.schedule().equals(now.schedule())) {
            throw new IperfConfigurationError("its schedule changed: a running schedule takes new hosts and tests; restart the"
                    + " session for a new schedule");
        }
        Map<String, Node> hosts = next.hostsById();
        if (hosts.size() != next.hosts().size()) {
            throw new IperfConfigurationError("host ids must be unique");
        }
        if (next.hosts().stream().anyMatch(n -> n.role() == Node.Role.TRAFFIC_PC)
                != now.hosts().stream().anyMatch(n -> n.role() == Node.Role.TRAFFIC_PC)) {
            throw new IperfConfigurationError("its traffic PC changed: restart the session to use it");
        }
        session.addNodes(hosts);
        check(next.tests());
        plan = next;
    }

    private Node node(String test, String id) throws IperfConfigurationError {
        try {
            return session.node(id);
        } catch (IperfConfigurationError e) {
            throw new IperfConfigurationError("test '" + test + "': " + e.getMessage());
        }
    }

    /**
     * The tests in rounds of disjoint pairs (one test per round unless the plan is parallel): what
     * {@code --dry-run} shows, and a parallel plan's shortest length in test times. The tests do
     * not wait for their round: each starts as soon as its hosts are free.
     */
    public List<List<Plan.Test>> schedule() {
        if (plan.parallel()) {
            return plan.rounds();
        }
        List<List<Plan.Test>> one = new ArrayList<>();
        for (Plan.Test t : plan.tests()) {
            one.add(List.of(t));
        }
        return one;
    }

    /**
     * The commands every host would run, per test (for {@code --dry-run}): "host [connection]: iperf
     * command line" lines, after one "# host [ssh …]: login …" line per SSH host (user, address, key
     * sources in order, known_hosts, policy). With {@code scripts}, each command line is followed by
     * the whole script the host runs ({@code "    script: …"}, wrapper included: clean-up, PID file,
     * listen check).
     */
    public List<String> dryRun(boolean scripts) throws IperfConfigurationError {
        List<String> lines = new ArrayList<>();
        for (Node n : plan.hosts()) {
            Connection connection = session.connection(n);
            if (connection instanceof SshConnection ssh) {
                lines.add("# " + n.id() + " [" + ssh.describe() + "]: login " + ssh.loginPlan());
            }
            if (n.install().isPresent()) {
                Node.ImageInstall image = n.install().get();
                lines.add("# " + n.id() + " [" + connection.describe() + "]: before its first iperf3j test, unless every file of "
                        + image.imageDirectory() + " matches the tarball's (sha256sum -c): sftp " + image.tarball() + " (sha256 "
                        + image.sha256() + "), tar -xzf into " + image.imageDirectory() + ", " + image.imageDirectory() + "/bin/iperf3j --version");
            }
        }
        int round = 0;
        for (List<Plan.Test> r : schedule()) {
            round++;
            for (Plan.Test t : r) {
                IperfSession.SenderReceiver sr = new IperfSession.SenderReceiver(session.node(t.sender()), session.node(t.receiver()));
                List<PairSession.PlannedCommand> commands = session.commands(sr, t.spec(), t.id());
                lines.add("# round " + round + ", test " + t.id() + " (" + t.sender() + " -> " + t.receiver() + ", "
                        + t.direction().word() + ")");
                addCommand(lines, sr.receiver(), commands.get(0), scripts);
                addCommand(lines, sr.sender(), commands.get(1), scripts);
            }
        }
        return lines;
    }

    private void addCommand(List<String> lines, Node host, PairSession.PlannedCommand command, boolean scripts) {
        Connection connection = session.connection(host);
        lines.add(host.id() + " [" + connection.describe() + "]: " + command.commandLine());
        if (scripts) {
            // the host scripts are files of several lines: each line after the first indented under its command
            // (white space at a line's start changes nothing in sh, so the text still runs as shown)
            lines.add("    script: " + connection.wrapper().commandLine(command.script()).replace("\n", "\n        "));
        }
    }

    /**
     * Runs every test; returns the results in plan order. After {@link #stop()} no test starts, and
     * the tests it cut short are left out (they did not complete; nor are they given to {@code onResult}).
     */
    public List<TestResult> run() throws InterruptedException {
        List<TestResult> results = new ArrayList<>();
        execute(once(), false, record -> {
            if (record instanceof RunRecord.Ran ran) {
                synchronized (onResult) { // the notes come from test threads
                    onResult.accept(ran.result());
                }
                results.add(ran.result());
            }
        });
        return inPlanOrder(results);
    }

    /** The plan's tests, each due once, now. */
    public Iterator<Dispatcher.Due> once() {
        Instant now = clock.instant();
        return plan.tests().stream().map(t -> Dispatcher.Due.now(t, now)).iterator();
    }

    /** {@code results} in the plan's order of their tests. */
    public List<TestResult> inPlanOrder(List<TestResult> results) {
        Map<String, TestResult> byId = new HashMap<>();
        for (TestResult r : results) {
            byId.put(r.id(), r);
        }
        List<TestResult> ordered = new ArrayList<>();
        for (Plan.Test t : plan.tests()) {
            TestResult r = byId.get(t.id());
            if (r != null) {
                ordered.add(r);
            }
        }
        return ordered;
    }

    /**
     * The one path of a result: runs {@code dues} through the {@link #dispatcher()} until they are exhausted or
     * {@link #stop()}, and hands what became of each to {@code sink} as a {@link RunRecord} (on this thread, one at
     * a time), then closes the plan's connections. A plan run once ({@link #once()}) and a schedule's endless dues
     * come this same way; a test {@link #stop()} cut short is no record.
     *
     * @param loginAgain whether each test first lets its hosts' SSH connections whose login failed after a loss
     *        try again ({@link SshConnection#forgetFailedLogin()}): a schedule's runs, so that a host that was down
     *        comes back by itself; a single run fails a lost host's later tests at once instead
     */
    public void execute(Iterator<Dispatcher.Due> dues, boolean loginAgain, Consumer<RunRecord> sink)
            throws InterruptedException {
        try {
            Dispatcher dispatcher = dispatcher();
            session.hostsWaitedFor(dispatcher::waitedFor);
            dispatcher.run(dues, loginAgain ? this::runOneLoggingInAgain : this::runOne, outcome -> {
                RunRecord record = record(outcome);
                if (record != null) {
                    sink.accept(record);
                }
            }, session::stopped, this::blocked);
        } finally {
            // a stop in progress kills over these connections: it ends first
            stopping.lock();
            try {
                finished = true;
                session.closeAgents();
                session.closeConnections();
            } finally {
                stopping.unlock();
            }
        }
    }

    /**
     * A due that waits for a host another session holds: said once, at once, as a note ({@code mesh_h1-h2 h1 -> h2: waiting
     * for host h2 (10.0.0.2): in another session's test since 10:31:07}, the time this session first found it held); when
     * the test then gets its hosts, {@link #runOne} says so too.
     */
    private void blocked(Dispatcher.Due due, String hostKey, String holder) {
        Plan.Test t = due.test();
        String host = hostKey;
        for (String id : List.of(t.sender(), t.receiver())) {
            Node n = plan.hostsById().get(id);
            if (n != null && n.address().equalsIgnoreCase(hostKey)) {
                host = id + " (" + hostKey + ")";
                break;
            }
        }
        String named = host;
        Instant now = clock.instant();
        waiting.computeIfAbsent(t.id(), id -> {
            String at = java.time.LocalTime.ofInstant(now, java.time.ZoneId.systemDefault())
                    .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).format(java.time.format.DateTimeFormatter.ISO_LOCAL_TIME);
            notes.accept(head(t) + "waiting for host " + named + ": in another session's test since " + at + holder);
            return new Waiting(now, named);
        });
    }

    /** {@code ID SENDER -> RECEIVER: }, a test's head in a note. */
    private static String head(Plan.Test t) {
        return t.id() + " " + t.sender() + " -> " + t.receiver() + ": ";
    }

    /** Says that a test which waited for a host another session held now has its hosts and starts. */
    private void started(Plan.Test t) {
        Waiting w = waiting.remove(t.id());
        if (w != null) {
            notes.accept(String.format(java.util.Locale.ROOT, "%sstarting: host %s is free after %.1f s of waiting", head(t), w.host(),
                    java.time.Duration.between(w.since(), clock.instant()).toMillis() / 1000.0));
        }
    }

    private RunRecord record(Dispatcher.Outcome outcome) {
        Dispatcher.Due due = outcome.due();
        if (outcome instanceof Dispatcher.Skipped) {
            waiting.remove(due.test().id()); // its line says why
        }
        return switch (outcome) {
            case Dispatcher.Ran ran -> cutShort(ran.result()) ? null
                    : new RunRecord.Ran(due.test(), ran.result(), due.run(), due.notBefore(), ran.started(),
                            RunFigures.of(due.run(), ran.result(), clock.millis() / 1000.0));
            case Dispatcher.Skipped s -> new RunRecord.Skipped(due.test(), due.run(), due.notBefore(), s.reason(), clock.instant());
        };
    }

    /** Whether {@link #stop()} was called (a SIGINT or SIGTERM): no test starts any more. */
    public boolean stopped() {
        return session.stopped();
    }

    /** Whether {@code r} is a test {@link #stop()} cut short: it did not complete, and is not a result. */
    private boolean cutShort(TestResult r) {
        return stopped() && !r.ok();
    }

    /**
     * The plan's dispatcher: one test at a time, or with {@link Plan#parallel()} as many as the hosts
     * allow, each test holding both its hosts' slots (the hosts' test addresses) while it runs.
     */
    Dispatcher dispatcher() {
        // asked at each try: a plan read again may bring hosts
        return new Dispatcher(new HostSlots(slotDirectory), this::hostKeys,
                () -> plan.parallel() ? Math.max(1, plan.hosts().size() / 2) : 1, clock);
    }

    /** A test's hosts as slot keys: their test addresses (two node ids on one address are one host). */
    List<String> hostKeys(Plan.Test t) {
        try {
            return List.of(session.node(t.sender()).address(), session.node(t.receiver()).address());
        } catch (IperfConfigurationError e) {
            throw new IllegalStateException("checked in the constructor", e);
        }
    }

    private TestResult runOneLoggingInAgain(Plan.Test t) throws InterruptedException {
        try {
            for (String id : List.of(t.sender(), t.receiver())) {
                if (session.connection(session.node(id)) instanceof SshConnection ssh) {
                    ssh.forgetFailedLogin();
                }
            }
        } catch (IperfConfigurationError e) {
            throw new IllegalStateException("checked in the constructor", e);
        }
        return runOne(t);
    }

    /**
     * Runs one test holding its hosts' slots on the hosts ({@link PairSession#holdHosts}).
     *
     * @throws Dispatcher.Busy when another controller's test holds one of them: the dispatcher tries again
     */
    private TestResult runOne(Plan.Test t) throws InterruptedException {
        IperfSession.SenderReceiver sr;
        try {
            sr = new IperfSession.SenderReceiver(session.node(t.sender()), session.node(t.receiver()));
        } catch (IperfConfigurationError e) {
            throw new IllegalStateException("checked in the constructor", e);
        }
        List<io.iperf3j.session.internal.host.HostAgent> held = List.of();
        try {
            held = session.holdHosts(sr, PairSession.anotherAccountWait(t.spec()));
            started(t);
        } catch (ConnectionError | IperfCommandError e) {
            // a host that cannot be reached, or cannot run the agent: the test fails on it, in the same words
            waiting.remove(t.id());
        } catch (PairSession.HeldByAnotherAccount e) {
            waiting.remove(t.id());
            return session.notStarted(sr, t.spec(), t.id(), t.direction().word(), t.repeat(), e.error());
        }
        try {
            return session.run(sr, t.spec(), t.id(), t.direction().word(), t.repeat());
        } finally {
            session.giveHosts(held);
        }
    }

    /**
     * Where this runner's host slots are kept (before {@link #run()}): plans run at the same time by
     * processes that share a directory never put one host in two tests at once. The default is
     * {@code $XDG_RUNTIME_DIR/iperf3j-slots} when that is this user's private folder, else
     * {@code ~/.cache/iperf3j-slots} ({@link HostSlots#defaultDirectory()}); any is used only if it is a folder of this
     * user's that no one else can write ({@link #prepareSlots()}).
     *
     * @return this runner
     */
    public PlanExecution slotDirectory(Path directory) {
        this.slotDirectory = Objects.requireNonNull(directory, "directory");
        return this;
    }

    /**
     * Makes the slot directory if it is missing and checks it is this user's own (not a link, no group or other
     * write): call before {@link #run()} to have a folder it may not use refused before any test starts.
     *
     * @throws java.io.IOException naming the folder and what is wrong with it
     */
    public void prepareSlots() throws java.io.IOException {
        new HostSlots(slotDirectory).prepare();
    }

    /**
     * Stops the tests running now (their processes are killed by PID, and whatever else the plan
     * started on its hosts: {@link PairSession#stop()}); the rest are not started. Returns once
     * the kills are done; {@link #run()} then returns what completed. Does nothing once
     * {@link #run()} has closed the connections.
     */
    public void stop() throws InterruptedException {
        stopping.lockInterruptibly();
        try {
            if (!finished) {
                session.stop();
            }
        } finally {
            stopping.unlock();
        }
    }
}
