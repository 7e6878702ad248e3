package io.iperf3j;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The end figures of a test, typed, read from the {@code end} object of iperf3's JSON by
 * {@link IperfJsonReader}. "Sent" and "received" are {@code end.sum_sent} and {@code end.sum_received},
 * the two ends of the main direction (client to server, or server to client with {@code -R}); the reverse
 * direction of a {@code --bidir} test is in {@link #reverse()}. The figures are iperf3's as printed: a server
 * writes {@code end} before the results exchange, so a server's {@code sent} of a test it received is 0.
 *
 * @param transport TCP or UDP
 * @param sent {@code sum_sent}: bytes, seconds and rate of the sending side
 * @param received {@code sum_received}: the receiving side's figures, with UDP loss and jitter
 * @param udpSum {@code end.sum} of a UDP test (the printing side's own view of the loss; packets may differ from
 *               {@code received}'s), or {@code sum_bidir_reverse} in {@link #reverse()}
 * @param reverse the other direction of a bidir test
 * @param cpuLocalPercent this side's CPU use (100 = one core); NaN when the document has none
 * @param cpuRemotePercent the peer's CPU use as it reported it; NaN when the document has none
 * @param outOfOrder UDP datagrams out of order, summed over {@code end.streams}
 * @param senderCongestion {@code sender_tcp_congestion}
 * @param receiverCongestion {@code receiver_tcp_congestion}
 */
public record IperfSummary(Transport transport, IperfSample sent, IperfSample received, Optional<IperfSample> udpSum,
                           Optional<IperfSummary> reverse,
                           double cpuLocalPercent, double cpuRemotePercent, OptionalLong outOfOrder,
                           Optional<String> senderCongestion, Optional<String> receiverCongestion) {

    /** TCP retransmits of the sender, if measured. */
    public OptionalLong retransmits() {
        return sent.retransmits();
    }

    /** UDP receiver's jitter in ms. */
    public OptionalDouble jitterMillis() {
        return transport == Transport.UDP ? received.jitterMillis() : OptionalDouble.empty();
    }

    /** UDP datagrams lost. */
    public OptionalLong lostPackets() {
        return transport == Transport.UDP ? received.lostPackets() : OptionalLong.empty();
    }

    /** UDP datagrams counted by the receiver. */
    public OptionalLong packets() {
        return transport == Transport.UDP ? received.packets() : OptionalLong.empty();
    }

    /** UDP loss in percent. */
    public OptionalDouble lostPercent() {
        return transport == Transport.UDP ? received.lostPercent() : OptionalDouble.empty();
    }
}
