package io.iperf3j.report;

import io.iperf3j.internal.files.FileReplacement;
import io.iperf3j.internal.subcommand.Subcommands;
import io.iperf3j.report.internal.PrometheusRange;
import io.iperf3j.report.internal.TimeRange;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code iperf3j report INPUT... -o report.html [--title TEXT]}: one self-contained HTML
 * report from -J files, --json-stream files, session output directories and a scheduled session's
 * history (its directory or tests.jsonl, or {@code prometheus+http://HOST:PORT [--since DURATION | --from TIME
 * [--to TIME]] [--match MATCHERS]}: the range query of a Prometheus server that scrapes it). Exit status 0
 * when the report was written; 1 for bad arguments or a bad input, in which case nothing is
 * written (an existing file at the output path is left as it was). {@code --compare BASELINE CURRENT} (or
 * {@code --compare prometheus+http://HOST:PORT --offset 7d}, the range against the same range a week earlier): the
 * regression gate, its own exit statuses ({@link #COMPARE_PASSED}, {@link #COMPARE_REGRESSED}, {@link #COMPARE_BAD_INPUT}).
 */
public final class ReportCommand {
    private ReportCommand() {
    }

    /** {@code --compare}'s exit status when no pair regressed. */
    public static final int COMPARE_PASSED = 0;
    /** {@code --compare --fail-below PCT}'s exit status when a pair fell by more than PCT % or failed. */
    public static final int COMPARE_REGRESSED = 1;
    /** {@code --compare}'s exit status for bad input or arguments. */
    public static final int COMPARE_BAD_INPUT = 2;
    /** The threshold of {@code --compare}'s verdicts without {@code --fail-below}. */
    static final double DEFAULT_THRESHOLD_PERCENT = 10;

    /** The subcommand's name: {@code iperf3j report}. */
    public static final String NAME = "report";

    /** The command's picocli model: its options, for the man page. */
    public static CommandLine.Model.CommandSpec spec() {
        return commandLine(new Options(System.out, System.err)).getCommandSpec();
    }

    private static CommandLine commandLine(Options options) {
        CommandLine cl = new CommandLine(options);
        cl.getCommandSpec().version(Subcommands.version());
        return cl;
    }

    /** @param args the arguments after {@code report} */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        Options options = new Options(out, err);
        CommandLine cl = commandLine(options)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setParameterExceptionHandler((ex, a) -> {
                    err.print(Subcommands.refused(NAME, ex.getMessage()));
                    return args.contains("--compare") ? COMPARE_BAD_INPUT : 1;
                });
        int status = cl.execute(args.toArray(String[]::new));
        out.flush();
        err.flush();
        return status;
    }

    @Command(name = "iperf3j report", mixinStandardHelpOptions = false, sortOptions = false,
            description = {"Writes one self-contained HTML report (charts, interval table, raw JSON) of iperf3 runs.",
                    "Opens offline in any current browser: nothing is fetched.",
                    "With --compare BASELINE CURRENT (or --compare prometheus+http://HOST:PORT --offset 7d: the range against",
                    "the same range 7 days earlier): a table (or --json) of each pair's change in received throughput;",
                    "exit 1 when --fail-below PCT is given and a pair fell by more than PCT percent (and more than the",
                    "baseline's own spread, with 3+ runs) or failed, 2 for bad input, else 0."},
            footer = {"", "Example: iperf3j report before.json after.json -o compare.html",
                    "         iperf3j report --compare last-week/ out/ --fail-below 10",
                    "         iperf3j report --compare prometheus+http://127.0.0.1:9090 --since 24h --offset 7d --fail-below 10",
                    "         iperf3j report prometheus+http://127.0.0.1:9090 --since 24h --match '{job=\"iperf3j_session\"}' -o history.html"})
    private static final class Options implements Callable<Integer> {
        private final PrintStream out;
        private final PrintStream err;

        @Parameters(arity = "1..*", paramLabel = "INPUT",
                description = {"iperf3 -J or --json-stream output files (iperf3 3.12+ or iperf3j), or a session output directory;",
                        "a scheduled session's directory (or its tests.jsonl) draws the plan's history over its runs;",
                        "prometheus+http://HOST:PORT (or prometheus+https://) draws the same history from a Prometheus",
                        "server that scrapes the session's --metrics.listen"})
        List<String> inputs;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE",
                description = "the HTML file to write (with --compare: the table or JSON, default standard output)")
        Path output;

        @Option(names = "--compare", description = {"compare two inputs, BASELINE then CURRENT: two -J files, or two session"
                + " output directories (a plan's, or a schedule's with many runs per test);",
                "or one prometheus+http:// server with --offset: its range against the same range earlier"})
        boolean compare;

        @Option(names = "--fail-below", paramLabel = "PCT",
                description = "with --compare: exit 1 when a pair's throughput fell by more than PCT percent (default for the verdicts: 10)")
        String failBelow;

        @Option(names = {"-J", "--json"}, description = "with --compare: write the comparison as JSON")
        boolean json;

        @Option(names = "--title", paramLabel = "TEXT", description = "page title (default: made from the inputs' names)")
        String title;

        @Option(names = "--since", paramLabel = "DURATION",
                description = "with prometheus+http://: the history (or --compare's range) of the last DURATION (30m, 6h, 7d; default 6h)")
        String since;

        @Option(names = "--from", paramLabel = "TIME",
                description = "with prometheus+http://: the history (or --compare's range) from TIME (RFC 3339, e.g. 2026-01-31T08:00:00Z, or Unix seconds)")
        String from;

        @Option(names = "--to", paramLabel = "TIME", description = "with prometheus+http://: the history (or --compare's range) up to TIME (default now)")
        String to;

        @Option(names = "--offset", paramLabel = "DURATION",
                description = "with --compare prometheus+http://: the baseline is the range DURATION earlier (7d, 24h; 0: the range itself)")
        String offset;

        @Option(names = "--stale-after", paramLabel = "DURATION",
                description = {"with a scheduled session's history: a pair whose latest result is older than DURATION (30m, 6h, 7d;",
                        "counted back from the history's newest result) needs a look, as one not measured within its cycle"})
        String staleAfter;

        @Option(names = "--match", paramLabel = "MATCHERS",
                description = "with prometheus+http://: only the series with these labels, e.g. '{job=\"iperf3j_session\"}'")
        String match;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this message and quit")
        boolean help;

        @Option(names = {"-v", "--version"}, versionHelp = true, description = "show version information and quit")
        boolean version;

        Options(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() {
            if (compare) {
                return compare();
            }
            if (failBelow != null || json || offset != null) {
                err.print(Subcommands.refused(NAME, (failBelow != null ? "--fail-below" : json ? "--json" : "--offset")
                        + " goes with --compare"));
                return 1;
            }
            if (output == null) {
                err.print(Subcommands.refused(NAME, "Missing required option: '--output=FILE'"));
                return 1;
            }
            Path parent = output.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                err.println("iperf3j report: error - " + output + ": its directory does not exist");
                return 1;
            }
            if (Files.isDirectory(output)) {
                err.println("iperf3j report: error - " + output + " is a directory; -o takes the HTML file to write");
                return 1;
            }
            HtmlReport.Builder b = HtmlReport.builder();
            boolean fromPrometheus = inputs.stream().anyMatch(PrometheusRange::names);
            if (!fromPrometheus && (since != null || from != null || to != null || match != null)) {
                err.println("iperf3j report: error - --since, --from, --to and --match choose what a prometheus+http:// input reads;"
                        + " there is none");
                return 1;
            }
            try {
                if (staleAfter != null) {
                    b.staleAfter(TimeRange.staleAfter(staleAfter));
                }
                TimeRange range = fromPrometheus ? TimeRange.of(since, from, to, Instant.now()) : null;
                for (String input : inputs) {
                    if (PrometheusRange.names(input)) {
                        b.addPrometheus(input, range.from(), range.to(), match);
                    } else {
                        b.add(Path.of(input));
                    }
                }
            } catch (InvalidPathException e) {
                err.println("iperf3j report: error - " + e.getInput() + ": not a file name: " + e.getReason());
                return 1;
            } catch (IllegalArgumentException e) {
                err.println("iperf3j report: error - " + e.getMessage());
                return 1;
            }
            if (title != null) {
                b.title(title);
            }
            try {
                b.build().write(output);
            } catch (ReportInputException e) {
                err.println("iperf3j report: error - " + e.getMessage());
                err.println("iperf3j report: nothing written");
                return 1;
            } catch (IOException e) {
                err.println("iperf3j report: error - cannot write " + output + ": " + e.getMessage());
                return 1;
            }
            return 0;
        }

        /** {@code --compare BASELINE CURRENT}: 0 passed, 1 a pair regressed (with --fail-below), 2 bad input. */
        private int compare() {
            boolean fromPrometheus = inputs.stream().anyMatch(PrometheusRange::names);
            if (fromPrometheus && inputs.size() != 1) {
                return badInput("--compare prometheus+http://HOST:PORT takes one server (its range against the same range"
                        + " --offset earlier); " + inputs.size() + " inputs given");
            }
            if (!fromPrometheus && inputs.size() != 2) {
                return badInput("--compare takes two inputs, BASELINE and CURRENT; " + inputs.size() + " given");
            }
            if (title != null || staleAfter != null) {
                return badInput((title != null ? "--title" : "--stale-after") + " does not go with --compare");
            }
            if (!fromPrometheus && (since != null || from != null || to != null || match != null || offset != null)) {
                return badInput("--since, --from, --to, --match and --offset go with --compare prometheus+http://HOST:PORT;"
                        + " these inputs are files");
            }
            if (fromPrometheus && offset == null) {
                return badInput("--compare " + inputs.get(0) + " needs --offset DURATION: the baseline is the same range"
                        + " that much earlier (--offset 7d: a week)");
            }
            double threshold = DEFAULT_THRESHOLD_PERCENT;
            if (failBelow != null) {
                try {
                    threshold = Double.parseDouble(failBelow.endsWith("%") ? failBelow.substring(0, failBelow.length() - 1) : failBelow);
                } catch (NumberFormatException e) {
                    threshold = Double.NaN;
                }
                if (!(threshold >= 0 && threshold <= 100)) {
                    return badInput("--fail-below " + failBelow + ": not a percent from 0 to 100");
                }
            }
            if (output != null && Files.isDirectory(output)) {
                return badInput(output + " is a directory; -o takes the file to write");
            }
            CompareResult result;
            if (fromPrometheus) {
                TimeRange range;
                Duration back;
                try {
                    range = TimeRange.of(since, from, to, Instant.now());
                    back = TimeRange.offset(offset);
                } catch (IllegalArgumentException e) {
                    return badInput(e.getMessage());
                }
                result = RunComparison.compare(inputs.get(0), range.from(), range.to(), match, back, threshold);
            } else {
                result = RunComparison.compare(inputs.get(0), inputs.get(1), threshold);
            }
            RunComparison comparison;
            switch (result) {
                case CompareResult.BadInput bad -> {
                    return badInput(bad.message());
                }
                case CompareResult.Compared c -> comparison = c.comparison();
            }
            boolean gate = failBelow != null;
            FileReplacement.Content write = os -> {
                if (json) {
                    comparison.writeJson(os, gate);
                } else {
                    os.write(comparison.text(gate).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    os.flush();
                }
            };
            try {
                if (output == null) {
                    write.writeTo(out);
                } else {
                    FileReplacement.write(output, write);
                }
            } catch (IOException e) {
                return badInput("cannot write " + (output == null ? "standard output" : output) + ": " + e.getMessage());
            }
            return gate && comparison.regressed() ? COMPARE_REGRESSED : COMPARE_PASSED;
        }

        private int badInput(String message) {
            err.println("iperf3j report: error - " + message);
            return COMPARE_BAD_INPUT;
        }
    }
}
