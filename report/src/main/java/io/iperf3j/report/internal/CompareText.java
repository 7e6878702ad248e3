package io.iperf3j.report.internal;

import io.iperf3j.report.PairChange;
import io.iperf3j.report.PairChange.Figures;
import io.iperf3j.report.PairChange.Verdict;
import io.iperf3j.report.RunComparison;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report --compare}'s table: a row per pair (test, sender → receiver, direction, kind, baseline, current,
 * change, verdict), columns as wide as their widest cell, then the counts and, with {@code --fail-below}, the verdict
 * of the gate.
 */
public final class CompareText {
    private static final String[] HEADER = {"test", "pair", "direction", "kind", "baseline", "current", "change", "verdict"};
    /** Longest error shown in a row (the JSON has it whole, up to {@link InputLimits#MAX_TEXT_CHARS}). */
    private static final int ERROR_CHARS = 80;

    private CompareText() {
    }

    public static String render(RunComparison c, boolean gate) {
        StringBuilder sb = new StringBuilder();
        sb.append("baseline: ").append(c.baseline()).append('\n');
        sb.append("current:  ").append(c.current()).append('\n');
        sb.append("received throughput; a drop of more than ").append(percent(c.thresholdPercent()))
                .append(" %, and more than the baseline's own spread where it has ").append(ChangeRule.MIN_RUNS_FOR_SPREAD)
                .append("+ runs, is a regression\n\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (PairChange p : c.pairs()) {
            rows.add(new String[] {p.id() + ("reverse".equals(p.half()) ? " (reverse)" : ""), p.sender() + " -> " + p.receiver(),
                    p.direction(), p.kind(), side(p.baseline()), side(p.current()), change(p), verdict(p)});
        }
        int[] width = new int[HEADER.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], String.valueOf(r[i]).length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                String cell = String.valueOf(r[i]);
                boolean right = i == 6; // the change, aligned on its end
                if (i > 0) {
                    line.append("  ");
                }
                if (right) {
                    line.append(" ".repeat(width[i] - cell.length())).append(cell);
                } else {
                    line.append(cell).append(i < r.length - 1 ? " ".repeat(width[i] - cell.length()) : "");
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (PairChange p : c.pairs()) {
            counts.merge(p.verdict(), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        for (Verdict v : Verdict.values()) {
            if (counts.containsKey(v)) {
                parts.add(counts.get(v) + " " + v.word());
            }
        }
        sb.append('\n').append(c.pairs().size()).append(c.pairs().size() == 1 ? " pair: " : " pairs: ")
                .append(String.join(", ", parts)).append('\n');
        if (gate) {
            sb.append(c.regressed() ? "FAIL: a pair fell by more than " + percent(c.thresholdPercent()) + " % (--fail-below), or failed\n"
                    : "PASS: no pair fell by more than " + percent(c.thresholdPercent()) + " % (--fail-below)\n");
        }
        return sb.toString();
    }

    private static String side(Figures f) {
        if (f == null) {
            return "-";
        }
        StringBuilder s = new StringBuilder(f.runs() == 0 ? "failed" : rate(f.medianBitsPerSecond()));
        if (f.runs() + f.failed() > 1) {
            s.append(" (").append(f.runs()).append(f.runs() == 1 ? " run" : " runs");
            if (!Double.isNaN(f.spreadPercent())) {
                s.append(" ±").append(String.format(Locale.ROOT, "%.1f", f.spreadPercent())).append('%');
            }
            if (f.failed() > 0) {
                s.append(", ").append(f.failed()).append(" failed");
            }
            s.append(')');
        }
        return s.toString();
    }

    private static String change(PairChange p) {
        return Double.isNaN(p.changePercent()) ? "-" : String.format(Locale.ROOT, "%+.1f %%", p.changePercent());
    }

    private static String verdict(PairChange p) {
        return switch (p.verdict()) {
            case REGRESSION -> "regression (more than -" + percent(p.tolerancePercent()) + " %)";
            case WITHIN_SPREAD -> "within spread (±" + percent(p.tolerancePercent()) + " %)";
            case FAILED -> "failed" + (p.current().error() == null ? "" : ": " + Texts.cut(p.current().error(), ERROR_CHARS));
            default -> p.verdict().word();
        };
    }

    /** A rate in the largest unit under 1000, 3-4 significant digits: {@code 941.2 Mbit/s}, {@code 9.41 Gbit/s}. */
    static String rate(double bitsPerSecond) {
        String[] units = {"bit/s", "Kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"};
        double v = bitsPerSecond;
        int u = 0;
        while (Math.abs(v) >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.2f %s" : "%.1f %s", v, units[u]);
    }

    /** A percent without a needless decimal: {@code 10}, {@code 12.5}. */
    static String percent(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : String.format(Locale.ROOT, "%.1f", p);
    }
}
