/**
 * What reports are made of: the test's record ({@link io.iperf3j.internal.stats.TestRecord}),
 * one record per stream and one per interval, and the
 * {@link io.iperf3j.internal.stats.TestObserver} that hears each report.
 *
 * <p>Threads: records are written only by the test thread (sampling, the results exchange) and
 * read by the same thread when it reports; observers are called on that thread.
 */
package io.iperf3j.internal.stats;
