package io.iperf3j.report;

import io.iperf3j.options.HasArg;
import io.iperf3j.options.OptionError;
import io.iperf3j.options.OptionGroup;
import io.iperf3j.options.OptionRow;
import io.iperf3j.options.Scope;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code --report FILE} on a client run: a row of the {@code iperf3j} option table (client
 * only, so {@code -s --report x} is refused as iperf3 refuses its client options), used when
 * the run ends to write the same report {@code iperf3j report} would write from the run's -J
 * document. One instance reads one command line.
 */
public final class ReportOption implements OptionGroup {
    public static final String NAME = "--report";

    /** The option's row. */
    public enum Row implements OptionRow {
        REPORT;

        @Override
        public List<String> longNames() {
            return List.of("report");
        }

        @Override
        public char shortName() {
            return NO_SHORT;
        }

        @Override
        public HasArg hasArg() {
            return HasArg.REQUIRED;
        }

        @Override
        public String section() {
            return "Client specific:";
        }

        @Override
        public String help() {
            return "  --report FILE             write an HTML report of the test to FILE when it ends\n"
                    + "                            (as iperf3j report writes from the test's -J output)";
        }

        @Override
        public Scope scope() {
            return Scope.CLIENT;
        }
    }

    private static final List<Row> ROWS = List.of(Row.REPORT);

    private Path file;

    /** Reads one command line's {@code --report}. */
    public ReportOption() {
    }

    @Override
    public List<Row> rows() {
        return ROWS;
    }

    @Override
    public void apply(OptionRow row, String value) {
        if (value.isEmpty()) {
            throw new OptionError(NAME + " needs the HTML file to write");
        }
        if (file != null) {
            throw new OptionError(NAME + " given twice");
        }
        try {
            file = Path.of(value);
        } catch (InvalidPathException e) {
            throw new OptionError("invalid path for " + NAME + ": " + e.getMessage());
        }
    }

    /** The report to write, or null when the option was not given. */
    public Path file() {
        return file;
    }

    /**
     * Writes the report of one run.
     *
     * @param label what the report calls the run
     * @param jsonDocument the run's -J document (with {@code error} when it failed)
     * @return true when written; false after printing why not to {@code err}
     */
    public boolean write(String label, String jsonDocument, PrintStream err) {
        try {
            HtmlReport.builder().addDocument(label, jsonDocument).build().write(file);
            return true;
        } catch (ReportInputException | IOException | RuntimeException e) {
            err.println("iperf3j: error - " + NAME + " " + file + " not written: " + e.getMessage());
            return false;
        }
    }
}
