package io.iperf3j.internal.engine.server;

import io.iperf3j.ServerEvent;

import io.iperf3j.internal.engine.StreamFactory;
import io.iperf3j.internal.protocol.ControlState;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@code --queue N}: new tests that find no place wait here instead of getting "busy", and are
 * served in turn as tests end. A held client is told nothing (no iperf3 client runs a timer
 * before the parameter exchange) and costs no thread: its control connection waits in the
 * {@link Lobby}'s selector, which also notices it leave (CLIENT_TERMINATE or EOF), answers
 * "busy" when it has waited {@code --queue-timeout}, and SERVER_TERMINATE when the server closes.
 *
 * <p>Fair across addresses: the {@link ClientKey}s with queued arrivals take turns, in the order
 * each was first queued, one admission per key per round; a key at its {@code --max-per-client}
 * cap is skipped and keeps its place. One key holds at most {@link #perKeyCapacity} of the
 * places in the queue (a quarter of {@code --queue}), so one address cannot fill it. A newcomer
 * takes a free place directly only when no queued arrival could take it; when one could, the
 * queued arrivals take the free places first, on the newcomer's thread and under this monitor,
 * and the newcomer then takes a place still free, or a queue place. So a newcomer is told "busy"
 * only when, in one step under this monitor, every place it may take is taken and the queue (or
 * its key's part) is full: never because the lobby thread had not yet served a freed place.
 *
 * <p>Threads and locks: {@link #tryTake} and {@link #hold} run on handshake threads, everything
 * else on the lobby thread (a place granted on a handshake thread is handed to the lobby, which
 * starts the test as it does its own grants). The lists are guarded by this queue's monitor,
 * which takes the pool's inside, never the reverse ({@link SlotPool} tells of a give-back outside its monitor,
 * and {@link #slotFreed} only wakes the lobby). A {@link Held}'s channel and key are confined to
 * the lobby thread; a held channel goes back to blocking mode, for its test thread, only after
 * its key is cancelled and flushed ({@code selectNow}) on the lobby thread.
 */
final class WaitQueue implements Admission.Capacity, Admission.Overflow {
    /** One key may hold 1 / this of the queue's places. */
    static final int PER_KEY_PART = 4;
    private final int capacity;
    /** Places in the queue one {@link ClientKey} may hold: a quarter of {@code --queue}, at least one. */
    private final int perKeyCapacity;
    private final long timeoutNanos;
    private final SlotPool pool;
    private final EventFanout events;
    private final CookieTable cookies;
    private final RefuseBusy busy;
    private final BiConsumer<Arrival, Slot> launch;
    /** Set once by {@link #attach}, before the first arrival. */
    private volatile Lobby lobby;

    // Guarded by this.
    /** Every queued arrival, oldest first (entries gone early are flagged and skipped). */
    private final ArrayDeque<Held> byArrival = new ArrayDeque<>();
    /** Each key's queued arrivals, oldest first; no entry for a key with none. */
    private final Map<ClientKey, ArrayDeque<Held>> byKey = new HashMap<>();
    /** The keys with queued arrivals, in turn order: the next to serve first. */
    private final ArrayDeque<ClientKey> turns = new ArrayDeque<>();
    private int queued;

    /** A queued arrival. */
    static final class Held implements Lobby.Job {
        final Arrival arrival;
        final ClientKey key;
        final long queuedNanos;
        /** Left the queue: launched, left, expired or closed (guarded by the queue's monitor). */
        boolean gone;
        // Lobby thread only.
        private SelectionKey selectionKey;
        private boolean ended;
        private WaitQueue queue;

        Held(Arrival arrival, ClientKey key, long queuedNanos) {
            this.arrival = arrival;
            this.key = key;
            this.queuedNanos = queuedNanos;
        }

        @Override
        public void readable(SelectionKey k) {
            queue.leftOrSpoke(this);
        }

        @Override
        public void closing() {
            queue.terminate(this);
        }
    }

    /** A queued arrival that got its place. */
    record Grant(Held held, Slot slot) {
    }

    /**
     * @param capacity {@code --queue}: how many may wait
     * @param timeout {@code --queue-timeout}
     * @param busy the answer to one that cannot wait
     * @param launch starts a test with its slot (does not block)
     */
    WaitQueue(int capacity, Duration timeout, SlotPool pool, EventFanout events, CookieTable cookies, RefuseBusy busy,
              BiConsumer<Arrival, Slot> launch) {
        this.capacity = capacity;
        this.perKeyCapacity = Math.max(1, capacity / PER_KEY_PART);
        this.timeoutNanos = timeout.toNanos();
        this.pool = pool;
        this.events = events;
        this.cookies = cookies;
        this.busy = busy;
        this.launch = launch;
    }

    /** Serves this queue from {@code l}'s thread. */
    void attach(Lobby l) {
        this.lobby = l;
        l.withTick(this::tick);
    }

    // ------------------------------------------------------------ handshake threads

    /** A place for {@code a} once the queued arrivals have taken the free places they may (they come first). */
    @Override
    public Take tryTake(Arrival a) {
        List<Grant> grants = new ArrayList<>(0);
        Take t;
        synchronized (this) {
            serveQueued(grants);
            t = pool.tryTake(a);
        }
        startOnLobby(grants);
        return t;
    }

    /**
     * Queues {@code a}, which {@link #tryTake} found no place for. The decision is taken again
     * in one step under this monitor (a place may have come back since): the queued arrivals
     * take the free places they may, then {@code a} a place still free, else a queue place.
     */
    @Override
    public void hold(Arrival a, Take refused) {
        ClientKey key = ClientKey.of(a.client());
        Lobby l = lobby;
        if (refused instanceof Take.Closed || key == null || l == null) {
            busy.hold(a, refused);
            return;
        }
        List<Grant> grants = new ArrayList<>(0);
        Take again;
        Held h = null;
        int position = 0;
        int keyQueued = 0;
        synchronized (this) {
            serveQueued(grants);
            again = pool.tryTake(a);
            if (!(again instanceof Take.Granted) && !(again instanceof Take.Closed)) {
                h = enqueue(a, key, System.nanoTime());
                position = queued;
                keyQueued = queued(key);
            }
        }
        startOnLobby(grants);
        if (again instanceof Take.Granted(Slot slot)) {
            launch.accept(a, slot);
            return;
        }
        if (again instanceof Take.Closed) {
            busy.hold(a, again);
            return;
        }
        if (h == null) {
            if (keyQueued >= perKeyCapacity) {
                events.queuePerClient(a.client(), keyQueued, perKeyCapacity);
            } else {
                events.queueFull(a.client(), capacity);
            }
            Refusal.BUSY.answer(a.channel());
            cookies.release(a);
            return;
        }
        events.queued(a.client(), position, position, pool.running(), pool.max());
        handOver(h, l);
    }

    /** Hands {@code h} to the lobby thread, which registers its channel. */
    private void handOver(Held h, Lobby l) {
        h.queue = this;
        l.submit(new Lobby.Handover() {
            @Override
            public void accept(Lobby lobby) {
                register(h, lobby);
            }

            @Override
            public void reject() {
                terminate(h);
            }
        });
    }

    @Override
    public void slotFreed() {
        Lobby l = lobby;
        if (l != null) {
            l.wakeup();
        }
    }

    // ------------------------------------------------------------ the lists (this monitor)

    /**
     * Queues {@code a} at the tails; null when {@code --queue} are waiting already, or its key
     * holds its part of the queue.
     */
    synchronized Held enqueue(Arrival a, ClientKey key, long now) {
        if (queued >= capacity || queued(key) >= perKeyCapacity) {
            return null;
        }
        Held h = new Held(a, key, now);
        byArrival.add(h);
        byKey.computeIfAbsent(key, k -> {
            turns.add(k);
            return new ArrayDeque<>();
        }).add(h);
        queued++;
        return h;
    }

    /** Arrivals {@code key} has in the queue. */
    private synchronized int queued(ClientKey key) {
        ArrayDeque<Held> fifo = byKey.get(key);
        return fifo == null ? 0 : fifo.size();
    }

    /** The queued arrivals take the free places they may, in turn (into {@code grants}). */
    private synchronized void serveQueued(List<Grant> grants) {
        if (queued == 0) {
            return;
        }
        Grant g;
        while ((g = next()) != null) {
            grants.add(g);
        }
    }

    /** Places granted on a handshake thread: the lobby starts their tests (their channels are its). */
    private void startOnLobby(List<Grant> grants) {
        for (Grant g : grants) {
            lobby.submit(new Lobby.Handover() {
                @Override
                public void accept(Lobby l) {
                    start(g);
                }

                @Override
                public void reject() {
                    g.slot().giveBackAsNoTest();
                    g.slot().close();
                    answer(g.held(), ControlState.SERVER_TERMINATE);
                }
            });
        }
    }

    /**
     * The next arrival to serve, with the place it took from the pool in the same step; null
     * when no place is free or no queued arrival may take one.
     */
    synchronized Grant next() {
        for (Iterator<ClientKey> it = turns.iterator(); it.hasNext(); ) {
            ClientKey k = it.next();
            ArrayDeque<Held> fifo = byKey.get(k);
            Held h = fifo.peek();
            switch (pool.tryTake(h.arrival)) {
                case Take.Granted(Slot slot) -> {
                    it.remove();
                    remove(h);
                    if (byKey.containsKey(k)) {
                        turns.add(k); // served: to the end of the round
                    }
                    return new Grant(h, slot);
                }
                case Take.ClientLimit c -> {
                    // at its cap: skipped, keeps its place
                }
                case Take.Full f -> {
                    return null;
                }
                case Take.Closed c -> {
                    return null;
                }
            }
        }
        return null;
    }

    /** Takes {@code h} out of the lists; false if it was gone already. */
    synchronized boolean remove(Held h) {
        if (h.gone) {
            return false;
        }
        h.gone = true;
        queued--;
        ArrayDeque<Held> fifo = byKey.get(h.key);
        fifo.remove(h);
        if (fifo.isEmpty()) {
            byKey.remove(h.key);
            turns.remove(h.key);
        }
        return true;
    }

    /** The oldest arrival waiting since before {@code now - timeout}, taken out; null for none. */
    synchronized Held expired(long now) {
        while (!byArrival.isEmpty()) {
            Held h = byArrival.peek();
            if (h.gone) {
                byArrival.poll();
            } else if (now - h.queuedNanos - timeoutNanos >= 0) {
                byArrival.poll();
                remove(h);
                return h;
            } else {
                return null;
            }
        }
        return null;
    }

    /** When the oldest queued arrival expires (nanoTime), or 0 with none. */
    private synchronized long nextDeadline() {
        while (!byArrival.isEmpty() && byArrival.peek().gone) {
            byArrival.poll();
        }
        return byArrival.isEmpty() ? 0 : byArrival.peek().queuedNanos + timeoutNanos;
    }

    synchronized int queued() {
        return queued;
    }

    // ------------------------------------------------------------ the lobby thread

    private void register(Held h, Lobby l) {
        synchronized (this) {
            if (h.gone) {
                return; // launched (or expired) before it reached the selector
            }
        }
        SocketChannel ch = h.arrival.channel();
        try {
            ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true); // NAT state survives a long wait
            ch.configureBlocking(false);
            h.selectionKey = ch.register(l.selector(), SelectionKey.OP_READ, h);
        } catch (IOException e) {
            if (remove(h)) {
                end(h);
                events.left(h.arrival.client(), waited(h, System.nanoTime()));
            }
        }
    }

    /** Serves what it can, expires what waited too long; returns the next deadline or 0. */
    private long tick(long now) {
        Grant g;
        while ((g = next()) != null) {
            start(g);
        }
        Held h;
        while ((h = expired(now)) != null) {
            events.queueTimeout(h.arrival.client(), waited(h, now));
            answer(h, ControlState.ACCESS_DENIED);
        }
        return nextDeadline();
    }

    private void start(Grant g) {
        Held h = g.held();
        SocketChannel ch = h.arrival.channel();
        try {
            if (h.selectionKey != null) {
                h.selectionKey.cancel();
                lobby.selector().selectNow(); // the channel leaves the selector only now
                h.selectionKey = null;
            }
            ch.configureBlocking(true);
        } catch (IOException e) {
            g.slot().giveBackAsNoTest();
            g.slot().close();
            end(h);
            return;
        }
        h.ended = true;
        g.slot().waited(Duration.ofNanos(System.nanoTime() - h.queuedNanos));
        launch.accept(h.arrival, g.slot());
    }

    /** A held connection is readable: its client left (CLIENT_TERMINATE or EOF) or broke the protocol. */
    private void leftOrSpoke(Held h) {
        ByteBuffer b = ByteBuffer.allocate(1);
        int n;
        try {
            n = h.arrival.channel().read(b);
        } catch (IOException e) {
            n = -1;
        }
        if (n == 0) {
            return;
        }
        if (!remove(h)) {
            return;
        }
        end(h);
        if (n < 0 || b.get(0) == ControlState.CLIENT_TERMINATE.wireByte()) {
            events.left(h.arrival.client(), waited(h, System.nanoTime()));
        } else {
            events.refused(h.arrival.client(), ServerEvent.Reason.PROTOCOL, "sent data while queued");
        }
    }

    /** The server closes: SERVER_TERMINATE, which both clients report as "the server has terminated". */
    private void terminate(Held h) {
        remove(h);
        answer(h, ControlState.SERVER_TERMINATE);
    }

    /** Writes one state byte (into an empty send buffer: it cannot fall short), then ends {@code h}. */
    private void answer(Held h, ControlState state) {
        if (h.ended) {
            return;
        }
        try {
            h.arrival.channel().write(ByteBuffer.wrap(new byte[] {state.wireByte()}));
        } catch (IOException ignored) {
            // it is closed either way
        }
        end(h);
    }

    /** Closes {@code h}'s connection and frees its cookie (once). */
    private void end(Held h) {
        if (h.ended) {
            return;
        }
        h.ended = true;
        StreamFactory.closeQuietly(h.arrival.channel());
        cookies.release(h.arrival);
    }

    private static Duration waited(Held h, long now) {
        return Duration.ofNanos(now - h.queuedNanos);
    }
}
