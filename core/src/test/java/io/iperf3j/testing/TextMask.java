package io.iperf3j.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares the layout of two iperf3 text outputs whose numbers differ.
 *
 * <h2>Masking one line ({@link #mask})</h2>
 * Volatile words are first replaced by placeholders of the same width: the
 * {@code --timestamps} prefix ({@code Sat Nov 21 22:42:24 2026 }), other weekday and
 * month names ({@code Www}, {@code Mmm}), the 36-character cookie, the program version
 * ({@code iperf 3.12} / {@code iperf3j 0.1.0} become {@code iperf VERSION}) and the
 * program name in error lines ({@code iperf3j:} becomes {@code iperf3:}). Unit labels
 * lose their prefix ({@code KBytes}, {@code Bytes} → {@code *Bytes}; {@code Gbits} →
 * {@code *bits}), because the prefix follows the value. A stream id {@code [  5]} becomes
 * {@code [nnn]}.
 *
 * <p>Then every number (digits with decimal points, so also addresses and versions) is a
 * <em>cell</em>: the number together with the spaces right before it. A cell prints as
 * its spaces and one {@code #} per character, so the masked line keeps every column.
 * The interval end time, which iperf3 prints left-aligned ({@code %-6.2f}), becomes
 * {@code ~} over its width including the padding, and must have exactly that width.
 *
 * <h2>When two masked lines match ({@link #sameLayout})</h2>
 * The text between cells must be identical (this covers every label, bracket, tag and
 * the fixed spacing after the numbers, trailing spaces included). Two cells match when
 * they end in the same column (same width: a right-aligned printf field), or when the
 * wider one is wider only because its number is longer and it has no more leading
 * spaces than the narrower one: a number that outgrew its field (ports, {@code -f k}
 * rates, 4-digit retransmit counts) pushes the rest of the line right in iperf3 too.
 * A wrong field width, a missing or extra separator space or a missing column does not
 * match.
 *
 * <h2>Comparing whole outputs ({@link #compare})</h2>
 * The lines are aligned in order (longest common subsequence under the rule above).
 * Every line of either output must be matched, except interval report lines (a time
 * range not followed by {@code sender}/{@code receiver}) and the separator lines that
 * separate interval groups with {@code -P > 1}: their number depends on timing (the
 * server's short {@code 2.00-2.01} stub, a suppressed last interval). Each run of
 * consecutive unmatched lines must contain interval lines, at most one separator and
 * nothing else, and hold at most {@code groupLines} lines: one interval group more or
 * less per block of interval reports. A missing header, summary line or summary
 * separator is never tolerated.
 */
public final class TextMask {
    private static final String DAYS = "Mon|Tue|Wed|Thu|Fri|Sat|Sun";
    private static final String MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec";
    private static final Pattern CTIME = Pattern.compile(
            "\\b(?:" + DAYS + ") (?:" + MONTHS + ") [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4} ");
    private static final Pattern DAY = Pattern.compile("\\b(?:" + DAYS + ")\\b");
    private static final Pattern MONTH = Pattern.compile("\\b(?:" + MONTHS + ")\\b");
    private static final Pattern COOKIE = Pattern.compile("Cookie: [a-z2-7]{36}");
    private static final Pattern VERSION = Pattern.compile("\\biperf (?:3\\.\\d+(?:\\.\\d+)?)(?=$|\\s)|\\biperf3j \\d+\\.\\d+\\.\\d+(?:-SNAPSHOT)?(?=$|\\s)");
    private static final Pattern PROGRAM = Pattern.compile("\\biperf3j: ");
    private static final Pattern UNIT = Pattern.compile("\\b[KMGT]?(Bytes|bits)\\b");
    private static final Pattern STREAM_ID = Pattern.compile("\\[ *\\d+\\]");
    private static final Pattern TIME_RANGE = Pattern.compile("(\\d+\\.\\d+)-(\\d+\\.\\d+ *)(?= sec)");
    private static final Pattern NUMBER = Pattern.compile("( *)(\\d+(?:\\.\\d+)*(?:e[+-]\\d+)?)");
    private static final Pattern INTERVAL = Pattern.compile("\\d+\\.\\d+-\\d+\\.\\d+ +sec");
    private static final String SEPARATOR = "- - - - - - - - - - - - - - - - - - - - - - - - -";

    private TextMask() {
    }

    /** A piece of a masked line: literal text, or a number cell. */
    sealed interface Token permits Text, Cell {
    }

    record Text(String text) implements Token {
    }

    /** A number with the spaces before it: {@code spaces} blanks, then {@code length} characters. */
    record Cell(int spaces, int length) implements Token {
        int width() {
            return spaces + length;
        }

        boolean matches(Cell other) {
            if (width() == other.width()) {
                return true;
            }
            Cell wide = width() > other.width() ? this : other;
            Cell narrow = wide == this ? other : this;
            return wide.length > narrow.length && wide.spaces <= narrow.spaces;
        }
    }

    /** The masked form of one line, for reading (cells as spaces and {@code #}). */
    public static String mask(String line) {
        StringBuilder sb = new StringBuilder();
        for (Token t : tokens(line)) {
            switch (t) {
                case Text x -> sb.append(x.text());
                case Cell c -> sb.append(" ".repeat(c.spaces())).append("#".repeat(c.length()));
            }
        }
        return sb.toString();
    }

    /** Whether two lines have the same layout (see the class description). */
    public static boolean sameLayout(String expected, String actual) {
        List<Token> a = tokens(expected);
        List<Token> b = tokens(actual);
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            Token x = a.get(i);
            Token y = b.get(i);
            boolean ok = switch (x) {
                case Text tx -> y instanceof Text ty && tx.text().equals(ty.text());
                case Cell cx -> y instanceof Cell cy && cx.matches(cy);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static List<Token> tokens(String line) {
        String s = normalize(line);
        List<Token> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(s);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                out.add(new Text(s.substring(last, m.start())));
            }
            out.add(new Cell(m.group(1).length(), m.group(2).length()));
            last = m.end();
        }
        if (last < s.length()) {
            out.add(new Text(s.substring(last)));
        }
        return out;
    }

    static String normalize(String line) {
        String s = CTIME.matcher(line).replaceAll("Www Mmm DD HH:MM:SS YYYY ");
        s = DAY.matcher(s).replaceAll("Www");
        s = MONTH.matcher(s).replaceAll("Mmm");
        s = COOKIE.matcher(s).replaceAll("Cookie: " + "x".repeat(36));
        s = VERSION.matcher(s).replaceAll("iperf VERSION");
        s = PROGRAM.matcher(s).replaceAll("iperf3: ");
        s = UNIT.matcher(s).replaceAll("*$1");
        s = STREAM_ID.matcher(s).replaceAll("[nnn]");
        Matcher t = TIME_RANGE.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (t.find()) {
            // the left-aligned end time and its padding: a fixed-width field, compared as text
            t.appendReplacement(sb, t.group(1) + "-" + "~".repeat(t.group(2).length()));
        }
        t.appendTail(sb);
        return sb.toString();
    }

    static boolean isIntervalLine(String line) {
        String trimmed = line.stripTrailing();
        return INTERVAL.matcher(line).find() && !trimmed.endsWith("sender") && !trimmed.endsWith("receiver");
    }

    static boolean isSeparator(String line) {
        return line.endsWith(SEPARATOR);
    }

    /** The result of {@link #compare}: empty problems means the layouts agree. */
    public record Comparison(List<String> problems, String report) {
        public boolean agrees() {
            return problems.isEmpty();
        }
    }

    /**
     * Compares two whole outputs (see the class description).
     *
     * @param groupLines lines per interval group (streams, plus {@code [SUM]} and the separator with {@code -P > 1})
     */
    public static Comparison compare(String expectedText, String actualText, int groupLines) {
        List<String> e = lines(expectedText);
        List<String> a = lines(actualText);
        int n = e.size();
        int m = a.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = sameLayout(e.get(i), a.get(j)) ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        boolean[] eMatched = new boolean[n];
        boolean[] aMatched = new boolean[m];
        int i = 0;
        int j = 0;
        StringBuilder report = new StringBuilder();
        while (i < n || j < m) {
            if (i < n && j < m && sameLayout(e.get(i), a.get(j)) && lcs[i][j] == lcs[i + 1][j + 1] + 1) {
                eMatched[i] = true;
                aMatched[j] = true;
                report.append("  ").append(mask(a.get(j))).append('\n');
                i++;
                j++;
            } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
                report.append("+ ").append(mask(a.get(j))).append('\n');
                j++;
            } else {
                report.append("- ").append(mask(e.get(i))).append('\n');
                i++;
            }
        }
        List<String> problems = new ArrayList<>();
        unmatchedRuns(e, eMatched, groupLines, "missing from ours (in iperf3's)", problems);
        unmatchedRuns(a, aMatched, groupLines, "only in ours (not in iperf3's)", problems);
        return new Comparison(problems, "(- iperf3 only, + iperf3j only)\n" + report);
    }

    private static void unmatchedRuns(List<String> lines, boolean[] matched, int groupLines, String what,
                                      List<String> problems) {
        int k = 0;
        while (k < lines.size()) {
            if (matched[k]) {
                k++;
                continue;
            }
            int start = k;
            while (k < lines.size() && !matched[k]) {
                k++;
            }
            List<String> run = lines.subList(start, k);
            long intervals = run.stream().filter(TextMask::isIntervalLine).count();
            long separators = run.stream().filter(TextMask::isSeparator).count();
            // one interval group (and at most the one separator that goes with it), nothing else
            boolean tolerable = run.size() <= groupLines && intervals > 0 && separators <= 1
                    && intervals + separators == run.size();
            if (!tolerable) {
                problems.add(what + ": " + run.stream().map(TextMask::mask).toList());
            }
        }
    }

    static List<String> lines(String text) {
        List<String> l = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (!l.isEmpty() && l.getLast().isEmpty()) {
            l.removeLast();
        }
        return l;
    }
}
