package io.iperf3j.testing;

import io.iperf3j.internal.protocol.Cookie;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Abusive clients of an iperf3 server on one address and port, for tests that run the server
 * as users do (a process): silent sockets, stalled control connections, one-address cookie
 * floods, newcomers that only look at the server's first answer, and real iperf3 clients from a
 * chosen source address that a test may {@code kill -9} or SIGSTOP ({@link Iperf3Process#signal}).
 *
 * <p>Source addresses: Linux routes all of 127.0.0.0/8 to {@code lo}, so 127.0.0.2-254 are distinct
 * client addresses of a server on 127.0.0.1 (one {@code ClientKey} each). Every socket it opens is
 * closed by {@link #close()}; every client process is the caller's to close.
 */
public final class AbuseHarness implements AutoCloseable {
    /** The server's answer bytes a newcomer may read first. */
    public static final int PARAM_EXCHANGE = 9;
    public static final int ACCESS_DENIED = 0xFF;
    public static final int SERVER_ERROR = 0xFE;
    /** {@link #firstAnswer}: the server closed without a byte. */
    public static final int CLOSED = -1;
    /** {@link #firstAnswer}: nothing within the wait (queued, or stalled). */
    public static final int NOTHING = -2;

    private final InetSocketAddress server;
    private final List<Socket> held = new ArrayList<>();
    private final List<Flood> floods = new ArrayList<>();

    public AbuseHarness(String host, int port) {
        this.server = new InetSocketAddress(host, port);
    }

    /** {@code n} connections from {@code from} that never send a byte, kept open until {@link #close()}. */
    public synchronized List<Socket> silent(String from, int n) {
        List<Socket> made = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            made.add(connect(from));
        }
        held.addAll(made);
        return made;
    }

    /**
     * {@code n} control connections from {@code from} that send a fresh cookie and then nothing
     * (they never answer PARAM_EXCHANGE), kept open until {@link #close()}.
     */
    public synchronized List<Socket> stalled(String from, int n) {
        List<Socket> made = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Socket s = connect(from);
            made.add(s);
            held.add(s);
            write(s, Cookie.random().wireBytes());
        }
        return made;
    }

    /**
     * The first byte the server sent each of {@code sockets} ({@link #PARAM_EXCHANGE},
     * {@link #ACCESS_DENIED}, {@link #SERVER_ERROR}), or {@link #CLOSED}, or {@link #NOTHING}
     * within {@code wait}: all are read at once, so this takes {@code wait} at most.
     */
    public static List<Integer> firstBytes(List<Socket> sockets, Duration wait) throws InterruptedException {
        Integer[] answers = new Integer[sockets.size()];
        List<Thread> readers = new ArrayList<>(sockets.size());
        for (int i = 0; i < answers.length; i++) {
            int n = i;
            readers.add(Thread.ofVirtual().name("abuse-read").start(() -> answers[n] = read(sockets.get(n), wait)));
        }
        for (Thread t : readers) {
            t.join();
        }
        return List.of(answers);
    }

    /**
     * A newcomer from {@code from}: connects, sends a fresh cookie and reads the server's first
     * byte ({@link #PARAM_EXCHANGE}: a place; {@link #ACCESS_DENIED}: busy; {@link #SERVER_ERROR}:
     * refused with a reason), or {@link #CLOSED}, or {@link #NOTHING} within {@code wait}; then
     * closes (a test at PARAM_EXCHANGE ends on the close).
     */
    public int firstAnswer(String from, Duration wait) {
        try (Socket s = connect(from)) {
            write(s, Cookie.random().wireBytes());
            return read(s, wait);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a cookie flood from {@code from} on a thread of its own: connection after
     * connection, each sending a fresh cookie followed by FIN, reading what the server sends
     * until it closes (at most {@code linger} each), with up to {@code inFlight} at once.
     */
    public synchronized Flood cookieFlood(String from, int inFlight, Duration linger) {
        Flood f = new Flood(from, inFlight, linger);
        floods.add(f);
        return f;
    }

    /** A running cookie flood; {@link #stop()} ends it and says how many connections it made. */
    public final class Flood {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong made = new AtomicLong();
        private final List<Thread> threads = new ArrayList<>();

        private Flood(String from, int inFlight, Duration linger) {
            for (int i = 0; i < inFlight; i++) {
                threads.add(Thread.ofVirtual().name("abuse-flood-" + from).start(() -> {
                    while (!stop.get()) {
                        try (Socket s = connect(from)) {
                            write(s, Cookie.random().wireBytes());
                            s.shutdownOutput();
                            made.incrementAndGet();
                            long deadline = System.nanoTime() + linger.toNanos();
                            while (read(s, Duration.ofMillis(50)) != CLOSED && System.nanoTime() - deadline < 0
                                    && !stop.get()) {
                                // drain what the server sends until it closes
                            }
                        } catch (IOException | UncheckedIOException e) {
                            // refused at connect or reset: the flood goes on
                        }
                    }
                }));
            }
        }

        /** Ends the flood (waits for its threads, at most 5 s); returns the connections it made. */
        public long stop() {
            stop.set(true);
            for (Thread t : threads) {
                try {
                    t.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return made.get();
        }
    }

    /** A real iperf3 client of the given version from source address {@code from} ({@code -B}). */
    public Iperf3Process client(Iperf3Binary binary, String from, String... args) {
        binary.requireThis();
        List<String> cmd = new ArrayList<>(List.of("-c", server.getHostString(), "-p",
                Integer.toString(server.getPort()), "-B", from));
        cmd.addAll(List.of(args));
        return Iperf3Process.iperf3(binary, cmd);
    }

    private Socket connect(String from) {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(server, 5000);
            return s;
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // not connected
            }
            throw new UncheckedIOException("connect from " + from + " to " + server, e);
        }
    }

    private static void write(Socket s, byte[] b) {
        try {
            s.getOutputStream().write(b);
            s.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next byte (0-255), {@link #CLOSED} at EOF or reset, {@link #NOTHING} after {@code wait}. */
    private static int read(Socket s, Duration wait) {
        try {
            s.setSoTimeout((int) Math.max(1, wait.toMillis()));
            InputStream in = s.getInputStream();
            int b = in.read();
            return b < 0 ? CLOSED : b;
        } catch (SocketTimeoutException e) {
            return NOTHING;
        } catch (IOException e) {
            return CLOSED;
        }
    }

    /** Stops the floods and closes every socket this harness opened. */
    @Override
    public synchronized void close() {
        for (Flood f : floods) {
            f.stop();
        }
        for (Socket s : held) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closed either way
            }
        }
        held.clear();
    }
}
