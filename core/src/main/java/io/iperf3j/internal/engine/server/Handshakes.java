package io.iperf3j.internal.engine.server;

import io.iperf3j.ServerEvent;
import io.iperf3j.internal.engine.StreamFactory;
import io.iperf3j.internal.protocol.Cookie;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Reads the cookie of each accepted connection on a virtual thread of its own, under the
 * cookie deadline, and hands on an {@link Arrival}. At most
 * {@link ServerLimits#maxPendingHandshakes()} connections wait for their cookie, and at most
 * {@link ServerLimits#maxPendingPerClient()} of them from one {@link ClientKey}; one more is closed
 * at once. One address's silent connections thus leave the rest of the cap to the others. A silent
 * or broken connection is dropped (and logged) and costs nothing more.
 *
 * <p>Threads: {@link #start} runs on the acceptor; the counts are also decremented by the
 * handshake threads (atomic counter, concurrent map).
 */
final class Handshakes {
    private final ServerLimits limits;
    private final EventFanout events;
    private final Consumer<Arrival> next;
    /** Connections whose cookie has not arrived yet. */
    private final AtomicInteger pending = new AtomicInteger();
    /** Connections whose cookie has not arrived yet, per key; no entry at 0. */
    private final ConcurrentHashMap<ClientKey, Integer> pendingPerKey = new ConcurrentHashMap<>();
    /** Counts accepted connections (only the acceptor thread calls {@link #start}). */
    private long acceptOrder;

    Handshakes(ServerLimits limits, EventFanout events, Consumer<Arrival> next) {
        this.limits = limits;
        this.events = events;
        this.next = next;
    }

    /** A connection was accepted (acceptor thread). */
    void start(SocketChannel ch) {
        InetSocketAddress client = remote(ch);
        ClientKey key = ClientKey.of(client);
        if (key != null && !takePerKey(key)) {
            events.refused(client, ServerEvent.Reason.HANDSHAKE_PER_CLIENT, "more than " + limits.maxPendingPerClient()
                    + " connections from " + key + " waiting to send their cookie");
            StreamFactory.closeQuietly(ch);
            return;
        }
        if (pending.incrementAndGet() > limits.maxPendingHandshakes()) {
            pending.decrementAndGet();
            givePerKey(key);
            events.refused(client, ServerEvent.Reason.HANDSHAKE_CAP, "more than " + limits.maxPendingHandshakes()
                    + " connections waiting to send their cookie");
            StreamFactory.closeQuietly(ch);
            return;
        }
        long order = acceptOrder++;
        Thread.ofVirtual().name("iperf3j-handshake").start(() -> {
            try {
                handshake(ch, order);
            } finally {
                pending.decrementAndGet();
                givePerKey(key);
            }
        });
    }

    /** One more pending connection for {@code key}; false (and nothing taken) at its cap. */
    private boolean takePerKey(ClientKey key) {
        int cap = limits.maxPendingPerClient();
        boolean[] taken = {false};
        pendingPerKey.compute(key, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= cap) {
                return n;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    private void givePerKey(ClientKey key) {
        if (key != null) {
            pendingPerKey.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Connections from {@code key} waiting for their cookie now (tests). */
    int pending(ClientKey key) {
        return pendingPerKey.getOrDefault(key, 0);
    }

    private void handshake(SocketChannel ch, long order) {
        Cookie cookie;
        try {
            cookie = readCookie(ch, limits.cookieTimeout().toMillis());
        } catch (SocketTimeoutException e) {
            events.refused(remote(ch), ServerEvent.Reason.NO_COOKIE,
                    "no cookie within " + limits.cookieTimeout().toMillis() + " ms");
            StreamFactory.closeQuietly(ch);
            return; // a silent connection costs nothing more
        } catch (IOException e) {
            events.refused(remote(ch), ServerEvent.Reason.NO_COOKIE, "closed before sending its cookie");
            StreamFactory.closeQuietly(ch);
            return; // nor does a broken one
        }
        next.accept(new Arrival(ch, cookie, remote(ch), order));
    }

    static InetSocketAddress remote(SocketChannel ch) {
        try {
            return (InetSocketAddress) ch.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    private static Cookie readCookie(SocketChannel ch, long timeoutMs) throws IOException {
        ch.configureBlocking(true);
        java.net.Socket s = ch.socket();
        InputStream in = s.getInputStream();
        byte[] b = new byte[Cookie.SIZE];
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        int got = 0;
        while (got < b.length) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new SocketTimeoutException("no cookie");
            }
            s.setSoTimeout((int) Math.max(1, left));
            int n = in.read(b, got, b.length - got);
            if (n < 0) {
                throw new IOException("closed before the cookie");
            }
            got += n;
        }
        s.setSoTimeout(0);
        return Cookie.fromWire(b);
    }
}
