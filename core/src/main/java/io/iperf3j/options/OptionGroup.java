package io.iperf3j.options;

import java.util.List;

/**
 * A module's share of one command line: the rows it lists and what it makes of their values.
 * One instance reads one command line.
 */
public interface OptionGroup {
    /** The rows this group reads. */
    List<? extends OptionRow> rows();

    /**
     * One option as given, in command-line order.
     *
     * @param value the value, or null for a flag and for an optional value left out
     * @throws OptionError the value is refused
     */
    void apply(OptionRow row, String value);

    /**
     * Checks across this group's options, once the whole line is read and core's own checks passed.
     *
     * @throws OptionError the combination is refused
     */
    default void finish() {
    }
}
