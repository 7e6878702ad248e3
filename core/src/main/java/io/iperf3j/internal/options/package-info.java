/**
 * iperf3's command line: getopt-compatible scanning, the option table, C number parsing and
 * the immutable result ({@link io.iperf3j.internal.options.IperfOptions}), returned as a sealed
 * {@link io.iperf3j.internal.options.ParseResult} instead of an exit. Also the usage text and
 * the version line.
 *
 * <p>Threads: parsing runs on the caller's thread before a test exists; the options are
 * immutable and shared freely afterwards.
 */
package io.iperf3j.internal.options;
