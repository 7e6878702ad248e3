package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.engine.StreamFactory;

import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A test's TCP data connections: handshake threads offer them (cookie read) with their
 * place in the acceptor's order; the test thread takes them once all have come, in that
 * order (the order the client opened them, whatever order their cookies were read in),
 * and refuses a surplus one with ACCESS_DENIED.
 */
final class TcpArrivals {
    /** A data connection and its place in the acceptor's order. */
    private record Arrival(SocketChannel channel, long acceptOrder) {
    }

    private final Queue<Arrival> arriving = new ConcurrentLinkedQueue<>();
    /** Test thread: connections in, waiting for the rest before roles are given. */
    private final List<Arrival> pending = new ArrayList<>();
    private final Runnable wake;
    /** Guards {@link #closed} against an offer racing {@link #close()}. */
    private final Object lock = new Object();
    private boolean closed;

    /** @param wake wakes the test thread (its selector) */
    TcpArrivals(Runnable wake) {
        this.wake = wake;
    }

    /**
     * A data connection with this test's cookie arrived (handshake thread).
     *
     * @return false when the test has ended ({@link #close()}): the caller still owns {@code ch}
     */
    boolean offer(SocketChannel ch, long acceptOrder) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            arriving.add(new Arrival(ch, acceptOrder));
        }
        wake.run();
        return true;
    }

    /**
     * Test thread: takes what arrived. Once {@code expected} connections are in (counting
     * {@code accepted} ones already made streams), returns the new ones in accept order;
     * else none. A connection beyond {@code expected}, or any once {@code running}, is refused.
     */
    List<SocketChannel> ready(int accepted, int expected, boolean running) {
        Arrival a;
        while ((a = arriving.poll()) != null) {
            if (accepted + pending.size() >= expected || running) {
                Refusal.SURPLUS.answer(a.channel());
                continue;
            }
            pending.add(a);
        }
        if (pending.isEmpty() || accepted + pending.size() != expected) {
            return List.of();
        }
        pending.sort(Comparator.comparingLong(Arrival::acceptOrder));
        List<SocketChannel> ready = new ArrayList<>(pending.size());
        for (Arrival p : pending) {
            ready.add(p.channel());
        }
        pending.clear();
        return ready;
    }

    /** Closes every connection that arrived and was not taken; later offers are refused. */
    void close() {
        synchronized (lock) {
            closed = true;
        }
        Arrival a;
        while ((a = arriving.poll()) != null) {
            StreamFactory.closeQuietly(a.channel());
        }
        for (Arrival p : pending) {
            StreamFactory.closeQuietly(p.channel());
        }
    }
}
