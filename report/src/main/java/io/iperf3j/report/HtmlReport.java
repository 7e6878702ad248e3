package io.iperf3j.report;

import io.iperf3j.internal.files.FileReplacement;
import io.iperf3j.report.internal.History;
import io.iperf3j.report.internal.HistoryReader;
import io.iperf3j.report.internal.InputFormatException;
import io.iperf3j.report.internal.InputLimits;
import io.iperf3j.report.internal.InputSource;
import io.iperf3j.report.internal.PageWriter;
import io.iperf3j.report.internal.PrometheusRange;
import io.iperf3j.report.internal.PrometheusReader;
import io.iperf3j.report.internal.RunDocument;
import io.iperf3j.report.internal.RunReader;
import io.iperf3j.report.internal.SessionDirectoryReader;
import io.iperf3j.report.internal.SessionTest;
import io.iperf3j.report.internal.TimeRange;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One self-contained HTML report of iperf3 runs: charts (uPlot, inlined), a table of every
 * interval and the raw JSON, in a single file that opens offline in any current browser.
 *
 * <pre>{@code
 * HtmlReport.builder()
 *         .add(Path.of("before.json"))
 *         .add(Path.of("after.json"))
 *         .build()
 *         .write(Path.of("report.html"));
 * }</pre>
 *
 * <p>Inputs: iperf3 -J documents and --json-stream files (iperf3 3.12 and newer, and
 * iperf3j's), a session plan's output directory (tests.jsonl and the outputs it names), a
 * scheduled session's output directory or its tests.jsonl (the plan's history: per test, its
 * throughput and other figures over the runs, read with the rotated tests.jsonl.N files), the same history
 * from a Prometheus server that scrapes the session's {@code --metrics.listen} ({@link Builder#addPrometheus}), or
 * a run's -J text held in memory ({@link Builder#addDocument}). Several single runs go side by
 * side on shared axes. {@link Builder#build()} reads and checks every input first, so a bad
 * input fails with a {@link ReportInputException} before anything is written; {@link #write}
 * writes a temporary file beside the target and moves it into place.
 */
public final class HtmlReport {
    private final String title;
    private final List<RunDocument> runs;
    private final List<SessionTest> session;
    private final String sessionDir;
    private final History history;
    private final java.time.Duration staleAfter;

    private HtmlReport(String title, List<RunDocument> runs, List<SessionTest> session, String sessionDir, History history,
            java.time.Duration staleAfter) {
        this.title = title;
        this.runs = runs;
        this.session = session;
        this.sessionDir = sessionDir;
        this.history = history;
        this.staleAfter = staleAfter;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How many runs the report holds (a session's tests with an output each count one). */
    public int runCount() {
        return runs.size();
    }

    /** The number of tests in the scheduled session's history, 0 when the report has none. */
    public int historyTestCount() {
        return history == null ? 0 : history.tests().size();
    }

    /** The number of intervals in each run's client (or only) view, in report order. */
    public List<Integer> intervalCounts() {
        return runs.stream().map(r -> r.views().getFirst().intervals()).toList();
    }

    /** Writes the page to {@code out} (UTF-8); the stream is flushed, not closed. */
    public void writeTo(OutputStream out) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        PageWriter.write(w, title, runs, session, sessionDir, history, staleAfter);
        w.flush();
    }

    /** Writes the page to {@code file}: a temporary file beside it, then moved into place. */
    public void write(Path file) throws IOException {
        FileReplacement.write(file, this::writeTo);
    }

    /** Collects inputs; {@link #build()} reads them. Not thread-safe. */
    public static final class Builder {
        private record PrometheusInput(String server, Instant from, Instant to, String match) {
        }

        private final List<Path> paths = new ArrayList<>();
        private final List<String[]> documents = new ArrayList<>();
        private final List<PrometheusInput> prometheus = new ArrayList<>();
        private String title;
        private java.time.Duration staleAfter;

        private Builder() {
        }

        /**
         * A -J file, a --json-stream file, a session output directory, or a scheduled session's output
         * directory or its tests.jsonl (drawn as the plan's history).
         */
        public Builder add(Path input) {
            paths.add(input);
            return this;
        }

        /**
         * A scheduled session's history from a Prometheus server that scrapes its {@code --metrics.listen}: the
         * series of the range {@code [from, to]} (whole seconds) matching {@code match}, drawn as a history read
         * from its tests.jsonl is (at most 500 samples a series, each request within 10 s).
         *
         * @param server {@code prometheus+http://HOST:PORT} or {@code prometheus+https://…}, with a path when
         *     Prometheus is served under one
         * @param match PromQL label matchers in braces (e.g. {@code {job="iperf3j_session"}}), or null for every
         *     session's series
         */
        public Builder addPrometheus(String server, Instant from, Instant to, String match) {
            prometheus.add(new PrometheusInput(server, from, to, match));
            return this;
        }

        /** A run's -J document (or --json-stream lines) as text, e.g. the run that just ended. */
        public Builder addDocument(String label, String jsonText) {
            documents.add(new String[] {label, jsonText});
            return this;
        }

        /** The page title; by default made from the inputs' names. */
        public Builder title(String title) {
            this.title = title;
            return this;
        }

        /**
         * A history's test whose latest result is older than {@code span} (counted back from the history's newest result)
         * needs a look, as one not measured within its rotation's cycle does ({@code iperf3j report --stale-after}); only
         * with a scheduled session's history among the inputs.
         */
        public Builder staleAfter(java.time.Duration span) {
            if (span == null || span.isNegative() || span.isZero()) {
                throw new IllegalArgumentException("the stale span must be positive: " + span);
            }
            this.staleAfter = span;
            return this;
        }

        /** Reads and checks every input. */
        public HtmlReport build() throws ReportInputException {
            if (paths.isEmpty() && documents.isEmpty() && prometheus.isEmpty()) {
                throw new ReportInputException("no inputs: give -J or --json-stream files, or a session directory");
            }
            if (paths.size() + documents.size() + prometheus.size() > InputLimits.MAX_INPUTS) {
                throw new ReportInputException("more than " + InputLimits.MAX_INPUTS + " inputs");
            }
            List<RunDocument> runs = new ArrayList<>();
            List<SessionTest> session = null;
            String sessionDir = null;
            History history = null;
            List<String> names = new ArrayList<>();
            try {
                for (PrometheusInput q : prometheus) {
                    if (history != null) {
                        throw new ReportInputException(q.server() + ": one scheduled session's history per report (already have "
                                + history.dir() + ")");
                    }
                    history = PrometheusReader.read(PrometheusRange.of(q.server(), q.from(), q.to(), q.match(),
                            InputLimits.MAX_HISTORY_POINTS));
                    names.add("history " + q.server());
                }
                for (Path p : paths) {
                    Path historyDir = historyDirectory(p);
                    if (historyDir != null) {
                        if (history != null) {
                            throw new ReportInputException(p + ": one scheduled session's history per report (already have "
                                    + history.dir() + ")");
                        }
                        history = HistoryReader.read(historyDir);
                        names.add("history " + historyDir.toAbsolutePath().normalize().getFileName());
                    } else if (Files.isDirectory(p)) {
                        if (session != null) {
                            throw new ReportInputException(p + ": one session directory per report (already have " + sessionDir + ")");
                        }
                        session = SessionDirectoryReader.read(p, runs.size(), runs::add);
                        sessionDir = p.toString();
                        names.add("session " + p.getFileName());
                    } else if (Files.isRegularFile(p)) {
                        runs.add(RunReader.read(new InputSource.FileSource(p), p.getFileName().toString()));
                        names.add(p.getFileName().toString());
                    } else {
                        throw new ReportInputException(p + ": no such file or directory");
                    }
                }
                for (String[] d : documents) {
                    runs.add(RunReader.read(new InputSource.TextSource(d[0], d[1]), d[0]));
                    names.add(d[0]);
                }
            } catch (InputFormatException e) {
                throw new ReportInputException(e.getMessage(), e);
            }
            if (staleAfter != null && history == null) {
                throw new ReportInputException("--stale-after " + TimeRange.text(staleAfter) + " goes with a scheduled session's history;"
                        + " none of the inputs is one");
            }
            String t = title != null ? title : "iperf3 report: " + String.join(", ", names);
            return new HtmlReport(t, List.copyOf(runs), session == null ? null : List.copyOf(session), sessionDir, history, staleAfter);
        }

        /**
         * The scheduled session's directory that {@code p} names (the directory, or its tests.jsonl), or null
         * when {@code p} is not a history: decided from the files, as single runs and session directories are.
         */
        private static Path historyDirectory(Path p) throws InputFormatException {
            Path dir = Files.isRegularFile(p) && p.getFileName().toString().equals(SessionDirectoryReader.TESTS_FILE)
                    ? p.toAbsolutePath().getParent() : p;
            return Files.isDirectory(dir) && HistoryReader.isHistory(dir) ? dir : null;
        }
    }
}
