package io.iperf3j.session.internal.host;

import io.iperf3j.Transport;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import io.iperf3j.session.Connection;
import io.iperf3j.session.SessionException.ConnectionError;
import io.iperf3j.session.SessionException.IperfError;
import io.iperf3j.session.IperfKind;
import io.iperf3j.session.Node;
import io.iperf3j.session.SessionException;

/**
 * One iperf process on one node (the seed's remote {@code IperfCommand}; named apart
 * from the library's {@link io.iperf3j.IperfCommand} builder). A server runs in the
 * background with its output in a file on the host ({@link #startServer}), fetched back
 * by {@link #stopServer}; a client blocks ({@link #runClient}) and copies its output lines
 * to a local file as they come, aborting after its limit. {@link #stop()} kills the
 * process by its PID (never by name), so it works when the running one is gone.
 *
 * <p>Where each runs on the host: its start, its output and its kill are jobs of the host's agent ({@link #through},
 * {@link HostAgent#job}, {@link HostAgent#stream}), in its long-lived shell. A client's output comes on the agent's
 * channel as it prints it; a server's output file comes back through the agent after its test, in the job that ends it
 * ({@link #stopServer}). A stop that finds the
 * agent busy (with the client it stops) goes on a channel of its own, as every job does where there is no agent, in
 * which case a client runs on a channel whose shell becomes the client ({@code exec}). A test thus costs its hosts no
 * login shell beside their two iperf (docs/design/session.md, "What a test costs").
 *
 * <p>Threads: the caller's thread runs {@link #runClient}; one virtual thread reads the client's lines from its agent
 * (or two read its stdout and stderr from its channel); {@link #stop()} may be called from any thread.
 */
public final class RemoteIperf {
    /** Longest line kept from an iperf's output (longer lines are cut, with a note). */
    public static final int MAX_LINE_CHARS = 1 << 20;
    /**
     * How long another process may listen on a server's port while the server neither listens
     * nor exits, before the port counts as taken and the test is not run. A server that cannot
     * bind exits at once (iperf3 3.12/3.21 and iperf3j with status 1, iperf2 with 0, all saying
     * "Address already in use"), so this only covers a slow start before the bind: 0.1 s for
     * iperf3, 0.5-1.5 s for iperf3j's JVM here; 5 s leaves room for a loaded host and keeps a
     * failing test short (the start as a whole has {@code PairSession.LISTEN_TIMEOUT}).
     */
    public static final Duration PORT_TAKEN_WAIT = Duration.ofSeconds(5);
    /** Lines of output kept in memory for checking (the file has all of them). */
    public static final int MAX_KEPT_LINES = 200_000;

    /** Server or client. */
    public enum Mode {
        SERVER, CLIENT
    }

    private final Node node;
    /** The node's connection in the run (the session's binding of the node's access). */
    private final Connection connection;
    /** The controller's name for the node on its host ({@link RemoteScripts#owner}): the processes' mark and state directory. */
    private final String owner;
    private final IperfKind kind;
    private final Mode mode;
    private final List<String> args;
    private final Duration abortAfter;
    private final AtomicLong pid = new AtomicLong(-1);
    private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.locks.ReentrantLock stopLock = new java.util.concurrent.locks.ReentrantLock();
    private volatile boolean stopRequested;
    /** Set once the process is known to be gone (killed, or a client that exited): later stops send nothing. */
    private volatile boolean gone;
    private volatile String remoteOutput;
    /** How a local copy of an output is written: made or emptied, never through a link (docs/design/threat-model.md). */
    private static final java.nio.file.OpenOption[] NO_LINK_WRITE = {java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS};
    /** The buffer of a local copy's writer, in chars: the JDK's default and most. */
    static final int COPY_BUFFER = 8192;

    /**
     * A writer of a local copy of an output ({@link #NO_LINK_WRITE}; UTF-8, refusing what it cannot encode, as
     * {@link Files#newBufferedWriter} does) whose buffer is {@link #COPY_BUFFER} chars from the start. On a virtual thread
     * (every test's) {@code Files.newBufferedWriter}'s buffer starts at 512 chars and is copied to each write's exact new
     * length until it reaches 8 192, two copies an output line: about 1 MiB of garbage a test, most of a 96-host mesh
     * controller's allocation (issue 69: JFR's allocation samples; its young collections twice a second).
     */
    static BufferedWriter localCopy(Path file) throws IOException {
        return new BufferedWriter(new java.io.OutputStreamWriter(Files.newOutputStream(file, NO_LINK_WRITE),
                StandardCharsets.UTF_8.newEncoder()), COPY_BUFFER);
    }
    /** Where {@link #remoteOutput} is on the host, as the start said it ({@code @@out}): for a copy over a channel. */
    private volatile String remoteOutputPath;
    /** The running client, on its agent or a channel of its own; null before it starts and once it has ended. */
    private volatile ClientSource client;
    /**
     * Set while the command that starts it is on its way and its PID not yet known: a stop waits
     * for the PID rather than find none to kill (a client started as a SIGTERM came ran on, or was
     * left to the stop's stale clean-up: the schedule lab, CI of stop 42).
     */
    private volatile boolean starting;
    /** Set when the server could not start because another process holds its port ({@link #portTaken()}). */
    private volatile boolean portTaken;
    /** The host's agent, which runs the server's start and kill in its own shell; null: each on a channel. */
    private volatile HostAgent agent;

    private RemoteIperf(Node node, Connection connection, String owner, IperfKind kind, Mode mode, List<String> args,
            Duration abortAfter) {
        this.node = Objects.requireNonNull(node, "node");
        this.connection = Objects.requireNonNull(connection, "connection");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.mode = mode;
        this.args = List.copyOf(args);
        this.abortAfter = abortAfter;
    }

    /**
     * A server on {@code node}, reached over {@code connection}, with these iperf arguments (the {@code -s}
     * included), marked with the node's id.
     */
    public static RemoteIperf server(Node node, Connection connection, IperfKind kind, List<String> args) {
        return server(node, connection, node.id(), kind, args);
    }

    /**
     * A server on {@code node}, reached over {@code connection}, with these iperf arguments (the {@code -s}
     * included), its process marked as {@code owner}'s and its files in {@code owner}'s state directory on the host.
     */
    public static RemoteIperf server(Node node, Connection connection, String owner, IperfKind kind, List<String> args) {
        return new RemoteIperf(node, connection, owner, kind, Mode.SERVER, args, Duration.ZERO);
    }

    /** A client on {@code node}, reached over {@code connection}, aborted after {@code abortAfter}, marked with the node's id. */
    public static RemoteIperf client(Node node, Connection connection, IperfKind kind, List<String> args, Duration abortAfter) {
        return client(node, connection, node.id(), kind, args, abortAfter);
    }

    /**
     * A client on {@code node}, reached over {@code connection}, aborted after {@code abortAfter}, its process
     * marked as {@code owner}'s.
     */
    public static RemoteIperf client(Node node, Connection connection, String owner, IperfKind kind, List<String> args,
            Duration abortAfter) {
        if (abortAfter.isNegative() || abortAfter.isZero()) {
            throw new IllegalArgumentException("client abort limit must be positive: " + abortAfter);
        }
        return new RemoteIperf(node, connection, owner, kind, Mode.CLIENT, args, abortAfter);
    }


    /**
     * Runs this server's start and its kill in the host's agent ({@link HostAgent#job}) rather than each on a
     * channel of its own, which costs the host a login shell; a job the agent cannot run goes on a channel.
     *
     * @return this
     */
    public RemoteIperf through(HostAgent hostAgent) {
        this.agent = hostAgent;
        return this;
    }

    /**
     * Marks this process's job (a client's; a server's end with its output) as the test's last on its host, which the host's
     * agent may end by giving the host's slot back ({@link HostAgent#streamLast}). Not for a host that has the test's other
     * process too (one machine under two node ids): its slot is held until the test's end.
     *
     * @return this
     */
    public RemoteIperf lastOnItsHost() {
        this.lastOnItsHost = true;
        return this;
    }

    /** Whether this process's job is the test's last on its host ({@link #lastOnItsHost()}). */
    private boolean lastOnItsHost;

    /** Runs a job's script in the agent when there is one that can, else on a channel of its own. */
    private Connection.CommandResult job(String script, Duration timeout, boolean waitForAgent)
            throws ConnectionError, InterruptedException {
        HostAgent a = agent;
        if (a != null) {
            Optional<Connection.CommandResult> r = a.job(RemoteScripts.inAgent(script), timeout, waitForAgent);
            if (r.isPresent()) {
                return r.get();
            }
        }
        return connection.run(script, timeout);
    }

    /**
     * The iperf command line as it runs on the host: the node's command ({@link Node#commandLine}) and the arguments,
     * every word quoted ({@link Connection.Shell#join}), so that the host's shell reads none of them as syntax.
     */
    public String commandLine() {
        return node.commandLine(kind) + (args.isEmpty() ? "" : " " + Connection.Shell.join(args));
    }

    /** The node it runs on. */
    public Node node() {
        return node;
    }

    /** Server or client. */
    public Mode mode() {
        return mode;
    }

    /** The PID on the host, once started. */
    public OptionalLong pid() {
        long p = pid.get();
        return p > 0 ? OptionalLong.of(p) : OptionalLong.empty();
    }

    /**
     * Whether {@link #startServer} failed because another process holds the port: it listens there (alone, or
     * beside the server on a UDP port bound twice), or the server said "address already in use".
     */
    public boolean portTaken() {
        return portTaken;
    }

    /** Warnings seen ("address in use"). */
    public List<String> warnings() {
        synchronized (warnings) {
            return List.copyOf(warnings);
        }
    }

    /** Kills what {@code owner} started on the host {@code connection} reaches and still runs. */
    public static void cleanStale(Connection connection, String owner) throws ConnectionError, InterruptedException {
        connection.run(RemoteScripts.cleanStale(owner), Duration.ofSeconds(30));
    }

    /** The script {@link #startServer} runs (for {@code --dry-run}). */
    public String serverScript(String remoteOutputFile, int port, Transport transport, Duration timeout) {
        return RemoteScripts.serverStart(owner, commandLine(), remoteOutputFile, port, transport, RemoteScripts.listensOnIpv4(args),
                centis(timeout), centis(PORT_TAKEN_WAIT));
    }

    /** The script {@link #runClient} runs (for {@code --dry-run}). */
    public String clientScript() {
        return RemoteScripts.clientRun(owner, commandLine());
    }

    private static int centis(Duration d) {
        return Math.clamp(d.toMillis() / 10, 1, Integer.MAX_VALUE);
    }

    /**
     * Kills what an earlier run left on the node ({@link #cleanStale}), starts the server in
     * the background with its output in {@code remoteOutputFile} on the host, and returns
     * once it is the one listening on {@code port} (its own socket, read from the host's socket
     * table, no fixed sleep; see {@link RemoteScripts#awaitOwnListener}): one command. Throws,
     * with the server stopped and its output copied to {@code localCopy}, when it did not come up:
     * {@link IperfCommandError} with its exit status when it ended first (127: the binary is
     * missing), {@link IperfError} naming the port when another process holds it, or when
     * nothing listened within {@code timeout}.
     */
    public void startServer(String remoteOutputFile, int port, Transport transport, Duration timeout, Path localCopy)
            throws SessionException, InterruptedException {
        requireMode(Mode.SERVER);
        remoteOutput = remoteOutputFile;
        Connection.CommandResult r;
        starting = true;
        try {
            r = job(serverScript(remoteOutputFile, port, transport, timeout), timeout.plus(PORT_TAKEN_WAIT).plusSeconds(30), true);
            for (String line : r.stdout().split("\n")) {
                HostReply.pid(line).ifPresent(pid::set);
            }
            remoteOutputPath = HostReply.values(r.stdout(), "out").stream().findFirst().orElse(null);
        } finally {
            starting = false;
        }
        if (pid.get() <= 0) {
            throw new ConnectionError("server start on " + node.id() + " gave no PID (status " + r.exitStatus() + ": "
                    + r.stderr().strip() + ")");
        }
        if (stopRequested) {
            // stopped while it started: the stop found no PID to kill yet
            stop();
            throw new IperfError("server on " + node.id() + " stopped");
        }
        if (HostReply.says(r.stdout(), "unverified")) {
            warnings.add(node.id() + ": port " + port + " listens, but not provably by the server (PID " + pid.get()
                    + "): its /proc/PID/fd is not readable for this user");
        }
        if (r.exitStatus() == RemoteScripts.LISTENING) {
            return;
        }
        if (r.exitStatus() == RemoteScripts.EXITED) {
            gone = true;
        }
        List<String> out = fetchServerOutput(localCopy);
        stop();
        portTaken = ServerCheck.portTaken(r, out);
        throw ServerCheck.failure(commandLine(), node.id(), port, PORT_TAKEN_WAIT, timeout, r, out);
    }

    /**
     * What the server printed, copied to {@code localCopy} and emptied or removed on the host; empty if it cannot
     * be had (the verdict then goes without it).
     */
    private List<String> fetchServerOutput(Path localCopy) throws InterruptedException {
        try {
            takeOutput(localCopy);
            return Files.readAllLines(localCopy, StandardCharsets.UTF_8);
        } catch (ConnectionError | IOException e) {
            return List.of();
        }
    }

    /**
     * Gives the (one-off) server up to {@code grace} to end by itself, stops it (by PID) if it
     * has not, and copies its output file to {@code localCopy}; the host's copy is removed.
     * One job of the host's agent for both ({@link #stopAndTakeThroughAgent}); without an agent, or while it is busy, two
     * exchanges with the host: one script for the wait and the kill, one for the copy.
     */
    public void stopServer(Path localCopy, Duration grace) throws SessionException, InterruptedException {
        requireMode(Mode.SERVER);
        if (!stopAndTakeThroughAgent(localCopy, grace)) {
            stop(grace);
        }
        takeOutput(localCopy);
        try {
            for (String line : Files.readAllLines(localCopy, StandardCharsets.UTF_8)) {
                if (OutputCheck.isAddressInUse(line)) {
                    warnings.add(node.id() + ": " + line.strip());
                }
            }
        } catch (IOException e) {
            throw new ConnectionError("cannot read the fetched server output " + localCopy + ": " + e.getMessage(), e);
        }
    }

    /**
     * The server's end ({@link #stop(Duration)}'s wait and kill) and the copy of its output ({@link #takeThroughAgent}) as one
     * job of the host's agent ({@link RemoteScripts#awaitExitKillAndOutputInAgent}): one exchange with the host where a test's
     * end took two (issue 69).
     *
     * @return false when nothing was sent (no agent or a busy one, the server's PID unknown, stopped already, or its output
     *         taken): the caller stops it and takes the output apart; true once the server was stopped, and its output taken
     *         unless the agent was lost before it came (then {@link #takeOutput} copies it over a channel)
     * @throws ConnectionError when the output is not on the host, or the agent was lost while it came
     */
    private boolean stopAndTakeThroughAgent(Path localCopy, Duration grace) throws ConnectionError, InterruptedException {
        HostAgent a = agent;
        String remote = remoteOutput;
        if (a == null || remote == null) {
            return false;
        }
        stopRequested = true;
        stopLock.lockInterruptibly();
        try {
            long p = pid.get();
            if (gone || p <= 0) {
                return false;
            }
            int tenths = (int) (grace.toMillis() / 100);
            String[] killed = {null};
            Streamed streamed = streamOutput(a, RemoteScripts.awaitExitKillAndOutputInAgent(owner, p, tenths, remote),
                    KILL_WAIT.plus(grace).plus(OUTPUT_WAIT), localCopy, lastOnItsHost, line -> {
                        if (line.is("gone") || line.is("alive")) {
                            killed[0] = line.reply().orElseThrow().word();
                        }
                    });
            HostAgent.JobEnd end = streamed.end();
            boolean marked = streamed.marked();
            if (end instanceof HostAgent.JobEnd.NotSent) {
                return false;
            }
            if ("alive".equals(killed[0])) {
                warnings.add(node.id() + ": PID " + p + " still alive after KILL");
            } else if ("gone".equals(killed[0])) {
                gone = true;
            }
            return switch (end) {
                case HostAgent.JobEnd.Exited x when x.status() == 0 && marked -> {
                    remoteOutput = null;
                    yield true;
                }
                case HostAgent.JobEnd.Exited x -> {
                    if (!marked) {
                        deleteQuietly(localCopy);
                    }
                    throw outputNotFetched(new ConnectionError(marked ? remote + " could not be read or removed (status "
                            + x.status() + ")" : remote + ": no such file on the host"));
                }
                case HostAgent.JobEnd.Lost x -> {
                    if (marked) {
                        throw outputNotFetched(new ConnectionError("the session's agent on " + node.id() + ": " + x.why()));
                    }
                    if (killed[0] == null) {
                        // the agent went before its kill said anything: killed over a channel, as a stop does
                        kill(Duration.ZERO);
                    }
                    yield true;
                }
                case HostAgent.JobEnd.NotSent x -> false;
            };
        } finally {
            stopLock.unlock();
        }
    }

    /** {@code e} as the error of a server's output that could not be fetched, naming the command and its host. */
    private ConnectionError outputNotFetched(ConnectionError e) {
        return new ConnectionError("the output of '" + commandLine() + "' on " + node.id() + " could not be fetched: "
                + e.getMessage(), e);
    }

    /** How long a kill's job may take beyond its grace: up to 3 s for a TERM, then a KILL (host-lib.sh's {@code stoptree}). */
    private static final Duration KILL_WAIT = Duration.ofSeconds(20);

    /**
     * Copies the server's output file to {@code localCopy} and empties it on the host (through the agent; copied over a channel,
     * it is removed) (once; later calls do nothing): after its test, or after a failed one, so no output is left on the host.
     */
    public void takeOutput(Path localCopy) throws ConnectionError, InterruptedException {
        requireMode(Mode.SERVER);
        String remote = remoteOutput;
        if (remote == null) {
            return;
        }
        try {
            if (!takeThroughAgent(remote, localCopy)) {
                String path = remoteOutputPath;
                if (path == null) {
                    throw new ConnectionError("the server's start did not say where its output is");
                }
                connection.take(path, localCopy);
            }
            remoteOutput = null;
        } catch (ConnectionError e) {
            throw outputNotFetched(e);
        }
    }

    /**
     * Copies the server's output file to {@code localCopy} and empties it on the host as a job of the host's agent
     * ({@code output.sh}: its lines come on the agent's channel): no channel, login shell or SFTP server for it.
     *
     * @return false when the agent does not take the job (none, or busy): the caller copies it over a channel
     * @throws ConnectionError when it is not on the host, cannot be read there, or the agent ended under the copy
     */
    private boolean takeThroughAgent(String remote, Path localCopy) throws ConnectionError, InterruptedException {
        HostAgent a = agent;
        if (a == null) {
            return false;
        }
        Streamed streamed = streamOutput(a, RemoteScripts.inAgent(RemoteScripts.output(owner, remote)), OUTPUT_WAIT, localCopy,
                false, line -> { });
        HostAgent.JobEnd end = streamed.end();
        boolean marked = streamed.marked();
        return switch (end) {
            case HostAgent.JobEnd.NotSent x -> false;
            case HostAgent.JobEnd.Lost x -> throw new ConnectionError("the session's agent on " + node.id() + ": " + x.why());
            case HostAgent.JobEnd.Exited x when x.status() == 0 && marked -> true;
            case HostAgent.JobEnd.Exited x -> {
                if (!marked) {
                    deleteQuietly(localCopy);
                }
                throw new ConnectionError(marked ? remote + " could not be read or removed (status " + x.status() + ")"
                        : remote + ": no such file on the host");
            }
        };
    }

    /** How a job that sends back a server's output ended, and whether its {@code @@output} line came. */
    private record Streamed(HostAgent.JobEnd end, boolean marked) {
    }

    /**
     * Runs a job of the agent that prints a server's output file after a line {@code @@output} ({@code output.sh}, alone or
     * after the kill), writing its lines to {@code localCopy}; the replies before that line go to {@code before}. A
     * {@code last} job is the test's last on the host ({@link HostAgent#streamLast}).
     */
    private Streamed streamOutput(HostAgent a, String script, Duration timeout, Path localCopy, boolean last,
            java.util.function.Consumer<HostAgent.JobLine> before) throws ConnectionError, InterruptedException {
        boolean[] marked = {false};
        HostAgent.JobEnd end;
        try (BufferedWriter file = localCopy(localCopy)) {
            java.util.function.Consumer<HostAgent.JobLine> lines = line -> {
                if (!marked[0]) {
                    before.accept(line);
                    marked[0] = line.is("output");
                    return;
                }
                if (line.reply().isPresent()) {
                    return;
                }
                try {
                    file.write(line.text());
                    file.newLine();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            end = last ? a.streamLast(script, timeout, lines, () -> { }) : a.stream(script, timeout, true, lines, () -> { });
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ConnectionError("cannot write " + localCopy + ": " + e.getMessage(), e);
        }
        return new Streamed(end, marked[0]);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // an empty file left behind: it holds nothing
        }
    }

    /** The longest a running client's wait for its next line goes without asking its stop condition again. */
    static final Duration CLIENT_LOOK = Duration.ofSeconds(1);

    /** How long a server's output may take to come through the agent (its file is at most what a test prints). */
    private static final Duration OUTPUT_WAIT = Duration.ofSeconds(120);

    /** A connection lost under this client, as an error naming it and its host: its own exit status is unknown. */
    private ConnectionError running(ConnectionError e) {
        return new ConnectionError("'" + commandLine() + "' on " + node.id() + ": " + e.getMessage()
                + " while it ran; it did not report an exit", e);
    }

    /**
     * Runs the client to its end, writing its output lines to {@code localOutput} as they
     * come. Aborts (killing it by PID) after the limit with
     * {@code IperfError("Expected runtime: X Actual: Y (aborting)")}.
     *
     * @return the lines it printed
     */
    public ClientRun runClient(Path localOutput) throws SessionException, InterruptedException {
        return runClient(localOutput, () -> false);
    }

    /**
     * As {@link #runClient(Path)}, and stops the client (as {@link #stop()} does, ending in {@code IperfError("client on H
     * stopped")}) once {@code stopIf} says so: it is asked each time a line comes, and at least every {@link #CLIENT_LOOK}
     * while none does (a session's watch of the receiver's connection, which takes about 5 s of unanswered heartbeats to
     * say it is gone).
     */
    public ClientRun runClient(Path localOutput, java.util.function.BooleanSupplier stopIf)
            throws SessionException, InterruptedException {
        requireMode(Mode.CLIENT);
        long started = System.nanoTime();
        long deadline = started + abortAfter.toNanos();
        BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();
        List<String> stderr = Collections.synchronizedList(new ArrayList<>());
        ClientSource source;
        starting = true;
        try {
            source = inAgent(lines, stderr);
            if (source == null) {
                source = onChannel(lines, stderr);
            }
            client = source;
        } finally {
            starting = false;
        }
        List<String> stdout = new ArrayList<>();
        List<Optional<String>> come = new ArrayList<>();
        try (BufferedWriter file = localCopy(localOutput)) {
            reading:
            while (true) {
                if (stopIf.getAsBoolean()) {
                    stopRequested = true;
                }
                // a stop asked for (by stopIf, or one that came while it started and may have found no PID): stopped here
                endIfStopped();
                long now = System.nanoTime();
                if (now > deadline) {
                    stop();
                    throw new IperfError(String.format("Expected runtime: %s Actual: %s (aborting)",
                            seconds(abortAfter.toNanos()), seconds(now - started)));
                }
                // a stop ends the client's output (its kill ends the job), which wakes this wait: it needs no wake of its own.
                // Each timed wait of a virtual thread is a task of the JDK's delay scheduler, whose thread is woken to
                // queue it and again when it is due: a wait of 200 ms was some ten of each a 2 s test, the receiver's watch
                // (a sleep of 250 ms on a thread of its own) as many (issue 69)
                Optional<String> line = lines.poll(Math.min(CLIENT_LOOK.toMillis(), TimeUnit.NANOSECONDS.toMillis(deadline - now) + 1),
                        TimeUnit.MILLISECONDS);
                if (line == null) {
                    continue;
                }
                // the lines that came with it too, written in one go: a -J document is some 150 lines, which came a
                // write and a wake of this thread each when each line was flushed on its own (issue 69)
                come.clear();
                come.add(line);
                lines.drainTo(come);
                try {
                    for (Optional<String> l : come) {
                        if (l.isEmpty()) {
                            break reading;
                        }
                        file.write(l.get());
                        file.newLine();
                        if (stdout.size() < MAX_KEPT_LINES) {
                            stdout.add(l.get());
                        }
                    }
                } finally {
                    file.flush();
                }
            }
            // its output ended because it was stopped (the end can come in the batch of its last lines)
            endIfStopped();
            OptionalInt status;
            try {
                status = source.status();
            } catch (ConnectionError e) {
                if (stopRequested) {
                    // its channel was closed by the stop
                    throw clientStopped();
                }
                throw running(e);
            }
            // the wrapper only exits after the iperf did (it waits for it)
            gone = status.isPresent() && status.getAsInt() < 128;
            for (String line : stderr) {
                file.write(line);
                file.newLine();
                if (OutputCheck.isAddressInUse(line)) {
                    warnings.add(node.id() + ": " + line.strip());
                }
            }
            file.flush();
            Optional<SessionException> e = OutputCheck.finished(commandLine(), node.id(), stdout, List.copyOf(stderr), status);
            if (e.isPresent()) {
                throw e.get();
            }
            return new ClientRun(List.copyOf(stdout), List.copyOf(stderr), status, Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            stop();
            throw new ConnectionError("cannot write the client output " + localOutput + ": " + e.getMessage(), e);
        } finally {
            source.close();
            client = null;
        }
    }

    /**
     * Where a client's lines come from: its output lines go to the queue, ending with an empty one; its error lines to
     * their list, all of them there before the empty one.
     */
    private interface ClientSource {
        /** The client's exit status once its output has ended; empty if none was told. */
        OptionalInt status() throws ConnectionError, InterruptedException;

        /** Lets go of the channel behind it, if any (once it ended, or was killed); safe to call more than once. */
        void close();
    }

    /** When a stop was asked for: stops the client (its PID may have come since) and says it was stopped. */
    private void endIfStopped() throws IperfError, InterruptedException {
        if (stopRequested) {
            stop();
            throw clientStopped();
        }
    }

    private IperfError clientStopped() {
        return new IperfError("client on " + node.id() + " stopped");
    }

    /**
     * The client as a job of the host's agent ({@link HostAgent#stream}): its output comes on the agent's channel, its
     * error lines after it as {@code @@err} lines. Null when the agent does not take the job (none, or busy): the client
     * then runs on a channel of its own.
     */
    private ClientSource inAgent(BlockingQueue<Optional<String>> lines, List<String> stderr) throws InterruptedException {
        HostAgent a = agent;
        if (a == null) {
            return null;
        }
        java.util.concurrent.CompletableFuture<Boolean> sent = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<HostAgent.JobEnd> end = new java.util.concurrent.atomic.AtomicReference<>();
        String script = RemoteScripts.inAgent(RemoteScripts.clientJob(owner, commandLine()));
        Thread.ofVirtual().name("RemoteIperf-agent-" + node.id()).start(() -> {
            try {
                // each output line is passed on when the next one comes: the one before @@ended is the newline the job
                // adds, or the end of a last line the client did not end (it was killed in its middle)
                String[] held = {null};
                boolean[] ended = {false};
                java.util.function.Consumer<HostAgent.JobLine> each = line -> {
                    Optional<HostReply> reply = line.reply();
                    if (reply.isPresent()) {
                        HostReply r = reply.get();
                        switch (r.word()) {
                            case "pid" -> r.pid().ifPresent(p -> pid.compareAndSet(-1, p));
                            case "err" -> {
                                if (ended[0] && stderr.size() < MAX_KEPT_LINES) {
                                    stderr.add(r.value());
                                }
                            }
                            case "ended" -> {
                                ended[0] = true;
                                if (held[0] != null && !held[0].isEmpty()) {
                                    lines.add(Optional.of(held[0]));
                                }
                            }
                            default -> { }
                        }
                    } else if (!ended[0]) {
                        if (held[0] != null) {
                            lines.add(Optional.of(held[0]));
                        }
                        held[0] = line.text();
                    }
                };
                Runnable onSent = () -> sent.complete(true);
                HostAgent.JobEnd e = lastOnItsHost ? a.streamLast(script, abortAfter.plusSeconds(30), each, onSent)
                        : a.stream(script, abortAfter.plusSeconds(30), true, each, onSent);
                end.set(e);
            } catch (InterruptedException e) {
                end.set(new HostAgent.JobEnd.Lost("interrupted"));
            } finally {
                if (!sent.complete(false)) {
                    // it was sent: its output has ended (when it was not, the client goes on a channel, into the same queue)
                    lines.add(Optional.empty());
                }
            }
        });
        try {
            if (!sent.get()) {
                return null;
            }
        } catch (java.util.concurrent.ExecutionException e) {
            return null;
        }
        return new ClientSource() {
            @Override
            public OptionalInt status() throws ConnectionError {
                return switch (end.get()) {
                    case HostAgent.JobEnd.Exited x -> OptionalInt.of(x.status());
                    case HostAgent.JobEnd.Lost x -> throw new ConnectionError("the session's agent on " + node.id() + ": " + x.why());
                    case null, default -> OptionalInt.empty();
                };
            }

            @Override
            public void close() {
                // nothing to let go of: the job ends with the client (a stop kills it from a channel), and its thread with it
            }
        };
    }


    /** The client on a channel of its own, whose shell becomes the client ({@code client-run.sh}). */
    private ClientSource onChannel(BlockingQueue<Optional<String>> lines, List<String> stderr) throws ConnectionError {
        Connection.RemoteProcess p = connection.start(clientScript());
        Thread outReader = Thread.ofVirtual().name("RemoteIperf-out-" + node.id()).start(() -> {
            readLines(p, true, line -> lines.add(Optional.of(line)));
            lines.add(Optional.empty());
        });
        Thread errReader = Thread.ofVirtual().name("RemoteIperf-err-" + node.id()).start(() -> readLines(p, false, line -> {
            OptionalLong told = HostReply.pid(line);
            if (told.isPresent()) {
                // the shell's own @@pid comes first, before the client runs: a later one is the client's own text
                pid.compareAndSet(-1, told.getAsLong());
            } else if (stderr.size() < MAX_KEPT_LINES) {
                stderr.add(line);
            }
        }));
        return new ClientSource() {
            @Override
            public OptionalInt status() throws ConnectionError, InterruptedException {
                errReader.join(Duration.ofSeconds(5));
                return p.waitFor(Duration.ofSeconds(10));
            }

            @Override
            public void close() {
                p.close();
                outReader.interrupt();
            }
        };
    }

    private static String seconds(long nanos) {
        return String.format("%.1fs", nanos / 1e9);
    }

    private static void readLines(Connection.RemoteProcess p, boolean out, java.util.function.Consumer<String> sink) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(out ? p.stdout() : p.stderr(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                sink.accept(line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + " [cut]" : line);
            }
        } catch (IOException e) {
            // channel gone: the lines read so far are kept
        }
    }

    /**
     * Kills the process by its PID over a new channel (TERM, then KILL), whether or not
     * the channel that started it is still there. Safe to call more than once and from
     * any thread. A client that has not printed its PID yet is waited for briefly.
     */
    public void stop() throws InterruptedException {
        stop(Duration.ZERO);
    }

    /** As {@link #stop()}, after up to {@code grace} for the process to end by itself. */
    private void stop(Duration grace) throws InterruptedException {
        stopRequested = true;
        // a second caller waits for the first kill to finish, so "stopped" means gone for both
        stopLock.lockInterruptibly();
        try {
            kill(grace);
        } finally {
            stopLock.unlock();
        }
    }

    private void kill(Duration grace) throws InterruptedException {
        if (gone) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pid.get() <= 0 && (starting || client != null) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long p = pid.get();
        if (p <= 0) {
            return;
        }
        try {
            int tenths = (int) (grace.toMillis() / 100);
            String script = tenths > 0 ? RemoteScripts.awaitExitThenKill(owner, p, tenths) : RemoteScripts.kill(owner, p);
            // a stop (no grace) does not wait for a busy agent (a server's start, up to its deadline): it goes on a channel
            Connection.CommandResult r = job(script, KILL_WAIT.plus(grace), !grace.isZero());
            if (HostReply.says(r.stdout(), "alive")) {
                warnings.add(node.id() + ": PID " + p + " still alive after KILL");
            } else if (HostReply.says(r.stdout(), "gone")) {
                gone = true;
            }
        } catch (ConnectionError e) {
            warnings.add(node.id() + ": could not kill PID " + p + ": " + e.getMessage());
        } finally {
            // a client on a channel: the channel goes too
            ClientSource c = client;
            if (c != null) {
                c.close();
            }
        }
    }

    private void requireMode(Mode wanted) {
        if (mode != wanted) {
            throw new IllegalStateException("this RemoteIperf is a " + mode.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /**
     * A client that ran to its end.
     *
     * @param stdout its output lines
     * @param stderr its error lines
     * @param exitStatus its exit status if the channel gave one
     * @param elapsed how long it ran
     */
    public record ClientRun(List<String> stdout, List<String> stderr, OptionalInt exitStatus, Duration elapsed) {
    }
}
