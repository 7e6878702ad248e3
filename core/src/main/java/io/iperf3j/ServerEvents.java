package io.iperf3j;

/**
 * What an iperf3j server does with its clients, as {@link ServerEvent}s: a new test's control connection
 * accepted, queued, leaving the queue, refused; a test started, its bytes each stats interval, its end.
 * The server's operator log ({@code --server-log}, text or JSON) is one implementation, the
 * {@code /metrics} of {@code --metrics.listen} (module io.iperf3j.export) another, so the two cannot
 * disagree.
 *
 * <p><b>Threads.</b> Events are raised on the thread where the thing happens, often on several threads at
 * once: the acceptor (a connection refused before its handshake), the handshake virtual threads
 * (accepted, queued, busy and cookie refusals), the queue's thread (left, queue timeouts) and each test's
 * own thread ({@link ServerEvent.Started}, {@link ServerEvent.Interval}, {@link ServerEvent.Ended} and an
 * authentication refusal). The events of one test come from one thread, in order. An implementation must
 * be thread-safe, must not block (the caller is accepting connections or moving a test's data: a write of
 * one line to a log is the most it may do) and must not throw; the server ignores what one throws.
 */
@FunctionalInterface
public interface ServerEvents {
    /** Listens to nothing. */
    ServerEvents NONE = event -> { };

    /** One event; see the class comment for the threads and what an implementation may do. */
    void on(ServerEvent event);
}
