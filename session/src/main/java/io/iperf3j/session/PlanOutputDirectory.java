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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A plan's output directory: raw outputs under {@code raw/}, {@code tests.jsonl} (one JSON
 * object per finished test, appended as it finishes), and {@code summary.txt},
 * {@code summary.csv}, {@code summary.md}: the sender × receiver received-throughput
 * matrix (Mbit/s, mean over repeats; {@code FAIL} where every run failed) and the failures
 * with their reasons. The keys of {@code tests.jsonl} are a contract with the report module.
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
            g.writeNumberField("repeat", r.repeat());
            g.writeStringField("status", r.ok() ? "ok" : "failed");
            switch (r.outcome()) {
                case TestOutcome.Completed c -> {
                    g.writeNullField("error");
                    number(g, "sent_bits_per_second", c.sentBitsPerSecond());
                    number(g, "received_bits_per_second", c.receivedBitsPerSecond());
                    g.writeNumberField("received_bytes", c.receivedBytes());
                }
                case TestOutcome.Failed f -> {
                    g.writeStringField("error", f.error().kind() + ": " + f.error().getMessage());
                    g.writeNullField("sent_bits_per_second");
                    g.writeNullField("received_bits_per_second");
                    g.writeNullField("received_bytes");
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

    /** Writes the three summaries. */
    public void writeSummaries(List<TestResult> results, List<String> hostOrder) throws IOException {
        Matrix m = Matrix.of(results, hostOrder);
        Files.writeString(dir.resolve("summary.txt"), m.text(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("summary.csv"), m.csv(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("summary.md"), m.markdown(), StandardCharsets.UTF_8);
    }

    /** The sender × receiver matrix of received throughput. */
    public record Matrix(List<String> hosts, Map<String, String> cells, List<String> failures, int ok, int failed) {
        /** Builds it from results; hosts in {@code hostOrder} first, in that order. */
        public static Matrix of(List<TestResult> results, List<String> hostOrder) {
            Set<String> hosts = new LinkedHashSet<>();
            Set<String> used = new java.util.HashSet<>();
            for (TestResult r : results) {
                used.add(r.sender());
                used.add(r.receiver());
            }
            for (String h : hostOrder) {
                if (used.contains(h)) {
                    hosts.add(h);
                }
            }
            Map<String, double[]> sums = new LinkedHashMap<>();
            Map<String, Integer> fails = new LinkedHashMap<>();
            List<String> failures = new ArrayList<>();
            int ok = 0;
            for (TestResult r : results) {
                hosts.add(r.sender());
                hosts.add(r.receiver());
                String key = r.sender() + "\u0000" + r.receiver();
                if (r.outcome() instanceof TestOutcome.Completed c) {
                    double[] s = sums.computeIfAbsent(key, k -> new double[2]);
                    s[0] += c.receivedBitsPerSecond();
                    s[1]++;
                    ok++;
                } else if (r.outcome() instanceof TestOutcome.Failed f) {
                    fails.merge(key, 1, Integer::sum);
                    failures.add(r.id() + " (" + r.sender() + " -> " + r.receiver() + "): " + f.error().kind() + ": "
                            + f.error().getMessage());
                }
            }
            Map<String, String> cells = new LinkedHashMap<>();
            for (String key : new LinkedHashSet<>(concat(sums.keySet(), fails.keySet()))) {
                double[] s = sums.get(key);
                cells.put(key, s == null ? "FAIL" : String.format(Locale.ROOT, "%.1f", s[0] / s[1] / 1e6)
                        + (fails.containsKey(key) ? "*" : ""));
            }
            return new Matrix(List.copyOf(hosts), cells, failures, ok, results.size() - ok);
        }

        private static List<String> concat(Set<String> a, Set<String> b) {
            List<String> l = new ArrayList<>(a);
            l.addAll(b);
            return l;
        }

        /** The cell for a pair: Mbit/s, {@code FAIL}, or {@code -} when not tested. */
        public String cell(String sender, String receiver) {
            return cells.getOrDefault(sender + "\u0000" + receiver, sender.equals(receiver) ? "" : "-");
        }

        String text() {
            int w = Math.max(12, hosts.stream().mapToInt(String::length).max().orElse(4) + 2);
            StringBuilder sb = new StringBuilder("Received throughput, Mbit/s (rows: sender, columns: receiver)\n");
            sb.append(pad("sender\\receiver", Math.max(w, 16)));
            for (String h : hosts) {
                sb.append(pad(h, w));
            }
            sb.append('\n');
            for (String s : hosts) {
                sb.append(pad(s, Math.max(w, 16)));
                for (String r : hosts) {
                    sb.append(pad(cell(s, r), w));
                }
                sb.append('\n');
            }
            sb.append('\n').append(ok).append(" ok, ").append(failed).append(" failed\n");
            for (String f : failures) {
                sb.append("FAILED ").append(f).append('\n');
            }
            return sb.toString();
        }

        private static String pad(String s, int w) {
            return String.format("%-" + w + "s", s);
        }

        String csv() {
            StringBuilder sb = new StringBuilder("sender\\receiver");
            for (String h : hosts) {
                sb.append(',').append(h);
            }
            sb.append('\n');
            for (String s : hosts) {
                sb.append(s);
                for (String r : hosts) {
                    sb.append(',').append(cell(s, r));
                }
                sb.append('\n');
            }
            return sb.toString();
        }

        String markdown() {
            StringBuilder sb = new StringBuilder("Received throughput, Mbit/s (rows: sender, columns: receiver)\n\n| sender \\ receiver |");
            for (String h : hosts) {
                sb.append(' ').append(h).append(" |");
            }
            sb.append("\n|---|");
            sb.append("---|".repeat(hosts.size()));
            sb.append('\n');
            for (String s : hosts) {
                sb.append("| ").append(s).append(" |");
                for (String r : hosts) {
                    sb.append(' ').append(cell(s, r)).append(" |");
                }
                sb.append('\n');
            }
            sb.append('\n').append(ok).append(" ok, ").append(failed).append(" failed\n");
            if (!failures.isEmpty()) {
                sb.append('\n');
                for (String f : failures) {
                    sb.append("- ").append(f.replace("|", "\\|")).append('\n');
                }
            }
            return sb.toString();
        }
    }
}
