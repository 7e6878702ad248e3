/**
 * The multi-test server: {@link io.iperf3j.internal.engine.server.IperfServer} (the listening
 * socket, the acceptor, cookie reading, {@code --max-concurrent}, the busy answer), one
 * {@link io.iperf3j.internal.engine.server.ServerSession} per test, the limits that keep one client
 * from costing more than its own connection ({@link io.iperf3j.internal.engine.server.ServerLimits})
 * and the {@code --server-log} ({@link io.iperf3j.internal.engine.server.ServerLog}).
 *
 * <p>Threads: one acceptor thread takes connections and never reads; each connection gets a
 * virtual thread that reads its cookie under a deadline; each test runs on its own test thread
 * (which also fires its timeouts). The log is written from all of them, one synchronized call
 * per line. See {@code docs/design/engine.md}, "The server on a shared host".
 */
package io.iperf3j.internal.engine.server;
