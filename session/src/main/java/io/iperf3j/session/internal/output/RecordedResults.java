package io.iperf3j.session.internal.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.Cause;
import io.iperf3j.session.internal.result.RunFigures;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The results an output folder holds, read back from {@code tests.jsonl} (and a schedule's rotated files, oldest first) for
 * {@code iperf3j session --resend} (issue 65): {@code tests.jsonl} is the record, so what a controller that was killed, or a
 * receiver that was down past the end, did not get is sent from it. Each line of a test that ran (ok or failed) gives its
 * labels, as its Pushgateway group and {@code /metrics} name it ({@link ResultPush#labels}), and its run's figures
 * ({@link RunFigures}), stamped at its end ({@code end_timestamp_seconds}); a skipped run's line gives its labels and
 * {@link RunFigures#skipped} figures, stamped when it was given up, as the session sent it (issue 66). A line that is not a test's (cut by a crash mid-write) is counted and passed over.
 *
 * <p>Limits: lines of at most {@link #MAX_LINE} characters (a longer one is passed over as not a test's).
 */
public final class RecordedResults {
    /** The longest line read. */
    static final int MAX_LINE = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One result as recorded.
     *
     * @param name its test id, with {@code run N} for a schedule's
     * @param labels its labels, in grouping-key order
     * @param figures its run's figures
     */
    public record Recorded(String name, Map<String, String> labels, RunFigures figures) {
    }

    /**
     * What a folder holds.
     *
     * @param results the results, in the order they were written
     * @param passedOver lines that are not a test's result (cut, or of another kind)
     */
    public record Read(List<Recorded> results, int passedOver) {
    }

    private RecordedResults() {
    }

    /** What takes each result as it is read ({@code --resend} queues it, waiting while the receiver is slow). */
    @FunctionalInterface
    public interface Sink {
        /** Takes one result. */
        void accept(Recorded r) throws InterruptedException;
    }

    /**
     * How much a folder held.
     *
     * @param results the results read
     * @param passedOver lines that are not a test's result (cut, or of another kind)
     */
    public record Counts(long results, long passedOver) {
    }

    /** Reads {@code dir}'s {@code tests.jsonl} (its rotated files first, oldest first), never through a link, into a list. */
    public static Read of(Path dir) throws IOException {
        List<Recorded> out = new ArrayList<>();
        Counts c;
        try {
            c = each(dir, out::add);
        } catch (InterruptedException e) {
            throw new AssertionError("a list does not wait", e);
        }
        return new Read(List.copyOf(out), (int) c.passedOver());
    }

    /**
     * Hands each result of {@code dir}'s {@code tests.jsonl} (its rotated files first, oldest first; never through a link) to
     * {@code sink} as it is read, in the order written: memory stays one line's, whatever the folder holds (five files of 64
     * MiB are some hundreds of thousands of results).
     *
     * @throws IOException when {@code dir} holds no {@code tests.jsonl}, before anything is handed on, or it cannot be read
     */
    public static Counts each(Path dir, Sink sink) throws IOException, InterruptedException {
        boolean any = false;
        for (int i = TestsFile.KEPT; i >= 0; i--) {
            any |= Files.isRegularFile(TestsFile.file(dir, i), LinkOption.NOFOLLOW_LINKS);
        }
        if (!any) {
            throw new IOException(dir + " holds no " + TestsFile.NAME + ": not a session's output folder");
        }
        long results = 0;
        long passed = 0;
        for (int i = TestsFile.KEPT; i >= 0; i--) {
            Path f = TestsFile.file(dir, i);
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.isBlank()) {
                        continue;
                    }
                    Recorded rec = line.length() > MAX_LINE ? null : recorded(line);
                    if (rec == null) {
                        passed++;
                    } else {
                        results++;
                        sink.accept(rec);
                    }
                }
            }
        }
        return new Counts(results, passed);
    }

    /** A line's result, or null when it is not a test's (ran, failed or skipped). */
    static Recorded recorded(String line) {
        try {
            return recorded(JSON.readTree(line));
        } catch (IOException e) {
            return null;
        }
    }

    /** A parsed line's result, or null when it is not a test's (ran, failed or skipped). */
    public static Recorded recorded(JsonNode o) {
        String status = o.path("status").asText();
        if (!o.isObject() || !(status.equals("ok") || status.equals("failed") || status.equals("skipped"))
                || !o.path("end_timestamp_seconds").isNumber()) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String key : List.of("id", "sender", "receiver", "direction", "protocol", "kind", "repeat")) {
            JsonNode v = o.get(key);
            if (v == null || !v.isValueNode() || v.isNull()) {
                return null;
            }
            labels.put(key, v.asText());
        }
        long run = o.path("run").asLong(1);
        String name = labels.get("id") + (o.has("run") ? " run " + run : "");
        if (status.equals("skipped")) {
            return new Recorded(name, labels, RunFigures.skipped(run, o.get("end_timestamp_seconds").asDouble()));
        }
        boolean ok = status.equals("ok");
        List<RunFigures.Limit> limits = new ArrayList<>();
        for (JsonNode w : o.path("why")) {
            try {
                limits.add(new RunFigures.Limit(w.path("from").asText(), w.path("to").asText(), Cause.ofKey(w.path("cause").asText())));
            } catch (IllegalArgumentException e) {
                // a cause this build does not know: not guessed
            }
        }
        RunFigures f = new RunFigures(run, ok, o.path("received_bits_per_second").asDouble(0), o.path("sent_bits_per_second").asDouble(0),
                o.path("received_bytes").asLong(0),
                o.path("retransmits").isNumber() ? OptionalLong.of(o.get("retransmits").asLong()) : OptionalLong.empty(),
                opt(o, "rtt_seconds"), opt(o, "loss_percent"), opt(o, "jitter_seconds"), o.path("duration_seconds").asDouble(0),
                o.get("end_timestamp_seconds").asDouble(), ok ? limits : List.of());
        return new Recorded(name, labels, f);
    }

    private static OptionalDouble opt(JsonNode o, String key) {
        return o.path(key).isNumber() ? OptionalDouble.of(o.get(key).asDouble()) : OptionalDouble.empty();
    }
}
