package io.iperf3j.session.internal.run;

import io.iperf3j.Role;
import io.iperf3j.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import io.iperf3j.session.internal.host.HostAgent;
import io.iperf3j.session.internal.host.RemoteScripts;
import io.iperf3j.session.SessionException.ConnectionError;
import io.iperf3j.session.SessionException.IperfCommandError;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.SessionException.IperfError;
import io.iperf3j.session.IperfKind;
import io.iperf3j.session.IperfSession;
import io.iperf3j.session.Node;
import io.iperf3j.session.SessionException;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.TestSpec;
import io.iperf3j.session.Connection;
import io.iperf3j.session.internal.connect.HostConnections;
import io.iperf3j.session.internal.connect.LocalConnection;
import io.iperf3j.session.internal.host.RemoteIperf;
import io.iperf3j.session.internal.output.OutputNaming;
import io.iperf3j.session.internal.result.IperfOutputs;

/**
 * Nodes by id plus the traffic PC, and the running of one test between two of them
 * (the seed's {@code PairSession} with its {@code IperfTest}): stale processes this tool
 * started are killed, the server starts on the receiver, the client waits until that very
 * server is the one listening on the port (a test measures the server it started: one that
 * exited, or a port another process holds, fails the test before the client runs), runs, the
 * server is stopped, both outputs are fetched and read.
 *
 * <p>The nodes are values; the session binds them: each node's connection is made from its
 * {@link Node#access()} when a test first uses the node ({@link HostConnections}), and {@link #close()} (or
 * the plan runner around the session, at its end) closes them all.
 *
 * <p>Threads: a test runs on the calling thread; tests on disjoint node pairs may run on
 * several threads at once. {@link #stop()} may be called from any thread.
 */
public final class PairSession implements IperfSession {
    private static final Pattern TO_NODE = Pattern.compile("to.*|d.*|r.*");
    private static final Pattern FROM_NODE = Pattern.compile("f.*|s.*|t[rx].*|u.*");
    /**
     * How many ports a test tries, from its own up, when another process holds them: a port that is taken is
     * another port, not a failed test (the move is in the result's warnings).
     */
    public static final int PORT_TRIES = 10;
    /** How long a server may take to listen (a JVM starting on a slow host included). */
    public static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(30);

    /** Replaced whole when a plan read again brings new hosts ({@link #addNodes}): read by the tests' threads. */
    private volatile Map<String, Node> nodes;
    private final Node tpc;
    private final String filenameBase;
    private final Path rawDirectory;
    private final Set<RemoteIperf> active = ConcurrentHashMap.newKeySet();
    /** Nodes a test has started on: {@link #stop()} cleans them. */
    private final Set<Node> touched = ConcurrentHashMap.newKeySet();
    /** The senders (node ids) whose iperf3j refused {@code --why}: their clients run without it. */
    private final Set<String> predatesWhy = ConcurrentHashMap.newKeySet();
    /** What an iperf3j older than {@code --why} says of it, in its {@code -J} error. */
    static final String REFUSED_WHY = "unrecognized option '--why'";
    private final io.iperf3j.session.internal.host.ImageInstaller installer;
    private final java.util.function.Consumer<String> notes;
    private volatile boolean stopped;
    private volatile TestResult poll;
    /**
     * This session's tag on the hosts: with a node's id, its owner name there ({@link RemoteScripts#owner}), so
     * that two controllers (or two runs) naming a host alike never take each other's processes for their own.
     */
    private final String runTag = java.util.HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextInt());
    /** The host agents of the nodes a plan's tests took slots on ({@link #holdHosts}), by node. */
    private final Map<Node, HostAgent> agents = new ConcurrentHashMap<>();
    /** The deadlines of the agents (their replies over SSH, their parks' ends), one thread for all of them (issue 69). */
    private final io.iperf3j.session.internal.host.AgentDeadlines agentDeadlines = new io.iperf3j.session.internal.host.AgentDeadlines();
    /** The nodes' connections in this session, made when first used. */
    private final HostConnections connections = new HostConnections();

    /**
     * @param nodes the devices under test (and any other hosts), by id
     * @param tpc the traffic PC, or null when there is none
     * @param filenameBase a base name put in every output file name ("" for none)
     * @param rawDirectory where raw outputs are written
     */
    public PairSession(Map<String, Node> nodes, Node tpc, String filenameBase, Path rawDirectory) {
        this(nodes, tpc, filenameBase, rawDirectory, note -> { });
    }

    /**
     * @param nodes the devices under test (and any other hosts), by id
     * @param tpc the traffic PC, or null when there is none
     * @param filenameBase a base name put in every output file name ("" for none)
     * @param rawDirectory where raw outputs are written
     * @param notes told one line per host when a node's iperf3j image is copied to it or found there
     *        ({@link Node#install()}), and a connection's notices ({@link Connection#takeNotices()}, also
     *        in the test's warnings); called on the test's thread
     */
    public PairSession(Map<String, Node> nodes, Node tpc, String filenameBase, Path rawDirectory,
            java.util.function.Consumer<String> notes) {
        this.installer = new io.iperf3j.session.internal.host.ImageInstaller(Objects.requireNonNull(notes, "notes"));
        this.notes = notes;
        Map<String, Node> all = new LinkedHashMap<>(nodes);
        if (tpc != null) {
            all.putIfAbsent(tpc.id(), tpc);
        }
        this.nodes = Map.copyOf(all);
        this.tpc = tpc;
        this.filenameBase = Objects.requireNonNull(filenameBase, "filenameBase");
        this.rawDirectory = Objects.requireNonNull(rawDirectory, "rawDirectory");
    }

    /** {@code node}'s connection in this session, made from its access when first asked for (no I/O). */
    public Connection connection(Node node) {
        return connections.of(node);
    }

    /**
     * Adds the nodes of {@code more} this session does not have (a schedule's plan read again with new hosts: issue 66). A node
     * it has must be the same: a host whose address or access changed is refused (its connection, slots and agent are this
     * session's), and nothing is added.
     *
     * @throws IperfConfigurationError naming the first changed host
     */
    public synchronized void addNodes(Map<String, Node> more) throws IperfConfigurationError {
        Map<String, Node> all = new LinkedHashMap<>(nodes);
        for (Node n : more.values()) {
            Node had = all.putIfAbsent(n.id(), n);
            if (had != null && !had.equals(n)) {
                throw new IperfConfigurationError("host '" + n.id() + "' changed (" + had.address() + " then " + n.address()
                        + "): a running schedule takes new hosts, not changed ones; restart the session to use it");
            }
        }
        nodes = Map.copyOf(all);
    }

    /** The node with this id. */
    public Node node(String id) throws IperfConfigurationError {
        Node n = nodes.get(id);
        if (n == null) {
            throw new IperfConfigurationError("unknown node id '" + id + "' (known: " + String.join(", ", nodes.keySet().stream().sorted().toList()) + ")");
        }
        return n;
    }

    /**
     * Sender and receiver from the parameters' node and direction (to the node /
     * downlink: the traffic PC sends; from the node / uplink: the node sends).
     */
    public IperfSession.SenderReceiver participants(IperfSession.DirectedTest parameters) throws IperfConfigurationError {
        Node node = node(parameters.nodeId());
        String d = parameters.direction().toLowerCase(java.util.Locale.ROOT);
        if (tpc == null) {
            throw new IperfConfigurationError("direction '" + parameters.direction() + "' needs a traffic PC and the session has none");
        }
        if (node.id().equals(tpc.id())) {
            throw new IperfConfigurationError("node '" + node.id() + "' is the traffic PC; name a device under test");
        }
        if (TO_NODE.matcher(d).matches()) {
            return new IperfSession.SenderReceiver(tpc, node);
        }
        if (FROM_NODE.matcher(d).matches()) {
            return new IperfSession.SenderReceiver(node, tpc);
        }
        throw new IperfConfigurationError("Unknown traffic direction '" + parameters.direction()
                + "' (to-node: to*, d*, r*; from-node: f*, s*, tx, tr*, u*)");
    }

    /** {@code node[_prefix][_base].iperf}. */
    public String filename(IperfSession.DirectedTest parameters, String prefix) {
        StringBuilder sb = new StringBuilder(parameters.nodeId());
        if (prefix != null && !prefix.isEmpty()) {
            sb.append('_').append(prefix);
        }
        if (!filenameBase.isEmpty()) {
            sb.append('_').append(filenameBase);
        }
        return sb.append(".iperf").toString();
    }

    /** The seed's call: participants from the parameters, then the test; the result is also kept ({@link #poll()}). */
    public TestResult call(IperfSession.DirectedTest parameters, String prefix) throws IperfConfigurationError, InterruptedException {
        IperfSession.SenderReceiver sr = participants(parameters);
        String name = filename(parameters, prefix);
        return run(sr, parameters.spec(), name.substring(0, name.length() - ".iperf".length()), parameters.direction(), 1);
    }

    /** The last result (the seed's {@code poll}). */
    public Optional<TestResult> poll() {
        return Optional.ofNullable(poll);
    }

    /** Checks that the two nodes can run the test together, before anything runs. */
    public IperfKind[] tools(IperfSession.SenderReceiver sr, TestSpec spec) throws IperfConfigurationError {
        IperfKind client = spec.tool().orElse(sr.sender().kind());
        IperfKind server = spec.tool().orElse(sr.receiver().kind());
        if (client.speaksIperf3() != server.speaksIperf3()) {
            if (spec.tool().isEmpty()) {
                client = IperfKind.IPERF2;
                server = IperfKind.IPERF2;
            }
        }
        if (spec.bidir() && !client.speaksIperf3()) {
            throw new IperfConfigurationError("bidir needs iperf3 on both sides; " + sr.sender().id() + " -> "
                    + sr.receiver().id() + " uses iperf2");
        }
        double t = spec.durationSeconds();
        if (client.speaksIperf3() && t != Math.rint(t)) {
            // iperf3 (3.12, 3.21) and iperf3j read -t with atoi: -t 0.5 is -t 0, a test without end
            throw new IperfConfigurationError("duration " + t + " s: iperf3 takes whole seconds (its -t reads " + t + " as "
                    + (long) t + (t < 1 ? ", a test without end" : "") + "); " + sr.sender().id() + " -> " + sr.receiver().id()
                    + " uses " + client.name().toLowerCase(java.util.Locale.ROOT));
        }
        return new IperfKind[] {client, server};
    }

    /** The server's arguments. */
    public static List<String> serverArgs(IperfKind kind, TestSpec spec) {
        List<String> a = new ArrayList<>(List.of("-s", "-p", Integer.toString(spec.port())));
        if (kind.speaksIperf3()) {
            a.addAll(List.of("-1", "-J"));
        } else {
            a.addAll(List.of("-i", "1", "-y", "C"));
            if (spec.protocol() == Transport.UDP) {
                a.add("-u");
            }
        }
        return a;
    }

    /** The client's arguments. */
    public static List<String> clientArgs(IperfKind kind, TestSpec spec, String serverAddress) {
        List<String> a = new ArrayList<>(List.of("-c", serverAddress, "-p", Integer.toString(spec.port()), "-t",
                formatSeconds(spec.durationSeconds())));
        if (kind.speaksIperf3()) {
            a.add("-J");
            if (kind == IperfKind.IPERF3J) {
                a.add("--why"); // what held it back: end.iperf3j_why (docs/design/why.md); iperf3's keys unchanged
            }
            if (spec.bidir()) {
                a.add("--bidir");
            }
        } else {
            a.addAll(List.of("-i", "1", "-y", "C"));
        }
        if (spec.protocol() == Transport.UDP) {
            a.add("-u");
        }
        a.addAll(spec.extraArgs());
        return a;
    }

    /**
     * The client's arguments, bound to {@code source} when given ({@code -B}, iperf3's, iperf3j's and iperf2's
     * option): the connection leaves from that address.
     */
    public static List<String> clientArgs(IperfKind kind, TestSpec spec, String serverAddress, Optional<String> source) {
        List<String> a = clientArgs(kind, spec, serverAddress);
        source.ifPresent(s -> a.addAll(List.of("-B", s)));
        return a;
    }

    /**
     * A local sender's address, to bind its client to: a host's address is the address its tests use, both
     * ends, but on this machine the kernel picks the source (127.0.0.1 for a host declared 127.0.0.2, issue 46).
     * None for an SSH host (its address is the one its peers reach it by; the route there picks the source) or
     * when the test's own args bind already.
     */
    static Optional<String> localSource(Node sender, Connection senderConnection, TestSpec spec) {
        boolean bound = RemoteScripts.bindValue(spec.extraArgs()).isPresent();
        return senderConnection instanceof LocalConnection && !bound ? Optional.of(sender.address()) : Optional.empty();
    }

    private static String formatSeconds(double s) {
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }


    /** The two commands a test runs: [receiver's server, sender's client] (for {@code --dry-run}). */
    public List<PlannedCommand> commands(IperfSession.SenderReceiver sr, TestSpec spec, String name) throws IperfConfigurationError {
        IperfKind[] tools = tools(sr, spec);
        RemoteIperf server = server(sr, tools[1], spec);
        RemoteIperf client = client(sr, tools[0], spec);
        Transport listen = tools[1].speaksIperf3() ? Transport.TCP : spec.protocol();
        return List.of(new PlannedCommand(server.commandLine(),
                        server.serverScript(remoteFile(sr.receiver(), spec.port()), spec.port(), listen, LISTEN_TIMEOUT)),
                new PlannedCommand(client.commandLine(), client.clientScript()));
    }

    /** The test's server on the receiver, as this session marks it. */
    private RemoteIperf server(IperfSession.SenderReceiver sr, IperfKind kind, TestSpec spec) {
        RemoteIperf server = RemoteIperf.server(sr.receiver(), connection(sr.receiver()), owner(sr.receiver()), kind,
                serverArgs(kind, spec)).through(agent(sr.receiver()));
        return twoHosts(sr) ? server.lastOnItsHost() : server;
    }

    /** Whether the test's two nodes are two hosts (two slot keys): each process's last job then ends its host's part. */
    private static boolean twoHosts(IperfSession.SenderReceiver sr) {
        return !slotKey(sr.sender()).equals(slotKey(sr.receiver()));
    }

    /** The test's client on the sender, as this session marks it (a local sender bound to its own address). */
    private RemoteIperf client(IperfSession.SenderReceiver sr, IperfKind kind, TestSpec spec) {
        List<String> args = clientArgs(kind, spec, sr.receiver().address(),
                localSource(sr.sender(), connection(sr.sender()), spec));
        if (predatesWhy.contains(sr.sender().id())) {
            args = args.stream().filter(a -> !a.equals("--why")).toList();
        }
        RemoteIperf client = RemoteIperf.client(sr.sender(), connection(sr.sender()), owner(sr.sender()), kind, args,
                spec.effectiveClientLimit()).through(agent(sr.sender()));
        return twoHosts(sr) ? client.lastOnItsHost() : client;
    }

    /**
     * The server's output file in its owner's state folder on its host, named by its port: one server of this session per port on a host at a time, and
     * each start's redirection empties it, as its fetch does ({@code output.sh}), so the host makes and frees no file a test.
     */
    private String remoteFile(Node node, int port) {
        return "server-" + port + ".out";
    }

    /** This session's owner name for {@code node} on its host: its processes' mark and its state directory there. */
    String owner(Node node) {
        return RemoteScripts.owner(node.id(), runTag);
    }

    /**
     * Takes both hosts' throughput slots on the hosts themselves ({@link HostAgent}), in one order for every
     * controller (their keys sorted), so that no host is in two tests at once whichever controllers run them.
     *
     * @return the agents holding the slots, to {@link #giveHosts give back} when the test has ended
     * @throws io.iperf3j.session.internal.dispatch.Dispatcher.Busy when a host's slot is held by another controller's test
     *         (none is then held)
     * @throws ConnectionError if a host cannot be reached to take its slot
     * @throws IperfCommandError if a host cannot run the agent
     */
    List<HostAgent> holdHosts(IperfSession.SenderReceiver sr, Duration anotherAccountWait)
            throws ConnectionError, IperfCommandError, InterruptedException, HeldByAnotherAccount {
        java.util.TreeMap<String, Node> byKey = new java.util.TreeMap<>();
        for (Node n : List.of(sr.sender(), sr.receiver())) {
            byKey.putIfAbsent(slotKey(n), n);
        }
        List<HostAgent> held = new ArrayList<>();
        try {
            for (Node n : byKey.values()) {
                HostAgent agent = agent(n);
                String key = slotKey(n);
                boolean taken = agent.take();
                for (String warning : agent.takeWarnings()) {
                    notes.accept(n.id() + ": " + warning);
                }
                if (!taken) {
                    String holder = agent.busyHolder();
                    if (!holder.isEmpty()) {
                        java.time.Instant since = heldByOtherAccounts.computeIfAbsent(key, k -> java.time.Instant.now());
                        Duration waited = Duration.between(since, java.time.Instant.now());
                        if (waited.compareTo(anotherAccountWait) >= 0) {
                            heldByOtherAccounts.remove(key, since);
                            throw new HeldByAnotherAccount(new SessionException.IperfError(n.id() + " (" + key + "): host busy, held by user "
                                    + holder + " (another account's session) for " + waited.toSeconds() + " s, the longest this test waits for one"));
                        }
                    }
                    String heldBy = holder.isEmpty() ? "" : " (host busy, held by user " + holder + ")";
                    throw new io.iperf3j.session.internal.dispatch.Dispatcher.Busy(n.id() + " (" + key
                            + ") is in another session's test" + heldBy, key, heldBy);
                }
                heldByOtherAccounts.remove(key);
                held.add(agent);
            }
            return held;
        } catch (SessionException | InterruptedException | RuntimeException e) {
            giveHosts(held);
            throw e;
        }
    }

    /**
     * Since when a host's slot has been held by another account's session, by slot key: a test waits for its own account's
     * other sessions as long as they run (they take turns), but for another account's at most {@link #anotherAccountWait}, so
     * that a user of the host who holds its slot for good (a plain {@code flock} on a file of its own) makes a test fail, saying
     * so, rather than wait forever.
     */
    private final Map<String, java.time.Instant> heldByOtherAccounts = new java.util.concurrent.ConcurrentHashMap<>();

    /** How long a test waits for a host that another account's session holds: twice its own length, and 30 s. */
    static Duration anotherAccountWait(TestSpec spec) {
        return Duration.ofSeconds(30).plusMillis((long) (spec.durationSeconds() * 2000));
    }

    /** A test that did not start: a host's slot was held by another account's session for longer than the test waits. */
    static final class HeldByAnotherAccount extends Exception {
        private final SessionException.IperfError error;

        HeldByAnotherAccount(SessionException.IperfError error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }

        SessionException.IperfError error() {
            return error;
        }
    }

    /** A test that failed before it started ({@link HeldByAnotherAccount}): its error, no output. */
    TestResult notStarted(IperfSession.SenderReceiver sr, TestSpec spec, String name, String direction, int repeat, SessionException error) {
        return new TestResult(name, sr.sender().id(), sr.receiver().id(), direction, spec, repeat, new TestResult.Outcome.Failed(error),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Duration.ZERO);
    }

    private HostAgent agent(Node n) {
        return agents.computeIfAbsent(n, x -> new HostAgent(connection(x), x.id(), owner(x), slotKey(x), agentDeadlines,
                () -> hostsWaitedFor.test(x.address())));
    }

    /**
     * Whether another test of this session waits for a host, by its test address (a plan's dispatcher: {@link
     * io.iperf3j.session.internal.dispatch.Dispatcher#waitedFor}); until one is told, every host: each test's end parks its
     * hosts' slots.
     */
    private volatile java.util.function.Predicate<String> hostsWaitedFor = address -> true;

    /** Tells the session which hosts another of its tests waits for ({@link #hostsWaitedFor}), asked as tests end. */
    void hostsWaitedFor(java.util.function.Predicate<String> waitedFor) {
        this.hostsWaitedFor = java.util.Objects.requireNonNull(waitedFor, "waitedFor");
    }

    /** Starts the node's agent if it does not run: once per host, it cleans up after the sessions gone from it. */
    private void startAgent(Node n) throws SessionException, InterruptedException {
        HostAgent agent = agent(n);
        agent.start();
        for (String gone : agent.takeCleaned()) {
            notes.accept(n.id() + ": cleaned up after a session that is gone (" + gone + ")");
        }
        for (String warning : agent.takeWarnings()) {
            notes.accept(n.id() + ": " + warning);
        }
    }

    /**
     * Gives back the slots {@link #holdHosts} took, parked ({@link HostAgent#park}): kept for this session's next test on the
     * host for a moment, unless another session waits for it.
     */
    void giveHosts(List<HostAgent> held) throws InterruptedException {
        for (HostAgent a : held) {
            a.park();
        }
    }

    /** A node's slot key: its test address, lower case (two node ids on one address are one host). */
    static String slotKey(Node n) {
        return n.address().toLowerCase(java.util.Locale.ROOT);
    }

    /** Ends the host agents: each kills what this session still runs on its host and removes its state there. */
    void closeAgents() throws InterruptedException {
        List<Thread> closing = new ArrayList<>();
        for (HostAgent a : agents.values()) {
            closing.add(Thread.ofVirtual().name("agent-close").start(a::close));
        }
        for (Thread t : closing) {
            t.join();
        }
        agents.clear();
    }

    /**
     * Ends the session: the host agents ({@link #closeAgents()}), then every connection it made. A test run
     * after opens them again. Interrupted, it closes the connections at once and keeps the interrupt.
     */
    @Override
    public void close() {
        try {
            closeAgents();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connections.close();
        }
    }

    /** Closes every connection the session made, leaving the agents (the plan runner ends those first). */
    void closeConnections() {
        connections.close();
    }

    /**
     * Runs one test: {@code sr.sender()} runs the client, {@code sr.receiver()} the server.
     * Never throws for a failed test: the failure is the result's outcome.
     *
     * @param name the test's name in file names
     * @param direction the direction word, kept in the result
     * @param repeat which repeat this is
     */
    public TestResult run(IperfSession.SenderReceiver sr, TestSpec spec, String name, String direction, int repeat)
            throws InterruptedException {
        long t0 = System.nanoTime();
        List<String> warnings = new ArrayList<>();
        Optional<Path> clientFile = Optional.empty();
        IperfKind clientTool = null;
        Optional<Path> serverFile = Optional.empty();
        Optional<TestResult.ParsedOutput> clientParsed = Optional.empty();
        Optional<TestResult.ParsedOutput> serverParsed = Optional.empty();
        TestResult.Outcome outcome;
        RemoteIperf server = null;
        RemoteIperf client = null;
        Path serverPath = null;
        try {
            if (stopped) {
                throw new IperfError("session stopped");
            }
            IperfKind[] tools = tools(sr, spec);
            clientTool = tools[0];
            // made by the plan's first test: createDirectories on a folder that is there throws and catches an exception
            // inside, with its stack trace, at every test (issue 69)
            if (!Files.isDirectory(rawDirectory)) {
                Files.createDirectories(rawDirectory);
            }
            LocalDateTime now = LocalDateTime.now();
            // one direction word for both files of the test
            String word = OutputNaming.direction(sr.sender().role(), sr.receiver().role(), direction);
            String clientName = OutputNaming.stamp(OutputNaming.raw(spec.protocol(), RemoteIperf.Mode.CLIENT, word,
                    filenameBase, name), now);
            String serverName = OutputNaming.stamp(OutputNaming.raw(spec.protocol(), RemoteIperf.Mode.SERVER, word,
                    filenameBase, name), now);
            Path clientPath = OutputNaming.unique(rawDirectory, clientName + ".iperf");
            serverPath = OutputNaming.unique(rawDirectory, serverName + ".iperf");
            // each host's agent (once): what the sessions gone from the host left there is cleaned up first
            startAgent(sr.receiver());
            startAgent(sr.sender());
            // an iperf3j image to install goes on the host before its first iperf3j test (once per session)
            if (tools[1] == IperfKind.IPERF3J) {
                installer.ensure(sr.receiver(), connection(sr.receiver()));
            }
            if (tools[0] == IperfKind.IPERF3J) {
                installer.ensure(sr.sender(), connection(sr.sender()));
            }
            // each start first kills what an earlier run left on its node (one shell per step)
            server = server(sr, tools[1], spec);
            client = client(sr, tools[0], spec);
            touched.add(sr.receiver());
            touched.add(sr.sender());
            active.add(server);
            active.add(client);
            Transport listen = tools[1].speaksIperf3() ? Transport.TCP : spec.protocol();
            // a port another process holds is another port, not a failed test: the next ones, up to PORT_TRIES in all
            TestSpec used = spec;
            for (int tries = 1;; tries++) {
                try {
                    server.startServer(remoteFile(sr.receiver(), used.port()), used.port(), listen, LISTEN_TIMEOUT, serverPath);
                    break;
                } catch (IperfError e) {
                    if (!server.portTaken() || tries >= PORT_TRIES || stopped || used.port() >= 65535) {
                        throw e;
                    }
                    warnings.addAll(server.warnings());
                    active.remove(server);
                    active.remove(client);
                    used = used.withPort(used.port() + 1);
                    warnings.add(e.getMessage() + "; the test moved to port " + used.port());
                    server = server(sr, tools[1], used);
                    client = client(sr, tools[0], used);
                    active.add(server);
                    active.add(client);
                }
            }
            if (stopped) {
                throw new IperfError("session stopped");
            }
            clientFile = Optional.of(clientPath);
            ConnectionError senderLost = null;
            // a receiver that stops answering mid-test never answers its client, which would wait for it up to its abort
            // limit: its client is stopped as soon as the receiver's connection says so (its heartbeats, about 5 s), asked
            // by the client's own wait at least every RemoteIperf.CLIENT_LOOK (a thread of its own, which slept 250 ms at a
            // time, was a dozen wakes of the JDK's delay scheduler a test: issue 69)
            java.util.function.BooleanSupplier receiverGone = () -> connection(sr.receiver()).unanswered().isPresent();
            try {
                try {
                    client.runClient(clientPath, receiverGone);
                } catch (IperfCommandError e) {
                    if (tools[0] != IperfKind.IPERF3J || predatesWhy.contains(sr.sender().id())
                            || !String.valueOf(e.getMessage()).contains(REFUSED_WHY) || agent(sr.sender()).gaveBackAfterLastJob()) {
                        // (a client that refused --why exits 1; one that said so and exited 0 had its host given back
                        // after it, and is not run again on a host this test no longer holds)
                        throw e;
                    }
                    // an older iperf3j on the sender: the test runs again without the verdict (the one-off server is still
                    // waiting: that client never connected), and so do the host's later tests, from the start
                    predatesWhy.add(sr.sender().id());
                    warnings.add(sr.sender().id() + ": its iperf3j predates --why (" + REFUSED_WHY
                            + "): the test ran without it and has no verdict; upgrade iperf3j there, or install the image");
                    active.remove(client);
                    client = client(sr, tools[0], used);
                    active.add(client);
                    client.runClient(clientPath, receiverGone);
                }
            } catch (ConnectionError e) {
                if (!Files.exists(clientPath)) {
                    // the client never started (no login to the sender): there is no test to judge, and the
                    // server, with no client to wait for, is stopped at once (in the finally below)
                    clientFile = Optional.empty();
                    throw e;
                }
                // the sender's connection went: the receiver's own output may still hold the whole test
                senderLost = e;
            }
            // A one-off iperf3 server ends by itself once it has written its result; iperf2's needs a moment to print its last line.
            // (a sender that stopped answering mid-test never ends its side: its server is not given the 10 s to end by itself)
            boolean senderSilent = senderLost != null && connection(sr.sender()).unanswered().isPresent();
            server.stopServer(serverPath, tools[1].speaksIperf3() && !senderSilent ? Duration.ofSeconds(10) : Duration.ofSeconds(1));
            serverFile = Optional.of(serverPath);
            clientParsed = Optional.of(IperfOutputs.parse(Files.readString(clientPath), Role.CLIENT, spec.protocol()));
            serverParsed = Optional.of(IperfOutputs.parse(Files.readString(serverPath), Role.SERVER, spec.protocol()));
            if (senderLost == null) {
                outcome = figures(clientParsed.get(), serverParsed.get(), sr);
            } else {
                outcome = byReceiver(serverParsed.get(), clientParsed.get(), senderLost);
                if (outcome instanceof TestResult.Outcome.Completed) {
                    warnings.add(senderLost.getMessage() + "; judged by " + sr.receiver().id() + "'s complete output");
                }
            }
        } catch (SessionException e) {
            outcome = new TestResult.Outcome.Failed(e);
        } catch (IOException e) {
            outcome = new TestResult.Outcome.Failed(new ConnectionError("local output: " + e.getMessage(), e));
        } finally {
            for (RemoteIperf r : new RemoteIperf[] {client, server}) {
                if (r != null) {
                    r.stop();
                    warnings.addAll(r.warnings());
                    active.remove(r);
                }
            }
            for (Node n : List.of(sr.sender(), sr.receiver())) {
                for (String notice : connection(n).takeNotices()) {
                    warnings.add(n.id() + ": " + notice);
                    notes.accept(n.id() + ": " + notice);
                }
            }
        }
        if (serverFile.isEmpty() && server != null && serverPath != null) {
            // a failed test: what the server printed is kept for the reader of the table and removed on the host
            try {
                server.takeOutput(serverPath);
            } catch (ConnectionError e) {
                warnings.add(e.getMessage());
            }
            if (Files.exists(serverPath)) {
                serverFile = Optional.of(serverPath);
            }
        }
        outcome = namingTheSilentHost(sr, outcome, warnings);
        TestResult result = new TestResult(name, sr.sender().id(), sr.receiver().id(), direction, spec, repeat, outcome,
                clientFile.filter(Files::exists), serverFile, clientParsed, serverParsed, warnings,
                Duration.ofNanos(System.nanoTime() - t0), why(outcome, clientTool, spec, clientParsed));
        poll = result;
        return result;
    }

    /**
     * A failed test, told in the words a person needs when one of its hosts has stopped answering (issue 66: whatever step
     * found it first, the client's, the server's or a connection's):
     * {@code host nc3 (10.240.1.3) does not answer: no SSH reply within 5 s}, the connection's own words kept as a warning.
     * Any other outcome is returned as it is.
     */
    private TestResult.Outcome namingTheSilentHost(IperfSession.SenderReceiver sr, TestResult.Outcome outcome, List<String> warnings) {
        if (!(outcome instanceof TestResult.Outcome.Failed f)) {
            return outcome;
        }
        SessionException e = f.error();
        for (Node n : List.of(sr.sender(), sr.receiver())) {
            Optional<String> why = connection(n).unanswered();
            if (why.isPresent()) {
                warnings.add(e.getMessage());
                return new TestResult.Outcome.Failed(new ConnectionError("host " + n.id() + " (" + n.address() + ") does not answer: "
                        + why.get(), e));
            }
        }
        return outcome;
    }

    /**
     * The verdicts of a test that ran ({@code --why}): an iperf3j client's, from its output; for a real iperf3 or
     * iperf2 client, or an iperf3j client whose output holds none, "not determined" with the reason (one per
     * direction of data), never a guess. None for a failed test.
     */
    static List<TestResult.Verdict> why(TestResult.Outcome outcome, IperfKind clientTool, TestSpec spec,
            Optional<TestResult.ParsedOutput> clientParsed) {
        if (!(outcome instanceof TestResult.Outcome.Completed)) {
            return List.of();
        }
        List<TestResult.Verdict> read = clientParsed.map(TestResult.ParsedOutput::why).orElse(List.of());
        if (!read.isEmpty()) {
            return read;
        }
        String reason = clientTool == null ? "the client is not known"
                : clientTool == IperfKind.IPERF3J ? "the iperf3j client's output holds no verdict (an iperf3j without --why, or a cut output)"
                : "the client is " + clientTool.planName() + ", which gives no verdict (iperf3j's --why)";
        return spec.bidir() ? List.of(TestResult.Verdict.notDetermined(true, reason), TestResult.Verdict.notDetermined(false, reason))
                : List.of(TestResult.Verdict.notDetermined(true, reason));
    }

    /**
     * A test whose sender's connection was lost, judged by the receiver's own output: its figures if
     * that output is a complete test (a summary, no error), else the connection error. The sent rate
     * is the client's if its output got that far, else the one the server's summary reports.
     */
    private static TestResult.Outcome byReceiver(TestResult.ParsedOutput server, TestResult.ParsedOutput client, ConnectionError lost) {
        OptionalLong received = server.summary().receivedBytes();
        OptionalDouble receivedBps = server.summary().receivedBitsPerSecond();
        OptionalDouble sentBps = client.summary().sentBitsPerSecond();
        if (sentBps.isEmpty()) {
            sentBps = server.summary().sentBitsPerSecond();
        }
        if (server.error().isPresent() || received.isEmpty() || receivedBps.isEmpty() || sentBps.isEmpty()) {
            return new TestResult.Outcome.Failed(lost);
        }
        return new TestResult.Outcome.Completed(sentBps.getAsDouble(), receivedBps.getAsDouble(), received.getAsLong(),
                server.summary().reverseReceivedBitsPerSecond());
    }

    private static TestResult.Outcome figures(TestResult.ParsedOutput client, TestResult.ParsedOutput server, IperfSession.SenderReceiver sr) {
        if (client.error().isPresent()) {
            return new TestResult.Outcome.Failed(new IperfError(sr.sender().id() + ": " + client.error().get()));
        }
        if (server.error().isPresent() && server.summary().receivedBytes().isEmpty()) {
            return new TestResult.Outcome.Failed(new IperfError(sr.receiver().id() + ": " + server.error().get()));
        }
        OptionalLong received = server.summary().receivedBytes();
        OptionalDouble receivedBps = server.summary().receivedBitsPerSecond();
        if (received.isEmpty()) {
            received = client.summary().receivedBytes();
            receivedBps = client.summary().receivedBitsPerSecond();
        }
        OptionalDouble sentBps = client.summary().sentBitsPerSecond();
        if (received.isEmpty() || sentBps.isEmpty()) {
            List<String> problems = new ArrayList<>(client.problems());
            problems.addAll(server.problems());
            return new TestResult.Outcome.Failed(new IperfError("no " + (sentBps.isEmpty() ? "sender" : "receiver")
                    + " summary in the outputs" + (problems.isEmpty() ? "" : ": " + String.join("; ", problems))));
        }
        OptionalDouble reverse = client.summary().reverseReceivedBitsPerSecond();
        if (reverse.isEmpty()) {
            reverse = server.summary().reverseReceivedBitsPerSecond();
        }
        return new TestResult.Outcome.Completed(sentBps.getAsDouble(), receivedBps.orElse(Double.NaN), received.getAsLong(), reverse);
    }

    /**
     * Stops every test running now and refuses new ones: each running iperf is killed by its PID,
     * then, on every node a test started on, whatever else this tool started there and is still
     * running (a server whose start had not yet told its PID: {@link RemoteIperf#cleanStale}), over
     * the open connections, all nodes at once; returns when that is done or after {@link #STOP_WAIT}.
     */
    public void stop() throws InterruptedException {
        stopped = true;
        List<Thread> stops = new ArrayList<>();
        for (RemoteIperf r : List.copyOf(active)) {
            stops.add(Thread.ofVirtual().name("stop " + r.node().id()).start(() -> {
                try {
                    r.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        join(stops);
        stops.clear();
        for (Node n : List.copyOf(touched)) {
            stops.add(Thread.ofVirtual().name("clean " + n.id()).start(() -> {
                try {
                    RemoteIperf.cleanStale(connection(n), owner(n));
                } catch (ConnectionError e) {
                    notes.accept(n.id() + ": could not clean up after the stop: " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        join(stops);
    }

    /** Longest {@link #stop()} waits for the kills on all nodes. */
    public static final Duration STOP_WAIT = Duration.ofSeconds(25);

    private static void join(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        for (Thread t : threads) {
            t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
    }

    /** Whether {@link #stop()} was called. */
    public boolean stopped() {
        return stopped;
    }
}
