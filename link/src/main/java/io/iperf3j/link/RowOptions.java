package io.iperf3j.link;

import io.iperf3j.options.HasArg;
import io.iperf3j.options.OptionGroup;
import io.iperf3j.options.OptionRow;
import io.iperf3j.options.Scope;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows of the {@code iperf3j} option table as picocli options of a subcommand: {@code iperf3j link}
 * takes export's {@code --push.*} / {@code --metrics.*} rows this way, so picocli reads the whole
 * line once (no strip before it) and each value goes to the group that owns the row, in order.
 * Names, arity and help come from the row; no annotation, so nothing is read reflectively.
 */
final class RowOptions {
    /** Where iperf3's usage lines start an option's description. */
    private static final int DESCRIPTION_COLUMN = 28;

    private RowOptions() {
    }

    /** Adds every row of {@code group} to {@code spec}, but the server's ({@link Scope#SERVER}: {@code --metrics.listen}). */
    static void add(CommandSpec spec, OptionGroup group) {
        for (OptionRow row : group.rows()) {
            if (row.scope() == Scope.SERVER) {
                continue;
            }
            List<String> names = new ArrayList<>();
            if (row.shortName() != OptionRow.NO_SHORT) {
                names.add("-" + row.shortName());
            }
            for (String n : row.longNames()) {
                names.add("--" + n);
            }
            String first = row.help().lines().findFirst().orElse("");
            int gap = first.indexOf("  ", 2);
            if ((gap < 0 || gap > DESCRIPTION_COLUMN) && first.length() > DESCRIPTION_COLUMN
                    && first.charAt(DESCRIPTION_COLUMN - 1) == ' ') {
                gap = DESCRIPTION_COLUMN - 1; // "--metrics.label KEY=VALUE sample label": one space, at the column
            }
            String term = gap < 0 ? first.strip() : first.substring(0, gap).strip();
            String label = term.substring(term.indexOf(' ') < 0 ? term.length() : term.indexOf(' ')).strip();
            String description = gap < 0 ? "" : first.substring(gap).strip();
            if (label.isEmpty() && term.contains("[=")) { // "--push.delete-on-exit[=BOOL]"
                label = term.substring(term.indexOf("[=") + 2, term.length() - 1);
            }
            OptionSpec.Builder b = OptionSpec.builder(names.toArray(new String[0]))
                    .description(description)
                    .hasInitialValue(false)
                    .setter(new ToGroup(group, row));
            if (row.hasArg() == HasArg.NO) {
                b.arity("0").type(boolean.class);
            } else {
                b.type(String.class).paramLabel(label.isEmpty() ? "VALUE" : label)
                        .arity(row.hasArg() == HasArg.REQUIRED ? "1" : "0..1");
                if (row.hasArg() == HasArg.OPTIONAL) {
                    b.fallbackValue(CommandLine.Option.NULL_VALUE);
                }
            }
            spec.addOption(b.build());
        }
    }

    /** Hands each value picocli reads to the row's group. */
    private record ToGroup(OptionGroup group, OptionRow row) implements ISetter {
        @Override
        public <T> T set(T value) {
            group.apply(row, row.hasArg() == HasArg.NO || value == null ? null : value.toString());
            return null;
        }
    }
}
