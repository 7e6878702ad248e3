package io.iperf3j.report;

import io.iperf3j.internal.subcommand.Subcommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code iperf3j report INPUT... -o report.html [--title TEXT]}: one self-contained HTML
 * report from -J files, --json-stream files, session output directories and a scheduled session's
 * history (its directory or tests.jsonl). Exit status 0
 * when the report was written; 1 for bad arguments or a bad input, in which case nothing is
 * written (an existing file at the output path is left as it was).
 */
public final class ReportCommand {
    private ReportCommand() {
    }

    /** The subcommand's name: {@code iperf3j report}. */
    public static final String NAME = "report";

    /** The command's picocli model: its options, for the man page. */
    public static CommandLine.Model.CommandSpec spec() {
        return commandLine(new Options(System.err)).getCommandSpec();
    }

    private static CommandLine commandLine(Options options) {
        CommandLine cl = new CommandLine(options);
        cl.getCommandSpec().version(Subcommands.version());
        return cl;
    }

    /** @param args the arguments after {@code report} */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        Options options = new Options(err);
        CommandLine cl = commandLine(options)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setParameterExceptionHandler((ex, a) -> {
                    err.print(Subcommands.refused(NAME, ex.getMessage()));
                    return 1;
                });
        int status = cl.execute(args.toArray(String[]::new));
        out.flush();
        err.flush();
        return status;
    }

    @Command(name = "iperf3j report", mixinStandardHelpOptions = false, sortOptions = false,
            description = {"Writes one self-contained HTML report (charts, interval table, raw JSON) of iperf3 runs.",
                    "Opens offline in any current browser: nothing is fetched."},
            footer = {"", "Example: iperf3j report before.json after.json -o compare.html"})
    private static final class Options implements Callable<Integer> {
        private final PrintStream err;

        @Parameters(arity = "1..*", paramLabel = "INPUT",
                description = {"iperf3 -J or --json-stream output files (iperf3 3.12+ or iperf3j), or a session output directory;",
                        "a scheduled session's directory (or its tests.jsonl) draws the plan's history over its runs"})
        List<Path> inputs;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "the HTML file to write")
        Path output;

        @Option(names = "--title", paramLabel = "TEXT", description = "page title (default: made from the inputs' names)")
        String title;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this message and quit")
        boolean help;

        @Option(names = {"-v", "--version"}, versionHelp = true, description = "show version information and quit")
        boolean version;

        Options(PrintStream err) {
            this.err = err;
        }

        @Override
        public Integer call() {
            Path parent = output.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                err.println("iperf3j report: error - " + output + ": its directory does not exist");
                return 1;
            }
            if (Files.isDirectory(output)) {
                err.println("iperf3j report: error - " + output + " is a directory; -o takes the HTML file to write");
                return 1;
            }
            HtmlReport.Builder b = HtmlReport.builder();
            inputs.forEach(b::add);
            if (title != null) {
                b.title(title);
            }
            try {
                b.build().write(output);
            } catch (ReportInputException e) {
                err.println("iperf3j report: error - " + e.getMessage());
                err.println("iperf3j report: nothing written");
                return 1;
            } catch (IOException e) {
                err.println("iperf3j report: error - cannot write " + output + ": " + e.getMessage());
                return 1;
            }
            return 0;
        }
    }
}
