package io.iperf3j.link.internal;

import io.iperf3j.link.Delivery;
import io.iperf3j.link.LinkConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * B4 of docs/design/one-native-layer.md at the connection: a hard send error ends the connection
 * at once with its cause, reported once; a passing one ("not sent") is retried as before.
 */
@Timeout(30)
class SendFailureTest {
    private static final long MS = 1_000_000L;

    /** What the connection told its endpoint. */
    private static final class Told implements LinkConnection.Events {
        final List<String> errors = new ArrayList<>();

        @Override
        public void accepted() {
        }

        @Override
        public void rejected() {
        }

        @Override
        public void message(Record message) {
        }

        @Override
        public void disconnected() {
        }

        @Override
        public void error(String text) {
            errors.add(text);
        }
    }

    @Test
    void aHardSendErrorFailsTheConnectionOnceWithItsCause() {
        Told told = new Told();
        int[] calls = {0};
        LinkConnection c = new LinkConnection(LinkConfig.defaults(), new TypeTable(), told, (d, stamp) -> {
            calls[0]++;
            throw new SocketException("unable to send: Operation not permitted (errno 1)");
        }, false, 0);
        c.sendSystem(new SystemMessages.ConnectRequest(LinkConfig.PROTOCOL_VERSION), Delivery.RELIABLE);
        c.flush(0);
        assertThat(told.errors).containsExactly("unable to send: Operation not permitted (errno 1)");
        assertThat(calls[0]).isEqualTo(1);

        // Its resend timer, the ticks and later flushes send nothing and report nothing more.
        for (long t = 10 * MS; t < 2_000 * MS; t += 10 * MS) {
            assertThat(c.tick(t)).isFalse();
            c.flush(t);
        }
        assertThat(calls[0]).isEqualTo(1);
        assertThat(told.errors).hasSize(1);
        assertThat(c.metrics().outPackets()).isZero();
    }

    @Test
    void aWithheldDatagramIsResentAndReportsNothing() {
        Told told = new Told();
        int[] calls = {0};
        LinkConnection c = new LinkConnection(LinkConfig.defaults(), new TypeTable(), told, (d, stamp) -> {
            calls[0]++;
            return LinkConnection.DatagramSender.NOT_SENT; // a full socket buffer, every time
        }, false, 0);
        c.sendSystem(new SystemMessages.ConnectRequest(LinkConfig.PROTOCOL_VERSION), Delivery.RELIABLE);
        c.flush(0);
        for (long t = 10 * MS; t < 2_000 * MS; t += 10 * MS) {
            assertThat(c.tick(t)).isTrue();
            c.flush(t);
        }
        assertThat(told.errors).isEmpty();
        assertThat(calls[0]).as("resent on its timer").isGreaterThan(1);
    }
}
