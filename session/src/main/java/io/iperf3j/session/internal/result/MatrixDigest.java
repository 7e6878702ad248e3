package io.iperf3j.session.internal.result;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A kind's matrix summed up for a terminal, when it is too wide to print ({@link ThroughputMatrix#text}):
 * the {@link #WORST} pairs with the lowest received rate, then one line per host with the min /
 * median / max of its pairs' rates as sender and as receiver and how many of its pairs failed (a
 * pair with any failed run counts).
 * Every line fits in {@link ThroughputMatrix#TEXT_WIDTH} columns while host ids are at most 20
 * characters long. The whole matrix is in {@code summary.csv} and the {@code --report} page.
 *
 * @param table the kind's matrix
 */
record MatrixDigest(ThroughputMatrix.Table table) {
    /** How many of the worst pairs are listed. */
    static final int WORST = 10;

    static MatrixDigest of(ThroughputMatrix.Table table) {
        return new MatrixDigest(table);
    }

    /** A tested pair. */
    private record Pair(String sender, String receiver, ThroughputMatrix.Cell cell) {
    }

    private List<Pair> pairs() {
        List<Pair> pairs = new ArrayList<>();
        for (Map.Entry<String, ThroughputMatrix.Cell> e : table.cells().entrySet()) {
            int at = e.getKey().indexOf('\u0000');
            pairs.add(new Pair(e.getKey().substring(0, at), e.getKey().substring(at + 1), e.getValue()));
        }
        return pairs;
    }

    /** The digest's lines. */
    String text() {
        List<Pair> pairs = pairs();
        int hostWidth = Math.max(6, table.hosts().stream().mapToInt(String::length).max().orElse(4) + 2);
        StringBuilder sb = new StringBuilder();
        sb.append(table.hosts().size()).append(" hosts, ").append(pairs.size())
                .append(" pairs: too wide to print; every cell is in summary.csv (and the --report page)\n");
        List<Pair> measured = new ArrayList<>(pairs.stream().filter(p -> p.cell().ok() > 0).toList());
        measured.sort(Comparator.comparingDouble((Pair p) -> p.cell().bitsPerSecond())
                .thenComparing(Pair::sender).thenComparing(Pair::receiver));
        if (!measured.isEmpty()) {
            sb.append("lowest received Mbit/s (").append(Math.min(WORST, measured.size())).append(" of ")
                    .append(measured.size()).append(" measured pairs):\n");
            for (Pair p : measured.subList(0, Math.min(WORST, measured.size()))) {
                sb.append("  ").append(ThroughputMatrix.pad(p.sender() + " -> " + p.receiver(), 2 * hostWidth + 4))
                        .append(p.cell().text()).append('\n');
            }
        }
        sb.append("per host, received Mbit/s of its pairs, min / median / max:\n");
        sb.append("  ").append(ThroughputMatrix.pad("host", hostWidth)).append(ThroughputMatrix.pad("as sender", 30))
                .append("as receiver\n");
        for (String h : table.hosts()) {
            String line = "  " + ThroughputMatrix.pad(h, hostWidth)
                    + column(spread(pairs.stream().filter(p -> p.sender().equals(h)).toList()), 30)
                    + column(spread(pairs.stream().filter(p -> p.receiver().equals(h)).toList()), 28);
            long failed = pairs.stream().filter(p -> (p.sender().equals(h) || p.receiver().equals(h)) && p.cell().failed() > 0)
                    .count();
            sb.append(failed > 0 ? line + failed + (failed == 1 ? " pair failed" : " pairs failed") : line.stripTrailing())
                    .append('\n');
        }
        return sb.toString();
    }

    /** {@code s} padded to {@code width} columns, with at least one space after it (a rate of 100 Gbit/s or more is wider). */
    private static String column(String s, int width) {
        return ThroughputMatrix.pad(s, width - 1) + " ";
    }

    /** {@code min / median / max} of the pairs' rates that were measured, or {@code -} when none was. */
    private static String spread(List<Pair> pairs) {
        double[] v = pairs.stream().filter(p -> p.cell().ok() > 0).mapToDouble(p -> p.cell().bitsPerSecond()).sorted().toArray();
        if (v.length == 0) {
            return "-";
        }
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return ThroughputMatrix.mbit(v[0]) + " / " + ThroughputMatrix.mbit(median) + " / " + ThroughputMatrix.mbit(v[v.length - 1]);
    }
}
