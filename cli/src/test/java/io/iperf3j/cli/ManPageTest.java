package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.internal.options.OptionParser;

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

    private static final String HELP = Main.helpText(OptionParser.usage());
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
            assertThat(line).matches("^\\.(\\\\\"|TH|SH|SS|TP|B|BR|PP|br|nf|fi)( .*)?$");
        }
    }

    @Test
    void helpListsTheUnsupportedOptionsAsSuch() {
        assertThat(HELP).contains("-F, --file name           xmit/recv the specified file (not supported)")
                .contains("-L, --flowlabel N         set the IPv6 flow label (only supported on Linux)") // iperf3's line: -L works
                .doesNotContain("flowlabel N         set the IPv6 flow label (not supported)")
                .doesNotContain("--affinity n/n,m"); // -A is supported since issue 16, with 3.21's line
    }
}
