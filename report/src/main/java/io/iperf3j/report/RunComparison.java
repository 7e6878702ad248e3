package io.iperf3j.report;

import io.iperf3j.report.internal.ChangeRule;
import io.iperf3j.report.internal.CompareInputReader;
import io.iperf3j.report.internal.CompareJson;
import io.iperf3j.report.internal.CompareSide;
import io.iperf3j.report.internal.CompareText;
import io.iperf3j.report.internal.InputFormatException;
import io.iperf3j.report.internal.PairKey;
import io.iperf3j.report.internal.PairRuns;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.InvalidPathException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Two runs compared pair by pair ({@code iperf3j report --compare BASELINE CURRENT}): each pair's received throughput
 * in the baseline and now, the change and a verdict. Inputs: iperf3's or iperf3j's -J (or --json-stream) files, a
 * plan's or a scheduled session's output directory (or its tests.jsonl), the two of the same sort. The rule is
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
        List<PairChange> out = new ArrayList<>();
        for (Map.Entry<PairKey, PairRuns> e : b.pairs().entrySet()) {
            out.add(ChangeRule.change(e.getKey(), e.getValue(), c.pairs().get(e.getKey()), thresholdPercent));
        }
        for (Map.Entry<PairKey, PairRuns> e : c.pairs().entrySet()) {
            if (!b.pairs().containsKey(e.getKey())) {
                out.add(ChangeRule.change(e.getKey(), null, e.getValue(), thresholdPercent));
            }
        }
        return new CompareResult.Compared(new RunComparison(baseline, current, thresholdPercent, out));
    }

    /** The baseline as given. */
    public String baseline() {
        return baseline;
    }

    /** The current input as given. */
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
