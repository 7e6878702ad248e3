package io.iperf3j.session.internal.slots;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.internal.slots.SlotTable.Peer;
import io.iperf3j.session.internal.slots.SlotWire.Busy;
import io.iperf3j.session.internal.slots.SlotWire.Given;
import io.iperf3j.session.internal.slots.SlotWire.Parked;
import io.iperf3j.session.internal.slots.SlotWire.Refused;
import io.iperf3j.session.internal.slots.SlotWire.Taken;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The host-slots service's turn-taking, as the host agents' {@code flock}s did it: one holder a slot; a peer of the same
 * account told "busy" with no name, another account's named; a parked slot kept for its holder unless another waits;
 * a holder's next take of a parked slot yields to a waiter; waits forgotten when stale; everything of a peer freed when it
 * goes; bounded per peer, and empty again when no one holds or waits.
 */
class SlotTableTest {
    private final SlotTable table = new SlotTable();
    private final Peer alice1 = new Peer(1, "alice");
    private final Peer alice2 = new Peer(2, "alice");
    private final Peer bob = new Peer(3, "bob");
    private long now = 1_000_000_000L;

    @Test
    void oneHolderAtATimeAndTheOtherAccountIsNamed() {
        assertThat(table.take(alice1, "h1", now)).isEqualTo(new Taken());
        assertThat(table.take(alice1, "h1", now)).as("its own again").isEqualTo(new Taken());
        assertThat(table.take(alice2, "h1", now)).as("the same account: a turn, no name").isEqualTo(new Busy(Optional.empty()));
        assertThat(table.take(bob, "h1", now)).isEqualTo(new Busy(Optional.of("alice")));
        assertThat(table.take(bob, "h2", now)).as("another slot is free").isEqualTo(new Taken());
        assertThat(table.holder("h1")).contains("alice");
        assertThat(table.give(alice1, "h1")).isEqualTo(new Given());
        assertThat(table.take(bob, "h1", now)).isEqualTo(new Taken());
        assertThat(table.take(alice1, "h1", now)).isEqualTo(new Busy(Optional.of("bob")));
    }

    @Test
    void aParkedSlotIsItsHoldersNextTakeUnlessAnotherWaits() {
        table.take(alice1, "h1", now);
        assertThat(table.park(alice1, "h1", now)).isEqualTo(new Parked());
        assertThat(table.take(alice1, "h1", now)).as("no one waits: kept").isEqualTo(new Taken());
        assertThat(table.take(bob, "h1", now)).isEqualTo(new Busy(Optional.of("alice")));
        assertThat(table.park(alice1, "h1", now)).as("bob waits: given at the test's end").isEqualTo(new Given());
        assertThat(table.take(bob, "h1", now)).isEqualTo(new Taken());
        assertThat(table.park(bob, "h1", now)).isEqualTo(new Parked());
        assertThat(table.take(alice1, "h1", now)).isEqualTo(new Busy(Optional.of("bob")));
        assertThat(table.take(bob, "h1", now)).as("parked while alice waits: bob yields, naming her").isEqualTo(new Busy(Optional.of("alice")));
        assertThat(table.take(alice1, "h1", now)).isEqualTo(new Taken());
        assertThat(table.park(alice1, "h1", now)).as("bob waits in turn").isEqualTo(new Given());
    }

    @Test
    void aWaitNotRenewedIsForgotten() {
        table.take(alice1, "h1", now);
        table.take(bob, "h1", now);
        now += SlotTable.WAIT_FRESH + 1;
        assertThat(table.park(alice1, "h1", now)).as("bob has not asked for 10 s: he moved on").isEqualTo(new Parked());
        table.take(alice1, "h1", now);
        table.take(bob, "h1", now);
        now += SlotTable.WAIT_FRESH - 1;
        assertThat(table.park(alice1, "h1", now)).as("asked 10 s ago, still waits").isEqualTo(new Given());
    }

    @Test
    void aPeerThatGoesFreesWhatItHeldAndForgetsItsWaits() {
        table.take(alice1, "h1", now);
        table.take(alice1, "h2", now);
        table.take(bob, "h3", now);
        table.take(alice1, "h3", now);
        table.drop(alice1);
        assertThat(table.take(bob, "h1", now)).isEqualTo(new Taken());
        assertThat(table.park(bob, "h3", now)).as("alice's wait went with her").isEqualTo(new Parked());
        table.drop(bob);
        assertThat(table.size()).isZero();
    }

    @Test
    void aPeerHoldsOrWaitsForABoundedNumberOfSlotsAndTheTableEmptiesAgain() {
        for (int i = 0; i < SlotTable.MAX_SLOTS_PER_PEER; i++) {
            assertThat(table.take(alice1, "h" + i, now)).isEqualTo(new Taken());
        }
        assertThat(table.take(alice1, "more", now)).isInstanceOf(Refused.class);
        assertThat(table.take(alice1, "h0", now)).as("its own slots still").isEqualTo(new Taken());
        for (int i = 0; i < SlotTable.MAX_SLOTS_PER_PEER; i++) {
            assertThat(table.take(bob, "h" + i, now)).isEqualTo(new Busy(Optional.of("alice")));
        }
        assertThat(table.take(bob, "more", now)).as("waits count too").isInstanceOf(Refused.class);
        table.give(alice1, "h0");
        assertThat(table.take(alice2, "more", now)).as("another peer of the same account has its own share").isEqualTo(new Taken());
        for (int i = 0; i < SlotTable.MAX_SLOTS_PER_PEER; i++) {
            table.give(alice1, "h" + i);
            table.give(bob, "h" + i);
        }
        table.give(alice2, "more");
        assertThat(table.size()).isZero();
        assertThat(table.take(bob, "x", now)).as("its count went back to nothing").isEqualTo(new Taken());
    }

    @Test
    void aParkOrGiveOfASlotNotHeldChangesNothing() {
        assertThat(table.park(bob, "h1", now)).isEqualTo(new Given());
        assertThat(table.give(bob, "h1")).isEqualTo(new Given());
        table.take(alice1, "h1", now);
        assertThat(table.give(bob, "h1")).isEqualTo(new Given());
        assertThat(table.holder("h1")).contains("alice");
        assertThat(table.park(bob, "h1", now)).isEqualTo(new Given());
        assertThat(table.holder("h1")).contains("alice");
    }
}
