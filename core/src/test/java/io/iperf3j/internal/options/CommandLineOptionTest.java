package io.iperf3j.internal.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The option table: each row is documented by its own help lines, parsed by one rule, and named once. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CommandLineOptionTest {

    @Test
    void everyNameARowParsesIsInItsOwnHelpLine() {
        for (CommandLineOption o : CommandLineOption.values()) {
            if (o == CommandLineOption.NO_FQ_SOCKET_PACING) {
                assertThat(o.help).as("deprecated, left out of the usage as 3.12 does").isEmpty();
                continue;
            }
            String firstLine = o.help.lines().findFirst().orElseThrow();
            if (o.shortName != io.iperf3j.options.OptionRow.NO_SHORT) {
                assertThat(firstLine).as(o.name()).startsWith("  -" + o.shortName + ", --" + o.longNames.getFirst());
            } else {
                assertThat(firstLine).as(o.name()).startsWith("  --" + o.longNames.getFirst());
            }
            // the default padding is filled in when the usage is rendered: each side of its mark must be there
            for (String part : (o.help + "\n").split(java.util.regex.Pattern.quote(CommandLineOption.AUTH_PADDING))) {
                assertThat(OptionParser.usage()).as(o.name()).contains(part);
            }
        }
    }

    @Test
    void namesAndLongoptsPlacesAreUnique() {
        Set<String> longNames = new HashSet<>();
        Set<Character> shortNames = new HashSet<>();
        Set<Integer> orders = new HashSet<>();
        for (CommandLineOption o : CommandLineOption.values()) {
            for (String name : o.longNames) {
                assertThat(longNames.add(name)).as("--%s twice", name).isTrue();
            }
            if (o.shortName != io.iperf3j.options.OptionRow.NO_SHORT) {
                assertThat(shortNames.add(o.shortName)).as("-%s twice", o.shortName).isTrue();
                assertThat(o.shortName).isLessThan((char) 128);
            }
            assertThat(orders.add(o.getoptOrder)).as("longopts place %d twice", o.getoptOrder).isTrue();
        }
        assertThat(longNames).hasSize(86); // 84 options, two with a second long name (--bandwidth, --linux-congestion)
    }

    /** The scanner's rows reach {@link CommandLineSpec#apply}'s rule for each option, none falls through. */
    @Test
    void everyRowHasARule() {
        for (CommandLineOption o : CommandLineOption.values()) {
            String value = o.hasArg == io.iperf3j.options.HasArg.REQUIRED ? "1" : null;
            assertThatCode(() -> {
                try {
                    new CommandLineSpec().apply(o, value);
                } catch (CommandLineSpec.Stop stop) {
                    assertThat(stop.result).isNotNull(); // -h, -v, or a parameter error: a rule ran
                }
            }).as(o.name()).doesNotThrowAnyException();
        }
    }

    @Test
    void usageSectionsComeInIperf3sOrder() {
        String usage = OptionParser.usage();
        int both = usage.indexOf("\nServer or Client:\n");
        int server = usage.indexOf("\nServer specific:\n");
        int client = usage.indexOf("\nClient specific:\n");
        assertThat(both).isPositive().isLessThan(server);
        assertThat(server).isLessThan(client);
        assertThat(usage).contains("  --bidir                   run in bidirectional mode.\n"
                + "                            Client and server send and receive data.\n");
        assertThat(usage).doesNotContain(CommandLineOption.AUTH_PADDING).doesNotContain("--no-fq-socket-pacing");
    }
}
