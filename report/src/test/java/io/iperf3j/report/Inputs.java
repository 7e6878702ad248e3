package io.iperf3j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The tests' inputs, and interval counts read from them with Jackson (not with the report's code). */
final class Inputs {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Inputs() {
    }

    /**
     * iperf3 3.12's captures in shared/reference (test inputs; the Maven build passes their directory), else
     * core's copy of the same files in the tree (core/src/test/resources/reference/iperf3-3.12, which
     * core's ReferenceCapturesReadTest reads the same way), so a clone without shared/ beside it has them.
     */
    static Path reference(String name) {
        String dir = System.getProperty("iperf3j.reference.dir");
        Path p = dir != null ? Path.of(dir, name) : Path.of("../../shared/reference/iperf3-3.12", name);
        if (!Files.isDirectory(p.getParent())) {
            p = Path.of("../core/src/test/resources/reference/iperf3-3.12", name);
        }
        if (!Files.isRegularFile(p)) {
            throw new AssertionError("iperf3 3.12 capture " + p + " not found (in shared/reference beside the clone,"
                    + " or core's copy in core/src/test/resources/reference)");
        }
        return p;
    }

    /** A file recorded by src/test/record-fixtures.sh, or in the session fixture. */
    static Path resource(String name) {
        try {
            return Path.of(Inputs.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("test resource " + name + " missing (recorded inputs come from report/src/test/record-fixtures.sh;"
                    + " one case: record-fixtures.sh NAME SERVER CLIENT ARGS...)", e);
        }
    }

    /** Intervals in a -J document's "intervals" or a --json-stream file's "interval" events. */
    static int intervals(Path input) throws IOException {
        String text = Files.readString(input);
        if (text.stripLeading().startsWith("{\"event\"")) {
            int n = 0;
            for (String line : text.split("\n")) {
                if (!line.isBlank() && "interval".equals(MAPPER.readTree(line).path("event").asText())) {
                    n++;
                }
            }
            return n;
        }
        return MAPPER.readTree(text).path("intervals").size();
    }

    /** Intervals of the server's side in a -J document with server_output_json. */
    static int serverIntervals(Path input) throws IOException {
        return MAPPER.readTree(input.toFile()).path("server_output_json").path("intervals").size();
    }

    static JsonNode json(Path input) throws IOException {
        return MAPPER.readTree(input.toFile());
    }

    /** The intervals of a -J document, or the data of a --json-stream file's "interval" events, in order. */
    static List<JsonNode> intervalObjects(Path input) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (isStream(input)) {
            for (JsonNode e : jsonLines(input)) {
                if ("interval".equals(e.path("event").asText())) {
                    out.add(e.path("data"));
                }
            }
        } else {
            json(input).path("intervals").forEach(out::add);
        }
        return out;
    }

    /** The end object of a -J document, or the data of a --json-stream file's "end" event (missing node if none). */
    static JsonNode end(Path input) throws IOException {
        if (!isStream(input)) {
            return json(input).path("end");
        }
        for (JsonNode e : jsonLines(input)) {
            if ("end".equals(e.path("event").asText())) {
                return e.path("data");
            }
        }
        return MAPPER.missingNode();
    }

    private static boolean isStream(Path input) throws IOException {
        return Files.readString(input).stripLeading().startsWith("{\"event\"");
    }

    /** Each non-blank line of a JSON-lines file (--json-stream events, a session's tests.jsonl). */
    static List<JsonNode> jsonLines(Path input) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(input)) {
            if (!line.isBlank()) {
                out.add(MAPPER.readTree(line));
            }
        }
        return out;
    }

    /**
     * A copy of the {@code session} resource in {@code into} whose lines carry a session's {@code why} (iperf3j's
     * {@code --why}): t1 a → b limited by the receiver's window (with its change), t2 b → a by the path (a close
     * verdict: the receiver's window nearly as much), t3 a → c not
     * determined (a real iperf3 client), t4 c → a with an unknown cause (not shown as one); t5 failed (no verdict).
     */
    static Path sessionWithWhy(Path into) throws IOException {
        Path from = resource("session");
        Files.createDirectories(into.resolve("outputs"));
        try (var files = Files.list(from.resolve("outputs"))) {
            for (Path f : files.toList()) {
                Files.copy(f, into.resolve("outputs").resolve(f.getFileName()));
            }
        }
        java.util.Map<String, String> why = java.util.Map.of(
                "t1", "[{\"from\":\"a\",\"to\":\"b\",\"cause\":\"receiver_window\",\"headline\":\"limited by the receiver's window\","
                        + "\"reason\":\"the rate's BDP (173 KiB) filled 88 % of the window the receiver granted (196 KiB)\","
                        + "\"remedy\":\"raise net.ipv4.tcp_rmem's max and net.core.rmem_max to at least 1.0 MiB on the receiver\"}]",
                "t2", "[{\"from\":\"b\",\"to\":\"a\",\"cause\":\"path\",\"confidence\":\"close\","
                        + "\"headline\":\"limited by the path (congestion window) or the receiver's window (close)\","
                        + "\"reason\":\"the congestion window held the sender 51 % of its busy time, the receiver's window 49 %: close\","
                        + "\"remedy\":null}]",
                "t3", "[{\"from\":\"a\",\"to\":\"c\",\"cause\":\"not_determined\",\"headline\":\"not determined: the client is iperf3, "
                        + "which gives no verdict (iperf3j's --why)\",\"reason\":\"the client is iperf3, which gives no verdict (iperf3j's --why)\","
                        + "\"remedy\":null}]",
                "t4", "[{\"from\":\"c\",\"to\":\"a\",\"cause\":\"gremlins\",\"headline\":\"limited by gremlins\",\"reason\":\"\"}]",
                "t5", "null");
        List<String> lines = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(from.resolve("tests.jsonl"))) {
            String id = MAPPER.readTree(line).path("id").asText();
            lines.add(line.replace(",\"client_output\"", ",\"why\":" + why.get(id) + ",\"client_output\""));
        }
        Files.write(into.resolve("tests.jsonl"), lines);
        return into;
    }
}
