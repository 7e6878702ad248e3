package io.iperf3j.link;

/**
 * A server's own counters (each peer has its {@link LinkMetrics}).
 *
 * @param peers              connected peers
 * @param halfOpen           peers accepted whose client has not yet answered
 * @param inDatagrams        datagrams read from the socket
 * @param inBytes            their bytes
 * @param outDatagrams       datagrams sent to any address
 * @param outBytes           their bytes
 * @param malformedDatagrams datagrams that failed to decode (dropped whole)
 * @param strayDatagrams     well-formed datagrams from unknown addresses that were not a connect request
 * @param rejected           connect requests rejected (listener, protocol version, peer bound)
 * @param handshakesDropped  connect requests dropped without an answer (half-open bound reached)
 * @param repliesWithheld    sends to half-open peers held back because they would exceed what the peer sent
 * @param pongsWithheld      pings not answered because the peer exceeded its pong rate
 */
public record ServerMetrics(
        long peers,
        long halfOpen,
        long inDatagrams,
        long inBytes,
        long outDatagrams,
        long outBytes,
        long malformedDatagrams,
        long strayDatagrams,
        long rejected,
        long handshakesDropped,
        long repliesWithheld,
        long pongsWithheld) {
}
