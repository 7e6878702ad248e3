package io.iperf3j.session.internal.schedule;

import io.iperf3j.session.internal.output.PlanOutputDirectory;
import io.iperf3j.session.internal.output.RunRecord;
import io.iperf3j.session.internal.output.TestsFile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iperf3j.session.Plan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import io.iperf3j.session.internal.files.OwnFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import io.iperf3j.session.internal.result.RunFigures;

/**
 * A scheduled session's book in its output directory: {@code tests.jsonl}, one line per (run, test) whether
 * it ran, failed or was skipped (written by {@link TestsFile}, rotated by size); and {@link #STATE_FILE}, replaced atomically after every line: when run 1 started, the first run
 * not wholly accounted for, the highest run recorded, and each test's last figures. A session restarted on the
 * same directory (after a crash or a SIGKILL) takes its schedule up where it was: {@code tests.jsonl} is the
 * truth for the runs still open (a line written just before the kill, its state not yet, counts), so no
 * (run, test) gets a second line, and the open runs' other tests still run, or are recorded as skipped when
 * their slip has passed while the session was down; none is lost. A torn last line (a kill mid-write) is cut.
 * A plan whose tests or period changed starts a new schedule, its runs numbered on from the last.
 *
 * <p>Threads: one thread at a time (the dispatcher's outcome thread) calls {@link #accept}.
 */
public final class ScheduleState implements java.util.function.Consumer<RunRecord> {
    /** The state file's name. */
    public static final String STATE_FILE = PlanOutputDirectory.STATE_FILE;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final int perRun;
    private final String planKey;
    private final Instant start;
    private final long firstRun;
    private final Set<String> done = new HashSet<>();
    private final TreeMap<Long, Integer> accounted = new TreeMap<>();
    private final Map<String, RunFigures> last = new LinkedHashMap<>();
    private long firstOpen;
    private long maxRun;

    private ScheduleState(Path dir, int perRun, String planKey, Instant start, long firstRun) {
        this.dir = dir;
        this.perRun = perRun;
        this.planKey = planKey;
        this.start = start;
        this.firstRun = firstRun;
        this.firstOpen = firstRun;
        this.maxRun = firstRun - 1;
    }

    /** Whether {@code dir} holds a schedule's state. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(STATE_FILE));
    }

    /**
     * Opens the book in {@code dir} for {@code tests} on {@code schedule}: a new schedule starting {@code now},
     * or the one the state file holds.
     *
     * @throws IOException if a file cannot be read or written, or the state file is not one this class wrote
     */
    public static ScheduleState open(Path dir, List<Plan.Test> tests, Plan.Schedule schedule, Instant now)
            throws IOException {
        Files.createDirectories(dir);
        String key = planKey(tests, schedule.every());
        Path statePath = dir.resolve(STATE_FILE);
        cutTornLine(TestsFile.file(dir, 0));
        OwnFiles.checkRegular(statePath, true);
        if (!Files.exists(statePath, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return new ScheduleState(dir, tests.size(), key, now, 1);
        }
        JsonNode s;
        try {
            s = JSON.readTree(Files.readString(statePath));
            if (!s.path("start").isTextual() || !s.path("first_open_run").canConvertToLong() || !s.path("max_run").canConvertToLong()) {
                throw new IOException("missing start, first_open_run or max_run");
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException(statePath + " is not a schedule state: " + e.getMessage(), e);
        }
        Instant oldStart = Instant.parse(s.get("start").asText());
        long maxRun = s.get("max_run").asLong();
        ScheduleState st;
        if (key.equals(s.path("plan").asText())) {
            st = new ScheduleState(dir, tests.size(), key, oldStart, s.get("first_open_run").asLong());
            st.scan(tests);
        } else {
            long next = maxRun + 1;
            st = new ScheduleState(dir, tests.size(), key, now.minus(schedule.every().multipliedBy(next - 1)), next);
        }
        st.maxRun = Math.max(st.maxRun, maxRun);
        JsonNode lastNode = s.path("last");
        for (Plan.Test t : tests) {
            if (lastNode.path(t.id()).isObject()) {
                st.last.put(t.id(), figures(lastNode.get(t.id())));
            }
        }
        return st;
    }

    /** When run 1 started (a restarted schedule's own). */
    public Instant start() {
        return start;
    }

    /** The first run a restarted schedule generates: the first not wholly accounted for (1 for a new one). */
    public long firstRun() {
        return firstRun;
    }

    /** Whether (run, test id) already has its line (every test of a run before {@link #firstOpenRun} has). */
    public boolean done(long run, String id) {
        return run < firstOpen || done.contains(run + "\0" + id);
    }

    /** Each test's last figures, from before the restart. */
    public Map<String, RunFigures> last() {
        return Map.copyOf(last);
    }

    /** The first run not wholly accounted for now. */
    public long firstOpenRun() {
        return firstOpen;
    }

    /**
     * Books a run of a test: its line is in {@code tests.jsonl} already ({@link TestsFile} comes first among a
     * schedule's sinks), so the state file, replaced now, never counts a run the file does not hold.
     */
    @Override
    public void accept(RunRecord r) {
        try {
            account(r.run(), r.test().id());
            last.put(r.test().id(), r.figures());
            writeState();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void account(long run, String id) {
        done.add(run + "\0" + id);
        maxRun = Math.max(maxRun, run);
        accounted.merge(run, 1, Integer::sum);
        while (accounted.getOrDefault(firstOpen, 0) >= perRun) {
            accounted.remove(firstOpen);
            long closed = firstOpen++;
            done.removeIf(k -> k.startsWith(closed + "\0"));
        }
    }

    /** The open runs' lines in the kept files, oldest first: what is done already. */
    private void scan(List<Plan.Test> tests) throws IOException {
        Set<String> ids = new HashSet<>();
        tests.forEach(t -> ids.add(t.id()));
        for (int i = TestsFile.KEPT; i >= 0; i--) {
            Path f = TestsFile.file(dir, i);
            if (!Files.exists(f)) {
                continue;
            }
            int n = 0;
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode j;
                try {
                    j = JSON.readTree(line);
                } catch (IOException e) {
                    throw new IOException(f + " line " + n + " is not a result: " + e.getMessage(), e);
                }
                long run = j.path("run").asLong(0);
                String id = j.path("id").asText();
                if (run >= firstOpen && ids.contains(id) && !done.contains(run + "\0" + id)) {
                    account(run, id);
                }
            }
        }
    }

    private static void cutTornLine(Path results) throws IOException {
        OwnFiles.checkRegular(results, true);
        if (!Files.exists(results, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.size(results) == 0) {
            return;
        }
        try (FileChannel ch = FileChannel.open(results, StandardOpenOption.READ, StandardOpenOption.WRITE,
                java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            long keep = size;
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                ch.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < size) {
                ch.truncate(keep);
            }
        }
    }

    private void writeState() throws IOException {
        ObjectNode s = JSON.createObjectNode();
        s.put("plan", planKey);
        s.put("start", start.toString());
        s.put("first_open_run", firstOpen);
        s.put("max_run", maxRun);
        ObjectNode l = s.putObject("last");
        last.forEach((id, f) -> l.set(id, json(f)));
        // a new file renamed over the name: never written through a link there (issue 55)
        OwnFiles.replace(dir.resolve(STATE_FILE), JSON.writeValueAsString(s) + "\n");
    }

    /** What identifies a schedule: its period and its tests' ids, in order (a SHA-256, not the list). */
    static String planKey(List<Plan.Test> tests, Duration every) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            md.update(("every=" + every.toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
            for (Plan.Test t : tests) {
                md.update((t.id() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode json(RunFigures f) {
        ObjectNode o = JSON.createObjectNode();
        o.put("run", f.run());
        o.put("ok", f.ok());
        if (f.skipped()) {
            o.put("skipped", true);
            o.put("ended_unix_seconds", f.endedUnixSeconds());
            return o;
        }
        o.put("received_bits_per_second", f.receivedBitsPerSecond());
        o.put("sent_bits_per_second", f.sentBitsPerSecond());
        o.put("received_bytes", f.receivedBytes());
        if (f.retransmits().isPresent()) {
            o.put("retransmits", f.retransmits().getAsLong());
        }
        optional(o, "rtt_seconds", f.rttSeconds());
        optional(o, "loss_percent", f.lossPercent());
        optional(o, "jitter_seconds", f.jitterSeconds());
        o.put("duration_seconds", f.durationSeconds());
        o.put("ended_unix_seconds", f.endedUnixSeconds());
        if (!f.limits().isEmpty()) {
            com.fasterxml.jackson.databind.node.ArrayNode why = o.putArray("why");
            for (RunFigures.Limit l : f.limits()) {
                why.addObject().put("from", l.from()).put("to", l.to()).put("cause", l.cause().key());
            }
        }
        return o;
    }

    private static void optional(ObjectNode o, String key, OptionalDouble v) {
        if (v.isPresent() && Double.isFinite(v.getAsDouble())) {
            o.put(key, v.getAsDouble());
        }
    }

    private static RunFigures figures(JsonNode o) {
        if (o.path("skipped").asBoolean(false)) {
            return RunFigures.skipped(o.path("run").asLong(), o.path("ended_unix_seconds").asDouble());
        }
        return new RunFigures(o.path("run").asLong(), o.path("ok").asBoolean(), o.path("received_bits_per_second").asDouble(),
                o.path("sent_bits_per_second").asDouble(), o.path("received_bytes").asLong(),
                o.has("retransmits") ? OptionalLong.of(o.get("retransmits").asLong()) : OptionalLong.empty(),
                opt(o, "rtt_seconds"), opt(o, "loss_percent"), opt(o, "jitter_seconds"), o.path("duration_seconds").asDouble(),
                o.path("ended_unix_seconds").asDouble(), limits(o.path("why")));
    }

    /** A state file's {@code why} (written since issue 47); a cause this build does not know is left out. */
    private static java.util.List<RunFigures.Limit> limits(JsonNode why) {
        java.util.List<RunFigures.Limit> out = new java.util.ArrayList<>();
        for (JsonNode l : why) {
            try {
                out.add(new RunFigures.Limit(l.path("from").asText(), l.path("to").asText(),
                        io.iperf3j.Cause.ofKey(l.path("cause").asText())));
            } catch (IllegalArgumentException e) {
                // not guessed
            }
        }
        return out;
    }

    private static OptionalDouble opt(JsonNode o, String key) {
        return o.path(key).isNumber() ? OptionalDouble.of(o.get(key).asDouble()) : OptionalDouble.empty();
    }
}
