package io.iperf3j.session.internal.host;

import io.iperf3j.session.Connection;
import io.iperf3j.session.SessionException.ConnectionError;
import io.iperf3j.session.SessionException.IperfCommandError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import io.iperf3j.session.internal.connect.TimedRead;
import io.iperf3j.session.internal.dispatch.HostSlots;
import io.iperf3j.internal.subcommand.LogText;
import io.iperf3j.session.internal.slots.SlotClient;
import io.iperf3j.session.internal.slots.SlotService;
import io.iperf3j.session.internal.slots.SlotWire;

/**
 * One controller's agent on one host: {@code host-agent.sh} on a channel of its own, for as long as the
 * controller's connection lives. It holds what must be known on the host rather than on a controller,
 * where another controller (a monitoring box's schedule, an engineer's run of the same plan) can see it:
 * <ul>
 * <li>that this controller's runs on the host are alive: a lock on its state directory's {@code live.lock};
 * at its start it cleans up after every controller whose lock nobody holds any more (its marked processes
 * killed, its directory removed), and never touches a live one's, nor this controller's other hosts on the same machine
 * (its own run tag);</li>
 * <li>the host's throughput slot: a lock on {@code slots/<host key>.lock}, taken and given back per test.</li>
 * </ul>
 * Both are {@code flock}s held by the agent's shell, so the kernel drops them when the agent ends: at the
 * end of its input, which comes when this side closes it or when the controller or its connection dies.
 * A dead controller therefore frees its hosts at once, and the next agent on a host kills what it left
 * there; a controller that only lost its connection lets its running test end by itself, as before. At
 * the session's end ({@link #close}) the agent kills what its owner still runs and removes its directory.
 * As perfSONAR keeps a host's schedule on the host, for the same reason.
 * The agent also runs a test's jobs in its own shell, which costs the host no channel or login shell for them: the server's
 * start, kill and output ({@link #job}, {@link #stream}) and the client ({@link #stream}, whose output comes as it
 * prints it, while the agent waits for it).
 *
 * <p>Why a shell and {@code flock(1)}, not a daemon: the hosts have nothing but sshd and a shell (BusyBox
 * has {@code flock} too); a lock that a process holds needs no state that could be left behind.
 *
 * <p>Threads: {@link #take}, {@link #give}, {@link #park} and {@link #close} may be called from any thread, one at
 * a time (a lock), which reads the agent's reply itself: an agent costs the controller no thread, but for a parked
 * slot's give-back, a virtual thread started {@link #PARK} after the park by the session's {@link AgentDeadlines} (or,
 * without them, one that sleeps until then), which gives the slot back under that lock unless a take or a give came
 * since. Its stderr comes with its stdout ({@code exec 2>&1}). A reply is waited for in a read on an SSH channel
 * (MINA's stream waits on a condition, which lets a virtual thread's carrier go): with no time limit of its own when the
 * agent has {@link AgentDeadlines} (a session's agents: one platform thread closes a stream whose deadline has passed),
 * else with one ({@link TimedRead}); and by polling {@link InputStream#available()} on a local process's pipe: a thread
 * blocked for good in a read of such a pipe holds a virtual thread's carrier, and a few of them starved every other
 * virtual thread of this JVM on two cores (seen in the module's tests).
 */
public final class HostAgent implements AutoCloseable {
    /** How long the agent may take to start: a login, and a clean-up whose kills wait up to 3 s. */
    static final Duration READY_WAIT = Duration.ofSeconds(60);
    /**
     * How long the agent may take to end at the session's end: its kills wait up to 3 s for a TERM before a KILL;
     * past that its channel is dropped (which may cut its clean-up short, so it is long).
     */
    static final Duration BYE_WAIT = Duration.ofSeconds(15);
    /** How long one reply may take (a round trip and one {@code flock} process). */
    static final Duration REPLY_WAIT = Duration.ofSeconds(15);
    /** The most of what the agent printed besides its replies kept for an error message. */
    private static final int MAX_STDERR = 2048;

    private final Connection connection;
    private final AgentDeadlines deadlines;
    /** Whether another test of this controller waits for the host (a constructor's javadoc). */
    private final java.util.function.BooleanSupplier anotherTestWaits;
    private final String host;
    private final String owner;
    private final String slotKey;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<String> cleaned = new ArrayList<>();
    private boolean unsupported;
    private boolean closed;
    private Running running;

    /** A started agent process: its input, and the bytes of its output not yet read as lines. */
    private record Running(Connection.RemoteProcess process, OutputStream in, PendingLines pending, List<String> said, String prefix,
            AgentDeadlines.Watched watched) {
        /** The line as one of the agent's replies (it starts with {@code @@KEY}), or empty for any other line. */
        Optional<HostReply> reply(String line) {
            return line.startsWith(prefix) ? HostReply.of("@@" + line.substring(prefix.length())) : Optional.empty();
        }
    }

    /**
     * A line of a job's output: one of its replies (a line that starts with the agent's key), or a line its commands printed
     * ({@code text}), which no content can turn into a reply.
     *
     * @param text the line as printed, without the key of a reply
     * @param reply the reply, when it is one
     */
    public record JobLine(String text, Optional<HostReply> reply) {
        /** Checks presence. */
        public JobLine {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(reply, "reply");
        }

        /** Whether it is a reply of {@code word}. */
        public boolean is(String word) {
            return reply.filter(r -> r.word().equals(word)).isPresent();
        }

        /** As a line of a script's output on a channel: a reply as {@code @@WORD VALUE}, any other line that starts with {@code @@} after a space. */
        String asChannelLine() {
            if (reply.isPresent()) {
                HostReply r = reply.get();
                return "@@" + r.word() + (r.value().isEmpty() ? "" : " " + r.value());
            }
            return text.startsWith("@@") ? " " + text : text;
        }
    }

    /** Bits of the reply key each agent gets (its first line of input: HostAgent's javadoc). */
    private static final int KEY_BYTES = 16;
    private static final java.security.SecureRandom KEYS = new java.security.SecureRandom();

    /** How often a reply is looked for while none has come. */
    private static final long POLL_MILLIS = 5;

    /**
     * @param connection the host's connection
     * @param host the host's name in messages (the node id)
     * @param owner this controller's name for the host ({@link RemoteScripts#owner})
     * @param slotKey the host's slot key (its test address, lower case): two node ids on one address share it
     */
    public HostAgent(Connection connection, String host, String owner, String slotKey) {
        this(connection, host, owner, slotKey, null);
    }

    /**
     * An agent whose waits for replies over SSH are kept by {@code deadlines} (a session's agents share one), not by timed
     * reads; null: timed reads ({@link TimedRead#read}).
     */
    public HostAgent(Connection connection, String host, String owner, String slotKey, AgentDeadlines deadlines) {
        this(connection, host, owner, slotKey, deadlines, () -> true);
    }

    /**
     * As {@link #HostAgent(Connection, String, String, String, AgentDeadlines)}, told by {@code anotherTestWaits} whether
     * another test of this controller waits for the host (its dispatcher's queue): asked as a test's last job on the host
     * is sent ({@link #streamLast}), which then keeps the slot for it, parked, rather than give it back. Always true: every
     * test's end parks.
     */
    public HostAgent(Connection connection, String host, String owner, String slotKey, AgentDeadlines deadlines,
            java.util.function.BooleanSupplier anotherTestWaits) {
        this.anotherTestWaits = Objects.requireNonNull(anotherTestWaits, "anotherTestWaits");
        this.deadlines = deadlines;
        this.connection = Objects.requireNonNull(connection, "connection");
        this.host = Objects.requireNonNull(host, "host");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.slotKey = Objects.requireNonNull(slotKey, "slotKey");
        String file = HostSlots.fileName(slotKey);
        this.slotName = file.substring(0, file.length() - ".lock".length());
    }

    /** The whole script an agent for {@code owner} and {@code slotKey} runs (before the connection's wrapper). */
    public static String script(String owner, String slotKey) {
        return "exec 2>&1\n" + RemoteScripts.hostAgent(owner, HostSlots.fileName(slotKey));
    }

    /**
     * Takes the host's throughput slot on the host.
     *
     * @return true when taken (or when this connection cannot run an agent: the controller's own slots then
     *         stand alone), false when another controller's test holds it
     * @throws ConnectionError if the agent cannot be started (the host cannot be reached or logged into), or
     *         stops answering twice in a row
     * @throws IperfCommandError if the host cannot run the agent (no {@code flock}, no state directory)
     */
    public boolean take() throws ConnectionError, IperfCommandError, InterruptedException {
        lock.lockInterruptibly();
        try (Connection.Waiting _ = connection.waitOn()) {
            boolean taken = takeLocked();
            if (taken && inTest == null) {
                inTest = connection.waitOn();
            }
            return taken;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The mark that a test of this controller holds the host ({@link Connection#waitOn}: its connection's heartbeats every
     * second, so that a host that falls silent under a test is found in seconds), from a {@link #take} that got the slot to
     * the test's {@link #park} or {@link #give}; null between tests. Every command to the agent holds a mark of its own
     * while it waits for its reply.
     */
    private Connection.Waiting inTest;

    /** The test that held the host has ended: nothing waits on it for that test any more. */
    private void leaveTest() {
        if (inTest != null) {
            inTest.close();
            inTest = null;
        }
    }

    private boolean takeLocked() throws ConnectionError, IperfCommandError, InterruptedException {
        parks++;
        busyHolder = "";
        givenByJob = false;
        for (int attempt = 0;; attempt++) {
            Running r = started();
            if (r == null) {
                return true;
            }
            if (service != null) {
                Optional<Boolean> taken = takeFromService();
                if (taken.isPresent()) {
                    return taken.get();
                }
            }
            Optional<HostReply> reply = ask(r, "take");
            if (reply.isPresent()) {
                return switch (reply.get().word()) {
                    case "taken" -> true;
                    case "busy" -> {
                        busyHolder = LogText.escape(reply.get().value());
                        yield false;
                    }
                    default -> throw new IperfCommandError("the session's agent on " + host + ": " + reply.get().value());
                };
            }
            // it ended (its connection was lost, or the host killed it) or stopped answering: once more, anew
            String why = why(r);
            end(r);
            if (attempt > 0) {
                throw new ConnectionError("the session's agent on " + host + " (" + connection.describe()
                        + ") did not answer" + why);
            }
        }
    }

    /**
     * Starts the agent if it does not run (which cleans up after the controllers gone from the host); does
     * nothing on a connection that cannot run one.
     *
     * @throws ConnectionError if the host cannot be reached or logged into
     * @throws IperfCommandError if the host cannot run the agent
     */
    public void start() throws ConnectionError, IperfCommandError, InterruptedException {
        lock.lockInterruptibly();
        try (Connection.Waiting _ = connection.waitOn()) {
            started();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A test's end: the host's slot stays taken for this controller's next test on the host, whose {@link #take} then costs
     * the host no {@code flock} process (one a host and test was the largest process a test forked beyond its two iperf3:
     * bench/fleet.py, stop 54), unless another controller's agent found the slot busy meanwhile (then it is given back at
     * once). It is given back after {@link #PARK} when no take came, and another controller that asks for it meanwhile gets
     * it at this controller's next take, which yields to it.
     */
    public void park() throws InterruptedException {
        lock.lockInterruptibly();
        try (Connection.Waiting _ = connection.waitOn()) {
            leaveTest();
            Running r = running;
            if (r == null || givenByJob) {
                // no agent, or the test's last job gave the slot back (streamLast)
                return;
            }
            if (service != null) {
                try {
                    if (service.ask(new SlotWire.Park(slotName)) instanceof SlotWire.Parked) {
                        giveBackAfterPark(r, ++parks);
                    }
                } catch (ConnectionError e) {
                    lostService(e);
                }
                return;
            }
            switch (ask(r, "park").map(HostReply::word).orElse("")) {
                case "parked" -> giveBackAfterPark(r, ++parks);
                case "given" -> { }
                default -> end(r);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives the slot parked as park number {@code mine} back after {@link #PARK}, unless a take or a give came since: at
     * the session's {@link AgentDeadlines}' next look after it (no thread until then), else on a virtual thread that
     * sleeps until then.
     */
    private void giveBackAfterPark(Running r, long mine) {
        Runnable giveBack = () -> {
            try {
                lock.lockInterruptibly();
                try {
                    if (parks == mine && (running == r || service != null) && !closed) {
                        giveLocked();
                    }
                } finally {
                    lock.unlock();
                }
            } catch (InterruptedException e) {
                // the JVM ends: the slot goes with the agent
            }
        };
        if (r.watched() != null) {
            r.watched().runAfter(System.nanoTime() + PARK.toNanos(), giveBack);
            return;
        }
        Thread.ofVirtual().name("agent-park").start(() -> {
            try {
                Thread.sleep(PARK);
            } catch (InterruptedException e) {
                return; // the JVM ends: the slot goes with the agent
            }
            giveBack.run();
        });
    }

    /**
     * Who held the slot at the last {@link #take} that found it busy: the name of the host's user whose session holds it when
     * that is another account's, "" for a session of this controller's own account.
     */
    public String busyHolder() {
        lock.lock();
        try {
            return busyHolder;
        } finally {
            lock.unlock();
        }
    }

    private String busyHolder = "";

    /** How long a parked slot ({@link #park}) stays taken with no take of this controller. */
    static final Duration PARK = Duration.ofMillis(500);
    /** Whether the slot was given back by the test's last job ({@link #streamLast}): its {@link #park} then sends nothing. */
    private boolean givenByJob;
    /** Slot commands (take, park, give) and jobs sent to the agent (under {@link #lock}). */
    private long commandsSent;
    /** Counts {@link #park}s and the calls that end one (a take, a give), so that a late timer gives back no later park. */
    private long parks;

    /** Gives the host's slot back (an agent that no longer answers has given it back with its end). */
    public void give() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            giveLocked();
        } finally {
            lock.unlock();
        }
    }

    private void giveLocked() throws InterruptedException {
        try (Connection.Waiting _ = connection.waitOn()) {
            leaveTest();
            giveAsked();
        }
    }

    private void giveAsked() throws InterruptedException {
        parks++;
        if (service != null) {
            try {
                service.ask(new SlotWire.Give(slotName));
            } catch (ConnectionError e) {
                lostService(e);
            }
            return;
        }
        Running r = running;
        if (r != null && ask(r, "give").filter(reply -> reply.word().equals("given")).isEmpty()) {
            end(r);
        }
    }

    /**
     * The host's slot from its host-slots service: true when taken, false when busy (with {@link #busyHolder} set); empty
     * when the service's connection was lost and could not be opened again (then this session's slots on the host are its
     * agent's, its own account's only, from now on: said once among the warnings).
     *
     * @throws IperfCommandError if the service refused the request (its words)
     */
    private Optional<Boolean> takeFromService() throws IperfCommandError, InterruptedException {
        for (int attempt = 0; attempt < 2 && service != null; attempt++) {
            SlotWire.Reply reply;
            try {
                reply = service.ask(new SlotWire.Take(slotName));
            } catch (ConnectionError e) {
                lostService(e);
                openService();
                continue;
            }
            switch (reply) {
                case SlotWire.Taken t -> {
                    return Optional.of(true);
                }
                case SlotWire.Busy b -> {
                    busyHolder = b.user().map(LogText::escape).orElse("");
                    return Optional.of(false);
                }
                case SlotWire.Refused e -> throw new IperfCommandError("the host-slots service on " + host + " refused a take: "
                        + LogText.escape(e.why()));
                default -> throw new IperfCommandError("the host-slots service on " + host + " answered a take with '"
                        + SlotWire.line(reply) + "'");
            }
        }
        return Optional.empty();
    }

    /** Where the host-slots service listens on every host. */
    static final String SERVICE_SOCKET = SlotService.SOCKET.toString();
    /** How long opening the service's connection and its greeting may take. */
    static final Duration SERVICE_OPEN_WAIT = Duration.ofSeconds(10);

    /**
     * Opens the connection to the host's host-slots service, once a connection of the agent's; when there is none (no service,
     * sshd does not forward to the host's sockets, a connection that cannot), says so once among the warnings: this session
     * then takes turns on the host with its own account's sessions only.
     */
    private void openService() throws InterruptedException {
        if (service != null || closed) {
            return;
        }
        try {
            service = SlotClient.open(connection, SERVICE_SOCKET, SERVICE_OPEN_WAIT);
            return;
        } catch (UnsupportedOperationException e) {
            noService = LogText.escape(e.getMessage());
        } catch (ConnectionError e) {
            noService = LogText.escape(e.getMessage());
        }
        if (!noServiceSaid) {
            noServiceSaid = true;
            warnings.add("no host-slots service here (" + noService + "): this session takes turns on the host with the other"
                    + " sessions of its own account only, not with other accounts' (iperf3j-host-slots.socket)");
        }
    }

    /** The service's connection failed: closed, so that its slots are free, and forgotten. */
    private void lostService(ConnectionError e) {
        if (service != null) {
            service.close();
            service = null;
            noService = LogText.escape(e.getMessage());
        }
    }

    /** This controller's connection to the host's host-slots service, when the host has one. */
    private SlotClient service;
    /** Why there is no service, when there is none. */
    private String noService = "";
    private boolean noServiceSaid;
    /** The host's slot as the service names it. */
    private final String slotName;

    /** Whether this agent takes the host's slot from its host-slots service (else from its own account's lock). */
    public boolean hasService() {
        lock.lock();
        try {
            return service != null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs a job's script ({@link RemoteScripts#serverStart}, {@link RemoteScripts#awaitExitThenKill}) in the agent's own
     * shell rather than on a channel of its own: no login shell, no {@code sh} for it on the host. The script's
     * replies come back as its output, its status as the last command's.
     *
     * @param wait whether to wait for the agent while another caller uses it; when false and it is busy (a server's
     *        start, up to its listen deadline), nothing runs: a stop does not queue behind a start
     * @return what the script printed and its status; empty when the agent cannot run it (no agent on this
     *         connection, not started, closed, busy without {@code wait}, or it ended or stopped answering, in which
     *         case its channel is dropped): the caller then runs it on a channel
     */
    public Optional<Connection.CommandResult> job(String script, Duration timeout, boolean wait) throws InterruptedException {
        StringBuilder out = new StringBuilder();
        JobEnd end = stream(script, timeout, wait, line -> out.append(line.asChannelLine()).append('\n'), () -> { });
        return end instanceof JobEnd.Exited(int status) ? Optional.of(new Connection.CommandResult(status, out.toString(), ""))
                : Optional.empty();
    }

    /** How a job that {@link #stream} sent ended, or that it sent none. */
    public sealed interface JobEnd {
        /** Not sent: no agent on this connection, not started, closed, or busy (the caller runs it on a channel). */
        record NotSent() implements JobEnd {
        }

        /** The script ran to its end with this status. */
        record Exited(int status) implements JobEnd {
        }

        /**
         * Sent, but the agent ended or gave no end by the deadline: the job's state on the host is unknown, and the
         * agent's channel was dropped (its next use starts a new agent).
         */
        record Lost(String why) implements JobEnd {
        }
    }

    /**
     * As {@link #job}, but each line the script prints goes to {@code lines} as it comes (up to
     * {@link #MAX_JOB_LINE_CHARS} of a line, longer ones cut with a note), for a job that runs long and prints much: a
     * client, whose output the controller writes down as it comes, or a server's output file. While such a job runs
     * ({@code long}), the agent takes no other job that waits for it: they go on channels of their own, as do jobs
     * that do not wait.
     *
     * @param wait whether to wait for the agent while another caller uses it briefly
     * @param sent called once the script is on its way, before its first line (not called when it is {@link JobEnd.NotSent})
     */
    public JobEnd stream(String script, Duration timeout, boolean wait, Consumer<JobLine> lines, Runnable sent)
            throws InterruptedException {
        return stream(script, timeout, wait, lines, sent, false);
    }

    /**
     * As {@link #stream}, for the test's last job on this host (its client; its server's end with the output): when no other
     * test of this controller waits for the host as it is sent (the constructor's {@code anotherTestWaits}: a rotating mesh's
     * next test on a host comes seconds later), the agent gives the slot back as the job exits 0 ({@code last N} in place of
     * {@code job N}), and the test's {@link #park} sends nothing. A park followed by its give-back 500 ms later was two
     * more commands to the host a test (issue 69). A job that exits with another status keeps the slot (a client tried
     * again, an output looked for again), for its park as before; so does one on a host whose slot is its host-slots
     * service's.
     */
    public JobEnd streamLast(String script, Duration timeout, Consumer<JobLine> lines, Runnable sent)
            throws InterruptedException {
        return stream(script, timeout, true, lines, sent, true);
    }

    private JobEnd stream(String script, Duration timeout, boolean wait, Consumer<JobLine> lines, Runnable sent, boolean last)
            throws InterruptedException {
        if (!(wait && !longJob ? lock.tryLock(REPLY_WAIT.toMillis(), TimeUnit.MILLISECONDS) : lock.tryLock())) {
            return new JobEnd.NotSent();
        }
        Connection.Waiting asking = connection.waitOn();
        try {
            Running r = running;
            if (r == null || closed) {
                return new JobEnd.NotSent();
            }
            boolean giving = last && service == null && inTest != null && !anotherTestWaits.getAsBoolean();
            try {
                r.in().write(framed(giving ? "last" : "job", script).getBytes(StandardCharsets.UTF_8));
                r.in().flush();
            } catch (IOException e) {
                end(r);
                return new JobEnd.NotSent();
            }
            jobsSent++;
            commandsSent++;
            longJob = timeout.compareTo(REPLY_WAIT) > 0;
            sent.run();
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                while (true) {
                    String line = readRawLine(r, deadline, MAX_JOB_LINE_CHARS);
                    if (line == null || line.equals(ENDED)) {
                        // no answer in time, or the agent is gone: a job cut short leaves the agent's state unknown
                        String why = (line == null ? "no end within " + timeout.toSeconds() + " s" : "the agent ended") + why(r);
                        end(r);
                        return new JobEnd.Lost(why);
                    }
                    Optional<HostReply> reply = r.reply(line);
                    if (reply.isPresent() && reply.get().word().equals("done")) {
                        return new JobEnd.Exited(Integer.parseInt(reply.get().value()));
                    }
                    if (giving && reply.isPresent() && reply.get().word().equals("given")) {
                        // the agent gave the slot back after the job: the test's end on this host
                        parks++;
                        givenByJob = true;
                        leaveTest();
                        continue;
                    }
                    if (reply.isPresent() && reply.get().word().equals("nap")) {
                        if (!napFor(r, reply.get().value(), deadline)) {
                            end(r);
                            return new JobEnd.Lost("the agent's nap could not be answered" + why(r));
                        }
                        continue;
                    }
                    lines.accept(new JobLine(line, reply));
                }
            } catch (InterruptedException | RuntimeException e) {
                // the rest of the job's output would be read as the next job's: the agent is dropped (a new one starts)
                end(r);
                throw e;
            }
        } finally {
            asking.close();
            longJob = false;
            lock.unlock();
        }
    }

    /**
     * Answers a job's {@code @@nap MS} (host-lib.sh's {@code nap}, in the listen check): sleeps MS, at most {@link #MAX_NAP}
     * and never past the job's deadline, then sends the empty line the shell waits for. The host forks no {@code sleep}
     * for it (0.9 ms of CPU each, about once a test: issue 69); the controller's part is a virtual thread's sleep and one
     * short write.
     *
     * @return false when the line could not be sent (the agent's input is gone)
     */
    private static boolean napFor(Running r, String value, long deadline) throws InterruptedException {
        long ms;
        try {
            ms = Math.clamp(Long.parseLong(value), 0, MAX_NAP.toMillis());
        } catch (NumberFormatException e) {
            ms = MAX_NAP.toMillis(); // a host's word is not trusted: a nap it cannot say is the longest
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        Thread.sleep(Math.max(0, Math.min(ms, left)));
        try {
            r.in().write('\n');
            r.in().flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The longest nap a job is given at a time (the listen check asks 5, 20 or 100 ms). */
    static final Duration MAX_NAP = Duration.ofMillis(100);

    /** Longest line of a job's output kept whole (a client's output line, at most as {@link RemoteIperf} keeps one). */
    static final int MAX_JOB_LINE_CHARS = RemoteIperf.MAX_LINE_CHARS;

    /** Jobs sent to the agent (under {@link #lock}). */
    private long jobsSent;

    /** How many jobs this agent was sent: a test's server host two (its start, then its end with its output), its client host one (the client). */
    long jobsSent() {
        lock.lock();
        try {
            return jobsSent;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the slot was given back by the test's last job ({@link #streamLast}), since this controller's last take. */
    public boolean gaveBackAfterLastJob() {
        lock.lock();
        try {
            return givenByJob;
        } finally {
            lock.unlock();
        }
    }

    /** How many commands this agent was sent: its jobs, and the slot's takes, parks and gives. */
    long commandsSent() {
        lock.lock();
        try {
            return commandsSent;
        } finally {
            lock.unlock();
        }
    }

    /** Set while a job that runs long (a client) holds the agent: jobs that would wait for it go on channels. */
    private volatile boolean longJob;

    /**
     * A job as the agent reads it: {@code job N} ({@code last N} for a test's last job on the host, {@link #streamLast}),
     * then its N lines. Counted, not ended by a line of its own: a value in the script that holds a newline (a quoted word
     * of a plan's, say) is one more line of the count, never the job's end.
     *
     * @throws IllegalArgumentException if the script holds a NUL, which no shell keeps
     */
    static String framed(String command, String script) {
        return command + " " + counted(script);
    }

    /**
     * {@code script}'s line count, then its lines, each ended by a newline: a job after its {@code job}, and the agent's own
     * script as {@code agent-start.sh} reads it from the channel's input.
     *
     * @throws IllegalArgumentException if the script holds a NUL, which no shell keeps
     */
    static String counted(String script) {
        if (script.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a job's script holds a NUL");
        }
        String body = script.endsWith("\n") ? script : script + "\n";
        long lines = body.chars().filter(c -> c == '\n').count();
        return lines + "\n" + body;
    }

    /** What the agent's start warned of (a shared slot folder it could not use); each told once. */
    public List<String> takeWarnings() {
        return drain(warnings);
    }

    /** What {@code list} holds, which it then no longer does. */
    private List<String> drain(List<String> list) {
        lock.lock();
        try {
            List<String> taken = List.copyOf(list);
            list.clear();
            return taken;
        } finally {
            lock.unlock();
        }
    }

    private final List<String> warnings = new ArrayList<>();

    /** The owners (controllers gone from this host) whose leftovers the agent's start cleaned up; each told once. */
    public List<String> takeCleaned() {
        return drain(cleaned);
    }

    /**
     * Ends the agent (the session's end: {@code bye}): it kills what its owner still runs on the host, removes its
     * state directory and exits; waited for up to {@link #BYE_WAIT}, then its channel is dropped. Later calls do nothing; a
     * {@link #take} after it starts no agent. An agent whose input ends without a {@code bye} (its controller died,
     * or the connection was lost) only exits: the next agent on the host takes its owner's runs for gone.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            leaveTest();
            closed = true;
            if (service != null) {
                service.close();
                service = null;
            }
            Running r = running;
            if (r == null) {
                return;
            }
            try {
                r.in().write("bye\n".getBytes(StandardCharsets.US_ASCII));
                r.in().close();
                r.process().waitFor(BYE_WAIT);
            } catch (IOException | ConnectionError e) {
                // the channel is gone, and with it the agent's input
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            end(r);
        } finally {
            lock.unlock();
        }
    }

    /** The running agent, started if none runs; null when the connection cannot run one. */
    private Running started() throws ConnectionError, IperfCommandError, InterruptedException {
        if (running != null) {
            return running;
        }
        if (unsupported || closed) {
            return null;
        }
        Connection.RemoteProcess p;
        try {
            p = connection.startWithInput(RemoteScripts.agentStart());
        } catch (UnsupportedOperationException e) {
            unsupported = true;
            return null;
        }
        byte[] key = new byte[KEY_BYTES];
        KEYS.nextBytes(key);
        String hex = java.util.HexFormat.of().formatHex(key);
        // watched for its parks' ends whatever its output; for its replies' deadlines where its reads can wait (SSH)
        AgentDeadlines.Watched wait = deadlines != null ? deadlines.watch(p.stdout()) : null;
        Running r = new Running(p, p.stdin(), new PendingLines(), new ArrayList<>(), "@@" + hex + " ", wait);
        try {
            // the script first (agent-start.sh reads it), then the agent's own first line, its reply key
            r.in().write((counted(script(owner, slotKey)) + hex + "\n").getBytes(StandardCharsets.UTF_8));
            r.in().flush();
        } catch (IOException e) {
            end(r);
            throw new ConnectionError("the session's agent on " + host + " (" + connection.describe() + ") did not start: "
                    + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        while (true) {
            Optional<HostReply> line = readLine(r, deadline);
            if (line == null || line.isEmpty()) {
                String why = why(r);
                end(r);
                throw new ConnectionError("the session's agent on " + host + " (" + connection.describe() + ") did not start"
                        + (line == null ? " within " + READY_WAIT.toSeconds() + " s" : "") + why);
            }
            HostReply reply = line.get();
            switch (reply.word()) {
                case "ready" -> {
                    running = r;
                    openService();
                    return r;
                }
                case "cleaned" -> cleaned.add(LogText.escape(reply.value()));
                case "warning" -> warnings.add(LogText.escape(reply.value()));
                case "error" -> {
                    String why = why(r);
                    end(r);
                    throw new IperfCommandError("the session's agent on " + host + ": " + LogText.escape(reply.value()) + why);
                }
                default -> {
                    // a reply of no meaning here: passed over
                }
            }
        }
    }

    /** Sends one command; its reply, or empty when the agent ended or did not answer in time. */
    private Optional<HostReply> ask(Running r, String command) throws InterruptedException {
        try {
            r.in().write((command + "\n").getBytes(StandardCharsets.US_ASCII));
            r.in().flush();
        } catch (IOException e) {
            return Optional.empty();
        }
        commandsSent++;
        Optional<HostReply> reply = readLine(r, System.nanoTime() + REPLY_WAIT.toNanos());
        return reply == null ? Optional.empty() : reply;
    }

    /**
     * The agent's next reply ({@link HostReply}; any other line it printed, such as a shell's error, is kept for
     * {@link #why}): empty at the end of its output, null when none came by {@code deadline}.
     */
    private static Optional<HostReply> readLine(Running r, long deadline) throws InterruptedException {
        while (true) {
            String line = readRawLine(r, deadline);
            if (line == null) {
                return null;
            }
            if (line.equals(ENDED)) {
                return Optional.empty();
            }
            Optional<HostReply> reply = r.reply(line);
            if (reply.isPresent()) {
                return reply;
            }
            if (r.said().size() < 20) {
                r.said().add(line);
            }
        }
    }

    /** What {@link #readRawLine} returns at the end of the agent's output (no line holds a NUL). */
    private static final String ENDED = "\0";

    /** The agent's next line, whatever it is: {@link #ENDED} at the end of its output, null when none came by {@code deadline}. */
    private static String readRawLine(Running r, long deadline) throws InterruptedException {
        return readRawLine(r, deadline, MAX_REPLY_CHARS);
    }

    /** Longest line of the agent's own kept whole: its replies are short, and so is a shell's error. */
    private static final int MAX_REPLY_CHARS = MAX_STDERR * 4;
    /** Bytes a blocking read of the agent's output takes at most (a line longer than that comes in more reads). */
    private static final int READ_CHUNK = 4096;
    /** The longest wait between two looks at an agent that has printed nothing (a client's job prints little for seconds). */
    private static final long MAX_POLL_MILLIS = 50;

    /**
     * The agent's next line, up to {@code cap} bytes of it (the rest of a longer line is dropped, and the line ends in
     * {@code " [cut]"}): {@link #ENDED} at the end of its output, null when none came by {@code deadline}. An SSH
     * channel's output is waited for in its read ({@link TimedRead}); another stream (a local process's pipe) is looked
     * at every {@link #POLL_MILLIS} at first, and less often, up to {@link #MAX_POLL_MILLIS}, while none comes.
     */
    private static String readRawLine(Running r, long deadline, int cap) throws InterruptedException {
        InputStream out = r.process().stdout();
        long pause = 1;
        // made when a read is needed, not for each line: most lines are in what the last read brought, and a chunk
        // for each of a -J document's 150 lines was 600 KB a test for the collector (issue 69)
        byte[] chunk = null;
        boolean timed = TimedRead.supports(out);
        while (true) {
            String line = r.pending().next(cap);
            if (line != null) {
                return line;
            }
            try {
                if (timed) {
                    if (chunk == null) {
                        chunk = new byte[READ_CHUNK];
                    }
                    // an SSH channel: wait in its read until bytes come or the deadline (available() is -1 once it is
                    // closed: the read then says so). Not in steps of a second: each step that ran out was a timed task
                    // of the JDK's delay scheduler and an exception of MINA's, twice a 2 s client's job (issue 69)
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0 && out.available() == 0) {
                        return null;
                    }
                    AgentDeadlines.Watched w = r.watched();
                    int got;
                    if (w != null) {
                        // the deadline kept by the session's AgentDeadlines, which closes the stream once it passed
                        w.arm(deadline);
                        try {
                            got = TimedRead.readWaiting(out, chunk);
                        } finally {
                            w.disarm();
                        }
                    } else {
                        got = TimedRead.read(out, chunk, left);
                    }
                    if (got < 0) {
                        return endedOrLate(r);
                    }
                    r.pending().append(chunk, got);
                    continue;
                }
                int n = out.available();
                if (n > 0) {
                    byte[] b = new byte[Math.min(n, 64 * 1024)];
                    int k = out.read(b);
                    if (k < 0) {
                        return ENDED;
                    }
                    r.pending().append(b, k);
                    pause = 1;
                    continue;
                }
                // available() is -1 at the end of a closed channel's output (MINA's ChannelPipedInputStream); a local
                // process's pipe says 0 at its end, so its end is looked for once the wait is long (a look costs a timed wait)
                if (n < 0 || pause >= MAX_POLL_MILLIS && ended(r.process()) && out.available() <= 0) {
                    return ENDED;
                }
            } catch (IOException e) {
                return endedOrLate(r);
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            Thread.sleep(pause);
            pause = Math.min(MAX_POLL_MILLIS, Math.max(POLL_MILLIS, pause * 2));
        }
    }

    /**
     * What a read that ended says: null (the deadline) when the session's {@link AgentDeadlines} closed the stream because
     * the deadline passed, else {@link #ENDED} (the agent's end).
     */
    private static String endedOrLate(Running r) {
        return r.watched() != null && r.watched().expired() ? null : ENDED;
    }

    /**
     * The bytes of the agent's output not yet returned as lines. A line longer than its cap keeps its first bytes, and
     * the rest up to its newline is dropped as it comes; a line is scanned for its end once.
     */
    private static final class PendingLines {
        /** Grown as lines need (at most a line's cap and a read): 8 KiB from the start was 1.6 MiB of a 200-host controller. */
        private byte[] buf = new byte[1024];
        /** The bytes [start, end) are not yet returned; [start, scanned) hold no newline. */
        private int start;
        private int end;
        private int scanned;
        /** The line being read went over its cap: what comes up to its newline is dropped. */
        private boolean dropping;
        private boolean cut;

        void append(byte[] b, int n) {
            int from = 0;
            if (dropping) {
                while (from < n && b[from] != '\n') {
                    from++;
                }
                if (from == n) {
                    return;
                }
                dropping = false;
            }
            int len = n - from;
            if (start > 0 && end + len > buf.length) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                scanned -= start;
                start = 0;
            }
            if (end + len > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, end + len));
            }
            System.arraycopy(b, from, buf, end, len);
            end += len;
        }

        /** The next whole line, or null when none is here yet. */
        String next(int cap) {
            for (int i = scanned; i < end; i++) {
                if (buf[i] == '\n') {
                    // a line that came whole in one read may be longer than the cap: it is cut as one that came in parts
                    boolean over = cut || i - start > cap;
                    String line = new String(buf, start, Math.min(i - start, cap), StandardCharsets.UTF_8) + (over ? " [cut]" : "");
                    start = i + 1;
                    scanned = start;
                    cut = false;
                    if (start == end) {
                        start = 0;
                        end = 0;
                        scanned = 0;
                    }
                    return line;
                }
            }
            scanned = end;
            if (end - start > cap) {
                end = start + cap;
                scanned = end;
                dropping = true;
                cut = true;
            }
            return null;
        }
    }

    /** Whether the agent's process (its channel) has ended. */
    private static boolean ended(Connection.RemoteProcess p) throws InterruptedException {
        try {
            return p.waitFor(Duration.ofMillis(1)).isPresent();
        } catch (ConnectionError e) {
            return true;
        }
    }

    /** Drops the agent's channel; the host sees the end of its input and the agent lets go of its locks. */
    private void end(Running r) {
        if (r.watched() != null) {
            r.watched().unwatch();
        }
        r.process().close();
        if (running == r) {
            running = null;
        }
    }

    /** ": " and what else the agent printed (a shell's error), or nothing. */
    private static String why(Running r) {
        String s = LogText.escape(String.join("; ", r.said()).strip());
        if (s.length() > MAX_STDERR) {
            s = s.substring(s.length() - MAX_STDERR);
        }
        return s.isEmpty() ? "" : ": " + s;
    }
}
