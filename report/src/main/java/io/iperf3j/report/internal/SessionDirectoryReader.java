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
 */
public final class SessionDirectoryReader {
    public static final String TESTS_FILE = "tests.jsonl";
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
        int next = firstRun;
        try (BufferedReader r = Files.newBufferedReader(tests, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = r.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                if (out.size() >= InputLimits.MAX_SESSION_TESTS) {
                    throw new InputFormatException(tests + ": more than " + InputLimits.MAX_SESSION_TESTS + " tests");
                }
                JsonNode t;
                try {
                    t = MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new InputFormatException(tests + ": line " + number + " is not valid JSON: " + e.getOriginalMessage(), e);
                }
                if (t == null || !t.isObject() || !t.path("id").isValueNode() || !t.path("status").isTextual()) {
                    throw new InputFormatException(tests + ": line " + number + " is not a test object (it needs at least \"id\" and \"status\")");
                }
                String label = "test " + t.path("id").asText();
                String note = null;
                int run = -1;
                String output = text(t, "client_output");
                if (output == null) {
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
                        number(t, "reverse_received_bits_per_second"), run, Texts.cut(note)));
            }
        } catch (IOException e) {
            throw new InputFormatException(tests + ": cannot read: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new InputFormatException(tests + ": no tests listed");
        }
        return out;
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

    private static String text(JsonNode t, String key) {
        JsonNode v = t.get(key);
        return v == null || v.isNull() ? null : Texts.cut(v.asText());
    }

    private static Double number(JsonNode t, String key) {
        JsonNode v = t.get(key);
        return v != null && v.isNumber() ? v.asDouble() : null;
    }
}
