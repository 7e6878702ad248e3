package io.iperf3j.internal.engine.server;

import io.iperf3j.RttResponder;
import io.iperf3j.internal.engine.udp.UdpStreamRouter;

/**
 * What a test needs from its server, with no way back to the server itself.
 *
 * @param limits the setup and cookie bounds
 * @param auth the authentication each test passes first; null without {@code --rsa-private-key-path}
 * @param listenerBuffers the send and receive buffer sizes of the listener, for the JSON {@code start}
 * @param router the UDP acceptor shared by the tests
 * @param responder answers latency probes; null for none
 * @param events the server's events (the operator log and any other listener)
 * @param cookies routes data connections by cookie
 * @param rates {@code --total-rate}'s division among the running tests; null without it
 * @param coolDowns the addresses whose test was cut for its rate ({@code --cool-down})
 */
record ServerContext(ServerLimits limits, AuthCheck auth, int[] listenerBuffers, UdpStreamRouter router,
                     RttResponder responder, EventFanout events, CookieTable cookies,
                     RateShares rates, CoolDowns coolDowns) {
}
