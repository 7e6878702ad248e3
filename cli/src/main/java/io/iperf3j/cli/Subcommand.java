package io.iperf3j.cli;

import io.iperf3j.export.cli.MetricsOptions;
import io.iperf3j.export.exporter.ExporterCommand;
import io.iperf3j.link.LinkCommand;
import io.iperf3j.report.ReportCommand;
import io.iperf3j.session.command.AgentCommand;
import io.iperf3j.session.command.HostSlotsCommand;
import io.iperf3j.session.command.SessionCommand;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;
import java.util.Map;

/**
 * iperf3j's commands beside iperf3's command line ({@code iperf3j NAME [options]}); each
 * prints its own options with {@code --help}. The one list of them: {@link Main#run} dispatches
 * by {@link #named} (a switch over the constants, so a new one that is not run does not
 * compile), and {@code iperf3j --help} and the man page list them from here, so a user who
 * reads only the help finds them.
 */
enum Subcommand {
    AGENT("agent", "run on every host of a YAML plan: a server, and the plan's tests it sends, on the plan's schedule"),
    EXPORTER("exporter", "Prometheus exporter: /metrics, and /probe runs a test per scrape"),
    HOST_SLOTS("host-slots", "the host's slot service: every account's sessions take turns here (systemd runs it)"),
    LINK("link", "message-rate test over the iperf3j UDP message link"),
    REPORT("report", "one self-contained HTML report of iperf3 -J runs"),
    SESSION("session", "run a YAML test plan over many hosts (local or SSH)");

    /** Every subcommand, in the order {@code --help} lists them. */
    static final List<Subcommand> ALL = List.of(values());

    private final String command;
    private final String summary;

    Subcommand(String command, String summary) {
        this.command = command;
        this.summary = summary;
    }

    /** The first argument that selects it: {@code "link"}. */
    String command() {
        return command;
    }

    /** What it does, one line for {@code --help}. */
    String summary() {
        return summary;
    }

    /** The subcommand {@code arg} names, or null (the arguments are iperf3's command line). */
    static Subcommand named(String arg) {
        for (Subcommand s : ALL) {
            if (s.command.equals(arg)) {
                return s;
            }
        }
        return null;
    }

    /** The command's picocli model (its options, for the man page); link's with export's metrics rows. */
    CommandSpec spec() {
        return switch (this) {
            case AGENT -> AgentCommand.spec();
            case EXPORTER -> ExporterCommand.spec();
            case HOST_SLOTS -> HostSlotsCommand.spec();
            case LINK -> LinkCommand.spec(List.of(new MetricsOptions(Map.<String, String>of()::get)));
            case REPORT -> ReportCommand.spec();
            case SESSION -> SessionCommand.spec();
        };
    }

    /** Column where {@code --help} starts the summary, as iperf3's usage starts an option's description. */
    private static final int SUMMARY_COLUMN = 28;

    /** The synopsis line, aligned under iperf3's {@code Usage: iperf3j ...} lines. */
    static String synopsis() {
        StringBuilder names = new StringBuilder();
        for (Subcommand s : ALL) {
            names.append(names.isEmpty() ? "" : "|").append(s.command);
        }
        return "       iperf3j " + names + " [options]";
    }

    /** The {@code --help} section: a heading and one line per subcommand. */
    static String helpSection() {
        StringBuilder sb = new StringBuilder("Subcommands (iperf3j SUBCOMMAND --help shows its options):\n");
        for (Subcommand s : ALL) {
            String term = "  " + s.command;
            sb.append(term).append(" ".repeat(SUMMARY_COLUMN - term.length())).append(s.summary).append('\n');
        }
        return sb.toString();
    }
}
