package io.iperf3j.cli;

import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The man page iperf3j(1), rendered in roff from the very text {@code iperf3j --help}
 * prints ({@link Main#helpText}), so the page and the help cannot drift apart. The
 * build (dist/src/main/sh/build-image.sh) runs
 * {@code java -cp iperf3j.jar io.iperf3j.cli.ManPage VERSION > iperf3j.1}.
 *
 * <p>How the help text is read: the lines up to the first blank line are the synopsis;
 * a line at the left margin ending in {@code ':'} is a section heading; a line indented by
 * two spaces is an entry, its term (option and argument) ending where the description
 * column (28) or a run of two spaces begins; a more deeply indented line continues the
 * entry above (joined to it, so roff fills the sentence; a {@code (remark)} starts a new
 * line); other text is a paragraph.
 *
 * <p>Why not picocli's ManPageGenerator: the iperf3 command line is not a picocli model
 * (core's option table, {@code internal.options.CommandLineOption}, holds iperf3's own usage
 * lines, with iperf3's wording and layout, and renders the usage text from them); the page
 * renders that text, so the table stays the one source of the options, the help and the page.
 */
public final class ManPage {
    /** Column where iperf3's usage text starts the description of an option. */
    private static final int DESCRIPTION_COLUMN = 28;

    private ManPage() {
    }

    public static void main(String[] args) {
        String version = args.length > 0 ? args[0] : "";
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        out.print(render(Main.helpText(), version));
        out.flush();
    }

    /** The roff text of the page for {@code help}, as {@code --help} prints it. */
    public static String render(String help, String version) {
        List<String> lines = help.lines().toList();
        StringBuilder roff = new StringBuilder();
        roff.append(".\\\" Generated from iperf3j --help by io.iperf3j.cli.ManPage; do not edit.\n");
        roff.append(".TH IPERF3J 1 \"\" \"iperf3j ").append(escape(version)).append("\" \"User Commands\"\n");
        // No hyphens added inside option names, paths and property names, and ragged right: a long
        // -Dproperty=value would otherwise stretch the spaces of its whole line.
        roff.append(".nh\n.ad l\n");
        roff.append(".SH NAME\niperf3j \\- network performance test, wire\\-compatible with iperf3\n");
        roff.append(".SH SYNOPSIS\n.nf\n");
        int i = 0;
        for (; i < lines.size() && !lines.get(i).isBlank(); i++) {
            roff.append(escape(lines.get(i).replaceFirst("^Usage: ", "").strip())).append('\n');
        }
        roff.append(".fi\n");
        roff.append(".SH DESCRIPTION\n");
        roff.append("iperf3j measures network throughput as iperf3 does and speaks iperf3's protocol, so either end "
                + "of a test can be the real iperf3. A test runs between a server (\\fB\\-s\\fR) and a client "
                + "(\\fB\\-c\\fR \\fIhost\\fR); \\fB\\-\\-loopback\\fR runs both in one process.\n");
        roff.append(".SH OPTIONS\n");
        boolean inEntry = false;
        for (; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                inEntry = false;
                continue;
            }
            if (!line.startsWith(" ")) {
                if (line.endsWith(":")) {
                    heading(line.substring(0, line.length() - 1), roff);
                } else {
                    roff.append(".PP\n").append(escape(line)).append('\n');
                }
                inEntry = false;
            } else if (!line.startsWith("   ")) {
                String entry = line.substring(2);
                int split = termEnd(line);
                if (split < 0) {
                    roff.append(".PP\n").append(escape(entry.strip())).append('\n'); // "  UDP: ..." in the data path
                } else {
                    roff.append(".TP\n.B ").append(escape(line.substring(2, split).strip())).append('\n');
                    roff.append(escape(line.substring(split).strip())).append('\n');
                }
                inEntry = true;
            } else {
                continuation(line.strip(), inEntry, roff);
                inEntry = true;
            }
        }
        subcommands(roff);
        roff.append(".SH EXIT STATUS\n0 on success, 1 on an error (as iperf3), 2 when a metrics file cannot be written.\n");
        roff.append(".SH SEE ALSO\n.BR iperf3 (1)\n");
        return roff.toString();
    }

    /**
     * {@code .SH SUBCOMMANDS}: for each subcommand ({@link Subcommand#ALL}, as {@code --help}
     * lists them) a {@code .SS iperf3j NAME} with its summary, its synopsis and its options, read
     * from the command's picocli model, the same that prints its {@code --help}.
     */
    private static void subcommands(StringBuilder roff) {
        roff.append(".SH SUBCOMMANDS\n");
        roff.append("Each prints its options with \\fB\\-\\-help\\fR and iperf3j's version with \\fB\\-\\-version\\fR; "
                + "a refused command line prints the reason and a short usage on stderr and exits 1 "
                + "(2 for \\fBsession\\fR, where 1 means a test failed).\n");
        for (Subcommand s : Subcommand.ALL) {
            CommandSpec spec = s.spec();
            roff.append(".SS iperf3j ").append(escape(s.command())).append('\n');
            roff.append(escape(s.summary())).append('\n');
            StringBuilder synopsis = new StringBuilder("iperf3j " + s.command() + " [options]");
            for (PositionalParamSpec p : spec.positionalParameters()) {
                synopsis.append(' ').append(p.paramLabel()).append(p.arity().max() > 1 ? "..." : "");
            }
            roff.append(".PP\n.B ").append(escape(synopsis.toString())).append('\n');
            for (PositionalParamSpec p : spec.positionalParameters()) {
                roff.append(".TP\n.B ").append(escape(p.paramLabel())).append('\n');
                roff.append(escape(description(p))).append('\n');
            }
            for (OptionSpec o : spec.options()) {
                if (o.hidden()) {
                    continue;
                }
                StringBuilder term = new StringBuilder(String.join(", ", o.names()));
                if (o.arity().max() > 0) {
                    term.append(o.arity().min() == 0 ? "[=" + o.paramLabel() + "]" : " " + o.paramLabel());
                }
                roff.append(".TP\n.B ").append(escape(term.toString())).append('\n');
                roff.append(escape(description(o))).append('\n');
            }
        }
    }

    /** An option's description as its {@code --help} shows it (default values filled in). */
    private static String description(ArgSpec arg) {
        String text = String.join(" ", arg.description());
        return text.replace("${DEFAULT-VALUE}", String.valueOf(arg.defaultValueString()));
    }

    /** Headings longer than this put their parenthesised remark in a paragraph below (a .SS line does not wrap well). */
    private static final int LONG_HEADING = 40;

    /** A section heading; a long one's {@code (remark)} becomes the section's first paragraph. */
    private static void heading(String title, StringBuilder roff) {
        int remark = title.indexOf(" (");
        if (title.length() <= LONG_HEADING || remark < 0) {
            roff.append(".SS ").append(escape(title)).append('\n');
            return;
        }
        roff.append(".SS ").append(escape(title.substring(0, remark))).append('\n');
        roff.append(".PP\n").append(escape(title.substring(remark + 1))).append('\n');
    }

    /**
     * A line that continues the text above. The help wraps its sentences at about 88
     * columns, so a continuation is joined to the text above and roff fills the result
     * (a {@code .br} there would break mid-sentence at the page's width); only a
     * parenthesised remark starts on a line of its own, as in the help.
     */
    private static void continuation(String text, boolean inEntry, StringBuilder roff) {
        if (!inEntry) {
            roff.append(".PP\n");
        } else if (text.startsWith("(")) {
            roff.append(".br\n");
        }
        roff.append(escape(text)).append('\n');
    }

    /** Where the description of an entry line begins, or -1 when the line has no term column. */
    static int termEnd(String line) {
        int gap = line.indexOf("  ", 2);
        if (line.length() > DESCRIPTION_COLUMN && line.charAt(DESCRIPTION_COLUMN - 1) == ' '
                && line.charAt(DESCRIPTION_COLUMN) != ' '
                && !(gap > DESCRIPTION_COLUMN && line.indexOf(' ', DESCRIPTION_COLUMN) == gap)) {
            // (unless one word stands between the column and a two-space gap: the value of an option
            // too long for the column, "--metrics.client-prefixes N  (-s) per-prefix series")
            return DESCRIPTION_COLUMN;
        }
        if (gap > 2) {
            int start = gap;
            while (start < line.length() && line.charAt(start) == ' ') {
                start++;
            }
            return start < line.length() ? start : -1;
        }
        // "-c, --client <host>[%<dev>] run in client mode": the term is the option and its
        // argument words (starting with '-', '<', '[' or '#'); the description follows.
        List<Integer> starts = new ArrayList<>();
        for (int k = 2; k < line.length(); k++) {
            if (line.charAt(k) != ' ' && line.charAt(k - 1) == ' ') {
                starts.add(k);
            }
        }
        for (int k : starts) {
            if ("-<[#".indexOf(line.charAt(k)) < 0) {
                return line.charAt(2) == '-' ? k : -1;
            }
        }
        return -1;
    }

    /** Text made safe for roff: backslashes, minus signs, and control characters at a line's start. */
    static String escape(String text) {
        String s = text.replace("\\", "\\e").replace("-", "\\-");
        return s.startsWith(".") || s.startsWith("'") ? "\\&" + s : s;
    }
}
