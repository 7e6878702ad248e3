package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.protocol.Cookie;

import java.util.HashMap;
import java.util.Map;

/**
 * The cookies of the server's tests: which test waits for data connections with a
 * cookie, and which cookies belong to tests (another connection with one is a surplus
 * data stream). {@link #route} decides and, for a new cookie, takes it for that
 * connection's test in the same step, under this table's monitor: two control
 * connections with one new cookie cannot both become a test.
 */
final class CookieTable {
    /** Guarded by this. */
    private final Map<Cookie, TcpArrivals> awaitingStreams = new HashMap<>();
    /** Each taken cookie with the control connection of its test, admitted, held or running (guarded by this). */
    private final Map<Cookie, Arrival> taken = new HashMap<>();

    /** Where a connection with a cookie goes. */
    sealed interface Route permits ToTest, Surplus, NewTest {
    }

    /** A data connection of a test that waits for it. */
    record ToTest(TcpArrivals arrivals) implements Route {
    }

    /** A taken cookie on a connection its test does not wait for. */
    record Surplus() implements Route {
    }

    /** A cookie no test has: a new test, and the cookie is now its own until {@link #release}. */
    record NewTest() implements Route {
    }

    /** Where {@code a} goes, by its cookie; a new cookie is taken for {@code a}'s test. */
    synchronized Route route(Arrival a) {
        TcpArrivals waiting = awaitingStreams.get(a.cookie());
        if (waiting != null) {
            return new ToTest(waiting);
        }
        if (taken.containsKey(a.cookie())) {
            return new Surplus();
        }
        taken.put(a.cookie(), a);
        return new NewTest();
    }

    /**
     * The test whose control connection is {@code control} has ended, or was refused: its
     * cookie is free again. A no-op for a connection that did not take its cookie.
     */
    synchronized void release(Arrival control) {
        // The connection's identity, not equals: only the connection that took the cookie gives it
        // back (its Arrival may have been copied with its parameters since, EarlyParameters).
        Arrival holder = taken.get(control.cookie());
        if (holder != null && holder.channel() == control.channel()) {
            taken.remove(control.cookie());
        }
    }

    /** A test now waits for its data connections. */
    synchronized void expectStreams(Cookie cookie, TcpArrivals arrivals) {
        awaitingStreams.put(cookie, arrivals);
    }

    synchronized void streamsNoLongerExpected(Cookie cookie, TcpArrivals arrivals) {
        awaitingStreams.remove(cookie, arrivals);
    }
}
