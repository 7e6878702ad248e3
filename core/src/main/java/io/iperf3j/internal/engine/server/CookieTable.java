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

    /** The data connections of the test waiting for {@code cookie}'s, or null. */
    TcpArrivals awaiting(Cookie cookie) {
        return awaitingStreams.get(cookie);
    }

    /** Whether a test that runs now has this cookie. */
    boolean isActive(Cookie cookie) {
        return activeCookies.containsKey(cookie);
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
