package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.IperfCommand;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * iperf3j's four subcommands in one style: the same usage head, {@code -h/--help} and
 * {@code -v/--version}, a refused line printed the same way (status 1; session 2), each named
 * with a summary in {@code iperf3j --help} and with its options in the man page.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SubcommandStyleTest {
    private final MainRun main = new MainRun();
    private final ByteArrayOutputStream out = main.out;
    private final ByteArrayOutputStream err = main.err;

    private int run(String... args) {
        out.reset();
        err.reset();
        return main.run(args);
    }

    @Test
    void helpVersionAndRefusalLookTheSameInEach() {
        for (Subcommand s : Subcommand.ALL) {
            String name = s.command();
            for (String help : new String[] {"-h", "--help"}) {
                assertThat(run(name, help)).as(name + " " + help).isZero();
                assertThat(out.toString()).as(name + " " + help).startsWith("Usage: iperf3j " + name + " ")
                        .contains("-h, --help", "-v, --version");
            }
            for (String version : new String[] {"-v", "--version"}) {
                assertThat(run(name, version)).as(name + " " + version).isZero();
                assertThat(out.toString()).as(name + " " + version).isEqualTo("iperf3j " + IperfCommand.version() + "\n");
            }
            // the required operands given (report's INPUT and -o, session's PLAN): the unknown option is what is refused
            int status = switch (name) {
                case "report" -> run(name, "in.json", "-o", "out.html", "--bogus");
                case "session" -> run(name, "plan.yaml", "--bogus");
                default -> run(name, "--bogus");
            };
            assertThat(status).as(name + " --bogus").isEqualTo(name.equals("session") || name.equals("agent") ? 2 : 1);
            assertThat(err.toString()).as(name + " --bogus").isEqualTo("iperf3j " + name + ": Unknown option: '--bogus'\n\n"
                    + "Usage: iperf3j " + name + " [options]\nTry `iperf3j " + name + " --help' for more information.\n");
            assertThat(out.toString()).isEmpty();
        }
    }

    @Test
    void theFirstWordSelectsASubcommandByItsWholeName() {
        for (Subcommand s : Subcommand.ALL) {
            assertThat(Subcommand.named(s.command())).isSameAs(s);
        }
        for (String notOne : new String[] {"LINK", "lin", "-c", "", "links"}) {
            assertThat(Subcommand.named(notOne)).as(notOne).isNull();
        }
        assertThat(Main.mayRunATest(new String[] {"link", "-c", "h"})).isFalse();
        assertThat(Main.mayRunATest(new String[] {"-c", "link"})).isTrue();
    }

    @Test
    void linkReadsTheMetricsRowsItself() {
        assertThat(run("link", "--help")).isZero();
        assertThat(out.toString()).contains("--push.url=URL", "--metrics.file=PATH");
        assertThat(run("link", "-c", "127.0.0.1", "--push.retries", "11")).isEqualTo(1);
        assertThat(err.toString()).startsWith("iperf3j link: parameter error - --push.retries must be at most 10\n\nUsage: ");
    }

    @Test
    void helpAndPageListEverySubcommand() {
        String help = Main.helpText();
        String page = ManPage.render(help, "9.9.9");
        assertThat(page).contains("\n.SH SUBCOMMANDS\n");
        for (Subcommand s : Subcommand.ALL) {
            assertThat(help).contains("\n  " + s.command() + " ".repeat(26 - s.command().length()) + s.summary() + "\n");
            int at = page.indexOf("\n.SS iperf3j " + s.command().replace("-", "\\-") + "\n");
            assertThat(at).as(s.command()).isPositive();
            int end = page.indexOf("\n.S", at + 1);
            String section = page.substring(at, end).replace("\\-", "-");
            for (var o : s.spec().options()) {
                if (o.hidden()) { // an old name kept for a release (session's --push): not documented
                    assertThat(section).as(s.command()).doesNotContain("\n.B " + String.join(", ", o.names()) + " ");
                    continue;
                }
                assertThat(section).as(s.command()).contains("\n.B " + String.join(", ", o.names()));
                assertThat(String.join(" ", o.description())).as(s.command()).isNotBlank();
            }
        }
    }
}
