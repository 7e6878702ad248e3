package io.iperf3j;

import io.iperf3j.internal.engine.OneTimeSetup;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A client with the DL-7450 {@code iperf.IperfClient} contract: construct with a
 * server and port (no I/O happens), then {@link #run(Consumer)} starts one TCP
 * test in the background and later hands the callback iperf3's JSON result as a
 * map, exactly once.
 *
 * <ul>
 *   <li>On success the map is the document {@code iperf3 -c host -p port -J} prints.</li>
 *   <li>On an iperf failure (refused, busy, denied, ...) it is the same document with
 *       its {@code error} field, as iperf3 prints it.</li>
 *   <li>On any other failure, when no JSON could be made, the map is empty.</li>
 * </ul>
 *
 * <p>One test at a time per client: a second {@code run} while a test runs throws
 * {@link IllegalStateException} at once and does not disturb the running test (its
 * callback still comes, once). Use several {@code IperfClient}s for parallel tests.
 * The callback runs on the test's own thread; an exception it throws goes to that
 * thread's uncaught-exception handler.
 *
 * <p>{@code run} and {@code runAsync} return at once also as the first call of a JVM:
 * everything else, including the one-time set-up of the engine (its classes, the
 * native-call bindings, the option parser; some hundreds of milliseconds in a fresh
 * JVM), happens on a thread of the test's own, never on the caller's.
 */
public final class IperfClient {
    /** The default test length: five one-second intervals, as the DL-7450 sample describes. */
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(5);

    private final String hostname;
    private final int port;
    private final Duration duration;
    private final AtomicBoolean running = new AtomicBoolean();

    /** A client for {@code hostname:port} (an IP literal or a DNS name). */
    public IperfClient(String hostname, int port) {
        this(hostname, port, DEFAULT_DURATION);
    }

    /** A client running tests of the given length. */
    public IperfClient(String hostname, int port, Duration duration) {
        this.hostname = Objects.requireNonNull(hostname, "hostname");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535: " + port);
        }
        this.port = port;
        this.duration = Objects.requireNonNull(duration, "duration");
    }

    /**
     * Starts a test and returns at once; {@code onComplete} (may be null) is later
     * called exactly once with the result map.
     *
     * @throws IllegalStateException if a test of this client is already running
     */
    public void run(Consumer<Map<String, Object>> onComplete) {
        start().thenAccept(new Callback(onComplete));
    }

    /**
     * Hands the map to the application's callback. A class, not a lambda: a JVM's first
     * lambda costs tens of milliseconds of set-up, which {@code run} must not spend.
     */
    private record Callback(Consumer<Map<String, Object>> onComplete) implements Consumer<Map<String, Object>> {
        @Override
        public void accept(Map<String, Object> map) {
            if (onComplete != null) {
                try {
                    onComplete.accept(map);
                } catch (RuntimeException | Error e) {
                    // Not swallowed by the future: the callback's failure is the application's to see.
                    Thread t = Thread.currentThread();
                    t.getUncaughtExceptionHandler().uncaughtException(t, e);
                }
            }
        }
    }

    /**
     * Starts a test and returns a future of its result map (see the class comment).
     *
     * @throws IllegalStateException if a test of this client is already running
     */
    public CompletableFuture<Map<String, Object>> runAsync() {
        return start();
    }

    /** Whether a test of this client is running. */
    public boolean isRunning() {
        return running.get();
    }

    private CompletableFuture<Map<String, Object>> start() {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("a test is already running");
        }
        CompletableFuture<Map<String, Object>> future = new CompletableFuture<>();
        // Only the busy flag is the caller's: parsing, the engine's first use and the test
        // itself go to the test's thread (issue 16: 400-770 ms here on a JVM's first call).
        Thread test = new Thread(new TestRun(this, future), "iperf3j-client");
        test.start();
        return future;
    }

    /** The test thread's work (a class, not a lambda: see {@link Callback}). */
    private record TestRun(IperfClient client, CompletableFuture<Map<String, Object>> future) implements Runnable {
        @Override
        public void run() {
            client.runTest(future);
        }
    }

    /** Runs one test on the calling thread (the test's own) and completes {@code future} with its map. */
    private void runTest(CompletableFuture<Map<String, Object>> future) {
        OneTimeSetup.startInBackground(); // the JVM's first test: native bindings while this thread parses
        Map<String, Object> map;
        try {
            IperfResult result = IperfCommand.client(hostname).port(port).duration(duration)
                    .reportInterval(Duration.ofSeconds(1)).runHere();
            map = result != null ? result.json() : Collections.emptyMap();
        } catch (RuntimeException | Error e) {
            map = Collections.emptyMap();
        }
        running.set(false); // before the callback, so it may start the next test
        future.complete(map);
    }
}
