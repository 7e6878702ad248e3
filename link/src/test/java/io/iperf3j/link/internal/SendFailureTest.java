package io.iperf3j.link.internal;

import io.iperf3j.link.Delivery;
import io.iperf3j.link.LinkConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.SocketException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * B4 of docs/design/one-native-layer.md at the connection: a hard send error ends the connection
 * at once with its cause, reported once; a passing one ("not sent") is retried as before.
 */
@Timeout(30)
class SendFailureTest {
    private static final long MS = 1_000_000L;

    private final RecordedEvents told = new RecordedEvents();
    private int calls;

    /** A client's connection with a connect request sent through {@code transport}; {@link #calls} counts its sends. */
    private LinkConnection connection(LinkConnection.DatagramSender transport) {
        LinkConnection c = new LinkConnection(LinkConfig.defaults(), new TypeTable(), told, (d, stamp) -> {
            calls++;
            return transport.send(d, stamp);
        }, false, 0);
        c.sendSystem(new SystemMessages.ConnectRequest(LinkConfig.PROTOCOL_VERSION), Delivery.RELIABLE);
        c.flush(0);
        return c;
    }

    @Test
    void aHardSendErrorFailsTheConnectionOnceWithItsCause() {
        LinkConnection c = connection((d, stamp) -> {
            throw new SocketException("unable to send: Operation not permitted (errno 1)");
        });
        assertThat(told.errors).containsExactly("unable to send: Operation not permitted (errno 1)");
        assertThat(calls).isEqualTo(1);

        // Its resend timer, the ticks and later flushes send nothing and report nothing more.
        for (long t = 10 * MS; t < 2_000 * MS; t += 10 * MS) {
            assertThat(c.tick(t)).isFalse();
            c.flush(t);
        }
        assertThat(calls).isEqualTo(1);
        assertThat(told.errors).hasSize(1);
        assertThat(c.metrics().outPackets()).isZero();
    }

    @Test
    void aWithheldDatagramIsResentAndReportsNothing() {
        LinkConnection c = connection((d, stamp) -> LinkConnection.DatagramSender.NOT_SENT); // a full buffer, every time
        for (long t = 10 * MS; t < 2_000 * MS; t += 10 * MS) {
            assertThat(c.tick(t)).isTrue();
            c.flush(t);
        }
        assertThat(told.errors).isEmpty();
        assertThat(calls).as("resent on its timer").isGreaterThan(1);
    }
}
