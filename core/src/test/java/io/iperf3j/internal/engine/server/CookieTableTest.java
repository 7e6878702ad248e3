package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.protocol.Cookie;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.channels.SocketChannel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The three routes of a connection by its cookie, and a new cookie taken in the same step (bug 4). */
@Timeout(30)
class CookieTableTest {
    private static Arrival with(Cookie c, long order) {
        return new Arrival(null, c, null, order);
    }

    /** An arrival on a connection of its own (an unconnected channel: release compares connections). */
    private static Arrival on(SocketChannel channel, Cookie c, long order) {
        return new Arrival(channel, c, null, order);
    }

    @Test
    void newTestThenSurplusThenWaitingTestThenFreeAgain() throws Exception {
        try (SocketChannel first = SocketChannel.open(); SocketChannel other = SocketChannel.open();
                SocketChannel later = SocketChannel.open()) {
            newTestThenSurplusThenWaitingTestThenFreeAgain(first, other, later);
        }
    }

    private static void newTestThenSurplusThenWaitingTestThenFreeAgain(SocketChannel first, SocketChannel other,
            SocketChannel later) {
        CookieTable t = new CookieTable();
        Cookie c = Cookie.random();
        Arrival control = on(first, c, 0);
        TcpArrivals arrivals = new TcpArrivals(() -> { });
        assertThat(t.route(control)).isInstanceOf(CookieTable.NewTest.class);
        assertThat(t.route(with(c, 1))).as("taken, not waiting for streams").isInstanceOf(CookieTable.Surplus.class);
        t.expectStreams(c, arrivals);
        assertThat(t.route(with(c, 2))).isEqualTo(new CookieTable.ToTest(arrivals));
        assertThat(t.route(with(Cookie.random(), 3))).isInstanceOf(CookieTable.NewTest.class);
        t.streamsNoLongerExpected(c, arrivals);
        assertThat(t.route(with(c, 4))).isInstanceOf(CookieTable.Surplus.class);
        t.release(on(other, c, 0));
        assertThat(t.route(with(c, 5))).as("only the connection that took it gives it back")
                .isInstanceOf(CookieTable.Surplus.class);
        t.release(control.withParameters(null));
        Arrival next = on(later, c, 6);
        assertThat(t.route(next)).isInstanceOf(CookieTable.NewTest.class);
        t.release(next);
    }

    @Test
    void aNewCookieIsReservedByTheRouteThatFoundItNew() {
        CookieTable t = new CookieTable();
        Cookie c = Cookie.random();
        // Bug 4: a second control connection with the cookie, routed before the first one's
        // test has started, must not become a second new test.
        assertThat(t.route(with(c, 1))).isInstanceOf(CookieTable.NewTest.class);
        assertThat(t.route(with(c, 2))).isInstanceOf(CookieTable.Surplus.class);
    }

    @Test
    void twoThreadsRacingOneNewCookieGetOneNewTest() throws Exception {
        // route() decides and takes under one monitor, so no interleaving gives two NewTests;
        // the rounds only check that the outcome holds whichever thread wins.
        CookieTable t = new CookieTable();
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 200; round++) {
                Cookie c = Cookie.random();
                List<Future<CookieTable.Route>> routes = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    Arrival a = with(c, 2L * round + i);
                    routes.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return t.route(a);
                    }));
                }
                long newTests = 0;
                for (Future<CookieTable.Route> f : routes) {
                    newTests += f.get(10, TimeUnit.SECONDS) instanceof CookieTable.NewTest ? 1 : 0;
                }
                assertThat(newTests).as("round %d", round).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
