package io.iperf3j.report.internal;

import io.iperf3j.report.PairChange;
import io.iperf3j.report.PairChange.Figures;
import io.iperf3j.report.PairChange.Verdict;

import java.util.Arrays;

/**
 * The rule of {@code report --compare} (docs/design/report.md, "Comparing two runs"). Each side's figure is the
 * median received throughput of its successful runs; the change is (current − baseline) / baseline. A pair
 * regressed when its change is below −tolerance, the tolerance being the larger of the threshold
 * ({@code --fail-below PCT}) and the baseline's own spread: 2 × 1.4826 × the median absolute deviation of its runs
 * (a robust ±2 standard deviations) as a percent of its median, counted from {@link #MIN_RUNS_FOR_SPREAD} runs on.
 * A drop past the threshold but within that spread is {@link Verdict#WITHIN_SPREAD}: the baseline's own runs
 * differ that much. No successful current run is {@link Verdict#FAILED}.
 */
public final class ChangeRule {
    /** Runs a side needs before its spread counts: with one or two a median absolute deviation says nothing. */
    public static final int MIN_RUNS_FOR_SPREAD = 3;
    /** The median absolute deviation times this estimates the standard deviation of normal runs. */
    static final double MAD_TO_SD = 1.4826;

    private ChangeRule() {
    }

    /** A side's figures: its runs, median and spread. */
    public static Figures figures(PairRuns r) {
        double[] v = r.values();
        double median = median(v);
        double spread = Double.NaN;
        if (v.length >= MIN_RUNS_FOR_SPREAD && median > 0) {
            double[] dev = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                dev[i] = Math.abs(v[i] - median);
            }
            spread = 2 * MAD_TO_SD * median(dev) / median * 100;
        }
        return new Figures(v.length, r.failed(), median, spread, r.error());
    }

    /**
     * The pair's change and verdict.
     *
     * @param baseline the baseline's runs of the pair, or null when it has none
     * @param current the current runs, or null
     * @param thresholdPercent the drop that fails when the baseline's spread is smaller (0 to 100)
     */
    public static PairChange change(PairKey key, PairRuns baseline, PairRuns current, double thresholdPercent) {
        PairRuns shown = current != null ? current : baseline;
        Figures b = baseline == null ? null : figures(baseline);
        Figures c = current == null ? null : figures(current);
        double tolerance = b == null || Double.isNaN(b.spreadPercent()) ? thresholdPercent
                : Math.max(thresholdPercent, b.spreadPercent());
        double change = b == null || c == null || b.runs() == 0 || c.runs() == 0 || !(b.medianBitsPerSecond() > 0) ? Double.NaN
                : (c.medianBitsPerSecond() - b.medianBitsPerSecond()) / b.medianBitsPerSecond() * 100;
        Verdict verdict;
        if (c == null) {
            verdict = Verdict.GONE;
        } else if (c.runs() == 0) {
            verdict = Verdict.FAILED;
        } else if (b == null) {
            verdict = Verdict.NEW;
        } else if (b.runs() == 0) {
            verdict = Verdict.RECOVERED;
        } else if (Double.isNaN(change) || change >= -thresholdPercent) {
            verdict = Verdict.OK;
        } else {
            verdict = change < -tolerance ? Verdict.REGRESSION : Verdict.WITHIN_SPREAD;
        }
        return new PairChange(key.id(), shown.sender(), shown.receiver(), key.direction(), key.protocol(), key.kind(), key.half(),
                b, c, change, tolerance, verdict);
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}
