/**
 * HTML reports of iperf3 runs: {@link io.iperf3j.report.HtmlReport} (library) and
 * {@link io.iperf3j.report.ReportCommand} ({@code iperf3j report}). Everything runs on the
 * caller's thread; nothing is shared between reports.
 */
package io.iperf3j.report;
