/**
 * The one option table of the {@code iperf3j} command line: the rows each module contributes
 * ({@link io.iperf3j.options.OptionRow}) and the groups that read their values
 * ({@link io.iperf3j.options.OptionGroup}). Core's iperf3 rows, export's {@code --push.*} and
 * {@code --metrics.*}, report's {@code --report} are scanned together, once, with glibc's
 * getopt_long rules, so {@code --}, clusters and values mean the same for all of them.
 */
package io.iperf3j.options;
