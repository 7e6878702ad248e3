package io.iperf3j.session.internal.schedule;

import io.iperf3j.session.internal.output.PlanOutputDirectory;
import io.iperf3j.session.internal.output.RecordedResults;
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
 * it ran, failed or was skipped (written by {@link TestsFile}, rotated by size); and {@link #STATE_FILE}, replaced atomically
 * when a run closes (and when the plan in force changes): when run 1 started, the first run not wholly accounted for, the
 * highest run recorded, and each test's last figures. Not after every line: the file holds every test's figures, so
 * replacing it a line cost a run of N tests N times N figures (2.5 GB a run of a 96-host mesh). A session restarted on the
 * same directory (after a crash or a SIGKILL) takes its schedule up where it was: {@code tests.jsonl} is the
 * truth for the runs still open (their lines give the tests done, the highest run and the newer last figures), so no
 * (run, test) gets a second line, and the open runs' other tests still run, or are recorded as skipped when
 * their slip has passed while the session was down; none is lost. A torn last line (a kill mid-write) is cut.
 * A plan whose tests changed keeps the schedule (its runs' times and numbers), a plan whose period changed starts a new
 * one numbered on from the last; either way the open runs' tests that the new plan no longer has are named
 * ({@link #cutByTheChange()}), never dropped unsaid (issue 66). The ids of the plan in force are in {@link #TESTS_FILE},
 * written when they change. A plan read again while the session runs gives each run its own tests ({@link #expect}); a run
 * is closed when each of its tests has its line, and {@link #onClose} is told with its counts (the schedule that falls
 * behind says so).
 *
 * <p>Threads: one thread at a time (the dispatcher's outcome thread) calls {@link #accept}.
 */
public final class ScheduleState implements java.util.function.Consumer<RunRecord> {
    /** The state file's name. */
    public static final String STATE_FILE = PlanOutputDirectory.STATE_FILE;
    /** The ids of the plan's tests in force, after its key: what a restart with another plan names of the open runs. */
    public static final String TESTS_FILE = PlanOutputDirectory.SCHEDULE_TESTS_FILE;
    /** The most test names a line about cut or missing tests lists (the count is always whole). */
    static final int NAMED = 20;

    /**
     * A run whose every test has its line.
     *
     * @param run the run
     * @param tests its tests
     * @param skipped how many of them were skipped
     * @param began when the run began ({@link #runStart})
     * @param lastEnd when its last test ended or was given up
     */
    public record RunClosed(long run, int tests, int skipped, Instant began, Instant lastEnd) {
    }
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    /** The plan's tests in force: a run not told ({@link #expect}) has those that run in it ({@link Plan.Test#runsIn}). */
    private List<Plan.Test> planTests;
    private String planKey;
    private final Duration every;
    /** The open runs' tests, for the runs generated with a plan read again (others have {@link #planTests}). */
    private final TreeMap<Long, List<String>> runTests = new TreeMap<>();
    /** The open runs' skipped tests, and when their last line came. */
    private final TreeMap<Long, Integer> runSkips = new TreeMap<>();
    private final TreeMap<Long, Instant> runLastEnd = new TreeMap<>();
    private java.util.function.Consumer<RunClosed> onClose = c -> { };
    private final List<String> cut = new java.util.ArrayList<>();
    private final Instant start;
    private final long firstRun;
    private final Set<String> done = new HashSet<>();
    private final TreeMap<Long, Integer> accounted = new TreeMap<>();
    private final Map<String, RunFigures> last = new LinkedHashMap<>();
    /** The open runs' lines' figures as a restart read them, by test id (the newest by its end); merged into {@link #last}. */
    private final Map<String, RunFigures> lastOfLines = new java.util.HashMap<>();
    private long firstOpen;
    private long maxRun;
    /** True while a restart reads the lines: runs closed then are written once, by {@link #open}. */
    private boolean scanning;

    private ScheduleState(Path dir, List<Plan.Test> tests, Duration every, Instant start, long firstRun) {
        this.dir = dir;
        this.planTests = List.copyOf(tests);
        this.every = every;
        this.planKey = planKey(tests, every);
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
            ScheduleState st = new ScheduleState(dir, tests, schedule.every(), now, 1);
            st.writeTests();
            // at once: a folder with lines and no state is another kind of run's (a restart refuses it)
            st.writeState();
            return st;
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
        long firstOpen = s.get("first_open_run").asLong();
        String oldKey = s.path("plan").asText();
        boolean samePeriod = s.path("every_ms").asLong(-1) == schedule.every().toMillis();
        ScheduleState st;
        TreeMap<Long, Set<String>> seen = new TreeMap<>();
        if (key.equals(oldKey) || samePeriod) {
            // the same schedule: its open runs go on, with this plan's tests
            st = new ScheduleState(dir, tests, schedule.every(), oldStart, firstOpen);
            st.scan(tests, tests, seen, firstOpen);
        } else {
            // the highest run recorded is in the lines of the runs open when the state was written
            long next = Math.max(maxRun, highestSeen(dir)) + 1;
            st = new ScheduleState(dir, tests, schedule.every(), now.minus(schedule.every().multipliedBy(next - 1)), next);
            st.scan(List.of(), tests, seen, firstOpen);
        }
        if (!seen.isEmpty()) {
            maxRun = Math.max(maxRun, seen.lastKey());
        }
        if (!key.equals(oldKey)) {
            st.nameCut(oldKey, firstOpen, maxRun, seen, samePeriod);
        }
        st.maxRun = Math.max(st.maxRun, maxRun);
        JsonNode lastNode = s.path("last");
        for (Plan.Test t : tests) {
            if (lastNode.path(t.id()).isObject()) {
                st.last.put(t.id(), figures(lastNode.get(t.id())));
            }
        }
        // the open runs' lines are newer than the state, unless a line ended before what the state holds
        st.lastOfLines.forEach((id, f) -> st.last.merge(id, f, (had, line) -> line.endedUnixSeconds() >= had.endedUnixSeconds() ? line : had));
        st.lastOfLines.clear();
        if (!key.equals(oldKey)) {
            // the plan in force now, for the next restart
            st.writeTests();
            st.writeState();
        }
        return st;
    }

    /**
     * The open runs' tests of the plan before (its ids from {@link #TESTS_FILE}) that have no line and that this plan does not
     * run: named in {@link #cut}, a line a run.
     */
    private void nameCut(String oldKey, long firstOpen, long maxRun, Map<Long, Set<String>> seen, boolean samePeriod)
            throws IOException {
        List<String> oldIds = readTests(oldKey);
        if (oldIds == null) {
            if (firstOpen <= maxRun) {
                cut.add("runs " + firstOpen + "-" + maxRun + " of the plan before were open; which of their tests did not run is"
                        + " not known (no " + TESTS_FILE + " of that plan)");
            }
            return;
        }
        Set<String> now = new HashSet<>(samePeriod ? planTests.stream().map(Plan.Test::id).toList() : List.of());
        List<TestsLine> old = oldIds.stream().map(TestsLine::read).toList();
        for (long run = firstOpen; run <= maxRun; run++) {
            Set<String> had = seen.getOrDefault(run, Set.of());
            long r = run;
            List<String> ofRun = old.stream().filter(l -> l.runsIn(r)).map(TestsLine::id).toList();
            List<String> missing = ofRun.stream().filter(id -> !had.contains(id) && !now.contains(id)).toList();
            if (!missing.isEmpty()) {
                cut.add("run " + run + " cut by the restart with a changed plan: " + missing.size() + " of its " + ofRun.size()
                        + " test(s) did not run and are not in this plan: " + names(missing));
            }
        }
    }

    /**
     * A line of {@link #TESTS_FILE}: a test's id, and a rotating test's turn ({@code ID 3/4}: run 3 of a cycle of 4), which
     * runs in that turn's runs only; {@code runs} 0 for a test that does not rotate, or a turn that does not read (named
     * with every run).
     */
    private record TestsLine(String id, long cycleRun, long runs) {
        static TestsLine read(String line) {
            int sp = line.indexOf(' ');
            if (sp < 0) {
                return new TestsLine(line, 0, 0);
            }
            String[] turn = line.substring(sp + 1).split("/");
            try {
                long cycleRun = Long.parseLong(turn[0]);
                return new TestsLine(line.substring(0, sp), cycleRun, turn.length == 2 ? Long.parseLong(turn[1]) : 0);
            } catch (NumberFormatException e) {
                return new TestsLine(line.substring(0, sp), 0, 0);
            }
        }

        boolean runsIn(long run) {
            return runs < 1 || (run - 1) % runs + 1 == cycleRun;
        }
    }

    /** Up to {@link #NAMED} ids, and how many more. */
    static String names(List<String> ids) {
        String shown = String.join(", ", ids.subList(0, Math.min(NAMED, ids.size())));
        return ids.size() > NAMED ? shown + " and " + (ids.size() - NAMED) + " more" : shown;
    }

    /** What a restart with a changed plan found cut in the open runs, a line a run (empty when nothing was). */
    public List<String> cutByTheChange() {
        return List.copyOf(cut);
    }

    /**
     * Run {@code run} has the plan {@code tests} that run in it ({@link Plan.Test#runsIn}: a rotating test's turn; a plan read
     * again: issue 66): it is closed when each has its line. Told as the run is generated, before any of its lines; the state's
     * plan is the one of the newest run told.
     */
    public void expect(long run, List<Plan.Test> tests) {
        if (run >= firstOpen) {
            runTests.put(run, idsOf(tests, run));
        }
        String key = planKey(tests, every);
        if (!key.equals(planKey)) {
            planKey = key;
            planTests = List.copyOf(tests);
            try {
                writeTests();
                writeState();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Told of each run as it closes (on the thread that books its last line). */
    public void onClose(java.util.function.Consumer<RunClosed> listener) {
        this.onClose = java.util.Objects.requireNonNull(listener, "listener");
    }

    /**
     * The open runs up to {@code upTo}: each one's tests that have no line, named ({@code run 3: 7 of 56 test(s) not run: a,
     * b, …}); none when all have theirs.
     */
    public List<String> missing(long upTo) {
        List<String> lines = new java.util.ArrayList<>();
        for (long run = firstOpen; run <= upTo; run++) {
            List<String> ids = idsOfRun(run);
            long r = run;
            List<String> missing = ids.stream().filter(id -> !done(r, id)).toList();
            if (!missing.isEmpty()) {
                lines.add("run " + run + ": " + missing.size() + " of " + ids.size() + " test(s) not run: " + names(missing));
            }
        }
        return lines;
    }

    /** Run {@code run}'s tests: those it was told ({@link #expect}), else those of the plan in force that run in it. */
    private List<String> idsOfRun(long run) {
        return runTests.containsKey(run) ? runTests.get(run) : idsOf(planTests, run);
    }

    /** The ids of {@code tests} that run {@code run} runs. */
    private static List<String> idsOf(List<Plan.Test> tests, long run) {
        return tests.stream().filter(t -> t.runsIn(run)).map(Plan.Test::id).toList();
    }

    private void writeTests() throws IOException {
        StringBuilder b = new StringBuilder(planKey).append('\n');
        // a rotating test's id with its turn, "ID 3/4" (run 3 of a cycle of 4): the runs it is of
        planTests.forEach(t -> b.append(t.id()).append(t.turn().map(turn -> " " + turn.cycleRun() + "/" + turn.runs()).orElse(""))
                .append('\n'));
        OwnFiles.replace(dir.resolve(TESTS_FILE), b.toString());
    }

    /**
     * The ids {@link #TESTS_FILE} holds for the plan of {@code key}, a rotating test's with its turn ({@code ID 3/4}); null when
     * it holds another plan's, or is not there.
     */
    private List<String> readTests(String key) throws IOException {
        Path f = dir.resolve(TESTS_FILE);
        OwnFiles.checkRegular(f, true);
        if (!Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(key)) {
            return null;
        }
        return lines.subList(1, lines.size()).stream().filter(l -> !l.isEmpty()).toList();
    }

    /** When run {@code run} begins: run 1's start and a period a run. */
    public Instant runStart(long run) {
        return start.plus(every.multipliedBy(run - 1));
    }

    /** The run that {@code t} falls in (0 before run 1). */
    public long runAt(Instant t) {
        return t.isBefore(start) ? 0 : Duration.between(start, t).toNanos() / every.toNanos() + 1;
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
     * schedule's sinks), so the state file, replaced when this line closes a run, never counts a run the file does not hold.
     */
    @Override
    public void accept(RunRecord r) {
        try {
            if (r instanceof RunRecord.Skipped s && !s.reason().equals(ScheduledDues.NOT_RUNNING)) {
                runSkips.merge(r.run(), 1, Integer::sum);
            }
            runLastEnd.merge(r.run(), Instant.ofEpochMilli(Math.round(r.figures().endedUnixSeconds() * 1000)),
                    (a, b) -> a.isAfter(b) ? a : b);
            last.put(r.test().id(), r.figures());
            account(r.run(), r.test().id());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts (run, id) done; closes the runs it completes, telling {@link #onClose}, and then replaces the state file. */
    private void account(long run, String id) throws IOException {
        done.add(run + "\0" + id);
        maxRun = Math.max(maxRun, run);
        accounted.merge(run, 1, Integer::sum);
        boolean closedAny = false;
        while (accounted.getOrDefault(firstOpen, 0) >= testsOfOpenRun()) {
            closedAny = true;
            int tests = accounted.remove(firstOpen);
            long closed = firstOpen++;
            runTests.remove(closed);
            Integer skipped = runSkips.remove(closed);
            Instant end = runLastEnd.remove(closed);
            done.removeIf(k -> k.startsWith(closed + "\0"));
            if (end != null) {
                onClose.accept(new RunClosed(closed, tests, skipped == null ? 0 : skipped, runStart(closed), end));
            }
        }
        if (closedAny && !scanning) {
            writeState();
        }
    }

    /**
     * How many tests the first open run has: its ids are fixed the first time this is asked (as {@link #expect} fixes a
     * run's), so a line costs a lookup, not a walk of the plan's tests.
     */
    private int testsOfOpenRun() {
        return runTests.computeIfAbsent(firstOpen, r -> idsOf(planTests, r)).size();
    }

    /** The highest run of a line in {@code dir}'s kept files (0 when none). */
    private static long highestSeen(Path dir) throws IOException {
        long[] max = {0};
        eachLine(dir, (j, f, n) -> max[0] = Math.max(max[0], j.path("run").asLong(0)));
        return max[0];
    }

    /**
     * The open runs' lines in the kept files, oldest first: what is done already; every id seen in each open run in {@code seen};
     * the figures of the lines of tests in {@code lastOf}, the newest by its end, in {@link #lastOfLines}.
     */
    private void scan(List<Plan.Test> tests, List<Plan.Test> lastOf, Map<Long, Set<String>> seen, long seenFrom) throws IOException {
        Map<String, Plan.Test> ids = new java.util.HashMap<>();
        tests.forEach(t -> ids.put(t.id(), t));
        Set<String> lastIds = new HashSet<>();
        lastOf.forEach(t -> lastIds.add(t.id()));
        scanning = true;
        try {
            eachLine(dir, (j, f, n) -> {
                long run = j.path("run").asLong(0);
                String id = j.path("id").asText();
                if (run >= seenFrom) {
                    seen.computeIfAbsent(run, x -> new HashSet<>()).add(id);
                    RecordedResults.Recorded rec = lastIds.contains(id) ? RecordedResults.recorded(j) : null;
                    if (rec != null) {
                        lastOfLines.merge(id, rec.figures(),
                                (had, line) -> line.endedUnixSeconds() >= had.endedUnixSeconds() ? line : had);
                    }
                }
                if (run >= firstOpen && ids.containsKey(id) && ids.get(id).runsIn(run) && !done.contains(run + "\0" + id)) {
                    account(run, id);
                }
            });
        } finally {
            scanning = false;
        }
    }

    /** What a line of the kept files is handed to: the line parsed, its file and its number. */
    @FunctionalInterface
    private interface LineVisitor {
        void visit(JsonNode line, Path file, int number) throws IOException;
    }

    /** Each line of {@code dir}'s kept files, oldest first, one line in memory at a time; a line that does not parse is an error. */
    private static void eachLine(Path dir, LineVisitor visitor) throws IOException {
        for (int i = TestsFile.KEPT; i >= 0; i--) {
            Path f = TestsFile.file(dir, i);
            if (!Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (java.io.BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                int n = 0;
                for (String line; (line = r.readLine()) != null; ) {
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
                    visitor.visit(j, f, n);
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
        s.put("every_ms", every.toMillis());
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
