/**
 * How a report is made, hidden behind {@link io.iperf3j.report.HtmlReport}: readers for -J and
 * --json-stream files ({@code RunReader}), session directories ({@code SessionDirectoryReader}) and a
 * scheduled session's history ({@code HistoryReader} into bounded {@code HistorySeries}), the first two
 * filling a {@code RunAccumulator} (with {@code RunSummary} for the header and
 * {@code LatencySummary} for an {@code iperf3j --latency} run's {@code end.latency}); the page's
 * data model ({@code ModelWriter}) and the page itself ({@code PageWriter}, with
 * {@code units.js}/{@code report.js}/{@code report.css} and the vendored uPlot as resources). All on the caller's
 * thread; no state outlives one build or write.
 */
package io.iperf3j.report.internal;
