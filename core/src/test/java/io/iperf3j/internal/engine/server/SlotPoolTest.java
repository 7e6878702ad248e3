package io.iperf3j.internal.engine.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** --max-concurrent and -1 as slots, and what Admission does with a test that finds none. */
@Timeout(30)
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
    void aSlotGivenBackIsHeldUntilItsTestEnds() {
        SlotPool pool = new SlotPool(4, false, () -> { });
        Slot denied = pool.tryTake(A).orElseThrow();
        denied.giveBackAsNoTest(); // an auth-denied test: its place goes back before its client is told
        assertThat(pool.running()).isZero();
        assertThat(pool.held()).as("its thread has not ended: its end line may not be logged yet").isEqualTo(1);
        denied.close();
        assertThat(pool.held()).isZero();
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

    @Test
    void closeTellsEveryHeldSlotAndOneAttachedLaterAtOnce() throws Exception {
        SlotPool pool = new SlotPool(4, false, () -> { });
        AtomicInteger attachedFirst = new AtomicInteger();
        AtomicInteger attachedAfter = new AtomicInteger();
        Slot running = pool.tryTake(A).orElseThrow();
        running.whenCancelled(attachedFirst::incrementAndGet);
        // Bug 3's window: a slot taken before close() whose test attaches only afterwards.
        Slot late = pool.tryTake(A).orElseThrow();
        Slot denied = pool.tryTake(A).orElseThrow();
        denied.giveBackAsNoTest();
        pool.close();
        assertThat(attachedFirst).as("told once").hasValue(1);
        assertThat(pool.tryTake(A)).as("a closed pool takes none").isEmpty();
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
