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
    void oneAddressHoldsAQuarterOfThePendingCapTheCapHoldsForAllAndACookieArrivesInAcceptOrder() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OutputSink sink = OutputSink.of(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        EventFanout events = new EventFanout(new ServerLog(sink, "iperf3j", null, ServerLogFormat.TEXT), w -> { });
        BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
        ServerLimits limits = ServerLimits.DEFAULTS.withMaxPendingHandshakes(8).withCookieTimeout(Duration.ofSeconds(10));
        assertThat(limits.maxPendingPerClient()).isEqualTo(2);
        Handshakes h = new Handshakes(limits, events, arrivals::add);
        List<SocketChannel> clients = new ArrayList<>();
        List<SocketChannel> accepted = new ArrayList<>();
        try (ServerSocketChannel l = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            // 127.0.0.2 x3, then 127.0.0.3-5 x2 each (8 pending in all), then 127.0.0.6 x1
            String[] from = {"127.0.0.2", "127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3", "127.0.0.4", "127.0.0.4",
                    "127.0.0.5", "127.0.0.5", "127.0.0.6"};
            for (String source : from) {
                SocketChannel c = SocketChannel.open().bind(new InetSocketAddress(source, 0));
                c.connect(l.getLocalAddress());
                clients.add(c);
                SocketChannel ch = l.accept();
                accepted.add(ch);
                h.start(ch);
            }
            assertThat(accepted.get(2).isOpen()).as("127.0.0.2's third is closed at once").isFalse();
            assertThat(accepted.get(9).isOpen()).as("the ninth pending, from 127.0.0.6, is closed at once").isFalse();
            for (int i : new int[] {0, 1, 3, 4, 5, 6, 7, 8}) {
                assertThat(accepted.get(i).isOpen()).as("pending %d", i).isTrue();
            }
            assertThat(h.pending(ClientKey.of(new InetSocketAddress("127.0.0.2", 1)))).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .contains("event=drop client=127.0.0.2:", "more than 2 connections from 127.0.0.2/32 waiting")
                    .contains("event=drop client=127.0.0.6:", "more than 8 connections waiting to send their cookie");
            assertThat(clients.get(2).read(ByteBuffer.allocate(1))).as("its client sees the close").isEqualTo(-1);

            Cookie cookie = Cookie.random();
            clients.get(1).write(ByteBuffer.wrap(cookie.wireBytes()));
            Arrival a = arrivals.poll(5, TimeUnit.SECONDS);
            assertThat(a).isNotNull();
            assertThat(a.cookie()).isEqualTo(cookie);
            assertThat(a.channel()).isSameAs(accepted.get(1));
            assertThat(a.acceptOrder()).isEqualTo(1);
            assertThat(a.client()).isEqualTo(clients.get(1).getLocalAddress());
            // Its place, and its address's, are free again: 127.0.0.2 may have one more waiting.
            while (h.pending(ClientKey.of(a.client())) != 1) {
                Thread.sleep(5); // the handshake thread gives its count back after the hand-on
            }
            SocketChannel again = SocketChannel.open().bind(new InetSocketAddress("127.0.0.2", 0));
            again.connect(l.getLocalAddress());
            clients.add(again);
            SocketChannel ch = l.accept();
            accepted.add(ch);
            h.start(ch);
            assertThat(ch.isOpen()).as("127.0.0.2 under its part again").isTrue();
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
