package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.protocol.Cookie;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cookies of the server's tests: which test waits for data connections with a
 * cookie, and which cookies belong to running tests (another connection with one is
 * a surplus data stream).
 */
final class CookieTable {
    private final Map<Cookie, TcpArrivals> awaitingStreams = new ConcurrentHashMap<>();
    /** Cookies of the tests that run now, each with its test. */
    private final Map<Cookie, Object> activeCookies = new ConcurrentHashMap<>();

    /** Where a connection with a cookie goes. */
    sealed interface Route permits ToTest, Surplus, NewTest {
    }

    /** A data connection of a test that waits for it. */
    record ToTest(TcpArrivals arrivals) implements Route {
    }

    /** A running test's cookie on a connection that test does not wait for. */
    record Surplus() implements Route {
    }

    /** A cookie no test has: a new test. */
    record NewTest() implements Route {
    }

    /** Where {@code a} goes, by its cookie. */
    Route route(Arrival a) {
        TcpArrivals waiting = awaitingStreams.get(a.cookie());
        if (waiting != null) {
            return new ToTest(waiting);
        }
        if (activeCookies.containsKey(a.cookie())) {
            return new Surplus();
        }
        return new NewTest();
    }

    /** A test starts with {@code cookie} (the first one keeps it). */
    void testStarted(Cookie cookie, Object test) {
        activeCookies.putIfAbsent(cookie, test);
    }

    void testEnded(Cookie cookie, Object test) {
        activeCookies.remove(cookie, test);
    }

    /** A test now waits for its data connections. */
    void expectStreams(Cookie cookie, TcpArrivals arrivals) {
        awaitingStreams.put(cookie, arrivals);
    }

    void streamsNoLongerExpected(Cookie cookie, TcpArrivals arrivals) {
        awaitingStreams.remove(cookie, arrivals);
    }
}
