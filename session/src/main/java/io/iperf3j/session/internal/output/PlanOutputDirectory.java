package io.iperf3j.session.internal.output;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import io.iperf3j.session.internal.files.OwnFiles;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import io.iperf3j.session.SessionException.ConnectionError;
import io.iperf3j.session.SessionException.IperfCommandError;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.SessionException.IperfError;
import io.iperf3j.session.Plan;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.internal.result.ThroughputMatrix;

/**
 * A plan's output directory: raw outputs under {@code raw/}, {@code tests.jsonl} (one JSON
 * object per result of a test, appended as it finishes by {@link TestsFile}; a test that failed and was rerun by
 * {@code --resume} has a second line after the failed one, and an id's last line is its result), and {@code summary.txt},
 * {@code summary.csv}, {@code summary.md}: the sender × receiver received-throughput
 * matrices, one per kind of test ({@link ThroughputMatrix}), and the failures with their
 * reasons, and {@code hosts.txt}, the plan's host order. The keys of {@code tests.jsonl} and
 * {@code hosts.txt} are a contract with the report module.
 * Called on one thread at a time ({@link PlanExecution} serialises its results).
 */
public final class PlanOutputDirectory {
    /** A schedule's state file (its book: {@code internal.schedule.ScheduleState}). */
    public static final String STATE_FILE = "schedule-state.json";
    /** The ids of a schedule's tests in force (internal.schedule.ScheduleState): what a restart with a changed plan names. */
    public static final String SCHEDULE_TESTS_FILE = "schedule-tests.txt";
    private final Path dir;
    private final Path raw;

    /**
     * Makes the directory and {@code raw/} if missing, and checks them (issue 55, {@link OwnFiles}): the directory
     * must be a folder of the user running iperf3j (not a symbolic link) that others cannot write, or can only under
     * the sticky bit; {@code raw/} a folder of the user's that no one else can write; and every folder above them one
     * that no other user can change (issue 64, {@link OwnFiles#aboveProblem}). Anything else is refused with
     * its path. Nothing written in them follows a symbolic link: the summaries and {@link #HOSTS_FILE} replace their
     * names ({@link OwnFiles#replace}), {@code tests.jsonl} is appended to with {@code O_NOFOLLOW}
     * ({@link TestsFile}), and a raw output's name is one no file or link has ({@link OutputNaming#unique}).
     *
     * @throws IOException naming the folder and what is wrong with it, or why it cannot be made
     */
    public PlanOutputDirectory(Path dir) throws IOException {
        this.dir = dir;
        this.raw = dir.resolve("raw");
        OwnFiles.makeFolder(dir, OwnFiles.READABLE, OwnFiles.Sharing.STICKY, "output folder");
        OwnFiles.makeFolder(raw, OwnFiles.READABLE, OwnFiles.Sharing.OWNER_ONLY, "output folder");
    }

    /** The directory. */
    public Path directory() {
        return dir;
    }

    /** Where raw outputs go. */
    public Path rawDirectory() {
        return raw;
    }

    /**
     * Removes what an earlier run wrote here ({@code --replace}): {@code tests.jsonl} and its rotated
     * files, the summaries, {@link #HOSTS_FILE}, a schedule's state file, and every file under
     * {@code raw/}; a file this tool does not write is left as it is. Returns the number of results
     * (lines of the {@code tests.jsonl} files) removed.
     */
    public long clear() throws IOException {
        long results = 0;
        for (int i = 0; i <= TestsFile.KEPT; i++) {
            Path f = TestsFile.file(dir, i);
            if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                try (java.util.stream.Stream<String> lines = Files.lines(f, StandardCharsets.UTF_8)) {
                    results += lines.filter(l -> !l.isBlank()).count();
                }
                Files.delete(f);
            }
        }
        for (String name : List.of("summary.txt", "summary.csv", "summary.md", HOSTS_FILE,
                STATE_FILE, SCHEDULE_TESTS_FILE)) {
            Files.deleteIfExists(dir.resolve(name));
        }
        try (java.util.stream.Stream<Path> files = Files.walk(raw)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!f.equals(raw)) {
                    Files.delete(f);
                }
            }
        }
        return results;
    }

    /** Largest {@code tests.jsonl} {@link #completed} reads (a plan's limit is 100 000 tests of a few hundred bytes each). */
    public static final long MAX_RESULTS_BYTES = 256L << 20;

    /** The number of lines in {@code tests.jsonl} (0 when there is none). */
    public long resultCount() throws IOException {
        Path jsonl = TestsFile.file(dir, 0);
        OwnFiles.checkRegular(jsonl, true);
        if (!Files.exists(jsonl, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        try (java.util.stream.Stream<String> lines = Files.lines(jsonl, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isBlank()).count();
        }
    }

    /**
     * The results already in {@code tests.jsonl} of the plan's {@code tests}, by test id, read back
     * from their lines (for {@code --resume}: the summaries cover them; the ok ones do not run again, the
     * failed ones do). A line whose id is not one of {@code tests} is left out; the last line of an id
     * counts: a test that failed and was run again by {@code --resume} has its failed line, then its
     * rerun's line after it.
     *
     * @throws IOException if the file cannot be read, is over {@link #MAX_RESULTS_BYTES}, or a line
     *         is not a result this class wrote (the message names the line)
     */
    public java.util.Map<String, TestResult> completed(List<Plan.Test> tests) throws IOException {
        java.util.Map<String, Plan.Test> planned = new java.util.HashMap<>();
        for (Plan.Test t : tests) {
            planned.put(t.id(), t);
        }
        java.util.Map<String, TestResult> done = new java.util.LinkedHashMap<>();
        Path jsonl = TestsFile.file(dir, 0);
        OwnFiles.checkRegular(jsonl, true);
        if (!Files.exists(jsonl, LinkOption.NOFOLLOW_LINKS)) {
            return done;
        }
        if (Files.size(jsonl) > MAX_RESULTS_BYTES) {
            throw new IOException(jsonl + " is over " + (MAX_RESULTS_BYTES >> 20) + " MiB");
        }
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        int n = 0;
        for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            try {
                com.fasterxml.jackson.databind.JsonNode j = mapper.readTree(line);
                Plan.Test t = planned.get(j.path("id").asText());
                if (t != null) {
                    done.remove(t.id()); // the id's last line counts, in the order of last lines
                    done.put(t.id(), result(t, j));
                }
            } catch (IOException | RuntimeException e) {
                throw new IOException(jsonl + " line " + n + " is not a test result: " + e.getMessage(), e);
            }
        }
        return done;
    }

    /**
     * A schedule's runs as its {@code tests.jsonl} files hold them (the rotated ones too, oldest first): per planned test, how
     * many runs were ok, failed and skipped, its last line's status and run, and its last run that ran (ok or failed) as a
     * result, for the summaries a schedule writes at its end. Lines of ids the plan no longer has are left out; a torn last
     * line (a session killed while writing it) is not read.
     *
     * @param lineCount the lines read
     * @param runs the highest run read
     * @param tests per planned test id, in the plan's order: its counts and last status (tests with no line are left out)
     * @param lastRan per planned test id, its last run that ran, as a result
     */
    public record ScheduleTally(long lineCount, long runs, java.util.Map<String, Counts> tests, java.util.Map<String, TestResult> lastRan) {
        /**
         * One test's runs.
         *
         * @param lastStatus its last line's status ({@code ok}, {@code failed}, {@code skipped})
         * @param lastRun that line's run
         */
        public record Counts(long ok, long failed, long skipped, String lastStatus, long lastRun) {
        }

        /** Every test's counts added up: {@code [ok, failed, skipped]}. */
        public long[] totals() {
            long[] t = new long[3];
            for (Counts c : tests.values()) {
                t[0] += c.ok();
                t[1] += c.failed();
                t[2] += c.skipped();
            }
            return t;
        }

        /**
         * The summary's lines of the schedule: its runs' counts, each test's (ok, failed, skipped, last status and its run),
         * and how many tests' last status is each.
         */
        public List<String> text() {
            List<String> out = new java.util.ArrayList<>();
            long[] t = totals();
            out.add(String.format(java.util.Locale.ROOT, "schedule: %d run(s) of %d test(s), %d result(s): %d ok, %d failed, %d skipped",
                    runs, tests.size(), t[0] + t[1] + t[2], t[0], t[1], t[2]));
            int width = Math.max(4, tests.keySet().stream().mapToInt(String::length).max().orElse(4));
            out.add(String.format(java.util.Locale.ROOT, "  %-" + width + "s %6s %6s %7s  %s", "test", "ok", "failed", "skipped",
                    "last status"));
            java.util.Map<String, Integer> last = new java.util.LinkedHashMap<>();
            for (String s : List.of("ok", "failed", "skipped")) {
                last.put(s, 0);
            }
            for (java.util.Map.Entry<String, Counts> e : tests.entrySet()) {
                Counts c = e.getValue();
                out.add(String.format(java.util.Locale.ROOT, "  %-" + width + "s %6d %6d %7d  %s (run %d)", e.getKey(), c.ok(), c.failed(),
                        c.skipped(), c.lastStatus(), c.lastRun()));
                last.merge(c.lastStatus(), 1, Integer::sum);
            }
            out.add("last status of each test: " + String.join(", ", last.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey()).toList()));
            return out;
        }
    }

    /** The schedule's runs in its {@code tests.jsonl} files ({@link ScheduleTally}), read now. */
    public ScheduleTally scheduleTally(List<Plan.Test> tests) throws IOException {
        java.util.Map<String, Plan.Test> planned = new java.util.LinkedHashMap<>();
        for (Plan.Test t : tests) {
            planned.put(t.id(), t);
        }
        java.util.Map<String, long[]> counts = new java.util.HashMap<>();
        java.util.Map<String, String> lastStatus = new java.util.HashMap<>();
        java.util.Map<String, Long> lastRun = new java.util.HashMap<>();
        java.util.Map<String, TestResult> lastRan = new java.util.HashMap<>();
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        long lines = 0;
        long runs = 0;
        for (int i = TestsFile.KEPT; i >= 0; i--) {
            Path f = TestsFile.file(dir, i);
            OwnFiles.checkRegular(f, true);
            if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            List<String> text = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (int n = 0; n < text.size(); n++) {
                String line = text.get(n);
                if (line.isBlank()) {
                    continue;
                }
                com.fasterxml.jackson.databind.JsonNode j;
                try {
                    j = mapper.readTree(line);
                } catch (IOException e) {
                    if (i == 0 && n == text.size() - 1) {
                        break; // torn as it was written
                    }
                    throw new IOException(f + " line " + (n + 1) + " is not a test result: " + e.getMessage(), e);
                }
                lines++;
                Plan.Test t = planned.get(j.path("id").asText());
                if (t == null) {
                    continue;
                }
                long run = j.path("run").asLong(1);
                runs = Math.max(runs, run);
                String status = j.path("status").asText("failed");
                long[] c = counts.computeIfAbsent(t.id(), k -> new long[3]);
                switch (status) {
                    case "ok" -> c[0]++;
                    case "skipped" -> c[2]++;
                    default -> {
                        c[1]++;
                        status = "failed";
                    }
                }
                lastStatus.put(t.id(), status);
                lastRun.put(t.id(), run);
                if (!status.equals("skipped")) {
                    lastRan.put(t.id(), result(t, j));
                }
            }
        }
        java.util.Map<String, ScheduleTally.Counts> byTest = new java.util.LinkedHashMap<>();
        java.util.Map<String, TestResult> ran = new java.util.LinkedHashMap<>();
        for (String id : planned.keySet()) {
            long[] c = counts.get(id);
            if (c != null) {
                byTest.put(id, new ScheduleTally.Counts(c[0], c[1], c[2], lastStatus.get(id), lastRun.get(id)));
            }
            if (lastRan.containsKey(id)) {
                ran.put(id, lastRan.get(id));
            }
        }
        return new ScheduleTally(lines, runs, java.util.Collections.unmodifiableMap(byTest), java.util.Collections.unmodifiableMap(ran));
    }

    /** One {@code tests.jsonl} line back as a result of the planned test {@code t} (no parsed outputs, no warnings). */
    private TestResult result(Plan.Test t, com.fasterxml.jackson.databind.JsonNode j) {
        TestResult.Outcome outcome;
        if ("ok".equals(j.path("status").asText())) {
            double reverse = j.path("reverse_received_bits_per_second").asDouble(Double.NaN);
            outcome = new TestResult.Outcome.Completed(j.path("sent_bits_per_second").asDouble(Double.NaN),
                    j.path("received_bits_per_second").asDouble(Double.NaN), j.path("received_bytes").asLong(),
                    j.path("reverse_received_bits_per_second").isNumber() ? java.util.OptionalDouble.of(reverse)
                            : java.util.OptionalDouble.empty());
        } else {
            String error = j.path("error").asText("");
            int colon = error.indexOf(": ");
            String kind = colon < 0 ? "" : error.substring(0, colon);
            String message = colon < 0 ? error : error.substring(colon + 2);
            outcome = new TestResult.Outcome.Failed(switch (kind) {
                case "ConnectionError" -> new ConnectionError(message);
                case "IperfCommandError" -> new IperfCommandError(message);
                case "IperfConfigurationError" -> new IperfConfigurationError(message);
                default -> new IperfError(message);
            });
        }
        return new TestResult(t.id(), j.path("sender").asText(), j.path("receiver").asText(), j.path("direction").asText(),
                t.spec(), j.path("repeat").asInt(t.repeat()), outcome, output(j, "client_output"), output(j, "server_output"),
                java.util.Optional.empty(), java.util.Optional.empty(), List.of(), java.time.Duration.ZERO, why(j.path("why"), j.path("sender").asText()));
    }

    /** A line's {@code why} back as verdicts (none in a line written before it, or of a failed test). */
    private static List<TestResult.Verdict> why(com.fasterxml.jackson.databind.JsonNode why, String sender) {
        List<TestResult.Verdict> out = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode v : why) {
            try {
                out.add(new TestResult.Verdict(v.path("from").asText().equals(sender),
                        io.iperf3j.Cause.ofKey(v.path("cause").asText()), v.path("headline").asText(""), v.path("reason").asText(""),
                        v.path("remedy").isTextual() ? java.util.Optional.of(v.path("remedy").asText()) : java.util.Optional.empty(),
                        v.path("confidence").isTextual() ? io.iperf3j.Confidence.ofKey(v.path("confidence").asText())
                                : io.iperf3j.Confidence.CLEAR));
            } catch (IllegalArgumentException e) {
                return List.of();
            }
        }
        return out;
    }

    private java.util.Optional<Path> output(com.fasterxml.jackson.databind.JsonNode j, String key) {
        return j.path(key).isTextual() ? java.util.Optional.of(dir.resolve(j.path(key).asText())) : java.util.Optional.empty();
    }

    /** The plan's host ids in its order, one a line: the report lists hosts as the summaries do. */
    public static final String HOSTS_FILE = "hosts.txt";

    /** Writes the three summaries, and {@link #HOSTS_FILE} (the order their rows and columns follow). */
    public void writeSummaries(List<TestResult> results, List<String> hostOrder) throws IOException {
        writeSummaries(results, hostOrder, List.of());
    }

    /**
     * Writes the three summaries, with {@code notes} (e.g. what could not be pushed to a
     * Pushgateway) as the last lines of {@code summary.txt} and {@code summary.md}, and
     * {@link #HOSTS_FILE} (the order their rows and columns follow).
     */
    public void writeSummaries(List<TestResult> results, List<String> hostOrder, List<String> notes) throws IOException {
        OwnFiles.replace(dir.resolve(HOSTS_FILE), hostOrder.stream().map(h -> h + "\n").collect(java.util.stream.Collectors.joining()));
        ThroughputMatrix m = ThroughputMatrix.of(results, hostOrder);
        String tail = notes.isEmpty() ? "" : "\n" + String.join("\n", notes) + "\n";
        OwnFiles.replace(dir.resolve("summary.txt"), m.text() + tail);
        OwnFiles.replace(dir.resolve("summary.csv"), m.csv());
        OwnFiles.replace(dir.resolve("summary.md"), m.markdown() + (notes.isEmpty() ? "" : "\n```\n" + String.join("\n", notes)
                + "\n```\n"));
    }
}
