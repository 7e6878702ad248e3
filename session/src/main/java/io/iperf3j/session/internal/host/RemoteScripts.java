package io.iperf3j.session.internal.host;

import io.iperf3j.session.Connection;
import io.iperf3j.Transport;

/**
 * The POSIX sh scripts the session runs on hosts. Every iperf it starts carries
 * {@code IPERF3J_SESSION_NODE=<owner>} in its environment and a PID file in the
 * owner's folder of the user's private state folder ({@link #ROOT_STATE} for root); kills go to a PID only after
 * {@code /proc/PID/environ} shows that mark, so a reused PID or a process this tool
 * did not start is never hit. The owner is one controller's name for one host
 * ({@link #owner}: the node id and a tag of the controller's run), so two controllers that
 * name a host alike never take each other's processes for their own.
 *
 * <p>The scripts are files of this module ({@code host-lib.sh}, the functions, and one script a job:
 * {@code server-start.sh}, {@code client-run.sh}, {@code client-job.sh}, {@code output.sh}, {@code kill.sh}, {@code clean.sh}, {@code listen-check.sh},
 * {@code start-only.sh}, and the {@link HostAgent}'s {@code host-agent.sh}), checked by shellcheck in the
 * suite ({@code HostScriptsTest}). A script as sent is its variables, the library and the job, without
 * their comment lines. This class only puts them together: pure text.
 */
public final class RemoteScripts {
    /** The environment variable marking processes this tool started. */
    public static final String ENV_MARK = "IPERF3J_SESSION_NODE";

    private RemoteScripts() {
    }

    /**
     * Root's state folder on a host: /run is root's alone. Every other user's is {@code ~/.cache/iperf3j-session}; the
     * host scripts choose and check it there ({@code checkroot} in {@code host-lib.sh}), as only the host knows who
     * its commands run as (a login, or a {@code sudo} prefix).
     */
    public static final String ROOT_STATE = "/run/iperf3j-session";

    /** The separator of {@link #owner}: no node id holds it ({@code [A-Za-z0-9_.-]}). */
    private static final char OWNER_SEPARATOR = '+';

    /**
     * One controller's name for one host: the node id and the tag of the controller's run, e.g.
     * {@code h1+5f3a09c2}. It names the host's state directory and marks the processes started there.
     */
    public static String owner(String nodeId, String runTag) {
        return nodeId + OWNER_SEPARATOR + runTag;
    }

    /**
     * The owner's state directory on this machine for this JVM's user, as the host scripts choose it (a local connection's;
     * an SSH host's as root): {@link #ROOT_STATE} for root, else under the user's home.
     */
    public static String stateDir(String owner) {
        boolean root = "root".equals(System.getProperty("user.name"));
        return (root ? ROOT_STATE : System.getProperty("user.home") + "/.cache/iperf3j-session") + "/" + owner;
    }

    /** The function library every script starts with. */
    private static final String LIB = sent(resource("host-lib.sh"));
    /** {@link #LIB}'s first line, with its newline. */
    private static final String LIB_FIRST_LINE = LIB.substring(0, LIB.indexOf('\n') + 1);

    /**
     * What goes before a job's script: the owner's variables and the library. {@code run}, when given, is the
     * job's command as the function the library's {@code startbg} and {@code runfg} start: it {@code exec}s
     * the command with the mark in its environment, so the PID they record is the command's own.
     */
    private static String prelude(String owner, String command) {
        return "owner=" + Connection.Shell.quote(owner) + "\n" + (command == null ? "" : runFunction(command)) + LIB;
    }

    /**
     * The function {@code run}: the command, exec'd with the mark in its environment. The mark is exported by the
     * shell ({@code run} always runs in a shell of its own: a background job's, or a channel's that becomes the
     * command), which saves the host the exec of {@code env} twice a test. {@code command} is a command line whose
     * words are quoted ({@link io.iperf3j.session.Node#commandLine}: a command with variables of its own, such as
     * {@code LD_LIBRARY_PATH=/opt/lib iperf3}, starts with {@code env}), never a plan's text.
     */
    private static String runFunction(String command) {
        // an installed image's launcher is the library's imagerun, which checks the image's folder and then execs it
        boolean image = command.startsWith(io.iperf3j.session.Node.ImageInstall.IMAGE_RUN + " ");
        return "run() { export " + ENV_MARK + "=\"$owner\"; " + (image ? "" : "exec ") + command + "; }\n";
    }

    /** A job's script (a resource of this module) as sent: its variables first, then the library, then it. */
    private static String job(String owner, String command, String variables, String name) {
        return prelude(owner, command) + variables + JOBS.computeIfAbsent(name, n -> sent(resource(n)));
    }

    private static final java.util.Map<String, String> JOBS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The variables of the listen check: the port (hex, as /proc/net writes it, and decimal, for ss), the state, the tables
     * (lfiles) and the order of the quick look's (lquick): IPv6's first, where a server listens on the dual-stack
     * wildcard unless told {@code -4} or bound to an IPv4 address, so that its look stops in the first table it reads.
     */
    private static String listenVariables(int port, Transport transport, boolean ipv4, int deadlineCentis, int takenCentis) {
        boolean tcp = transport == Transport.TCP;
        return "lhex=" + String.format("%04X", port) + "\nlport=" + port + "\nlstate=" + (tcp ? "0A" : "07") + "\nlfiles='"
                + (tcp ? "/proc/net/tcp /proc/net/tcp6" : "/proc/net/udp /proc/net/udp6") + "'\nlquick='"
                + (ipv4 ? "/proc/net/tcp /proc/net/tcp6" : "/proc/net/tcp6 /proc/net/tcp") + "'\ndeadline=" + deadlineCentis
                + "\ntakenwait=" + takenCentis + "\n";
    }

    /**
     * Whether a server with these arguments listens on IPv4 only ({@code -4}, {@code --version4}, or {@code -B} with an
     * IPv4 address), which puts its listener in /proc/net/tcp rather than tcp6.
     */
    public static boolean listensOnIpv4(java.util.List<String> serverArgs) {
        if (serverArgs.contains("-4") || serverArgs.contains("--version4")) {
            return true;
        }
        return bindValue(serverArgs).filter(address -> address.indexOf(':') < 0 && address.indexOf('.') > 0).isPresent();
    }

    /**
     * The address iperf's arguments bind to ({@code -B X}, {@code -BX}, {@code --bind X}, {@code --bind=X}, iperf3's,
     * iperf3j's and iperf2's option): "" for the option with no value after it, empty when it is not there.
     */
    public static java.util.Optional<String> bindValue(java.util.List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-B") || a.equals("--bind")) {
                return java.util.Optional.of(i + 1 < args.size() ? args.get(i + 1) : "");
            }
            if (a.startsWith("--bind=")) {
                return java.util.Optional.of(a.substring("--bind=".length()));
            }
            if (a.startsWith("-B")) {
                return java.util.Optional.of(a.substring(2));
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Starts {@code command} in the background, output to the file {@code outputFile} of the owner's state folder; prints the PID mark. Leaves
     * {@code $p} (the PID) and {@code $pf} (its PID file) set.
     */
    public static String background(String owner, String command, String outputFile) {
        return job(owner, command, outputVariable(outputFile), "start-only.sh");
    }

    /**
     * Kills what the owner left on the host, starts the server {@code command} in the background with its
     * output in {@code outputFile} (printing the PID mark), and waits until it is the one listening on
     * {@code port} ({@code awaitlistener} in {@code host-lib.sh}; statuses {@link #LISTENING}, {@link #EXITED},
     * {@link #TAKEN}, {@link #NOT_LISTENING}): one command, one login shell.
     */
    public static String serverStart(String owner, String command, String outputFile, int port, Transport transport,
            boolean ipv4, int deadlineCentis, int takenCentis) {
        return job(owner, command, outputVariable(outputFile)
                + listenVariables(port, transport, ipv4, deadlineCentis, takenCentis),
                "server-start.sh");
    }

    /**
     * Kills what the owner left on the host, then runs {@code command} with its output on this channel; prints
     * the PID mark on stderr; exits with its status.
     */
    public static String clientRun(String owner, String command) {
        return job(owner, command, "", "client-run.sh");
    }

    /**
     * The client as a job of the owner's {@link HostAgent} ({@code client-job.sh}, sent through {@link #inAgent}): kills what the
     * owner left on the host, starts {@code command} in the background with its output on the agent's, prints the PID mark,
     * waits for it, then prints its error lines as {@code @@err} lines; the job's status is the command's.
     */
    public static String clientJob(String owner, String command) {
        return job(owner, command, "", "client-job.sh");
    }

    /**
     * Prints the file {@code outputFile} on the host after a line {@code @@output} and empties it ({@code output.sh}); prints
     * nothing when it is not there. A job of the owner's {@link HostAgent}, sent through {@link #inAgent}.
     */
    public static String output(String owner, String outputFile) {
        return job(owner, null, outputVariable(outputFile), "output.sh");
    }

    /** What an output file's name may be: a plain name in the owner's state folder. */
    private static final java.util.regex.Pattern OUTPUT_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}");

    /**
     * The variable {@code out}: the file {@code name} in the owner's state folder on the host ({@code $d}, private to the
     * user the host's commands run as: host-lib.sh), never a path of the controller's choosing elsewhere.
     *
     * @throws IllegalArgumentException if the name is not a plain file name
     */
    private static String outputVariable(String name) {
        if (!OUTPUT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain output file name: '" + name + "'");
        }
        return "out=\"$d\"/" + name + "\n";
    }

    /**
     * Kills one PID this tool started, with its descendants: TERM to all (and CONT, so a stopped process sees
     * it), up to 3 s for them to end, then KILL; prints {@code @@gone} or {@code @@alive}.
     */
    public static String kill(String owner, long pid) {
        return awaitExitThenKill(owner, pid, 0);
    }

    /**
     * Waits up to {@code tenths} tenths of a second for {@code pid} (one this tool started) to
     * end by itself, then {@link #kill}s it if it has not: a one-off server's end and its stop
     * in one command.
     */
    public static String awaitExitThenKill(String owner, long pid, int tenths) {
        return job(owner, null, "pid=" + pid + "\ntenths=" + tenths + "\n", "kill.sh");
    }

    /**
     * A one-off server's end and its output in one job of the owner's {@link HostAgent}, as the agent runs it: the agent's
     * {@code kill.sh} ({@link #awaitExitThenKill}: {@code @@gone} or {@code @@alive}), then its {@code output.sh}
     * ({@link #output}: {@code @@output} and the file, emptied); the job's status is the output's. A test's server host
     * then reads one job for its end where it read two, and the controller waits for one reply (issue 69). For the agent
     * only: its two jobs are functions of the agent's shell, which a channel's shell does not have.
     */
    public static String awaitExitKillAndOutputInAgent(String owner, long pid, int tenths, String outputFile) {
        return inAgent(job(owner, null, "pid=" + pid + "\ntenths=" + tenths + "\n" + outputVariable(outputFile), "kill.sh"))
                + AGENT_JOBS.get(JOBS.computeIfAbsent("output.sh", n -> sent(resource(n)))) + "\n";
    }

    /**
     * Kills every process this tool started for the owner on the host that is still running (stale from an
     * earlier run, or, at a session's stop, a server whose start had not yet told its PID), with its
     * descendants: all at once, TERM first, then KILL after up to 3 s, as {@link #kill} does. A KILL at once
     * gave a launcher no chance to end its child or to write what it writes on TERM (the schedule lab's
     * wrapper, stopped while a server started, never stamped its iperf3's end: CI, stop 42).
     */
    public static String cleanStale(String owner) {
        return job(owner, null, "", "clean.sh");
    }

    /**
     * The {@link HostAgent}'s script for {@code owner}: its variables ({@code slot}: the file name of the host's
     * slot lock), the library and {@code host-agent.sh}.
     */
    static String hostAgent(String owner, String slotFile) {
        return job(owner, null, "slot=" + Connection.Shell.quote(slotFile) + "\n" + AGENT_FUNCTIONS, "host-agent.sh");
    }

    /**
     * The jobs a test gives its hosts' agents (a server's start, a client, a server's end, its output), each a function
     * of the agent's shell, defined once at its start: a job is then its variables and the function's name. The agent
     * reads its input a byte a system call (dash's {@code read}), and these bodies, sent with each job, were some 900 of
     * the 3 400 bytes a test's hosts read (issue 69). None of them {@code exit}s (which would end the agent's shell).
     * Each job's body as sent, to the name of its function; made once, as the agent's script and each job use it.
     */
    private static final java.util.Map<String, String> AGENT_JOBS = agentJobs();

    private static java.util.Map<String, String> agentJobs() {
        java.util.Map<String, String> jobs = new java.util.LinkedHashMap<>();
        // sorted by file, so that the agent's script is the same at every start
        new java.util.TreeMap<>(java.util.Map.of("server-start.sh", "job_server_start", "client-job.sh", "job_client",
                "kill.sh", "job_kill", "output.sh", "job_output")).forEach((file, function) -> {
                    String body = JOBS.computeIfAbsent(file, n -> sent(resource(n)));
                    if (body.lines().anyMatch(l -> l.strip().startsWith("exit"))) {
                        throw new IllegalStateException(file + " exits: it cannot be a function of the agent's shell");
                    }
                    jobs.put(body, function);
                });
        return java.util.Collections.unmodifiableMap(jobs);
    }

    /** The definitions of {@link #AGENT_JOBS}' functions, as the agent's script holds them. */
    private static final String AGENT_FUNCTIONS = agentFunctions();

    private static String agentFunctions() {
        StringBuilder sb = new StringBuilder();
        AGENT_JOBS.forEach((body, function) -> sb.append(function).append("() {\n").append(body).append("}\n"));
        return sb.toString();
    }

    /**
     * What a {@link HostAgent}'s channel runs ({@code agent-start.sh}): it reads the agent's script from its input (the script's
     * line count, then its lines, as {@link HostAgent#counted} makes them) and runs it. Short, so that the channel, which keeps its
     * command for as long as it is open, keeps no 16 KB script.
     */
    static String agentStart() {
        return JOBS.computeIfAbsent("agent-start.sh", n -> sent(resource(n)));
    }

    /**
     * A job's script (as {@link #serverStart} or {@link #awaitExitThenKill} give it) as the owner's {@link HostAgent}
     * runs it: without the library, which the agent's shell has defined already, but with the library's two
     * variables, and for the jobs of {@link #AGENT_JOBS} their function's name in place of their body. The agent reads
     * its input a byte at a time (as {@code read} does from a pipe), so the library's 8 KiB sent with each job cost the
     * host more CPU than the channel the job saved (bench/fleet.py, stop 52).
     */
    public static String inAgent(String script) {
        int at = libraryAt(script);
        if (at < 0) {
            throw new IllegalArgumentException("not a job's script of this class");
        }
        String rest = script.substring(at + LIB.length());
        for (java.util.Map.Entry<String, String> job : AGENT_JOBS.entrySet()) {
            if (rest.endsWith(job.getKey())) {
                rest = rest.substring(0, rest.length() - job.getKey().length()) + job.getValue() + "\n";
                break;
            }
        }
        return script.substring(0, at) + "d=$root/$owner\nmark=" + ENV_MARK + "=$owner\n" + rest;
    }

    /**
     * Where {@link #LIB} starts in {@code script} ({@code script.indexOf(LIB)}), found by its first line and checked whole by
     * {@link String#startsWith(String, int)}: the controller runs C1-compiled code only, where {@code indexOf} of an 8 KiB
     * string compares it a byte at a time, and was 2 % of a 48-host controller's samples (JFR, issue 69), while
     * {@code startsWith} compares by {@code ArraysSupport.mismatch}, which C1 compiles to vector compares.
     */
    private static int libraryAt(String script) {
        int at = script.indexOf(LIB_FIRST_LINE);
        while (at >= 0 && !script.startsWith(LIB, at)) {
            at = script.indexOf(LIB_FIRST_LINE, at + 1);
        }
        return at;
    }

    /**
     * A script with the library before it (as owner {@code -}): for a script of another class that needs the user's state
     * folder ({@code root}, checked by {@code checkroot}) and the library's checks ({@code owndir}), as the image install does.
     */
    public static String withLibrary(String script) {
        return prelude("-", null) + script;
    }

    /** A script of this module as the project keeps it (with its comments), e.g. {@code host-lib.sh}. */
    public static String resource(String name) {
        try (java.io.InputStream in = RemoteScripts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the session module");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The host scripts of this module, by file name. */
    public static final java.util.List<String> SCRIPTS = java.util.List.of("host-lib.sh", "server-start.sh", "client-run.sh",
            "client-job.sh", "output.sh", "kill.sh", "clean.sh", "listen-check.sh", "start-only.sh", "host-agent.sh", "agent-start.sh");

    /**
     * A script as sent: without its comment lines (they would go over the wire with every command), but for
     * shellcheck's directives, so that the script as sent is checked as it is kept.
     */
    private static String sent(String script) {
        StringBuilder sb = new StringBuilder();
        for (String line : script.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && (!l.startsWith("#") || l.startsWith("# shellcheck "))) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    /** Status of {@link #awaitOwnListener}: the server is the one listening on the port. */
    public static final int LISTENING = 0;
    /** Status of {@link #awaitOwnListener}: the server ended first ({@link #EXITED_MARK} gives its status). */
    public static final int EXITED = 3;
    /** Status of {@link #awaitOwnListener}: nothing listened on the port by the deadline. */
    public static final int NOT_LISTENING = 4;
    /** Status of {@link #awaitOwnListener}: another process holds the port ({@link #HOLDER_MARK} lines say which). */
    public static final int TAKEN = 5;
    /** The line prefix giving the server's exit status when it ended before it listened. */
    public static final String EXITED_MARK = "@@exited ";
    /** The line prefix naming a process that holds the port: PID, then its name. */
    public static final String HOLDER_MARK = "@@holder ";
    /** The line saying the listener could not be matched to the server (its {@code /proc/PID/fd} is not readable). */
    public static final String UNVERIFIED_MARK = "@@unverified";

    /**
     * Waits until the server started as {@code $p} (a child of this script's shell) is the one listening on
     * {@code port} ({@code awaitlistener} in {@code host-lib.sh}, which says how): exits {@link #LISTENING},
     * {@link #EXITED}, {@link #TAKEN} or {@link #NOT_LISTENING}.
     *
     * <p>Why these tools: the check must work alike for iperf3j, iperf3 3.x and iperf2, on hosts with only
     * BusyBox or toybox. {@code ss -ltnp} and {@code lsof} are missing there; the servers' own output is no
     * signal (iperf3 {@code -J} and iperf3j print nothing until a test, iperf2's banner differs), and a
     * pidfile ({@code -I}) is iperf3-only. {@code /proc/net} and {@code /proc/PID/fd} are the kernel's own
     * answer and need only {@code cat}, {@code awk}, {@code ls}; time comes from {@code /proc/uptime}.
     *
     * @param deadlineCentis how long the server may take to listen, in hundredths of a second
     * @param takenCentis how long another process may hold the port while the server neither
     *        listens nor exits, in hundredths of a second
     */
    public static String awaitOwnListener(int port, Transport transport, int deadlineCentis, int takenCentis) {
        return job("-", null, listenVariables(port, transport, false, deadlineCentis, takenCentis), "listen-check.sh");
    }
}
