package io.iperf3j.cli;

import io.iperf3j.export.cli.MetricsOptions;
import io.iperf3j.export.exporter.ExporterCommand;
import io.iperf3j.link.LinkCommand;
import io.iperf3j.report.ReportCommand;
import io.iperf3j.session.SessionCommand;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;
import java.util.Map;

/**
 * iperf3j's commands beside iperf3's command line ({@code iperf3j NAME [options]}); each
 * prints its own options with {@code --help}. {@code iperf3j --help} and the man page
 * list them from here, so a user who reads only the help finds them.
 *
 * @param name the first argument that selects the command
 * @param summary what it does, one line for {@code --help}
 */
record Subcommand(String name, String summary) {
    /** Every subcommand, in the order {@code --help} lists them. */
    static final List<Subcommand> ALL = List.of(
            new Subcommand("exporter", "Prometheus exporter: /metrics, and /probe runs a test per scrape"),
            new Subcommand("link", "message-rate test over the iperf3j UDP message link"),
            new Subcommand("report", "one self-contained HTML report of iperf3 -J runs"),
            new Subcommand("session", "run a YAML test plan over many hosts (local or SSH)"));

    /** The command's picocli model (its options, for the man page); link's with export's metrics rows. */
    CommandSpec spec() {
        return switch (name) {
            case ExporterCommand.NAME -> ExporterCommand.spec();
            case LinkCommand.NAME -> LinkCommand.spec(List.of(new MetricsOptions(Map.<String, String>of()::get)));
            case ReportCommand.NAME -> ReportCommand.spec();
            case SessionCommand.NAME -> SessionCommand.spec();
            default -> throw new IllegalStateException(name);
        };
    }

    /** Column where {@code --help} starts the summary, as iperf3's usage starts an option's description. */
    private static final int SUMMARY_COLUMN = 28;

    /** Whether {@code arg} names a subcommand. */
    static boolean isSubcommand(String arg) {
        for (Subcommand s : ALL) {
            if (s.name.equals(arg)) {
                return true;
            }
        }
        return false;
    }

    /** The synopsis line, aligned under iperf3's {@code Usage: iperf3j ...} lines. */
    static String synopsis() {
        StringBuilder names = new StringBuilder();
        for (Subcommand s : ALL) {
            names.append(names.isEmpty() ? "" : "|").append(s.name);
        }
        return "       iperf3j " + names + " [options]";
    }

    /** The {@code --help} section: a heading and one line per subcommand. */
    static String helpSection() {
        StringBuilder sb = new StringBuilder("Subcommands (iperf3j SUBCOMMAND --help shows its options):\n");
        for (Subcommand s : ALL) {
            String term = "  " + s.name;
            sb.append(term).append(" ".repeat(SUMMARY_COLUMN - term.length())).append(s.summary).append('\n');
        }
        return sb.toString();
    }
}
