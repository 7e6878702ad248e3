package io.iperf3j.session.internal.result;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import io.iperf3j.Cause;
import io.iperf3j.session.TestResult;

/**
 * The received throughput of a plan's tests as sender × receiver matrices, one per kind of test
 * ({@link TestSpec#kind()}: protocol, bidir or one way, the extra arguments such as {@code -b}):
 * averaging a UDP test at 50 Mbit/s with TCP tests of the same pair would give a figure no test
 * measured. Inside a kind, the repeats of a pair are averaged. A {@code --bidir} test fills two
 * cells, sender → receiver and receiver → sender (each half's own receiver's figure); plans
 * cannot reverse a test in its arguments ({@link TestSpec#DIRECTION_ARGS}). Written as
 * {@code summary.txt}, {@code summary.csv} and {@code summary.md} by {@link PlanOutputDirectory}.
 *
 * @param tables one matrix per kind, in the order the kinds first appear in the results
 * @param failures each failed test with its reason
 * @param ok how many tests ran
 * @param failed how many tests failed
 */
public record ThroughputMatrix(List<Table> tables, List<String> failures, int ok, int failed, List<Limited> limited) {
    private static final String TITLE = "Received throughput, Mbit/s (rows: sender, columns: receiver), one matrix per\n"
            + "kind of test; repeats averaged, * = some of them failed";
    /** The letters after a cell's rate: what held it back ({@code --why}). */
    static final String LEGEND = "limited by (iperf3j --why): P path, W receiver's window, B sender's buffer, S sender's CPU,\n"
            + "R receiver's CPU, D receiver's socket buffer, T pacing (-b), ? not determined, ~ repeats differ";
    /** The widest text matrix; a wider one is summed up ({@link MatrixDigest}): 7 hosts with short names fit. */
    public static final int TEXT_WIDTH = 100;
    private static final String CORNER = "sender\\receiver";

    /** Copies the lists. */
    public ThroughputMatrix {
        tables = List.copyOf(tables);
        failures = List.copyOf(failures);
        limited = List.copyOf(limited);
    }

    /** Matrices without verdicts. */
    public ThroughputMatrix(List<Table> tables, List<String> failures, int ok, int failed) {
        this(tables, failures, ok, failed, List.of());
    }

    /**
     * One direction of a test that ran, and what held it back.
     *
     * @param test the test's id
     * @param from the node that sent the data
     * @param to the node that received it
     * @param verdict its verdict
     */
    public record Limited(String test, String from, String to, TestResult.Verdict verdict) {
    }

    /** The letter a cause is shown with in a matrix cell. */
    public static String letter(Cause c) {
        return switch (c) {
            case PATH -> "P";
            case RECEIVER_WINDOW -> "W";
            case SENDER_BUFFER -> "B";
            case SENDER_CPU -> "S";
            case RECEIVER_CPU -> "R";
            case RECEIVER_BUFFER -> "D";
            case PACING -> "T";
            case NOT_DETERMINED -> "?";
        };
    }

    /**
     * One kind's matrix.
     *
     * @param kind what its tests measure ({@link TestSpec#kind()})
     * @param tests how many tests of this kind ran or failed
     * @param hosts the hosts its tests involve, rows and columns in this order
     * @param cells the tested pairs, by {@code sender + "\0" + receiver}
     */
    public record Table(String kind, int tests, List<String> hosts, Map<String, Cell> cells) {
        /** Copies the collections. */
        public Table {
            hosts = List.copyOf(hosts);
            cells = Map.copyOf(cells);
        }

        /** The cell for a pair: Mbit/s (with {@code *} when some runs failed), {@code FAIL}, or {@code -} when not tested. */
        public String cell(String sender, String receiver) {
            Cell c = cells.get(sender + "\u0000" + receiver);
            return c != null ? c.text() : sender.equals(receiver) ? "" : "-";
        }

        /** The cell as {@link #cell}, without the cause's letter ({@code summary.csv}: a rate a spreadsheet reads). */
        public String rate(String sender, String receiver) {
            Cell c = cells.get(sender + "\u0000" + receiver);
            return c != null ? c.rateText() : sender.equals(receiver) ? "" : "-";
        }
    }

    /**
     * One pair's runs of one kind.
     *
     * @param bitsPerSecond the mean received rate of the runs that ran (NaN when none did)
     * @param ok how many ran
     * @param failed how many failed
     * @param causes what held the runs that ran back ({@code --why}), one per run that had a verdict
     */
    public record Cell(double bitsPerSecond, int ok, int failed, List<Cause> causes) {
        /** Copies {@code causes}. */
        public Cell {
            causes = List.copyOf(causes);
        }

        /** A cell without verdicts. */
        public Cell(double bitsPerSecond, int ok, int failed) {
            this(bitsPerSecond, ok, failed, List.of());
        }

        /** Mbit/s with one decimal, {@code *} when some runs failed, then the cause's letter ({@link #cause}); {@code FAIL} when all did. */
        public String text() {
            return ok == 0 || causes.isEmpty() ? rateText() : rateText() + " " + cause();
        }

        /** Mbit/s with one decimal, {@code *} when some runs failed; {@code FAIL} when all did. */
        public String rateText() {
            return ok == 0 ? "FAIL" : mbit(bitsPerSecond) + (failed > 0 ? "*" : "");
        }

        /** The letter of the runs' cause ({@link ThroughputMatrix#letter}), {@code ~} when the runs differ, empty without verdicts. */
        public String cause() {
            if (causes.isEmpty()) {
                return "";
            }
            return causes.stream().distinct().count() == 1 ? letter(causes.get(0)) : "~";
        }
    }

    /** One direction of one test: who sent, who received, the receiver's rate (NaN when the test failed), its cause if told. */
    private record Flow(String sender, String receiver, double bitsPerSecond, Cause cause) {
        Flow(String sender, String receiver, double bitsPerSecond) {
            this(sender, receiver, bitsPerSecond, null);
        }
    }

    /**
     * What {@link #of} reads of {@code r}: its ids, spec, outcome and verdicts, without its outputs read (each interval of
     * both ends) and warnings, so that a run of thousands of tests keeps a few hundred bytes of each for its summaries
     * (issue 69: the controller's memory does not grow with the tests' intervals).
     */
    public static TestResult kept(TestResult r) {
        return new TestResult(r.id(), r.sender(), r.receiver(), r.direction(), r.spec(), r.repeat(), r.outcome(),
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
                List.of(), r.elapsed(), r.why());
    }

    /** Builds the matrices from results; hosts in {@code hostOrder} first, in that order. */
    public static ThroughputMatrix of(List<TestResult> results, List<String> hostOrder) {
        Map<String, List<TestResult>> byKind = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        int ok = 0;
        for (TestResult r : results) {
            byKind.computeIfAbsent(r.spec().kind(), k -> new ArrayList<>()).add(r);
            if (r.outcome() instanceof TestResult.Outcome.Failed f) {
                failures.add(r.id() + " (" + r.sender() + " -> " + r.receiver() + ", " + r.spec().kind() + "): "
                        + f.error().kind() + ": " + f.error().getMessage());
            } else {
                ok++;
            }
        }
        List<Table> tables = new ArrayList<>();
        byKind.forEach((kind, tests) -> tables.add(table(kind, tests, hostOrder)));
        List<Limited> limited = new ArrayList<>();
        for (TestResult r : results) {
            if (r.ok()) {
                for (TestResult.Verdict v : r.why()) {
                    limited.add(new Limited(r.id(), r.dataSender(v), r.dataReceiver(v), v));
                }
            }
        }
        return new ThroughputMatrix(tables, failures, ok, results.size() - ok, limited);
    }

    private static Table table(String kind, List<TestResult> tests, List<String> hostOrder) {
        List<Flow> flows = new ArrayList<>();
        for (TestResult r : tests) {
            flows.addAll(flows(r));
        }
        Set<String> used = new LinkedHashSet<>();
        for (Flow f : flows) {
            used.add(f.sender());
            used.add(f.receiver());
        }
        Set<String> hosts = new LinkedHashSet<>(hostOrder);
        hosts.retainAll(used);
        hosts.addAll(used);
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, Integer> fails = new LinkedHashMap<>();
        Map<String, List<Cause>> causes = new LinkedHashMap<>();
        for (Flow f : flows) {
            String key = f.sender() + "\u0000" + f.receiver();
            if (f.cause() != null) {
                causes.computeIfAbsent(key, k -> new ArrayList<>()).add(f.cause());
            }
            if (Double.isNaN(f.bitsPerSecond())) {
                fails.merge(key, 1, Integer::sum);
            } else {
                double[] s = sums.computeIfAbsent(key, k -> new double[2]);
                s[0] += f.bitsPerSecond();
                s[1]++;
            }
        }
        Map<String, Cell> cells = new LinkedHashMap<>();
        for (String key : fails.keySet()) {
            cells.put(key, new Cell(Double.NaN, 0, fails.get(key)));
        }
        sums.forEach((key, s) -> cells.put(key, new Cell(s[0] / s[1], (int) s[1], fails.getOrDefault(key, 0),
                causes.getOrDefault(key, List.of()))));
        return new Table(kind, tests.size(), List.copyOf(hosts), cells);
    }

    /** The directions a test measured: one, or two for {@code --bidir}; a failed test fails each. */
    private static List<Flow> flows(TestResult r) {
        String from = r.sender();
        String to = r.receiver();
        if (!(r.outcome() instanceof TestResult.Outcome.Completed c)) {
            return r.spec().bidir() ? List.of(new Flow(from, to, Double.NaN), new Flow(to, from, Double.NaN))
                    : List.of(new Flow(from, to, Double.NaN));
        }
        List<Flow> flows = new ArrayList<>(List.of(new Flow(from, to, c.receivedBitsPerSecond(), cause(r, from))));
        c.reverseReceivedBitsPerSecond().ifPresent(bps -> flows.add(new Flow(to, from, bps, cause(r, to))));
        return flows;
    }

    /** The cause of the result's direction whose data {@code from} sent, or null without a verdict for it. */
    private static Cause cause(TestResult r, String from) {
        return r.why().stream().filter(v -> r.dataSender(v).equals(from)).map(TestResult.Verdict::cause).findFirst().orElse(null);
    }

    /**
     * The plain-text summary (stdout and {@code summary.txt}): per kind, the matrix when it fits in
     * {@link #TEXT_WIDTH} columns, else its digest ({@link MatrixDigest}: the worst pairs and a line
     * per host; the whole matrix is in {@code summary.csv} and the report); then the counts and the
     * failures.
     */
    public String text() {
        StringBuilder sb = new StringBuilder(TITLE).append('\n');
        for (Table t : tables) {
            sb.append('\n').append(heading(t)).append('\n');
            int w = Math.max(12, t.hosts().stream().mapToInt(String::length).max().orElse(4) + 2);
            int first = Math.max(w, CORNER.length() + 1);
            if (first + w * t.hosts().size() > TEXT_WIDTH) {
                sb.append(MatrixDigest.of(t).text());
                continue;
            }
            sb.append(pad(CORNER, first));
            for (String h : t.hosts()) {
                sb.append(pad(h, w));
            }
            sb.append('\n');
            for (String s : t.hosts()) {
                sb.append(pad(s, first));
                for (String r : t.hosts()) {
                    sb.append(pad(t.cell(s, r), w));
                }
                sb.append('\n');
            }
        }
        if (!limited.isEmpty()) {
            sb.append('\n').append(LEGEND).append('\n');
        }
        sb.append('\n').append(ok).append(" ok, ").append(failed).append(" failed\n");
        for (String f : failures) {
            sb.append("FAILED ").append(f).append('\n');
        }
        limitedText("").lines().forEach(l -> sb.append(wrapped(l, TEXT_WIDTH)));
        return sb.toString();
    }

    /**
     * {@code line} and its newline, broken at spaces into lines of at most {@code width} characters, the later ones
     * indented by two (a word longer than a line stays whole).
     */
    static String wrapped(String line, int width) {
        StringBuilder out = new StringBuilder();
        StringBuilder current = new StringBuilder();
        for (String word : line.split(" ", -1)) {
            if (current.length() > 0 && current.length() + 1 + word.length() > width && !current.toString().isBlank()) {
                out.append(current).append('\n');
                current.setLength(0);
                current.append("  ");
            } else if (current.length() > 0 || out.length() > 0) {
                current.append(' ');
            }
            current.append(word);
        }
        return out.append(current).append('\n').toString();
    }

    /** How many directions of the tests that ran shown one by one under the counts of {@link #limitedText}. */
    static final int LIMITED_SHOWN = 20;

    /**
     * What held the tests back ({@code --why}): the count of directions per cause, then each direction held back
     * by something a host can change (every cause but the path and "not determined") with its remedy, at most
     * {@link #LIMITED_SHOWN} (the rest are in {@code tests.jsonl}), then the reasons a verdict was not determined.
     */
    String limitedText(String bullet) {
        if (limited.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("\nWhat held each direction of data back (iperf3j --why): ");
        Map<Cause, Integer> counts = new java.util.EnumMap<>(Cause.class);
        for (Limited l : limited) {
            counts.merge(l.verdict().cause(), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((c, n) -> parts.add(c.words() + " " + n));
        sb.append(String.join(", ", parts)).append('\n');
        List<Limited> fixable = limited.stream().filter(l -> l.verdict().cause() != Cause.PATH
                && l.verdict().cause() != Cause.NOT_DETERMINED).toList();
        for (Limited l : fixable.subList(0, Math.min(fixable.size(), LIMITED_SHOWN))) {
            sb.append(bullet).append(l.from()).append(" -> ").append(l.to()).append(" (").append(l.test()).append("): ")
                    .append(l.verdict().headline()).append(l.verdict().remedy().map(x -> "; change: " + x).orElse("")).append('\n');
        }
        if (fixable.size() > LIMITED_SHOWN) {
            sb.append(bullet).append("... ").append(fixable.size() - LIMITED_SHOWN).append(" more in tests.jsonl (why)\n");
        }
        Map<String, Integer> undetermined = new LinkedHashMap<>();
        for (Limited l : limited) {
            if (l.verdict().cause() == Cause.NOT_DETERMINED) {
                undetermined.merge(l.verdict().reason(), 1, Integer::sum);
            }
        }
        undetermined.forEach((reason, n) -> sb.append(bullet).append("not determined (").append(n).append("): ").append(reason)
                .append('\n'));
        return sb.toString();
    }

    /** Mbit/s with one decimal. */
    static String mbit(double bitsPerSecond) {
        return String.format(Locale.ROOT, "%.1f", bitsPerSecond / 1e6);
    }

    private static String heading(Table t) {
        return t.kind() + ": " + t.tests() + (t.tests() == 1 ? " test" : " tests")
                + (t.kind().contains(" bidir") ? " (each placed twice: sender -> receiver and receiver -> sender)" : "");
    }

    static String pad(String s, int w) {
        return String.format("%-" + w + "s", s);
    }

    /** The CSV summary: every matrix's rows under one header, the last column naming the kind. */
    public String csv() {
        List<String> all = new ArrayList<>();
        for (Table t : tables) {
            for (String h : t.hosts()) {
                if (!all.contains(h)) {
                    all.add(h);
                }
            }
        }
        StringBuilder sb = new StringBuilder(CORNER);
        for (String h : all) {
            sb.append(',').append(h);
        }
        sb.append(",kind\n");
        for (Table t : tables) {
            for (String s : t.hosts()) {
                sb.append(s);
                for (String r : all) {
                    sb.append(',').append(t.hosts().contains(r) ? t.rate(s, r) : "-");
                }
                sb.append(',').append(csvField(t.kind())).append('\n');
            }
        }
        return sb.toString();
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** The Markdown summary: a table per kind, then the counts and the failures. */
    public String markdown() {
        StringBuilder sb = new StringBuilder(TITLE).append('\n');
        for (Table t : tables) {
            sb.append("\n### ").append(heading(t).replace("|", "\\|")).append("\n\n| ").append(CORNER.replace("\\", " \\ "))
                    .append(" |");
            for (String h : t.hosts()) {
                sb.append(' ').append(h).append(" |");
            }
            sb.append("\n|---|").append("---|".repeat(t.hosts().size())).append('\n');
            for (String s : t.hosts()) {
                sb.append("| ").append(s).append(" |");
                for (String r : t.hosts()) {
                    sb.append(' ').append(t.cell(s, r)).append(" |");
                }
                sb.append('\n');
            }
        }
        if (!limited.isEmpty()) {
            sb.append('\n').append(LEGEND.replace("\n", " ")).append('\n');
        }
        sb.append('\n').append(ok).append(" ok, ").append(failed).append(" failed\n");
        if (!failures.isEmpty()) {
            sb.append('\n');
            for (String f : failures) {
                sb.append("- ").append(f.replace("|", "\\|")).append('\n');
            }
        }
        sb.append(limitedText("- ").replace("|", "\\|"));
        return sb.toString();
    }
}
