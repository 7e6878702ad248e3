package io.iperf3j.report;

import io.iperf3j.report.internal.ChangeRule;
import io.iperf3j.report.internal.CompareInputReader;
import io.iperf3j.report.internal.CompareJson;
import io.iperf3j.report.internal.CompareSide;
import io.iperf3j.report.internal.CompareText;
import io.iperf3j.report.internal.InputFormatException;
import io.iperf3j.report.internal.InputLimits;
import io.iperf3j.report.internal.PairKey;
import io.iperf3j.report.internal.PairRuns;
import io.iperf3j.report.internal.PrometheusCompareReader;
import io.iperf3j.report.internal.PrometheusRange;
import io.iperf3j.report.internal.TimeRange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.InvalidPathException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Two runs compared pair by pair ({@code iperf3j report --compare BASELINE CURRENT}): each pair's received throughput
 * in the baseline and now, the change and a verdict. Inputs: iperf3's or iperf3j's -J (or --json-stream) files, a
 * plan's or a scheduled session's output directory (or its tests.jsonl), the two of the same sort; or a Prometheus
 * server's range against the same range earlier ({@link #compare(String, Instant, Instant, String, Duration, double)}).
 * The rule is
 * {@link ChangeRule}'s: a drop of more than the threshold, and more than the baseline's own run-to-run spread where
 * the baseline has repeats, is a regression; a pair whose current runs all failed fails too.
 *
 * <pre>{@code
 * switch (RunComparison.compare("last-week/", "out/", 10)) {
 *     case CompareResult.Compared c -> System.exit(c.comparison().regressed() ? 1 : 0);
 *     case CompareResult.BadInput b -> System.exit(2);
 * }
 * }</pre>
 *
 * <p>Read and compared on the caller's thread; immutable once made.
 */
public final class RunComparison {
    private final String baseline;
    private final String current;
    private final double thresholdPercent;
    private final List<PairChange> pairs;

    private RunComparison(String baseline, String current, double thresholdPercent, List<PairChange> pairs) {
        this.baseline = baseline;
        this.current = current;
        this.thresholdPercent = thresholdPercent;
        this.pairs = List.copyOf(pairs);
    }

    /**
     * Reads both inputs and compares them.
     *
     * @param thresholdPercent the drop, in percent of the baseline, past which a pair regressed (unless within the
     *     baseline's spread); 0 to 100
     */
    public static CompareResult compare(String baseline, String current, double thresholdPercent) {
        if (!(thresholdPercent >= 0 && thresholdPercent <= 100)) {
            throw new IllegalArgumentException("threshold " + thresholdPercent + " %: not within 0 to 100");
        }
        CompareSide b;
        CompareSide c;
        try {
            b = CompareInputReader.read(baseline);
            c = CompareInputReader.read(current);
        } catch (InputFormatException e) {
            return new CompareResult.BadInput(e.getMessage());
        } catch (InvalidPathException e) {
            return new CompareResult.BadInput(e.getInput() + ": not a file name: " + e.getReason());
        }
        if (b.session() != c.session()) {
            CompareSide run = b.session() ? c : b;
            CompareSide session = b.session() ? b : c;
            return new CompareResult.BadInput("cannot compare a single run (" + run.input() + ") with a session's output ("
                    + session.input() + "): give two -J files, or two session output directories");
        }
        return new CompareResult.Compared(of(b, c, thresholdPercent));
    }

    /**
     * Reads a Prometheus server's range and the same range {@code offset} earlier (the baseline) and compares them
     * ({@code iperf3j report --compare prometheus+http://HOST:PORT --offset 7d}): each test's runs are its steps whose
     * end time changes, read from the series a scheduled session serves on {@code --metrics.listen} or writes to
     * {@code --remote-write.url} (docs/design/report.md gives the queries and their limits). The server is asked on the
     * caller's thread, each request answered within 10 s.
     *
     * @param server {@code prometheus+http://HOST:PORT[/PATH]} (or {@code prometheus+https://})
     * @param from the current range's start
     * @param to its end
     * @param match label matchers in braces ({@code {job="iperf3j_session"}}), or null for every session's series
     * @param offset how much earlier the baseline's range is: 0 or more
     * @param thresholdPercent as {@link #compare(String, String, double)}'s
     */
    public static CompareResult compare(String server, Instant from, Instant to, String match, Duration offset,
                                        double thresholdPercent) {
        if (!(thresholdPercent >= 0 && thresholdPercent <= 100)) {
            throw new IllegalArgumentException("threshold " + thresholdPercent + " %: not within 0 to 100");
        }
        if (offset.isNegative()) {
            throw new IllegalArgumentException("offset " + offset + ": negative");
        }
        try {
            int samples = InputLimits.MAX_PROMETHEUS_COMPARE_SAMPLES;
            PrometheusRange current = PrometheusRange.of(server, from, to, match, samples);
            PrometheusRange baseline = PrometheusRange.of(server, from.minus(offset), to.minus(offset), match, samples);
            PrometheusCompareReader.Sides sides = PrometheusCompareReader.read(baseline, current, TimeRange.text(offset));
            return new CompareResult.Compared(of(sides.baseline(), sides.current(), thresholdPercent));
        } catch (InputFormatException e) {
            return new CompareResult.BadInput(e.getMessage());
        }
    }

    private static RunComparison of(CompareSide b, CompareSide c, double thresholdPercent) {
        List<PairChange> out = new ArrayList<>();
        for (Map.Entry<PairKey, PairRuns> e : b.pairs().entrySet()) {
            out.add(ChangeRule.change(e.getKey(), e.getValue(), c.pairs().get(e.getKey()), thresholdPercent));
        }
        for (Map.Entry<PairKey, PairRuns> e : c.pairs().entrySet()) {
            if (!b.pairs().containsKey(e.getKey())) {
                out.add(ChangeRule.change(e.getKey(), null, e.getValue(), thresholdPercent));
            }
        }
        return new RunComparison(b.input(), c.input(), thresholdPercent, out);
    }

    /** The baseline as given (from Prometheus: the server, the matchers, the range and the offset). */
    public String baseline() {
        return baseline;
    }

    /** The current input as given (from Prometheus: the server, the matchers and the range). */
    public String current() {
        return current;
    }

    /** The threshold the verdicts were made with, in percent. */
    public double thresholdPercent() {
        return thresholdPercent;
    }

    /** Every pair: the baseline's in its order, then the new ones in the current side's order. */
    public List<PairChange> pairs() {
        return pairs;
    }

    /** Whether any pair regressed or failed ({@link PairChange.Verdict#fails()}). */
    public boolean regressed() {
        return pairs.stream().anyMatch(p -> p.verdict().fails());
    }

    /**
     * The table a person reads (UTF-8 text).
     *
     * @param gate whether {@code --fail-below} was given (the last line then says pass or fail)
     */
    public String text(boolean gate) {
        return CompareText.render(this, gate);
    }

    /** The comparison as one JSON document (docs/design/report.md gives its shape); the stream is flushed, not closed. */
    public void writeJson(OutputStream out, boolean gate) throws IOException {
        CompareJson.write(this, gate, out);
    }
}
