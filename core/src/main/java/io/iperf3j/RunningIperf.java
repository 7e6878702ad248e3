package io.iperf3j;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A run in progress, started by {@link IperfCommand#spawn(MetricsMode)}: its live
 * metrics, its result when it ends, and a real cancel. Thread-safe.
 */
public final class RunningIperf {
    /** How long {@link #cancel()} waits for the run to wind down. */
    static final Duration CANCEL_WAIT = Duration.ofSeconds(10);

    private final MetricsStream metrics;
    private final CompletableFuture<IperfResult> result = new CompletableFuture<>();
    private final Runnable canceller;
    private volatile boolean cancelRequested;
    private final int localPort;
    /** A server's {@link #holdSlot}; empty for a client. */
    private volatile java.util.function.Supplier<Optional<ServerSlot>> slots = Optional::empty;

    RunningIperf(MetricsStream metrics, Runnable canceller, int localPort) {
        this.metrics = metrics;
        this.canceller = canceller;
        this.localPort = localPort;
    }

    /** A server's listening port (useful with port 0); empty for a client or a server that could not listen. */
    public java.util.OptionalInt localPort() {
        return localPort > 0 ? java.util.OptionalInt.of(localPort) : java.util.OptionalInt.empty();
    }

    /**
     * A long-lived server's place taken from outside while the caller runs a test of its own (an agent's, issue 69: one
     * slot covers both ends of a host): while held, the server admits no test, and one that arrives waits in its
     * {@code --queue} (or is refused busy without one) until the place is closed.
     *
     * @return the place; empty when every place is taken (the server runs a test), the server is stopping, or this run
     *         is a client
     */
    public Optional<ServerSlot> holdSlot() {
        return slots.get();
    }

    void slots(java.util.function.Supplier<Optional<ServerSlot>> from) {
        slots = from;
    }

    void complete(IperfResult r) {
        result.complete(r);
    }

    void fail(Throwable t) {
        result.completeExceptionally(t);
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    /** The run's live metrics; an empty, closed stream when metrics are disabled. */
    public MetricsStream metrics() {
        return metrics;
    }

    /** Waits for the run to end and returns its result. */
    public IperfResult await() throws InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("iperf3j run failed unexpectedly", e.getCause());
        }
    }

    /**
     * Waits at most {@code timeout}; an empty result means the run is still going
     * (waiting does not stop it: use {@link #cancel()}).
     */
    public Optional<IperfResult> await(Duration timeout) throws InterruptedException {
        try {
            return Optional.of(result.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("iperf3j run failed unexpectedly", e.getCause());
        }
    }

    /**
     * Stops the run and returns its result. A client test ends as iperf3's does on
     * SIGINT: the streams stop, the summary is computed, the server is told
     * (CLIENT_TERMINATE), sockets are closed and threads end. A server stops
     * accepting, tells the clients of running tests (SERVER_TERMINATE) and closes.
     * The result says it was cancelled. Returns at once if the run had already ended.
     *
     * @throws IllegalStateException if the run did not stop within 10 seconds
     */
    public IperfResult cancel() throws InterruptedException {
        if (!result.isDone()) {
            cancelRequested = true;
            canceller.run();
        }
        return await(CANCEL_WAIT).orElseThrow(() -> new IllegalStateException("iperf3j run did not stop within " + CANCEL_WAIT));
    }

    /** Whether the run has ended. */
    public boolean isDone() {
        return result.isDone();
    }

    /** Completes with the result when the run ends (for asynchronous code). */
    public CompletionStage<IperfResult> completion() {
        return result.minimalCompletionStage();
    }
}
