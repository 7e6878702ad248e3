/**
 * Interop against the real iperf3 3.12 and 3.21 on loopback: TCP pairings both ways, the
 * end-of-test rules ({@code docs/design/test-end.md}) and the sweep over iperf3 releases.
 * Threads: the test thread drives real iperf3 processes and the engine in process.
 */
package io.iperf3j.interop;
