/**
 * Test helpers every module's tests use, published in core's test-jar: the real iperf3
 * binaries ({@link io.iperf3j.testing.Iperf3Binary}, with {@code require()} that fails
 * and says how to install), child processes killed by their own PID
 * ({@link io.iperf3j.testing.Iperf3Process}), network namespaces, veths, addresses and nft
 * under one tag per test with their cleanup ({@link io.iperf3j.testing.Netns}), namespace
 * pairs with shaping and counted drops built on it ({@link io.iperf3j.testing.NetnsPair}),
 * commands with a deadline ({@link io.iperf3j.testing.Shell}), free ports
 * ({@link io.iperf3j.testing.FreePorts}), blocking work on
 * threads of its own ({@link io.iperf3j.testing.Async}), headless Chromium opening a report page
 * ({@link io.iperf3j.testing.Chromium}), a real Prometheus taking remote write
 * ({@link io.iperf3j.testing.Prometheus}) and iperf3j's engine as a peer.
 * Copy none of them into a module: depend on the test-jar.
 *
 * <p>Threads: called from the test's thread; {@code Async} starts one daemon thread per task.
 */
package io.iperf3j.testing;
