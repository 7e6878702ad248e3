package io.iperf3j.session;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * A plan's output directory: raw outputs under {@code raw/}, {@code tests.jsonl} (one JSON
 * object per finished test, appended as it finishes), and {@code summary.txt},
 * {@code summary.csv}, {@code summary.md}: the sender × receiver received-throughput
 * matrices, one per kind of test ({@link ThroughputMatrix}), and the failures with their
 * reasons, and {@code hosts.txt}, the plan's host order. The keys of {@code tests.jsonl} and
 * {@code hosts.txt} are a contract with the report module.
 * Called on one thread at a time ({@link PlanRunner} serialises its results).
 */
public final class PlanOutputDirectory {
    private static final JsonFactory JSON = new JsonFactory();
    private final Path dir;
    private final Path raw;

    /** Creates the directory and {@code raw/}. */
    public PlanOutputDirectory(Path dir) throws IOException {
        this.dir = dir;
        this.raw = dir.resolve("raw");
        Files.createDirectories(raw);
    }

    /** The directory. */
    public Path directory() {
        return dir;
    }

    /** Where raw outputs go. */
    public Path rawDirectory() {
        return raw;
    }

    /** Appends the test's line to {@code tests.jsonl}. */
    public void append(TestResult r) {
        try {
            Files.writeString(dir.resolve("tests.jsonl"), jsonLine(r) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One test as its {@code tests.jsonl} line. */
    public String jsonLine(TestResult r) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("id", r.id());
            g.writeStringField("sender", r.sender());
            g.writeStringField("receiver", r.receiver());
            g.writeStringField("direction", r.direction());
            g.writeStringField("protocol", r.spec().protocol().name().toLowerCase(Locale.ROOT));
            g.writeStringField("kind", r.spec().kind());
            g.writeNumberField("repeat", r.repeat());
            g.writeStringField("status", r.ok() ? "ok" : "failed");
            switch (r.outcome()) {
                case TestOutcome.Completed c -> {
                    g.writeNullField("error");
                    number(g, "sent_bits_per_second", c.sentBitsPerSecond());
                    number(g, "received_bits_per_second", c.receivedBitsPerSecond());
                    g.writeNumberField("received_bytes", c.receivedBytes());
                    number(g, "reverse_received_bits_per_second", c.reverseReceivedBitsPerSecond().orElse(Double.NaN));
                }
                case TestOutcome.Failed f -> {
                    g.writeStringField("error", f.error().kind() + ": " + f.error().getMessage());
                    g.writeNullField("sent_bits_per_second");
                    g.writeNullField("received_bits_per_second");
                    g.writeNullField("received_bytes");
                    g.writeNullField("reverse_received_bits_per_second");
                }
            }
            relative(g, "client_output", r.clientOutput().orElse(null));
            relative(g, "server_output", r.serverOutput().orElse(null));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void number(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(name, v);
        } else {
            g.writeNullField(name);
        }
    }

    private void relative(JsonGenerator g, String name, Path p) throws IOException {
        if (p == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, dir.toAbsolutePath().relativize(p.toAbsolutePath()).toString());
        }
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
        Files.write(dir.resolve(HOSTS_FILE), hostOrder, StandardCharsets.UTF_8);
        ThroughputMatrix m = ThroughputMatrix.of(results, hostOrder);
        String tail = notes.isEmpty() ? "" : "\n" + String.join("\n", notes) + "\n";
        Files.writeString(dir.resolve("summary.txt"), m.text() + tail, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("summary.csv"), m.csv(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("summary.md"), m.markdown() + (notes.isEmpty() ? "" : "\n```\n" + String.join("\n", notes)
                + "\n```\n"), StandardCharsets.UTF_8);
    }
}
