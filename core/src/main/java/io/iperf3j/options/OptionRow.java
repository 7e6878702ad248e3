package io.iperf3j.options;

import java.util.List;

/**
 * One option of the {@code iperf3j} command line: its names as getopt_long knows them, its
 * value, and its lines of {@code --help}. Each module that owns options implements this with
 * one enum (a constant per option) and reads the values with an {@link OptionGroup}; the
 * command assembles the rows of every module into one table, scanned once.
 */
public interface OptionRow {
    /** The short name of an option that has none. */
    char NO_SHORT = 0;

    /** The long names without {@code --}, the canonical one first. */
    List<String> longNames();

    /** The short name ({@code 'p'} for {@code -p}), or {@link #NO_SHORT}. */
    char shortName();

    /** Whether the option takes a value. */
    HasArg hasArg();

    /** The heading the row is listed under, with its colon, e.g. {@code "Client specific:"}. */
    String section();

    /** Its {@code --help} lines exactly as printed, without the last line end; empty for an unlisted row. */
    String help();

    /** The row's place in getopt's {@code longopts}: the order in which an ambiguous prefix lists its candidates. */
    default int getoptOrder() {
        return 1000;
    }

    /**
     * Whether a unique prefix of a long name selects the row. Only iperf3's own names abbreviate;
     * other rows match exactly, so they take no iperf3 abbreviation away.
     */
    default boolean abbreviable() {
        return false;
    }

    /** The role the option belongs to. */
    default Scope scope() {
        return Scope.ANY;
    }
}
