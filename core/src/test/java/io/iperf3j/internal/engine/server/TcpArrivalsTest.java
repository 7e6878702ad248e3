package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.protocol.ControlState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A test's TCP data connections on loopback: accept order restored, a surplus refused, closed ones closed. */
@Timeout(30)
class TcpArrivalsTest {
    private final List<SocketChannel> clients = new ArrayList<>();
    private ServerSocketChannel listener;

    /** A connected pair; returns the server's side (the client's is kept in {@link #clients}). */
    private SocketChannel connection() throws IOException {
        if (listener == null) {
            listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }
        clients.add(SocketChannel.open(listener.getLocalAddress()));
        return listener.accept();
    }

    @AfterEach
    void close() throws IOException {
        for (SocketChannel c : clients) {
            c.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    private static int readByteOrEof(SocketChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1);
        int n = ch.read(b);
        return n < 0 ? -1 : b.get(0) & 0xff;
    }

    @Test
    void offersFromFourThreadsComeOutInAcceptOrder() throws Exception {
        List<SocketChannel> accepted = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            accepted.add(connection());
        }
        List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3));
        Collections.shuffle(order, new Random(7));
        AtomicInteger wakes = new AtomicInteger();
        TcpArrivals arrivals = new TcpArrivals(wakes::incrementAndGet);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i : order) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                assertThat(arrivals.offer(accepted.get(i), 100 + i)).isTrue();
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(wakes).hasValue(4);
        assertThat(arrivals.ready(0, 5, false)).as("one still missing").isEmpty();
        assertThat(arrivals.ready(1, 5, false)).containsExactlyElementsOf(accepted);
        assertThat(arrivals.ready(5, 5, false)).isEmpty();
    }

    @Test
    void aSurplusConnectionGetsAccessDenied() throws Exception {
        TcpArrivals arrivals = new TcpArrivals(() -> { });
        SocketChannel first = connection();
        arrivals.offer(first, 1);
        assertThat(arrivals.ready(0, 1, false)).containsExactly(first);
        SocketChannel surplus = connection();
        arrivals.offer(surplus, 2);
        assertThat(arrivals.ready(1, 1, true)).isEmpty();
        assertThat(surplus.isOpen()).isFalse();
        SocketChannel client = clients.get(1);
        assertThat(readByteOrEof(client)).isEqualTo(ControlState.ACCESS_DENIED.wireByte() & 0xff);
        assertThat(readByteOrEof(client)).as("then the close").isEqualTo(-1);
        first.close();
    }

    /** Bug 1 of docs/design/server-session-split.md: an offer after the test ended is refused, so its caller closes it. */
    @Test
    void anOfferAfterCloseIsFalse() throws Exception {
        TcpArrivals arrivals = new TcpArrivals(() -> { });
        arrivals.close();
        SocketChannel late = connection();
        assertThat(arrivals.offer(late, 1)).as("the test is gone: the offerer keeps the channel").isFalse();
        assertThat(arrivals.ready(0, 1, false)).isEmpty();
        late.close();
    }

    @Test
    void closeClosesWhatArrivedAndWasNotTaken() throws Exception {
        TcpArrivals arrivals = new TcpArrivals(() -> { });
        SocketChannel pending = connection();
        SocketChannel queued = connection();
        arrivals.offer(pending, 1);
        assertThat(arrivals.ready(0, 2, false)).isEmpty();
        arrivals.offer(queued, 2);
        arrivals.close();
        assertThat(pending.isOpen()).isFalse();
        assertThat(queued.isOpen()).isFalse();
    }
}
