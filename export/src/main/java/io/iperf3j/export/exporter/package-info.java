/**
 * {@code iperf3j exporter}: a Prometheus scrape endpoint compatible with iperf3_exporter's
 * {@code /probe}, on the JDK's HTTP server ({@link io.iperf3j.export.exporter.ExporterServer}).
 */
package io.iperf3j.export.exporter;
