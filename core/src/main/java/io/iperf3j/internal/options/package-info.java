/**
 * iperf3's command line: the option table ({@link io.iperf3j.internal.options.CommandLineOption},
 * the single source of the names, the getopt rules and the {@code --help} text), getopt-compatible
 * scanning, the per-option rules, C number parsing and the immutable result
 * ({@link io.iperf3j.internal.options.IperfOptions}), returned as a sealed
 * {@link io.iperf3j.internal.options.ParseResult} instead of an exit. Also the usage text and
 * the version line.
 *
 * <p>Threads: parsing runs on the caller's thread before a test exists; the options are
 * immutable and shared freely afterwards. The table is a constant, shared by every thread.
 *
 * <p>Why not picocli here (it parsed this command line until issue 16, and still parses the
 * subcommands {@code exporter}, {@code link}, {@code report} and {@code session}): every
 * {@code iperf3j -c}/{@code -s} run paid for picocli building its command model by reflection
 * over 76 annotated setters, 300-400 ms of a 1 s test's wall time on the shared 2-core machine,
 * and none of it could be cached: picocli 4.7 is compiled for Java 5, and the JDK's AOT cache and
 * CDS skip class files older than version 50, so its ~160 classes were loaded and verified anew
 * each run (bench/results/2026-11-23-startup-breakdown.md). Nor did picocli do the hard part:
 * getopt_long's prefix matching, optional arguments only when attached, the first bad word ending
 * the scan and glibc's messages were already this package's own ({@link
 * io.iperf3j.internal.options.GetoptScanner}); picocli only mapped canonical names to setters in
 * order, which a table and a {@code switch} do in microseconds. iperf3 itself is a table
 * ({@code longopts}) over {@code getopt_long}, and so is this.
 */
package io.iperf3j.internal.options;
