package io.iperf3j.session.command;

import io.iperf3j.export.cli.MetricsOption;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A command's option from export's one option table ({@link MetricsOption}: {@code --metrics.listen},
 * {@code --remote-write.*}, {@code --push.*}), added to its picocli model by program rather than by annotation, so that
 * its name and value label are the table's: one string value, handed to a field as picocli reads it. Used by the
 * session's and the agent's commands and the option groups they share ({@link PushOptions}, {@link RemoteWriteOptions}).
 */
final class TableOption {
    private TableOption() {
    }

    /** Adds {@code row} to {@code spec} with {@code description}; each value given goes to {@code into}. */
    static void add(CommandSpec spec, MetricsOption row, String description, Consumer<String> into) {
        spec.addOption(builder(row.flag(), row, into).description(description).build());
    }

    /** Adds {@code oldName}, a hidden spelling of {@code row} kept for old command lines; its values go to {@code into}. */
    static void addHidden(CommandSpec spec, String oldName, MetricsOption row, Consumer<String> into) {
        spec.addOption(builder(oldName, row, into).hidden(true).build());
    }

    private static OptionSpec.Builder builder(String name, MetricsOption row, Consumer<String> into) {
        return OptionSpec.builder(name).paramLabel(row.valueLabel()).type(String.class).arity("1").hasInitialValue(false)
                .setter(new Into(into));
    }

    /** Hands the value picocli reads to a field. */
    private record Into(Consumer<String> field) implements ISetter {
        @Override
        public <T> T set(T value) {
            field.accept((String) value);
            return null;
        }
    }
}
