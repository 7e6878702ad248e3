/**
 * iperf3's outputs: the text, {@code -J} and {@code --json-stream} reports
 * ({@link io.iperf3j.internal.output.TestReporter}, one computation for text and JSON), their
 * line formats and where they go ({@link io.iperf3j.internal.output.OutputSink}).
 *
 * <p>Threads: a reporter runs on its test's thread. One {@code OutputSink} is shared by all
 * tests of a server (and its log), so each write is one synchronized call.
 */
package io.iperf3j.internal.output;
