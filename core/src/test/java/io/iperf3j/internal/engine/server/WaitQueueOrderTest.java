package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.options.ServerLogFormat;
import io.iperf3j.internal.output.OutputSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The queue's order: round-robin across client keys, a capped key skipped, its capacity, expiry. */
@Timeout(10)
class WaitQueueOrderTest {
    private static final EventFanout LOG = new EventFanout(
            new ServerLog(OutputSink.discarding(), "iperf3j", null, ServerLogFormat.OFF), m -> { });

    private static Arrival from(String host, int port) {
        return new Arrival(null, null, new InetSocketAddress(host, port), port);
    }

    private static WaitQueue queue(SlotPool pool, int capacity) {
        CookieTable cookies = new CookieTable();
        return new WaitQueue(capacity, Duration.ofSeconds(60), pool, LOG, cookies,
                new RefuseBusy(LOG, pool::running, pool.max(), cookies), (a, s) -> { });
    }

    private static WaitQueue.Held hold(WaitQueue q, Arrival a, long now) {
        WaitQueue.Held h = q.enqueue(a, ClientKey.of(a.client()), now);
        assertThat(h).as("queued %s", a).isNotNull();
        return h;
    }

    private static Slot granted(Take t) {
        assertThat(t).isInstanceOf(Take.Granted.class);
        return ((Take.Granted) t).slot();
    }

    @Test
    void fortyFromOneAddressAndOneFromAnotherTheOtherIsServedSecond() {
        SlotPool pool = new SlotPool(1, false, () -> { });
        WaitQueue q = queue(pool, 4 * 40); // one address may hold a quarter
        Slot running = granted(pool.tryTake(from("127.0.0.9", 1)));
        for (int i = 1; i <= 40; i++) {
            hold(q, from("127.0.0.2", i), i);
        }
        hold(q, from("127.0.0.3", 1), 41);
        assertThat(q.next()).as("no place free").isNull();
        List<String> order = new ArrayList<>();
        Slot last = running;
        for (int i = 0; i < 41; i++) {
            last.close();
            WaitQueue.Grant g = q.next();
            assertThat(g).isNotNull();
            assertThat(q.next()).as("one place, one grant").isNull();
            order.add(g.held().arrival.client().getHostString() + ":" + g.held().arrival.client().getPort());
            last = g.slot();
        }
        assertThat(order.subList(0, 3)).containsExactly("127.0.0.2:1", "127.0.0.3:1", "127.0.0.2:2");
        assertThat(order.getLast()).isEqualTo("127.0.0.2:40");
        assertThat(q.queued()).isZero();
    }

    @Test
    void aKeyAtItsCapIsSkippedAndKeepsItsPlace() {
        SlotPool pool = new SlotPool(4, false, 1, () -> { });
        WaitQueue q = queue(pool, 8);
        Slot a = granted(pool.tryTake(from("127.0.0.2", 1)));
        hold(q, from("127.0.0.2", 2), 1);
        hold(q, from("127.0.0.3", 1), 2);
        WaitQueue.Grant b = q.next();
        assertThat(b.held().arrival.client().getHostString()).isEqualTo("127.0.0.3");
        assertThat(q.next()).as("127.0.0.2 is at its cap, though places are free").isNull();
        assertThat(q.tryTake(from("127.0.0.4", 1))).as("a newcomer whose key is not capped: at once")
                .isInstanceOf(Take.Granted.class);
        a.close();
        WaitQueue.Grant a2 = q.next();
        assertThat(a2.held().arrival.client().getPort()).isEqualTo(2);
        assertThat(a2.slot()).isNotNull();
    }

    @Test
    void oneAddressHoldsAQuarterOfTheQueueTheOthersTheRest() {
        SlotPool pool = new SlotPool(1, false, () -> { });
        granted(pool.tryTake(from("127.0.0.9", 1)));
        WaitQueue q = queue(pool, 16);
        for (int i = 1; i <= 4; i++) {
            hold(q, from("127.0.0.2", i), i);
        }
        Arrival fifth = from("127.0.0.2", 5);
        assertThat(q.enqueue(fifth, ClientKey.of(fifth.client()), 5)).as("its part is 16 / 4").isNull();
        for (int i = 1; i <= 12; i++) {
            hold(q, from("127.0.0." + (10 + i / 4), i), 5 + i);
        }
        assertThat(q.queued()).isEqualTo(16);
        Arrival last = from("127.0.0.20", 1);
        assertThat(q.enqueue(last, ClientKey.of(last.client()), 20)).as("the queue is full").isNull();
    }

    @Test
    void aFullQueueTakesNoMoreAndTheOldestExpiresFirst() {
        SlotPool pool = new SlotPool(1, false, () -> { });
        granted(pool.tryTake(from("127.0.0.9", 1)));
        WaitQueue q = queue(pool, 2);
        long t0 = 1_000_000_000L;
        WaitQueue.Held first = hold(q, from("127.0.0.2", 1), t0);
        WaitQueue.Held second = hold(q, from("127.0.0.3", 1), t0 + 5);
        assertThat(q.enqueue(from("127.0.0.4", 1), ClientKey.of(from("127.0.0.4", 1).client()), t0 + 6)).isNull();
        long timeout = Duration.ofSeconds(60).toNanos();
        assertThat(q.expired(t0 + timeout - 1)).isNull();
        assertThat(q.expired(t0 + timeout)).isSameAs(first);
        assertThat(q.expired(t0 + timeout)).as("the second has 5 ns to go").isNull();
        assertThat(q.remove(second)).as("it left").isTrue();
        assertThat(q.remove(second)).as("once").isFalse();
        assertThat(q.expired(t0 + 2 * timeout)).as("a removed one does not expire").isNull();
        assertThat(q.queued()).isZero();
    }
}
