package io.iperf3j.internal.engine.server;

import io.iperf3j.ServerEvent;
import io.iperf3j.ServerEvents;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Raises the server's {@link ServerEvent}s to its listeners: the operator log first, then those added with
 * {@link IperfServer#events}. The methods build the events the server's threads raise (each names its
 * thread in {@link ServerEvents}). A listener that throws is reported once and ignored, so it cannot stop
 * the acceptor or a test.
 */
final class EventFanout implements ServerEvents {
    private volatile ServerEvents[] listeners;
    private final Consumer<String> warning;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** @param warning where a listener's first failure is reported */
    EventFanout(ServerEvents first, Consumer<String> warning) {
        this.listeners = new ServerEvents[] {first};
        this.warning = warning;
    }

    /** Adds a listener; before the server serves. */
    synchronized void add(ServerEvents more) {
        ServerEvents[] grown = Arrays.copyOf(listeners, listeners.length + 1);
        grown[listeners.length] = more;
        listeners = grown;
    }

    @Override
    public void on(ServerEvent event) {
        for (ServerEvents l : listeners) {
            try {
                l.on(event);
            } catch (RuntimeException e) {
                if (warned.compareAndSet(false, true)) {
                    warning.accept("server events listener failed (later failures are not reported): " + e);
                }
            }
        }
    }

    /** A new test's control connection sent its cookie (handshake thread). */
    void accepted(InetSocketAddress client, int queuedAhead) {
        ClientAddress c = ClientAddress.of(client);
        on(new ServerEvent.Accepted(Instant.now(), c.address(), c.port(), c.prefix(), queuedAhead));
    }

    /** iperf3's busy answer: {@code running} tests of {@code max} run. */
    void busy(InetSocketAddress client, int running, int max) {
        refusedAt(client, ServerEvent.Reason.BUSY, running, max, null);
    }

    /** A new test over {@code --max-per-client}: its address runs {@code limit} tests already. */
    void perClient(InetSocketAddress client, int limit) {
        refusedAt(client, ServerEvent.Reason.MAX_PER_CLIENT, limit, limit, null);
    }

    /** A new test found every place taken and {@code queued} clients in a full queue. */
    void queueFull(InetSocketAddress client, int queued) {
        refusedAt(client, ServerEvent.Reason.QUEUE_FULL, queued, queued, null);
    }

    /** A new test found every place taken and its prefix holding {@code limit} queue places ({@code queued} of them). */
    void queuePerClient(InetSocketAddress client, int queued, int limit) {
        refusedAt(client, ServerEvent.Reason.QUEUE_PER_CLIENT, queued, limit, null);
    }

    /** A new test of a prefix cooling down, {@code left} of {@code coolDown} seconds to go (handshake thread). */
    void coolDown(InetSocketAddress client, long left, long coolDown) {
        refusedAt(client, ServerEvent.Reason.COOL_DOWN, (int) Math.min(Integer.MAX_VALUE, left),
                (int) Math.min(Integer.MAX_VALUE, coolDown), null);
    }

    /** A queued client waited {@code --queue-timeout} without a place (lobby thread). */
    void queueTimeout(InetSocketAddress client, Duration waited) {
        ClientAddress c = ClientAddress.of(client);
        on(new ServerEvent.Refused(Instant.now(), c.address(), c.port(), c.prefix(), ServerEvent.Reason.QUEUE_TIMEOUT,
                0, 0, null, waited, null));
    }

    /** {@code --allow}/{@code --deny} refused an address by {@code rule} (acceptor thread). */
    void denied(InetSocketAddress client, String rule) {
        ClientAddress c = ClientAddress.of(client);
        on(new ServerEvent.Refused(Instant.now(), c.address(), c.port(), c.prefix(), ServerEvent.Reason.DENIED,
                0, 0, rule, Duration.ZERO, null));
    }

    /** A new test waits in the queue at {@code position} of {@code queued} (handshake thread). */
    void queued(InetSocketAddress client, int position, int queued, int running, int max) {
        ClientAddress c = ClientAddress.of(client);
        on(new ServerEvent.Queued(Instant.now(), c.address(), c.port(), c.prefix(), position, queued, running, max));
    }

    /** A queued client left after {@code waited} (lobby thread). */
    void left(InetSocketAddress client, Duration waited) {
        ClientAddress c = ClientAddress.of(client);
        on(new ServerEvent.Left(Instant.now(), c.address(), c.port(), c.prefix(), waited));
    }

    /** A connection (or a test, for {@link ServerEvent.Reason#AUTH}) turned away, with why in words. */
    void refused(InetSocketAddress client, ServerEvent.Reason reason, String detail) {
        refusedAt(client, reason, 0, 0, detail);
    }

    private void refusedAt(InetSocketAddress client, ServerEvent.Reason reason, int count, int limit, String detail) {
        ClientAddress c = ClientAddress.of(client);
        on(new ServerEvent.Refused(Instant.now(), c.address(), c.port(), c.prefix(), reason, count, limit, null,
                Duration.ZERO, detail));
    }

    /** A test passed its parameters and authentication (test thread). */
    void started(long test, InetSocketAddress client, ServerLog.TestShape shape, String user, Duration waited,
                 long shareBps) {
        ClientAddress c = ClientAddress.of(client);
        on(new ServerEvent.Started(Instant.now(), c.address(), c.port(), c.prefix(), test, shape.proto(), shape.dir(),
                shape.streams(), shape.limit(), waited == null ? Duration.ZERO : waited, user, shareBps));
    }

    /** Bytes a test moved since its last interval (test thread); {@code c} made once per test. */
    void interval(long test, ClientAddress c, String protocol, long sent, long received) {
        on(new ServerEvent.Interval(Instant.now(), c.address(), c.port(), c.prefix(), test, protocol, sent, received));
    }

    /** A test ended without a verdict (test thread). */
    void ended(long test, InetSocketAddress client, ServerLog.TestShape shape, long sent, long received,
               Duration duration, ServerEvent.Result result, String reason) {
        ended(test, client, shape, sent, received, duration, result, reason, java.util.Optional.empty());
    }

    /** A test ended, its end's class from the result (test thread). */
    void ended(long test, InetSocketAddress client, ServerLog.TestShape shape, long sent, long received,
               Duration duration, ServerEvent.Result result, String reason, java.util.Optional<io.iperf3j.Why> why) {
        ended(test, client, shape, sent, received, duration, result, reason, why, ServerEvent.EndReason.of(result));
    }

    /** A test ended (test thread). */
    void ended(long test, InetSocketAddress client, ServerLog.TestShape shape, long sent, long received,
               Duration duration, ServerEvent.Result result, String reason, java.util.Optional<io.iperf3j.Why> why,
               ServerEvent.EndReason end) {
        ClientAddress c = ClientAddress.of(client);
        on(new ServerEvent.Ended(Instant.now(), c.address(), c.port(), c.prefix(), test, shape.proto(), shape.dir(),
                shape.streams(), sent, received, duration, result, reason, why, end));
    }
}
