package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.options.ServerLogFormat;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.protocol.Cookie;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The cap on connections waiting to send their cookie, and what a sent cookie becomes. */
@Timeout(30)
class HandshakesTest {
    @Test
    void aThirdPendingConnectionIsClosedAtOnceAndACookieArrivesInAcceptOrder() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OutputSink sink = OutputSink.of(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        EventFanout events = new EventFanout(new ServerLog(sink, "iperf3j", null, ServerLogFormat.TEXT), w -> { });
        BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
        Handshakes h = new Handshakes(ServerLimits.DEFAULTS.withMaxPendingHandshakes(2).withCookieTimeout(Duration.ofSeconds(10)),
                events, arrivals::add);
        List<SocketChannel> clients = new ArrayList<>();
        List<SocketChannel> accepted = new ArrayList<>();
        try (ServerSocketChannel l = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            for (int i = 0; i < 3; i++) {
                clients.add(SocketChannel.open(l.getLocalAddress()));
                SocketChannel ch = l.accept();
                accepted.add(ch);
                h.start(ch);
            }
            assertThat(accepted.get(2).isOpen()).as("the third is closed at once").isFalse();
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .contains("event=drop", "more than 2 connections waiting to send their cookie");
            assertThat(clients.get(2).read(ByteBuffer.allocate(1))).as("its client sees the close").isEqualTo(-1);

            Cookie cookie = Cookie.random();
            clients.get(1).write(ByteBuffer.wrap(cookie.wireBytes()));
            Arrival a = arrivals.poll(5, TimeUnit.SECONDS);
            assertThat(a).isNotNull();
            assertThat(a.cookie()).isEqualTo(cookie);
            assertThat(a.channel()).isSameAs(accepted.get(1));
            assertThat(a.acceptOrder()).isEqualTo(1);
            assertThat(a.client()).isEqualTo(clients.get(1).getLocalAddress());
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
            for (SocketChannel c : accepted) {
                c.close();
            }
        }
    }
}
