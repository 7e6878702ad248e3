/**
 * A test's outputs read: iperf3 JSON and JSON streams, iperf2 text and CSV, errors sorted from output, the
 * throughput matrix. Pure.
 */
package io.iperf3j.session.internal.result;
