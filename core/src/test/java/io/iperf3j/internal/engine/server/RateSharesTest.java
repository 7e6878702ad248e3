package io.iperf3j.internal.engine.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static io.iperf3j.internal.engine.server.RateShares.UNLIMITED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --total-rate}'s max-min fair division (water-filling) and its measured demand. */
@Timeout(10)
class RateSharesTest {
    private static final long M = 1_000_000L;

    @Test
    void fairShareIsTheWaterLevelAndTheWholeRateWhenIdle() {
        RateShares r = new RateShares(1000 * M);
        assertThat(r.fairShare()).isEqualTo(1000 * M);
        RateShares.Member small = r.join(100 * M, 1);
        RateShares.Member big = r.join(UNLIMITED, 1);
        RateShares.Member other = r.join(UNLIMITED, 2);
        // 100M for the test that asks for no more; the other two share the 900M left.
        assertThat(small.allocation()).isEqualTo(100 * M);
        assertThat(r.fairShare()).isEqualTo(450 * M).isEqualTo(big.allocation()).isEqualTo(other.allocation());
        r.leave(big);
        r.leave(other);
        assertThat(r.fairShare()).isEqualTo(100 * M); // the one test left gets what it asks for
        r.leave(small);
        assertThat(r.fairShare()).isEqualTo(1000 * M);
        assertThat(r.total()).isEqualTo(1000 * M);
    }

    @Test
    void unlimitedTestsShareEquallyAndEachStreamGetsItsPart() {
        RateShares r = new RateShares(1600 * M);
        RateShares.Member a = r.join(UNLIMITED, 1);
        assertThat(a.allocation()).isEqualTo(1600 * M); // alone, it has it all
        assertThat(a.share.streamBitsPerSecond()).isEqualTo(1600 * M);
        List<RateShares.Member> more = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            more.add(r.join(UNLIMITED, i % 2 == 0 ? 1 : 4));
        }
        assertThat(a.allocation()).isEqualTo(100 * M);
        for (RateShares.Member t : more) {
            assertThat(t.allocation()).isEqualTo(100 * M);
        }
        // -P 4 gains nothing over -P 1: its 100M are split among its four streams.
        assertThat(more.get(1).share.streamBitsPerSecond()).isEqualTo(25 * M);
        assertThat(more.get(0).share.streamBitsPerSecond()).isEqualTo(100 * M);
        // An end gives its share to the others.
        r.leave(a);
        r.leave(a); // idempotent
        assertThat(r.running()).isEqualTo(15);
        assertThat(more.getFirst().allocation()).isEqualTo(1600 * M / 15);
    }

    @Test
    void aCappedDemandGetsItsDemandAndTheRestIsDividedAmongTheOthers() {
        RateShares r = new RateShares(1000 * M);
        RateShares.Member small = r.join(100 * M, 1);
        RateShares.Member mid = r.join(250 * M, 1);
        RateShares.Member big1 = r.join(UNLIMITED, 1);
        RateShares.Member big2 = r.join(UNLIMITED, 2);
        // 100 (its demand), 250 (its demand: under 900 / 3), the last 650 split in two.
        assertThat(small.allocation()).isEqualTo(100 * M);
        assertThat(mid.allocation()).isEqualTo(250 * M);
        assertThat(big1.allocation()).isEqualTo(325 * M);
        assertThat(big2.allocation()).isEqualTo(325 * M);
        assertThat(big2.share.streamBitsPerSecond()).isEqualTo(162_500_000L);
        // A demand above the equal share is cut to it: max-min, not proportional.
        RateShares.Member greedy = r.join(600 * M, 1);
        assertThat(small.allocation()).isEqualTo(100 * M);
        assertThat(mid.allocation()).isEqualTo(225 * M);
        assertThat(greedy.allocation()).isEqualTo(225 * M);
        assertThat(big1.allocation() + big2.allocation() + greedy.allocation() + mid.allocation()
                + small.allocation()).isEqualTo(1000 * M);
    }

    @Test
    void demandsUnderTheTotalLeaveTheRestUnallocated() {
        RateShares r = new RateShares(1000 * M);
        RateShares.Member a = r.join(10 * M, 1);
        RateShares.Member b = r.join(20 * M, 2);
        assertThat(a.allocation()).isEqualTo(10 * M);
        assertThat(b.allocation()).isEqualTo(20 * M);
        assertThat(b.share.streamBitsPerSecond()).isEqualTo(10 * M);
    }

    @Test
    void aTestHeldBackElsewhereHasItsDemandMeasuredAndGetsItBackAt95Percent() {
        RateShares r = new RateShares(300 * M);
        RateShares.Member slow = r.join(UNLIMITED, 1);
        RateShares.Member a = r.join(UNLIMITED, 1);
        RateShares.Member b = r.join(UNLIMITED, 1);
        assertThat(slow.allocation()).isEqualTo(100 * M);
        // One interval below 80 % changes nothing; it has to be two in a row.
        r.measured(slow, 40 * M);
        assertThat(slow.demand()).isEqualTo(UNLIMITED);
        r.measured(slow, 85 * M); // back over 80 %: the count starts again
        r.measured(slow, 40 * M);
        assertThat(slow.demand()).isEqualTo(UNLIMITED);
        r.measured(slow, 40 * M);
        // Two in a row: demand 1.25 x 40M = 50M; the others share the 250M left.
        assertThat(slow.demand()).isEqualTo(50 * M);
        assertThat(slow.allocation()).isEqualTo(50 * M);
        assertThat(a.allocation()).isEqualTo(125 * M);
        assertThat(b.allocation()).isEqualTo(125 * M);
        // Running at 80 % of its new allocation (40 of 50) keeps it there: not below 80 %.
        r.measured(slow, 40 * M);
        r.measured(slow, 40 * M);
        assertThat(slow.demand()).isEqualTo(50 * M);
        // Reaching 95 % of the allocation: the demand is what it asked for again.
        r.measured(slow, 48 * M);
        assertThat(slow.demand()).isEqualTo(UNLIMITED);
        assertThat(slow.allocation()).isEqualTo(100 * M);
        assertThat(a.allocation()).isEqualTo(100 * M);
    }

    @Test
    void aMeasuredDemandIsNeverRaisedAboveWhatTheTestAskedFor() {
        RateShares r = new RateShares(1000 * M);
        RateShares.Member paced = r.join(10 * M, 1);
        r.measured(paced, 7 * M);
        r.measured(paced, 7 * M); // 70 % twice: 1.25 x 7 = 8.75M
        assertThat(paced.demand()).isEqualTo(8_750_000L);
        r.measured(paced, 8 * M); // 91 %: neither
        r.measured(paced, 1 * M);
        r.measured(paced, 1 * M);
        assertThat(paced.demand()).isEqualTo(1_250_000L);
        r.measured(paced, 2 * M); // >= 95 % of 1.25M: its own 10M again, not 2.5M
        assertThat(paced.demand()).isEqualTo(10 * M);
    }

    @Test
    void aThousandTestsAreDividedExactlyAndQuickly() {
        RateShares r = new RateShares(1024 * 1000 * M);
        List<RateShares.Member> all = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 1024; i++) {
            all.add(r.join(i % 3 == 0 ? 100 * M : UNLIMITED, 1 + i % 8));
        }
        long nanos = System.nanoTime() - start;
        long sum = 0;
        for (RateShares.Member t : all) {
            sum += t.allocation();
        }
        assertThat(sum).isEqualTo(1024 * 1000 * M);
        assertThat(all.getFirst().allocation()).isEqualTo(100 * M);
        // 342 capped at 100M, the 682 others share the rest equally (within the rounding of one division).
        long other = (1024 * 1000 * M - 342 * 100 * M) / 682;
        assertThat(all.get(1).allocation()).isBetween(other, other + 1);
        assertThat(nanos).as("1024 joins, each O(n log n)").isLessThan(2_000_000_000L);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> new RateShares(0)).isInstanceOf(IllegalArgumentException.class);
        RateShares r = new RateShares(M);
        assertThatThrownBy(() -> r.join(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.join(M, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
