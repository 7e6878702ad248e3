package io.iperf3j.report.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads one side of {@code report --compare} into its pairs' runs ({@link CompareSide}):
 * <ul>
 * <li>a -J or --json-stream file (iperf3's or iperf3j's), read by {@link RunReader}: one run, one pair (two halves
 *     for {@code --bidir}), keyed by the roles client and server, not the hosts;</li>
 * <li>a plan's output directory (or its tests.jsonl): each test's last line (a test rerun by {@code --resume} has
 *     two), repeats ({@code id_rN}) of a pair counted as its runs;</li>
 * <li>a scheduled session's output directory (or its tests.jsonl): every line of tests.jsonl.N … tests.jsonl, each a
 *     run of its pair; skipped runs are not counted.</li>
 * </ul>
 * Limits: {@link InputLimits#MAX_COMPARE_PAIRS} pairs and {@link InputLimits#MAX_COMPARE_RUNS} runs per side (one
 * double each), lines as {@link HistoryReader} reads them (64 KiB at most).
 */
public final class CompareInputReader {
    /** A repeat's suffix on a plan's test id (session's {@code Plan}: {@code name_a-b_r2}). */
    static final Pattern REPEAT = Pattern.compile("_r\\d+$");
    /** A port after a host: {@code 10.0.0.1:5201}, {@code [::1]:5201}. */
    private static final Pattern PORT = Pattern.compile(":\\d+$");

    private CompareInputReader() {
    }

    public static CompareSide read(String input) throws InputFormatException {
        Path p = Path.of(input);
        boolean testsFile = Files.isRegularFile(p) && p.getFileName().toString().equals(SessionDirectoryReader.TESTS_FILE);
        Path dir = testsFile ? p.toAbsolutePath().getParent() : p;
        if (Files.isDirectory(dir)) {
            if (!Files.isRegularFile(dir.resolve(SessionDirectoryReader.TESTS_FILE))
                    && !Files.isRegularFile(dir.resolve(SessionDirectoryReader.TESTS_FILE + ".1"))) {
                throw new InputFormatException(input + ": a directory without " + SessionDirectoryReader.TESTS_FILE
                        + " (not a session output directory)");
            }
            return new CompareSide(input, true, HistoryReader.isHistory(dir) ? history(dir) : plan(dir));
        }
        if (!Files.isRegularFile(p)) {
            throw new InputFormatException(input + ": no such file or directory");
        }
        return new CompareSide(input, false, run(p));
    }

    /** A -J or --json-stream file's one run. */
    private static Map<PairKey, PairRuns> run(Path file) throws InputFormatException {
        RunDocument doc = RunReader.read(new InputSource.FileSource(file), file.getFileName().toString());
        ObjectNode s = doc.summary();
        String protocol = s.path("protocol").asText("tcp").toLowerCase(Locale.ROOT);
        String mode = s.path("mode").asText("normal");
        String client = host(s.path("client").asText("client"));
        String server = host(s.path("server").asText("server"));
        Map<PairKey, PairRuns> out = new LinkedHashMap<>();
        String error = doc.error() != null ? doc.error() : s.path("error").isTextual() ? s.get("error").asText() : null;
        switch (mode) {
            case "bidir" -> {
                String kind = protocol + " bidir";
                half(out, new PairKey("run", "client", "server", "bidir", protocol, kind, "forward"), client, server, s,
                        "receiver_bits_per_second", error);
                half(out, new PairKey("run", "server", "client", "bidir", protocol, kind, "reverse"), server, client, s,
                        "reverse_receiver_bits_per_second", error);
            }
            case "reverse" -> half(out, new PairKey("run", "server", "client", "down", protocol, protocol, "forward"), server, client,
                    s, "receiver_bits_per_second", error);
            default -> half(out, new PairKey("run", "client", "server", "up", protocol, protocol, "forward"), client, server, s,
                    "receiver_bits_per_second", error);
        }
        return out;
    }

    private static void half(Map<PairKey, PairRuns> out, PairKey key, String sender, String receiver, ObjectNode s, String figure,
                             String error) {
        PairRuns r = new PairRuns(sender, receiver);
        JsonNode v = s.get(figure);
        if (error != null) {
            r.failed(Texts.cut(error));
        } else if (v == null || !v.isNumber()) {
            r.failed("no received throughput in the run's end");
        } else {
            r.ok(v.asDouble());
        }
        out.put(key, r);
    }

    private static String host(String hostPort) {
        String h = PORT.matcher(hostPort).replaceFirst("");
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /** A plan's output: each test id's last line, repeats counted as runs of their pair. */
    private static Map<PairKey, PairRuns> plan(Path dir) throws InputFormatException {
        Map<String, JsonNode> last = new LinkedHashMap<>();
        HistoryReader.forEachLine(dir, (file, number, t) -> {
            check(file, number, t, false);
            String id = t.get("id").asText();
            if (!last.containsKey(id) && last.size() >= InputLimits.MAX_SESSION_TESTS) {
                throw new InputFormatException(file + ": more than " + InputLimits.MAX_SESSION_TESTS + " tests");
            }
            last.put(id, t);
        });
        Map<PairKey, PairRuns> out = new LinkedHashMap<>();
        int[] runs = {0};
        for (JsonNode t : last.values()) {
            add(out, t, runs, dir);
        }
        return out;
    }

    /** A schedule's history: every line a run. */
    private static Map<PairKey, PairRuns> history(Path dir) throws InputFormatException {
        Map<PairKey, PairRuns> out = new LinkedHashMap<>();
        int[] runs = {0};
        HistoryReader.forEachLine(dir, (file, number, t) -> {
            check(file, number, t, true);
            add(out, t, runs, file);
        });
        return out;
    }

    private static void check(Path file, int number, JsonNode t, boolean scheduled) throws InputFormatException {
        if (t == null || !t.isObject() || !t.path("id").isValueNode() || !t.path("status").isTextual()
                || scheduled && !t.path("run").canConvertToLong()) {
            throw new InputFormatException(file + ": line " + number + " is not a test object (it needs at least \"id\""
                    + (scheduled ? ", \"run\"" : "") + " and \"status\")");
        }
    }

    /** One line: its forward half, and a --bidir test's reverse half. */
    private static void add(Map<PairKey, PairRuns> out, JsonNode t, int[] runs, Path where) throws InputFormatException {
        String status = t.get("status").asText();
        if ("skipped".equals(status)) {
            return;
        }
        String id = REPEAT.matcher(t.get("id").asText()).replaceFirst("");
        String sender = text(t, "sender");
        String receiver = text(t, "receiver");
        String direction = text(t, "direction");
        String protocol = text(t, "protocol");
        String kind = text(t, "kind");
        if (kind == null) { // a directory written before the key: the kind the session gave such a test then
            kind = (protocol == null ? "unknown protocol" : protocol) + ("bidir".equals(direction) ? " bidir" : "");
        }
        boolean ok = "ok".equals(status);
        String error = text(t, "error");
        put(out, new PairKey(id, sender, receiver, direction, protocol, kind, "forward"), sender, receiver, ok,
                t.get("received_bits_per_second"), error, runs, where);
        if ("bidir".equals(direction)) {
            put(out, new PairKey(id, receiver, sender, direction, protocol, kind, "reverse"), receiver, sender, ok,
                    t.get("reverse_received_bits_per_second"), error, runs, where);
        }
    }

    private static void put(Map<PairKey, PairRuns> out, PairKey key, String sender, String receiver, boolean ok, JsonNode figure,
                            String error, int[] runs, Path where) throws InputFormatException {
        PairRuns r = out.get(key);
        if (r == null) {
            if (out.size() >= InputLimits.MAX_COMPARE_PAIRS) {
                throw new InputFormatException(where + ": more than " + InputLimits.MAX_COMPARE_PAIRS + " pairs to compare");
            }
            r = new PairRuns(sender, receiver);
            out.put(key, r);
        }
        if (++runs[0] > InputLimits.MAX_COMPARE_RUNS) {
            throw new InputFormatException(where + ": more than " + InputLimits.MAX_COMPARE_RUNS
                    + " runs to compare (compare a shorter history: a copy of its last tests.jsonl files)");
        }
        if (!ok) {
            r.failed(error);
        } else if (figure != null && figure.isNumber() && Double.isFinite(figure.asDouble()) && figure.asDouble() >= 0) {
            r.ok(figure.asDouble());
        } else {
            r.failed("an ok test without received_bits_per_second");
        }
    }

    private static String text(JsonNode t, String key) {
        JsonNode v = t.get(key);
        return v == null || v.isNull() ? null : Texts.cut(v.asText());
    }
}
