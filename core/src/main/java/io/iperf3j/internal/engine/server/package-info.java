/**
 * The multi-test server: {@link io.iperf3j.internal.engine.server.IperfServer} (lifecycle and the
 * accept loop) composing the listening socket ({@code ListeningSocket}), cookie reading
 * ({@code Handshakes}), routing by cookie ({@code CookieTable}) and admission ({@code Admission},
 * {@code SlotPool}, {@code Take}, {@code ClientKey}, {@code RefuseBusy}: {@code --max-concurrent},
 * {@code --max-per-client} and the busy answer), the address rules ({@code AddressFilter}:
 * {@code --allow}/{@code --deny}), the {@code WaitQueue} ({@code --queue}) and the
 * {@code Lobby}, one selector thread for connections that wait without a test; one
 * {@link io.iperf3j.internal.engine.server.ServerSession} per test (the control protocol), which
 * hands its jobs to {@code TcpArrivals}, {@code UdpArrivals}, {@code ProbeAnswer}, {@code AuthCheck},
 * {@code BitrateLimit}, {@code UploadPolice} and {@code TestVerdict}; {@code RateShares} divides
 * {@code --total-rate} among the running tests; {@code CoolDowns} remembers the addresses whose test
 * was cut for its rate ({@code --cool-down}); what a test sees of its server is a
 * {@code ServerContext}. See docs/design/server-session-split.md. The limits that keep one client
 * from costing more than its own connection ({@link io.iperf3j.internal.engine.server.ServerLimits})
 * and the server's {@link io.iperf3j.ServerEvent}s ({@code EventFanout}), whose first listener is the
 * {@code --server-log} ({@link io.iperf3j.internal.engine.server.ServerLog}).
 *
 * <p>Threads: one acceptor thread takes connections (on every port of a {@code -p FIRST-LAST} range,
 * through one selector) and never reads; each connection gets a
 * virtual thread that reads its cookie under a deadline; each test runs on its own test thread
 * (which also fires its timeouts). The log is written from all of them, one synchronized call
 * per line; its {@code dropped} report is written by a short virtual thread a second after the
 * first line it left out. {@code RateShares} is changed by the test threads under its monitor and publishes to
 * each test's {@code RateShare}, which the stream workers read without a lock. See {@code docs/design/engine.md}, "The server on a shared host".
 */
package io.iperf3j.internal.engine.server;
