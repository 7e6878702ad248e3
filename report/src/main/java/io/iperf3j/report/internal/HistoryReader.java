package io.iperf3j.report.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a scheduled session's history ({@code iperf3j session PLAN --every …}): its output directory's
 * {@code tests.jsonl}, one line per (run, test), ok, failed or skipped, and the rotated files before it
 * ({@code tests.jsonl.1} is the newest of those, {@code .N} the oldest), oldest first. Each test's lines
 * go to its {@link HistorySeries}, which keeps at most {@code maxPoints} points whatever the number of
 * lines, so memory is bounded by the number of tests ({@link InputLimits#MAX_HISTORY_TESTS}) times the
 * points ({@link InputLimits#MAX_HISTORY_POINTS}); the lines are streamed, never held.
 *
 * <p>A line that is not a JSON object with {@code id}, {@code run} and {@code status} fails the read with
 * its file and line number, except a torn last line of {@code tests.jsonl} (a session killed mid-write;
 * the session cuts it itself when it restarts), which is left out.
 */
public final class HistoryReader {
    /** The schedule's state file (session's {@code ScheduleState.STATE_FILE}): a directory with it is a history. */
    public static final String STATE_FILE = "schedule-state.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HistoryReader() {
    }

    /**
     * Whether {@code dir} holds a scheduled session's history: its schedule state, a rotated
     * {@code tests.jsonl.1}, or a {@code tests.jsonl} whose first line names its {@code run}.
     */
    public static boolean isHistory(Path dir) throws InputFormatException {
        if (Files.isRegularFile(dir.resolve(STATE_FILE)) || Files.isRegularFile(rotated(dir, 1))) {
            return true;
        }
        Path tests = dir.resolve(SessionDirectoryReader.TESTS_FILE);
        if (!Files.isRegularFile(tests)) {
            return false;
        }
        try (BufferedReader r = Files.newBufferedReader(tests, StandardCharsets.UTF_8)) {
            String line = readLine(r, tests, 1);
            return line != null && MAPPER.readTree(line).has("run");
        } catch (JsonProcessingException e) {
            return false; // not a history; the session reader says what is wrong with it
        } catch (IOException e) {
            throw new InputFormatException(tests + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static History read(Path dir) throws InputFormatException {
        return read(dir, InputLimits.MAX_HISTORY_POINTS, InputLimits.MAX_HISTORY_TESTS, InputLimits.MAX_HISTORY_POINTS_TOTAL);
    }

    static History read(Path dir, int maxPoints, int maxTests) throws InputFormatException {
        return read(dir, maxPoints, maxTests, (long) maxPoints * maxTests);
    }

    /**
     * As {@link #read(Path)} with other limits: {@code maxPoints} per test while the tests' points fit {@code totalPoints};
     * past it (a fleet's thousands of tests) every test's limit is halved (to an even number, at least 2) until they fit,
     * its points merged as a long test's are.
     */
    static History read(Path dir, int maxPoints, int maxTests, long totalPoints) throws InputFormatException {
        Map<String, HistorySeries> tests = new LinkedHashMap<>();
        long[] lines = {0};
        int[] limit = {maxPoints};
        List<Path> files = forEachLine(dir, (file, number, t) -> {
            add(file, number, t, tests, limit[0], maxTests);
            if ((long) tests.size() * limit[0] > totalPoints && limit[0] > 2) {
                limit[0] = lowered(limit[0], tests.size(), totalPoints);
                for (HistorySeries each : tests.values()) {
                    each.limitPoints(limit[0]);
                }
            }
            lines[0]++;
        });
        if (tests.isEmpty()) {
            throw new InputFormatException(dir + ": no runs in " + files.stream().map(p -> p.getFileName().toString()).toList());
        }
        return new History(dir.toString(), files.stream().map(p -> p.getFileName().toString()).toList(), null, lines[0], limit[0],
                List.copyOf(tests.values()));
    }

    /** The points limit halved (kept even, at least 2) until {@code tests} of them fit {@code total}. */
    static int lowered(int limit, int tests, long total) {
        int l = limit;
        while ((long) tests * l > total && l > 2) {
            l = Math.max(2, (l / 2) & ~1);
        }
        return l;
    }

    /** Takes each line of a history, parsed, with its file and line number. */
    @FunctionalInterface
    public interface LineSink {
        void line(Path file, int number, JsonNode line) throws InputFormatException;
    }

    /**
     * Streams every non-blank line of {@code dir}'s {@code tests.jsonl.N} … {@code tests.jsonl.1}, {@code tests.jsonl}
     * (oldest first) to {@code sink}, parsed; a torn last line of {@code tests.jsonl} is left out, any other line that
     * is not JSON, or longer than {@link InputLimits#MAX_HISTORY_LINE_CHARS}, fails the read. Also used for a plan's
     * output directory, which has only {@code tests.jsonl}.
     *
     * @return the files read, oldest first
     */
    public static List<Path> forEachLine(Path dir, LineSink sink) throws InputFormatException {
        List<Path> files = new ArrayList<>();
        for (int i = InputLimits.MAX_HISTORY_ROTATED; i >= 1; i--) {
            if (Files.isRegularFile(rotated(dir, i))) {
                files.add(rotated(dir, i));
            }
        }
        Path current = dir.resolve(SessionDirectoryReader.TESTS_FILE);
        if (Files.isRegularFile(current)) {
            files.add(current);
        }
        if (files.isEmpty()) {
            throw new InputFormatException(dir + ": no " + SessionDirectoryReader.TESTS_FILE + " (not a scheduled session's output directory)");
        }
        for (Path f : files) {
            readFile(f, f.equals(current), sink);
        }
        return files;
    }

    private static void readFile(Path file, boolean last, LineSink sink) throws InputFormatException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = readLine(r, file, 1);
            int number = 1;
            while (line != null) {
                String next = readLine(r, file, number + 1);
                if (!line.isBlank()) {
                    JsonNode t;
                    try {
                        t = MAPPER.readTree(line);
                    } catch (JsonProcessingException e) {
                        if (last && next == null) {
                            break; // a torn last line: the session was killed while writing it
                        }
                        throw new InputFormatException(file + ": line " + number + " is not valid JSON: " + e.getOriginalMessage(), e);
                    }
                    sink.line(file, number, t);
                }
                line = next;
                number++;
            }
        } catch (IOException e) {
            throw new InputFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static HistorySeries add(Path file, int number, JsonNode t, Map<String, HistorySeries> tests, int maxPoints, int maxTests)
            throws InputFormatException {
        if (t == null || !t.isObject() || !t.path("id").isValueNode() || !t.path("run").canConvertToLong()
                || !t.path("status").isTextual()) {
            throw new InputFormatException(file + ": line " + number
                    + " is not a scheduled run (it needs at least \"id\", \"run\" and \"status\")");
        }
        String id = Texts.cut(t.get("id").asText());
        HistorySeries s = tests.get(id);
        if (s == null) {
            if (tests.size() >= maxTests) {
                throw new InputFormatException(file + ": line " + number + ": more than " + maxTests + " tests in the history");
            }
            s = new HistorySeries(id, text(t, "sender"), text(t, "receiver"), text(t, "direction"), text(t, "protocol"),
                    text(t, "kind"), maxPoints);
            tests.put(id, s);
        }
        double[] figures = new double[HistorySeries.FIGURES.length];
        for (int f = 0; f < figures.length; f++) {
            JsonNode v = t.get(HistorySeries.FIGURES[f]);
            figures[f] = v != null && v.isNumber() ? v.asDouble() : Double.NaN;
        }
        JsonNode end = t.get("end_timestamp_seconds");
        List<HistorySeries.Why> why = new ArrayList<>();
        for (JsonNode w : t.path("why")) {
            if (w.path("cause").isTextual()) {
                why.add(new HistorySeries.Why(text(w, "from"), text(w, "to"), Texts.cut(w.get("cause").asText()), text(w, "headline")));
            }
        }
        s.add(t.get("run").asLong(), t.get("status").asText(), text(t, "error"), figures,
                end != null && end.isNumber() ? end.asDouble() : Double.NaN, why);
        JsonNode cycle = t.get("rotation_runs");
        if (cycle != null && cycle.canConvertToInt() && cycle.asInt() > 0) {
            s.cycle(cycle.asInt()); // a rotating test's (per_run): the runs its cycle takes
        }
        return s;
    }

    private static Path rotated(Path dir, int i) {
        return dir.resolve(SessionDirectoryReader.TESTS_FILE + "." + i);
    }

    /** The next line, or null at the end; a line longer than the limit fails the read. */
    private static String readLine(BufferedReader r, Path file, int number) throws IOException, InputFormatException {
        StringBuilder b = new StringBuilder(512);
        int c;
        while ((c = r.read()) >= 0) {
            if (c == '\n') {
                return b.toString();
            }
            if (b.length() >= InputLimits.MAX_HISTORY_LINE_CHARS) {
                throw new InputFormatException(file + ": line " + number + " is longer than " + InputLimits.MAX_HISTORY_LINE_CHARS
                        + " characters");
            }
            b.append((char) c);
        }
        return b.isEmpty() ? null : b.toString();
    }

    private static String text(JsonNode t, String key) {
        JsonNode v = t.get(key);
        return v == null || v.isNull() ? null : Texts.cut(v.asText());
    }
}
