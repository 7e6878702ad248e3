/**
 * The test sessions: the client's test ({@link io.iperf3j.internal.engine.ClientTest}, its
 * {@code ClientSession}) and what client and server sessions share
 * ({@link io.iperf3j.internal.engine.TestSession}: the state machine loop, timers, sampling, the
 * results exchange), the data-stream base class and its sampler, the {@code -n}/{@code -k}
 * budget, pacing, payloads, socket buffers, the stream factory, errno texts, the version and the
 * data-path switches.
 *
 * <p>Threads: each test has one <em>test thread</em> that owns its session, control connection,
 * timers, sampling and reports (it waits in one {@code Selector}; there are no timer threads).
 * Each {@link io.iperf3j.internal.engine.DataStream} has one platform thread of its own that moves
 * bytes and publishes its counters with release stores; the test thread reads them with acquire
 * loads. The client's password prompt runs on the caller's thread before the test starts.
 * {@link io.iperf3j.internal.engine.OneTimeSetup} runs a JVM's one-time native set-up once, on a
 * daemon thread of its own, while the caller parses options.
 * See {@code docs/design/engine.md}.
 */
package io.iperf3j.internal.engine;
