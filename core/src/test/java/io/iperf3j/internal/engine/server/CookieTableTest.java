package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.protocol.Cookie;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The three routes of a connection by its cookie. */
class CookieTableTest {
    private static Arrival with(Cookie c) {
        return new Arrival(null, c, null, 0);
    }

    @Test
    void waitingTestThenSurplusThenNewTest() {
        CookieTable t = new CookieTable();
        Cookie c = Cookie.random();
        Object test = new Object();
        TcpArrivals arrivals = new TcpArrivals(() -> { });
        assertThat(t.route(with(c))).isInstanceOf(CookieTable.NewTest.class);
        t.testStarted(c, test);
        assertThat(t.route(with(c))).as("running, not waiting for streams").isInstanceOf(CookieTable.Surplus.class);
        t.expectStreams(c, arrivals);
        assertThat(t.route(with(c))).isEqualTo(new CookieTable.ToTest(arrivals));
        assertThat(t.route(with(Cookie.random()))).isInstanceOf(CookieTable.NewTest.class);
        t.streamsNoLongerExpected(c, arrivals);
        assertThat(t.route(with(c))).isInstanceOf(CookieTable.Surplus.class);
        t.testEnded(c, test);
        assertThat(t.route(with(c))).isInstanceOf(CookieTable.NewTest.class);
    }

    @Test
    void aNewCookieIsReservedByTheRouteThatFoundItNew() {
        CookieTable t = new CookieTable();
        Cookie c = Cookie.random();
        // Bug 4: a second control connection with the cookie, routed before the first one's
        // test has started, must not become a second new test.
        assertThat(t.route(new Arrival(null, c, null, 1))).isInstanceOf(CookieTable.NewTest.class);
        assertThat(t.route(new Arrival(null, c, null, 2))).isInstanceOf(CookieTable.Surplus.class);
    }
}
