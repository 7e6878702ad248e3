package io.iperf3j.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --report FILE} on a client run: taken out of the command line before iperf3's options
 * are parsed, and used when the run ends to write the same report {@code iperf3j report} would
 * write from the run's -J document.
 *
 * @param file the report to write, or null when the option was not given
 * @param remaining the command line without {@code --report FILE}
 */
public record ReportOption(Path file, List<String> remaining) {
    public static final String NAME = "--report";

    /**
     * Splits {@code --report FILE} / {@code --report=FILE} out of {@code args}.
     *
     * @throws IllegalArgumentException when the option has no file, or is given twice
     */
    public static ReportOption extract(List<String> args) {
        Path file = null;
        List<String> rest = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = null;
            if (a.equals(NAME)) {
                if (i + 1 >= args.size() || args.get(i + 1).isEmpty()) {
                    throw new IllegalArgumentException(NAME + " needs the HTML file to write");
                }
                value = args.get(++i);
            } else if (a.startsWith(NAME + "=")) {
                value = a.substring(NAME.length() + 1);
                if (value.isEmpty()) {
                    throw new IllegalArgumentException(NAME + " needs the HTML file to write");
                }
            } else {
                rest.add(a);
                continue;
            }
            if (file != null) {
                throw new IllegalArgumentException(NAME + " given twice");
            }
            file = Path.of(value);
        }
        return new ReportOption(file, List.copyOf(rest));
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
