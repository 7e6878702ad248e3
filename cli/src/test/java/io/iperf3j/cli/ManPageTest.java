package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The man page is the --help text rendered: every option --help lists is a term of the page. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ManPageTest {
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--?[A-Za-z0-9][\\w.-]*");

    private static final String HELP = Main.helpText();
    private static final String PAGE = ManPage.render(HELP, "9.9.9");

    @Test
    void everyOptionOfTheHelpIsATermOfThePage() {
        Set<String> helpOptions = new LinkedHashSet<>();
        for (String line : HELP.lines().toList()) {
            if (line.startsWith("  -")) {
                Matcher m = OPTION.matcher(line.substring(0, ManPage.termEnd(line)));
                while (m.find()) {
                    helpOptions.add(m.group());
                }
            }
        }
        assertThat(helpOptions).contains("-p", "--port", "--loopback", "--push.url", "-F", "-L", "--json-stream")
                .hasSizeGreaterThan(80);
        Set<String> terms = new LinkedHashSet<>();
        String[] lines = PAGE.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith(".B ") && i > 0 && lines[i - 1].equals(".TP")) {
                Matcher m = OPTION.matcher(lines[i].substring(3).replace("\\-", "-"));
                while (m.find()) {
                    terms.add(m.group());
                }
            }
        }
        assertThat(terms).containsAll(helpOptions);
    }

    @Test
    void descriptionsAndNotesCarryOver() {
        String plain = PAGE.replace("\\-", "-").replace("\\e", "\\");
        assertThat(plain)
                .startsWith(".\\\" Generated from iperf3j --help")
                .contains(".TH IPERF3J 1 \"\" \"iperf3j 9.9.9\"")
                .contains("\n.B -F, --file name\nxmit/recv the specified file (not supported)\n")
                .contains("\n.B -A, --affinity n[,m]\nset CPU affinity core number to n (the core the process will use)\n")
                .contains("\n.B -c, --client <host>[%<dev>]\nrun in client mode, connecting to <host>\n.br\n")
                .contains(".SS Server specific\n")
                .contains("iperf3j exporter");
        // no text line may start with a roff control character
        for (String line : PAGE.split("\n")) {
            if (!line.startsWith(".") && !line.startsWith("'")) {
                continue;
            }
            assertThat(line).matches("^\\.(\\\\\"|TH|SH|SS|TP|B|BR|PP|br|nf|fi|nh|ad)( .*)?$");
        }
    }

    /** Issue 25: --help and the page name every subcommand; each one's own --help answers. */
    @Test
    void helpAndPageListEverySubcommand() {
        assertThat(HELP.lines().limit(5)).contains("       iperf3j agent|exporter|host-slots|link|report|session [options]");
        assertThat(HELP).contains("\nSubcommands (iperf3j SUBCOMMAND --help shows its options):\n"
                + "  agent                     run on every host of a YAML plan")
                .contains("\n  exporter                  Prometheus exporter")
                .contains("\n  link                      message-rate test")
                .contains("\n  report                    one self-contained HTML report")
                .contains("\n  session                   run a YAML test plan");
        assertThat(HELP.indexOf("Subcommands")).as("right after the usage lines").isLessThan(HELP.indexOf("Metrics export"));
        assertThat(PAGE).contains("\n.SS Subcommands\n.PP\n(iperf3j SUBCOMMAND \\-\\-help shows its options)\n")
                .contains("\niperf3j agent|exporter|host\\-slots|link|report|session [options]\n.fi\n");
        for (Subcommand sub : Subcommand.ALL) {
            assertThat(PAGE).contains("\n.TP\n.B " + ManPage.escape(sub.command()) + "\n" + ManPage.escape(sub.summary()) + "\n");
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.PrintStream stream = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
            assertThat(new Main(stream, stream).run(new String[] {sub.command(), "--help"})).as(sub.command()).isZero();
            assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("iperf3j " + sub.command());
        }
    }

    /**
     * Issue 25: the help wraps sentences at ~88 columns; the page must not keep those
     * breaks (man breaks them again at its own width, leaving half lines). A forced
     * break comes only before a parenthesised remark, and the data path reads as text.
     */
    @Test
    void pageBreaksLinesOnlyBeforeARemark() {
        String[] lines = PAGE.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].equals(".br")) {
                assertThat(lines[i + 1]).as("the line after .br (line %d)", i + 2).startsWith("(");
            }
        }
        String plain = PAGE.replace("\\-", "-");
        assertThat(plain).contains("\n.SS Data path (iperf3j)\n.PP\nTCP: one platform thread per stream")
                .contains("direct buffer;\n-Z sends with FileChannel.transferTo (sendfile)\n.PP\nUDP: ")
                .contains("\n.B --use-oaep-padding\na server takes OAEP tokens only (iperf3 3.17+\n"
                        + "clients); a client pads its token with it\n")
                .doesNotContain(".SS Metrics export (iperf3-rs");
    }

    @Test
    void helpListsTheUnsupportedOptionsAsSuch() {
        assertThat(HELP).contains("-F, --file name           xmit/recv the specified file (not supported)")
                .contains("-L, --flowlabel N         set the IPv6 flow label (only supported on Linux)") // iperf3's line: -L works
                .doesNotContain("flowlabel N         set the IPv6 flow label (not supported)")
                .doesNotContain("--affinity n/n,m"); // -A is supported since issue 16, with 3.21's line
    }
}
