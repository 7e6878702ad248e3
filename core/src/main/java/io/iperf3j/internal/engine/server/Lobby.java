package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.engine.StreamFactory;
import io.iperf3j.internal.protocol.Cookie;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The server's one selector thread ({@code iperf3j-server-lobby}) for connections that wait
 * without a test: refused ones draining before their close. It runs only when {@code --allow},
 * {@code --deny} or {@code --queue} is given. Other threads hand channels over
 * ({@link #submit}) and wake the selector; everything else here is confined to the lobby thread.
 *
 * <p>A refused connection gets its answer written non-blocking (a few bytes into an empty send
 * buffer cannot fall short), then {@code shutdownOutput()}; the lobby reads its cookie (37
 * bytes), its EOF, or waits at most {@link #DRAIN_NANOS}, and closes: the close then finds no
 * unread data and sends FIN, not RST (Linux keeps an answer queued at the client even after a
 * RST, other stacks may not). With {@link #MAX_DRAINING} draining, one more is closed at once.
 */
final class Lobby implements AutoCloseable {
    static final int MAX_DRAINING = 1024;
    static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** A channel handed to the lobby. */
    interface Handover {
        /** On the lobby thread: take the channel in (register it, or close it). */
        void accept(Lobby lobby);

        /** The lobby has closed (on the handing or the lobby thread): release the channel. */
        void reject();
    }

    /** What a registered channel's key carries: its job on the lobby thread. */
    interface Job {
        /** Its channel is readable. */
        void readable(SelectionKey key);

        /** The lobby closes: end the job and close its channel. */
        void closing();
    }

    private final Selector selector;
    private final Thread thread;
    /** Handovers not yet taken in (guarded by itself, as is {@link #refusing}). */
    private final ArrayDeque<Handover> handovers = new ArrayDeque<>();
    private boolean refusing;
    private volatile boolean closed;
    // Lobby thread only.
    private final ArrayDeque<Draining> draining = new ArrayDeque<>();
    private int drainingCount;
    private final ByteBuffer scratch = ByteBuffer.allocate(512);
    /** Time-driven work, run on the lobby thread at each wake-up. */
    private final List<Tick> ticks = new CopyOnWriteArrayList<>();

    /** Time-driven work on the lobby thread. */
    interface Tick {
        /** Does what is due at {@code now}; returns the next deadline (nanoTime), or 0 for none. */
        long run(long now);
    }

    private Lobby(Selector selector) {
        this.selector = selector;
        this.thread = Thread.ofPlatform().daemon().name("iperf3j-server-lobby").unstarted(this::loop);
    }

    /** Opens the selector and starts the lobby thread. */
    static Lobby start() {
        try {
            Lobby l = new Lobby(Selector.open());
            l.thread.start();
            return l;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the lobby's selector", e);
        }
    }

    /** Adds time-driven work (call before handing anything over, from the thread that started the lobby). */
    Lobby withTick(Tick t) {
        ticks.add(t);
        selector.wakeup();
        return this;
    }

    /** Hands {@code h} to the lobby thread; rejected at once when the lobby has closed. */
    void submit(Handover h) {
        synchronized (handovers) {
            if (!refusing) {
                handovers.add(h);
                selector.wakeup();
                return;
            }
        }
        h.reject();
    }

    /** Wakes the lobby thread (its ticks run). */
    void wakeup() {
        selector.wakeup();
    }

    /**
     * Writes {@code answer} to a refused connection, non-blocking, shuts its output and drains it
     * before the close (see the class comment).
     */
    void refuse(SocketChannel ch, ByteBuffer answer) {
        submit(new Handover() {
            @Override
            public void accept(Lobby lobby) {
                lobby.startDraining(ch, answer);
            }

            @Override
            public void reject() {
                StreamFactory.closeQuietly(ch);
            }
        });
    }

    /** The selector, for jobs registering their channel (lobby thread only). */
    Selector selector() {
        return selector;
    }

    /** The lobby thread (tests check its name and that it ends). */
    Thread thread() {
        return thread;
    }

    private void startDraining(SocketChannel ch, ByteBuffer answer) {
        try {
            ch.configureBlocking(false);
            ch.write(answer);
            ch.shutdownOutput();
            if (drainingCount >= MAX_DRAINING) {
                StreamFactory.closeQuietly(ch); // RST, which Linux's client still reads the answer before
                return;
            }
            Draining d = new Draining(ch, System.nanoTime() + DRAIN_NANOS);
            ch.register(selector, SelectionKey.OP_READ, d);
            draining.add(d);
            drainingCount++;
        } catch (IOException e) {
            StreamFactory.closeQuietly(ch);
        }
    }

    /** A refused connection being drained: closed at its cookie, its EOF or its deadline. */
    private final class Draining implements Job {
        final SocketChannel ch;
        final long deadline;
        int read;
        boolean done;

        Draining(SocketChannel ch, long deadline) {
            this.ch = ch;
            this.deadline = deadline;
        }

        @Override
        public void readable(SelectionKey key) {
            try {
                while (true) {
                    scratch.clear();
                    int n = ch.read(scratch);
                    if (n < 0) {
                        finish();
                        return;
                    }
                    if (n == 0) {
                        break;
                    }
                    read += n;
                }
            } catch (IOException e) {
                finish();
                return;
            }
            if (read >= Cookie.SIZE) {
                finish(); // the client sends nothing after its cookie until it hears from us
            }
        }

        @Override
        public void closing() {
            finish();
        }

        void finish() {
            if (!done) {
                done = true;
                drainingCount--;
                StreamFactory.closeQuietly(ch); // also cancels its key
            }
        }
    }

    private void loop() {
        try {
            while (!closed) {
                long next = expireDraining(System.nanoTime());
                for (Tick t : ticks) {
                    next = earliest(next, t.run(System.nanoTime()));
                }
                long waitMs = next == 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()) + 1);
                selector.select(waitMs);
                takeHandovers();
                var keys = selector.selectedKeys();
                for (SelectionKey k : keys) {
                    if (k.isValid() && k.attachment() instanceof Job j) {
                        j.readable(k);
                    }
                }
                keys.clear();
            }
        } catch (IOException | RuntimeException e) {
            // the selector failed: nothing more can be served here; fall through to the close
        } finally {
            shutDown();
        }
    }

    private static long earliest(long a, long b) {
        if (a == 0) {
            return b;
        }
        return b == 0 || a - b < 0 ? a : b;
    }

    /** Closes the drained connections whose time is up; returns the next deadline or 0. */
    private long expireDraining(long now) {
        while (!draining.isEmpty()) {
            Draining d = draining.peek();
            if (d.done) {
                draining.poll();
            } else if (now - d.deadline >= 0) {
                draining.poll();
                d.finish();
            } else {
                return d.deadline;
            }
        }
        return 0;
    }

    private void takeHandovers() {
        while (true) {
            Handover h;
            synchronized (handovers) {
                h = handovers.poll();
            }
            if (h == null) {
                return;
            }
            h.accept(this);
        }
    }

    private void shutDown() {
        List<Handover> left;
        synchronized (handovers) {
            refusing = true;
            left = List.copyOf(handovers);
            handovers.clear();
        }
        for (Handover h : left) {
            h.reject();
        }
        for (SelectionKey k : List.copyOf(selector.keys())) {
            if (k.attachment() instanceof Job j) {
                j.closing();
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /** Ends the lobby: every channel in it is closed (each job says goodbye its way); waits up to 2 s. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
