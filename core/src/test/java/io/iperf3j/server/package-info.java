/**
 * The multi-test server on a shared host: hostile, slow and concurrent clients, real iperf3
 * clients in numbers, authentication abuse and descriptor leaks, each checked against the
 * server log and the documents of the tests that ran meanwhile. Threads: the test thread, plus
 * clients started with {@code io.iperf3j.testing.Async}.
 */
package io.iperf3j.server;
