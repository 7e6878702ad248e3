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
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a session plan's output directory: {@code tests.jsonl} (one JSON object per test: id,
 * sender, receiver, direction, protocol, kind, repeat, status, error, sent_bits_per_second,
 * received_bits_per_second, received_bytes, reverse_received_bits_per_second, client_output,
 * server_output) and, for each test,
 * its client output (else its server output), a -J or --json-stream file relative to the
 * directory. A line that is not such an object fails the whole read with its line number; an
 * output file that is missing or unreadable only marks its test (the matrix still shows it).
 * {@code kind} and {@code reverse_received_bits_per_second} came later: a directory written
 * before them gets the kind its protocol and direction imply, and no reverse figure.
 *
 * <p>A failed test whose client wrote no output has no run of its own: its server's output (a
 * server stopped when the test was given up: "interrupt - the server has terminated") is not its
 * result, and the session's own reason ({@code error}) is what the page shows for it.
 *
 * <p>{@code hosts.txt} (the plan's host ids in its order, one a line; written with the summaries)
 * orders the tests by sender and receiver in that order, so the matrices list hosts as the plan and
 * the session's own summary do; without it the tests keep the order in which they finished.
 */
public final class SessionDirectoryReader {
    public static final String TESTS_FILE = "tests.jsonl";
    /** The plan's host order (session's {@code PlanOutputDirectory.HOSTS_FILE}). */
    public static final String HOSTS_FILE = "hosts.txt";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SessionDirectoryReader() {
    }

    /**
     * @param addRun takes each run read and returns nothing; runs are numbered from {@code firstRun}
     */
    public static List<SessionTest> read(Path dir, int firstRun, Consumer<RunDocument> addRun) throws InputFormatException {
        Path tests = dir.resolve(TESTS_FILE);
        if (!Files.isRegularFile(tests)) {
            throw new InputFormatException(dir + ": a directory without " + TESTS_FILE + " (not a session output directory)");
        }
        try {
            if (Files.size(tests) > InputLimits.MAX_FILE_BYTES) {
                throw new InputFormatException(tests + ": larger than " + InputLimits.MAX_FILE_BYTES + " bytes");
            }
        } catch (IOException e) {
            throw new InputFormatException(tests + ": cannot read: " + e.getMessage(), e);
        }
        Path root = dir.toAbsolutePath().normalize();
        List<SessionTest> out = new ArrayList<>();
        List<JsonNode> read = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(tests, StandardCharsets.UTF_8)) {
            String next = r.readLine();
            int number = 0;
            while (next != null) {
                String line = next;
                next = r.readLine();
                number++;
                if (line.isBlank()) {
                    continue;
                }
                if (read.size() >= InputLimits.MAX_SESSION_TESTS) {
                    throw new InputFormatException(tests + ": more than " + InputLimits.MAX_SESSION_TESTS + " tests");
                }
                JsonNode t;
                try {
                    t = MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    if (next == null && !endsInNewline(tests)) {
                        break; // a torn last line: the session is writing it, or was killed while it did
                    }
                    throw new InputFormatException(tests + ": line " + number + " is not valid JSON: " + e.getOriginalMessage(), e);
                }
                if (t == null || !t.isObject() || !t.path("id").isValueNode() || !t.path("status").isTextual()) {
                    throw new InputFormatException(tests + ": line " + number + " is not a test object (it needs at least \"id\" and \"status\")");
                }
                read.add(t);
            }
        } catch (IOException e) {
            throw new InputFormatException(tests + ": cannot read: " + e.getMessage(), e);
        }
        // a test's last line is its result: a test that failed and was rerun by iperf3j session --resume has the
        // failed line, then the rerun's (session's PlanOutputDirectory); the page shows the result, as the summaries do
        java.util.Map<String, Integer> last = new java.util.HashMap<>();
        for (int i = 0; i < read.size(); i++) {
            last.put(read.get(i).path("id").asText(), i);
        }
        int next = firstRun;
        for (int i = 0; i < read.size(); i++) {
            JsonNode t = read.get(i);
            if (last.get(t.path("id").asText()) != i) {
                continue;
            }
            String label = "test " + t.path("id").asText();
            String note = null;
            int run = -1;
            String output = text(t, "client_output");
            if (output == null && "ok".equals(t.path("status").asText())) {
                output = text(t, "server_output");
            }
            if (output != null) {
                Path file = root.resolve(output).normalize();
                if (!file.startsWith(root)) {
                    note = "output path " + output + " leaves the session directory; not read";
                } else if (!Files.isRegularFile(file)) {
                    note = "output file " + output + " not found";
                } else {
                    try {
                        RunDocument doc = RunReader.read(new InputSource.FileSource(file), label);
                        addRun.accept(doc);
                        run = next++;
                    } catch (InputFormatException e) {
                        note = "output file unreadable: " + e.getMessage();
                    }
                }
            }
            out.add(new SessionTest(t.path("id").asText(), text(t, "sender"), text(t, "receiver"),
                    text(t, "direction"), text(t, "protocol"), kind(t), t.path("repeat").asInt(0),
                    t.path("status").asText(), text(t, "error"), number(t, "sent_bits_per_second"),
                    number(t, "received_bits_per_second"),
                    t.path("received_bytes").isNumber() ? t.path("received_bytes").asLong() : null,
                    number(t, "reverse_received_bits_per_second"), run, Texts.cut(note), why(t.path("why"))));
        }
        if (out.isEmpty()) {
            throw new InputFormatException(tests + ": no tests listed");
        }
        List<String> hosts = planHosts(dir.resolve(HOSTS_FILE));
        if (!hosts.isEmpty()) {
            java.util.Comparator<String> byPlan = java.util.Comparator.comparingInt(h -> {
                int i = hosts.indexOf(h);
                return i < 0 ? Integer.MAX_VALUE : i;
            });
            // stable: repeats keep their order
            out.sort(java.util.Comparator.comparing(SessionTest::sender, java.util.Comparator.nullsLast(byPlan))
                    .thenComparing(SessionTest::receiver, java.util.Comparator.nullsLast(byPlan)));
        }
        return out;
    }

    /** The plan's host ids from {@code hosts.txt}, or none when there is no such file (an older directory). */
    private static List<String> planHosts(Path file) throws InputFormatException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            if (Files.size(file) > InputLimits.MAX_FILE_BYTES) {
                throw new InputFormatException(file + ": larger than " + InputLimits.MAX_FILE_BYTES + " bytes");
            }
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(l -> !l.isEmpty()).limit(InputLimits.MAX_SESSION_TESTS).map(Texts::cut).toList();
        } catch (IOException e) {
            throw new InputFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * The line's {@code kind}, or for a directory written before the key existed, what the session
     * called the same test then: its protocol, and {@code bidir} for a --bidir test (extra iperf
     * arguments were not recorded, so such tests share their protocol's kind).
     */
    private static String kind(JsonNode t) {
        String kind = text(t, "kind");
        if (kind != null) {
            return kind;
        }
        String protocol = text(t, "protocol");
        return (protocol == null ? "unknown protocol" : protocol) + ("bidir".equals(text(t, "direction")) ? " bidir" : "");
    }

    /** The causes iperf3j's {@code --why} names (core's {@code Cause} keys); another value is not shown as one. */
    static final java.util.Set<String> CAUSES = java.util.Set.of("path", "receiver_window", "sender_buffer", "sender_cpu",
            "receiver_cpu", "receiver_buffer", "pacing", "not_determined");

    /** How sure a verdict is (core's {@code Confidence} keys); another value is read as clear. */
    static final java.util.Set<String> CONFIDENCES = java.util.Set.of("clear", "likely", "close");

    /** A line's {@code why}: at most two directions; an entry without a known cause is left out. */
    private static List<SessionTest.Why> why(JsonNode why) {
        List<SessionTest.Why> out = new ArrayList<>();
        if (!why.isArray()) {
            return out;
        }
        for (JsonNode v : why) {
            String cause = text(v, "cause");
            if (out.size() < 2 && cause != null && CAUSES.contains(cause)) {
                String confidence = text(v, "confidence");
                out.add(new SessionTest.Why(text(v, "from"), text(v, "to"), cause, text(v, "headline"), text(v, "reason"),
                        text(v, "remedy"), confidence != null && CONFIDENCES.contains(confidence) ? confidence : "clear"));
            }
        }
        return out;
    }

    private static String text(JsonNode t, String key) {
        JsonNode v = t.get(key);
        return v == null || v.isNull() ? null : Texts.cut(v.asText());
    }

    private static Double number(JsonNode t, String key) {
        JsonNode v = t.get(key);
        return v != null && v.isNumber() ? v.asDouble() : null;
    }

    /** Whether the file's last byte is a newline: every line {@code iperf3j session} writes ends in one. */
    private static boolean endsInNewline(Path file) throws IOException {
        try (java.nio.channels.SeekableByteChannel c = Files.newByteChannel(file)) {
            if (c.size() == 0) {
                return true;
            }
            java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
            c.position(c.size() - 1).read(last);
            return last.get(0) == '\n';
        }
    }
}
