package io.iperf3j.internal.engine.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import java.util.ArrayList;
import java.util.List;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** --max-concurrent and -1 as slots, and what Admission does with a test that finds none. */
@Timeout(30)
class SlotPoolTest {
    private static final Arrival A = new Arrival(null, null, null, 0);

    private static Slot granted(Take t) {
        assertThat(t).isInstanceOf(Take.Granted.class);
        return ((Take.Granted) t).slot();
    }

    private static Arrival from(String host, int port) {
        return new Arrival(null, null, new InetSocketAddress(host, port), 0);
    }

    @Test
    void maxPerClientCountsEachAddressAndTheSumIsTheOneCount() {
        AtomicInteger freed = new AtomicInteger();
        SlotPool pool = new SlotPool(4, false, 2, freed::incrementAndGet);
        Slot a1 = granted(pool.tryTake(from("127.0.0.2", 1)));
        Slot a2 = granted(pool.tryTake(from("127.0.0.2", 2)));
        Take third = pool.tryTake(from("127.0.0.2", 3));
        assertThat(third).isEqualTo(new Take.ClientLimit(ClientKey.of(new InetSocketAddress("127.0.0.2", 0)), 2));
        assertThat(((Take.ClientLimit) third).key().prefix()).isEqualTo("127.0.0.2/32");
        Slot b1 = granted(pool.tryTake(from("127.0.0.3", 1)));
        assertThat(pool.running()).isEqualTo(3);
        ClientKey a = ClientKey.of(new InetSocketAddress("127.0.0.2", 0));
        assertThat(pool.running(a)).isEqualTo(2);
        a1.giveBackAsNoTest();
        a1.close();
        assertThat(pool.running(a)).isEqualTo(1);
        assertThat(pool.running()).isEqualTo(2);
        Slot a3 = granted(pool.tryTake(from("127.0.0.2", 4)));
        Slot b2 = granted(pool.tryTake(from("127.0.0.3", 2)));
        assertThat(pool.tryTake(from("127.0.0.4", 1))).as("--max-concurrent first").isEqualTo(new Take.Full(4, 4));
        for (Slot s : List.of(a2, a3, b1, b2)) {
            s.close();
        }
        assertThat(pool.running()).isZero();
        assertThat(pool.running(a)).isZero();
        assertThat(freed).hasValue(5);
    }

    @Test
    void aPlaceHeldFromOutsideFillsThePoolUntilClosedOnce() {
        AtomicInteger freed = new AtomicInteger();
        SlotPool pool = new SlotPool(1, false, freed::incrementAndGet);
        Slot held = pool.tryHold();
        assertThat(held).isNotNull();
        assertThat(pool.running()).isEqualTo(1);
        assertThat(pool.tryTake(from("127.0.0.2", 1))).as("a test finds the place the agent holds").isEqualTo(new Take.Full(1, 1));
        assertThat(pool.tryHold()).as("one place, held once").isNull();
        held.close();
        held.close();
        assertThat(freed).as("the queue is told once").hasValue(1);
        assertThat(pool.running()).isZero();
        Slot test = granted(pool.tryTake(from("127.0.0.2", 2)));
        assertThat(pool.tryHold()).as("a running test's place is not held").isNull();
        test.close();
        pool.close();
        assertThat(pool.tryHold()).as("a closed pool holds nothing").isNull();
    }

    @Test
    void anUnknownAddressIsNotLimitedPerClient() {
        SlotPool pool = new SlotPool(4, false, 1, () -> { });
        granted(pool.tryTake(A));
        granted(pool.tryTake(A));
        assertThat(pool.running()).isEqualTo(2);
    }

    @Test
    void ipv6CountsPerSlash64() {
        SlotPool pool = new SlotPool(8, false, 1, () -> { });
        granted(pool.tryTake(from("2001:db8:1:2::1", 1)));
        assertThat(pool.tryTake(from("2001:db8:1:2:ffff::9", 1))).as("same /64").isInstanceOf(Take.ClientLimit.class);
        granted(pool.tryTake(from("2001:db8:1:3::1", 1)));
    }

    @Test
    void maxTwoRefusesTheThirdAndASlotGoesBackOnce() {
        AtomicInteger freed = new AtomicInteger();
        SlotPool pool = new SlotPool(2, false, freed::incrementAndGet);
        Slot one = granted(pool.tryTake(A));
        Slot two = granted(pool.tryTake(A));
        assertThat(pool.tryTake(A)).isInstanceOf(Take.Full.class);
        assertThat(pool.running()).isEqualTo(2);
        one.close();
        one.close();
        one.giveBackAsNoTest();
        assertThat(pool.running()).isEqualTo(1);
        assertThat(freed).as("slotFreed after each give-back, once per slot").hasValue(1);
        assertThat(pool.tryTake(A)).isInstanceOf(Take.Granted.class);
        assertThat(pool.tryTake(A)).isInstanceOf(Take.Full.class);
        two.close();
        assertThat(freed).hasValue(2);
    }

    @Test
    void aSlotGivenBackIsHeldUntilItsTestEnds() {
        SlotPool pool = new SlotPool(4, false, () -> { });
        Slot denied = granted(pool.tryTake(A));
        denied.giveBackAsNoTest(); // an auth-denied test: its place goes back before its client is told
        assertThat(pool.running()).isZero();
        assertThat(pool.held()).as("its thread has not ended: its end line may not be logged yet").isEqualTo(1);
        denied.close();
        assertThat(pool.held()).isZero();
    }

    @Test
    void oneOffReopensOnlyWhenTheAttemptWasNoTest() {
        SlotPool pool = new SlotPool(16, true, () -> { });
        Slot denied = granted(pool.tryTake(A));
        assertThat(pool.tryTake(A)).as("one at a time").isInstanceOf(Take.Full.class);
        denied.giveBackAsNoTest();
        denied.close();
        Slot test = granted(pool.tryTake(A));
        test.close();
        assertThat(pool.running()).isZero();
        assertThat(pool.tryTake(A)).as("-1 used up by a test").isInstanceOf(Take.Full.class);
    }

    @Test
    void admissionLaunchesWithASlotOrHandsToTheOverflow() {
        List<String> events = new ArrayList<>();
        Admission.Overflow overflow = new Admission.Overflow() {
            @Override
            public void hold(Arrival a, Take refused) {
                events.add("held " + refused);
            }

            @Override
            public void slotFreed() {
                events.add("freed");
            }
        };
        SlotPool pool = new SlotPool(1, false, overflow::slotFreed);
        Admission admission = new Admission(pool, overflow);
        List<Slot> launched = new ArrayList<>();
        admission.admit(A, (a, slot) -> launched.add(slot));
        admission.admit(A, (a, slot) -> launched.add(slot));
        assertThat(launched).hasSize(1);
        assertThat(events).containsExactly("held Full[running=1, max=1]");
        launched.getFirst().close();
        assertThat(events).containsExactly("held Full[running=1, max=1]", "freed");
        Admission none = new Admission(a -> new Take.Closed(), overflow);
        none.admit(A, (a, slot) -> launched.add(slot));
        assertThat(events).endsWith("held Closed[]");
    }

    @Test
    void closeTellsEveryHeldSlotAndOneAttachedLaterAtOnce() throws Exception {
        SlotPool pool = new SlotPool(4, false, () -> { });
        AtomicInteger attachedFirst = new AtomicInteger();
        AtomicInteger attachedAfter = new AtomicInteger();
        Slot running = granted(pool.tryTake(A));
        running.whenCancelled(attachedFirst::incrementAndGet);
        // Bug 3's window: a slot taken before close() whose test attaches only afterwards.
        Slot late = granted(pool.tryTake(A));
        Slot denied = granted(pool.tryTake(A));
        denied.giveBackAsNoTest();
        pool.close();
        assertThat(attachedFirst).as("told once").hasValue(1);
        assertThat(pool.tryTake(A)).as("a closed pool takes none").isInstanceOf(Take.Closed.class);
        late.whenCancelled(attachedAfter::incrementAndGet);
        assertThat(attachedAfter).as("told as it attaches").hasValue(1);
        running.cancel();
        assertThat(attachedFirst).as("never twice").hasValue(1);

        assertThat(pool.running()).as("the denied test's place is back").isEqualTo(2);
        running.close();
        late.close();
        assertThat(pool.awaitEnded(Duration.ZERO)).as("the denied test's thread still holds its slot").isFalse();
        denied.close();
        assertThat(pool.awaitEnded(Duration.ofSeconds(10))).isTrue();
        assertThat(pool.running()).isZero();
    }
}
