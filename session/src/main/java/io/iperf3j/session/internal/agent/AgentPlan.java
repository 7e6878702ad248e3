package io.iperf3j.session.internal.agent;

import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.internal.plan.PlanFile;
import io.iperf3j.session.internal.schedule.LivePlan;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The plan an agent runs, from a file or an {@code http(s)} URL, read again before each run (issue 69; as the controller's
 * {@link LivePlan}): a file when its bytes changed, a URL with {@code If-None-Match} and the {@code ETag} it last got
 * ({@link PlanFetch}: a 304 is unchanged). A version is named by the SHA-256 of its bytes ({@link Version#id},
 * {@code sha256:} and 12 hex digits), the same for a file and a URL, whatever ETag a server gives, so that the records of
 * hosts that read it from different places can be checked to agree. A run takes the version it was read for and keeps it to
 * its end ({@link #forRun}).
 *
 * <p>A new version is taken only when it reads and checks as at the start: it parses (a URL's as untrusted input,
 * {@link PlanFile#parseUntrusted}), this host is still in it with the same id, address and port (its server listens there),
 * its schedule is the same (run numbers come from it), and its runs fit in the period. Otherwise it is refused with a line
 * that names why, and the agent goes on with the version it had; a URL that cannot be read (down, an error status, the
 * deadline) is a warning, the old version kept. Each reason is said once until the plan reads again.
 *
 * <p>Threads: the agent's run loop only ({@link #current} from any).
 */
public final class AgentPlan implements AutoCloseable {
    /** How long before a run's start its plan is read again (at most: not before the previous run's end). */
    public static final Duration READ_AHEAD = Duration.ofSeconds(15);
    /** The longest a URL's read may take. */
    static final Duration FETCH_DEADLINE = Duration.ofSeconds(10);
    /** The shortest: a run whose start is this close still gets its read. */
    static final Duration MIN_FETCH_DEADLINE = Duration.ofSeconds(1);

    /**
     * One version of the plan, checked for this host.
     *
     * @param plan the plan
     * @param me this host of it
     * @param timetable its timetable
     * @param id {@code sha256:} and the first 12 hex digits of the SHA-256 of its bytes
     * @param port the one port this host receives its tests on ({@link AgentLoop#port})
     */
    public record Version(Plan plan, Node me, AgentTimetable timetable, String id, int port) {
        /** Checks presence. */
        public Version {
            Objects.requireNonNull(plan, "plan");
            Objects.requireNonNull(me, "me");
            Objects.requireNonNull(timetable, "timetable");
            Objects.requireNonNull(id, "id");
        }
    }

    private final String name;
    private final Optional<Path> file;
    private final Optional<PlanFetch> fetch;
    private final Optional<String> hostId;
    private final List<String> own;
    private final Duration margin;
    private volatile Version current;
    private Optional<String> etag = Optional.empty();
    private Instant readAt = Instant.now();
    private String lastRefusal;

    private AgentPlan(String name, Optional<Path> file, Optional<PlanFetch> fetch, Optional<String> hostId, List<String> own,
            Duration margin) {
        this.name = name;
        this.file = file;
        this.fetch = fetch;
        this.hostId = hostId;
        this.own = List.copyOf(own);
        this.margin = margin;
    }

    /**
     * Reads the plan at {@code plan} (a file, or an {@code http://} or {@code https://} URL) for the first time.
     *
     * @param hostId {@code --host-id}, if given
     * @param own this machine's addresses ({@link AgentHost#ownAddresses})
     * @throws IperfConfigurationError when it cannot be read or does not parse, naming the file or URL
     * @throws IllegalArgumentException when it does not suit an agent: no host of it is this one, its tests toward this host
     *         on several ports, runs longer than its period
     */
    public static AgentPlan open(String plan, Optional<String> hostId, List<String> own, Duration margin)
            throws IperfConfigurationError {
        AgentPlan p;
        if (PlanFetch.isUrl(plan)) {
            URI uri;
            try {
                uri = new URI(plan);
            } catch (URISyntaxException e) {
                throw new IperfConfigurationError(plan + ": not a URL: " + e.getReason());
            }
            PlanFetch f;
            try {
                f = new PlanFetch(uri);
            } catch (IllegalArgumentException e) {
                throw new IperfConfigurationError(e.getMessage());
            }
            p = new AgentPlan(plan, Optional.empty(), Optional.of(f), hostId, own, margin);
        } else {
            p = new AgentPlan(plan, Optional.of(Path.of(plan)), Optional.empty(), hostId, own, margin);
        }
        try {
            byte[] bytes;
            try {
                bytes = p.read(FETCH_DEADLINE).orElseThrow();
            } catch (IOException e) {
                throw new IperfConfigurationError(e.getMessage());
            }
            p.current = p.check(bytes);
        } catch (IperfConfigurationError | RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** Whether {@code plan} is a URL ({@code http://} or {@code https://}) rather than a file. */
    public static boolean isUrl(String plan) {
        return PlanFetch.isUrl(plan);
    }

    /** The version that runs now. */
    public Version current() {
        return current;
    }

    /** The file or URL, as given. */
    public String name() {
        return name;
    }

    /**
     * The version run {@code run}, due at {@code runStart}, runs with: the plan read again (a URL within
     * {@link #FETCH_DEADLINE}, less when the run is sooner), taken when it changed and checks, else the version it had. What
     * changed, or why a version was not taken, goes to {@code notes}.
     */
    public Version forRun(long run, Instant runStart, Consumer<String> notes) {
        Duration until = Duration.between(Instant.now(), runStart);
        Duration deadline = until.compareTo(FETCH_DEADLINE) > 0 ? FETCH_DEADLINE
                : until.compareTo(MIN_FETCH_DEADLINE) < 0 ? MIN_FETCH_DEADLINE : until;
        Optional<byte[]> bytes;
        try {
            bytes = read(deadline);
        } catch (IOException | IperfConfigurationError e) {
            refuse(run, "not read: " + e.getMessage(), notes);
            return current;
        }
        if (bytes.isEmpty() || id(bytes.get()).equals(current.id())) {
            lastRefusal = null;
            return current;
        }
        Version next;
        try {
            next = check(bytes.get());
            same(next);
        } catch (IperfConfigurationError | RuntimeException e) {
            refuse(run, "version " + id(bytes.get()) + " not taken: " + e.getMessage(), notes);
            return current;
        }
        String change = LivePlan.change(current.plan(), next.plan());
        current = next;
        readAt = Instant.now();
        lastRefusal = null;
        notes.accept("[run " + run + "] plan " + name + " read again: version " + next.id() + etag.map(e -> " (ETag " + e + ")").orElse("")
                + ", " + next.plan().tests().size() + " test(s) on " + next.plan().hosts().size() + " host(s)"
                + (change.isEmpty() ? "" : " (" + change + ")"));
        return next;
    }

    private void refuse(long run, String why, Consumer<String> notes) {
        if (!why.equals(lastRefusal)) {
            notes.accept("warning: [run " + run + "] plan " + name + " " + why + "; the agent goes on with version " + current.id()
                    + " (read at " + readAt + ")");
        }
        lastRefusal = why;
    }

    /** The plan's bytes; empty when the URL answered 304 to the ETag last got. */
    private Optional<byte[]> read(Duration deadline) throws IOException, IperfConfigurationError {
        if (file.isPresent()) {
            return Optional.of(PlanFile.readText(file.get()).getBytes(StandardCharsets.UTF_8));
        }
        PlanFetch f = fetch.orElseThrow();
        return switch (f.fetch(etag, deadline)) {
            case PlanFetch.Answer.Unchanged u -> Optional.empty();
            case PlanFetch.Answer.Body b -> {
                etag = b.etag();
                yield Optional.of(b.bytes());
            }
        };
    }

    /** A version of {@code bytes}, checked for this host as at the start. */
    private Version check(byte[] bytes) throws IperfConfigurationError {
        Plan plan;
        if (file.isPresent()) {
            plan = PlanFile.parseFile(file.get(), new String(bytes, StandardCharsets.UTF_8));
        } else {
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new IperfConfigurationError(name + ": the plan is not UTF-8 text");
            }
            try {
                plan = PlanFile.parseUntrusted(text);
            } catch (IperfConfigurationError e) {
                throw new IperfConfigurationError(name + ": " + e.getMessage());
            }
        }
        Node me = AgentHost.find(plan, hostId, own);
        AgentTimetable timetable = new AgentTimetable(plan, margin);
        timetable.checkPeriod();
        return new Version(plan, me, timetable, id(bytes), AgentLoop.port(plan, me));
    }

    /** Refuses what only a restart changes: this host's id, address and port, the schedule. */
    private void same(Version next) {
        Version now = current;
        if (!next.me().id().equals(now.me().id())) {
            throw new IllegalArgumentException("this host is " + next.me().id() + " in it, " + now.me().id()
                    + " in the plan running: restart the agent to take it");
        }
        if (!AgentHost.literal(next.me().address()).equals(AgentHost.literal(now.me().address()))) {
            throw new IllegalArgumentException("host " + now.me().id() + "'s address changes from " + now.me().address() + " to "
                    + next.me().address() + ": restart the agent to take it");
        }
        if (now.port() != next.port()) {
            throw new IllegalArgumentException("host " + now.me().id() + " receives on port " + next.port() + " in it, " + now.port()
                    + " in the plan running: restart the agent to take it");
        }
        if (!next.plan().schedule().equals(now.plan().schedule())) {
            throw new IllegalArgumentException("its schedule is not the plan running's: restart the agent to take it");
        }
    }

    /** The version's name of a plan's bytes: {@code sha256:} and the first 12 hex digits of their SHA-256. */
    static String id(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    /** Closes a URL's HTTP client. */
    @Override
    public void close() {
        fetch.ifPresent(PlanFetch::close);
    }
}
