package io.iperf3j.link;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server's counts of one client's messages: when a missing unreliable message counts as lost, and what then. */
@Timeout(10)
class ArrivalTallyTest {
    private static final long T0 = 5_000_000_000L;
    private static final long HORIZON = ArrivalTally.LOSS_HORIZON_NANOS;

    @Test
    void inOrderMessagesAreReceivedAndNothingIsLost() {
        ArrivalTally t = new ArrivalTally();
        for (int seq = 0; seq < 1000; seq++) {
            t.arrived(seq, false, T0 + seq * 1_000_000L);
        }
        t.settle(T0 + 10 * HORIZON);
        assertThat(t.report()).isEqualTo(new LinkCommand.Received(1000, 0, 0, 0, 0));
    }

    @Test
    void aGapCountsAsLostOnlyOnceALaterMessageHasWaitedOutTheHorizon() {
        ArrivalTally t = new ArrivalTally();
        t.arrived(0, false, T0);
        t.arrived(1, false, T0);
        t.arrived(3, false, T0);
        t.settle(T0 + HORIZON - 1);
        assertThat(t.report().lost()).as("within the horizon: may still come").isZero();
        t.settle(T0 + HORIZON);
        assertThat(t.report()).isEqualTo(new LinkCommand.Received(3, 0, 0, 1, 0));
    }

    @Test
    void aMessageOvertakenWithinTheHorizonIsReorderedNotLost() {
        ArrivalTally t = new ArrivalTally();
        t.arrived(0, false, T0);
        t.arrived(2, false, T0);
        t.arrived(1, false, T0 + HORIZON / 2);
        t.settle(T0 + 10 * HORIZON);
        assertThat(t.report()).isEqualTo(new LinkCommand.Received(3, 1, 0, 0, 0));
    }

    @Test
    void aMessageArrivingAfterItWasCountedLostIsLateAndStaysLost() {
        ArrivalTally t = new ArrivalTally();
        t.arrived(0, false, T0);
        t.arrived(2, false, T0);
        t.settle(T0 + HORIZON);
        t.arrived(1, false, T0 + 2 * HORIZON);
        LinkCommand.Received r = t.report();
        assertThat(r).isEqualTo(new LinkCommand.Received(2, 0, 0, 1, 1));
        assertThat(r.count() + r.lost()).as("received + lost never exceeds what was sent (3)").isEqualTo(3);
        t.arrived(1, false, T0 + 3 * HORIZON);
        assertThat(t.report().duplicates()).as("a second copy of a late one").isEqualTo(1);
    }

    @Test
    void reliableMessagesAreNeverCountedLostHoweverLongTheGapWaits() {
        ArrivalTally t = new ArrivalTally();
        t.arrived(0, true, T0);
        t.arrived(5, true, T0);
        t.settle(T0 + 1000 * HORIZON);
        assertThat(t.report()).isEqualTo(new LinkCommand.Received(2, 0, 0, 0, 0));
        t.arrived(3, true, T0 + 1001 * HORIZON);
        assertThat(t.report()).as("a resent one arrives: received and reordered, not late")
                .isEqualTo(new LinkCommand.Received(3, 1, 0, 0, 0));
    }

    @Test
    void duplicatesAreCountedOnceAndNotReceivedAgain() {
        ArrivalTally t = new ArrivalTally();
        t.arrived(0, true, T0);
        t.arrived(0, true, T0);
        t.arrived(0, true, T0);
        assertThat(t.report()).isEqualTo(new LinkCommand.Received(1, 0, 2, 0, 0));
    }

    @Test
    void marksWithinAMillisecondShareTheOlderTimeSoEveryGapStillSettles() {
        ArrivalTally t = new ArrivalTally();
        t.arrived(0, false, T0);
        t.arrived(2, false, T0 + 100_000);
        t.arrived(4, false, T0 + 500_000);
        t.arrived(6, false, T0 + 2_000_000);
        t.settle(T0 + HORIZON - 1);
        assertThat(t.report().lost()).isZero();
        t.settle(T0 + HORIZON);
        assertThat(t.report().lost()).as("1 and 3: the mark of 0..4 is due at the first one's time + horizon").isEqualTo(2);
        t.settle(T0 + 2_000_000 + HORIZON);
        assertThat(t.report().lost()).isEqualTo(3);
    }

    @Test
    void theTailWithoutALaterMessageIsNeverSettledHere() {
        ArrivalTally t = new ArrivalTally();
        t.arrived(0, false, T0);
        t.settle(T0 + 1000 * HORIZON);
        assertThat(t.report().lost()).as("1, 2, ... may never have been sent: the client counts the tail").isZero();
    }

    @Test
    void sequenceNumbersOutsideTheTrackedRangeAreRefused() {
        ArrivalTally t = new ArrivalTally();
        assertThatThrownBy(() -> t.arrived(-1, false, T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.arrived(ArrivalTally.MAX_SEQ, false, T0)).isInstanceOf(IllegalArgumentException.class);
    }
}
