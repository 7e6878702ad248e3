package io.iperf3j.internal.engine.server;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** --max-concurrent and -1 as slots, and what Admission does with a test that finds none. */
class SlotPoolTest {
    private static final Arrival A = new Arrival(null, null, null, 0);

    @Test
    void maxTwoRefusesTheThirdAndASlotGoesBackOnce() {
        AtomicInteger freed = new AtomicInteger();
        SlotPool pool = new SlotPool(2, false, freed::incrementAndGet);
        Slot one = pool.tryTake(A).orElseThrow();
        Slot two = pool.tryTake(A).orElseThrow();
        assertThat(pool.tryTake(A)).isEmpty();
        assertThat(pool.running()).isEqualTo(2);
        one.close();
        one.close();
        one.giveBackAsNoTest();
        assertThat(pool.running()).isEqualTo(1);
        assertThat(freed).as("slotFreed after each give-back, once per slot").hasValue(1);
        assertThat(pool.tryTake(A)).isPresent();
        assertThat(pool.tryTake(A)).isEmpty();
        two.close();
        assertThat(freed).hasValue(2);
    }

    @Test
    void oneOffReopensOnlyWhenTheAttemptWasNoTest() {
        SlotPool pool = new SlotPool(16, true, () -> { });
        Slot denied = pool.tryTake(A).orElseThrow();
        assertThat(pool.tryTake(A)).as("one at a time").isEmpty();
        denied.giveBackAsNoTest();
        denied.close();
        Slot test = pool.tryTake(A).orElseThrow();
        test.close();
        assertThat(pool.running()).isZero();
        assertThat(pool.tryTake(A)).as("-1 used up by a test").isEmpty();
    }

    @Test
    void admissionLaunchesWithASlotOrHandsToTheOverflow() {
        List<String> events = new ArrayList<>();
        Admission.Overflow overflow = new Admission.Overflow() {
            @Override
            public void hold(Arrival a) {
                events.add("held");
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
        assertThat(events).containsExactly("held");
        launched.getFirst().close();
        assertThat(events).containsExactly("held", "freed");
        Admission none = new Admission(a -> Optional.empty(), overflow);
        none.admit(A, (a, slot) -> launched.add(slot));
        assertThat(events).endsWith("held");
    }
}
