package io.iperf3j.internal.engine.server;

import static io.iperf3j.internal.engine.server.RateShares.UNLIMITED;
import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.internal.engine.TestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --total-rate}'s measurement of one test, once a second from the streams' byte totals,
 * with no stats interval involved (a server with {@code -i 0} used to neither follow demand nor
 * police). Times are {@link System#nanoTime()} values made up by the test.
 */
@Timeout(10)
class ShareFollowerTest {
    private static final long M = 1_000_000L;
    private static final long S = ShareFollower.TICK_NANOS;

    @Test
    void aTestHeldBackElsewhereGivesItsShareToTheOthersAndTakesItBack() {
        RateShares r = new RateShares(1000 * M);
        RateShares.Member slow = r.join(UNLIMITED, 1);
        RateShares.Member other = r.join(UNLIMITED, 1);
        ShareFollower f = new ShareFollower(r, slow, false);
        assertThat(f.due()).as("nothing before the test runs").isEqualTo(TestSession.NEVER);
        long t0 = 5 * S;
        f.start(t0, 1_000, 2_000, 0); // bytes counted before TEST_START are not this second's
        assertThat(f.due()).isEqualTo(t0 + S);
        // 100 Mbit/s each second (12.5 MB), against an allocation of 500M: below 80 % twice, so
        // its demand becomes 1.25 x 100M and the other test gets the rest.
        assertThat(f.tick(t0 + S, 1_000 + 12_500_000, 2_000)).isFalse();
        assertThat(slow.allocation()).isEqualTo(500 * M);
        assertThat(f.tick(t0 + 2 * S, 1_000 + 25_000_000, 2_000)).isFalse();
        assertThat(slow.allocation()).isEqualTo(125 * M);
        assertThat(other.allocation()).isEqualTo(875 * M);
        assertThat(f.due()).isEqualTo(t0 + 3 * S);
        // A late tick measures the time it covers: 2 s at 62.5 Mbit/s each way is 125M, its whole allocation.
        assertThat(f.tick(t0 + 4 * S, 1_000 + 40_625_000, 2_000 + 15_625_000)).isFalse();
        assertThat(slow.allocation()).as("back to what it asked for").isEqualTo(500 * M);
    }

    /** A UDP upload alone under {@code --total-rate 100M}, asking for 90M on {@code streams} streams, started at 0. */
    private static ShareFollower upload(int streams) {
        RateShares r = new RateShares(100 * M);
        ShareFollower f = new ShareFollower(r, r.join(90 * M, streams), true);
        f.start(0, 0, 0, streams);
        return f;
    }

    @Test
    void aUdpUploadOverItsShareForAWholeWindowMustEnd() {
        ShareFollower f = upload(2);
        long received = 0;
        // 120 % of its 90M for four seconds: not yet a whole window of five.
        for (int second = 1; second <= 4; second++) {
            received += 108 * M / 8;
            assertThat(f.tick(second * S, 0, received)).as("second %d", second).isFalse();
        }
        received += 108 * M / 8;
        assertThat(f.tick(5 * S, 0, received)).as("five seconds at 120 %").isTrue();
    }

    @Test
    void aUdpUploadWithinItsToleranceRunsOn() {
        ShareFollower f = upload(1);
        long received = 0;
        for (int second = 1; second <= 20; second++) {
            received += 94_500_000 / 8; // 105 % of 90M
            assertThat(f.tick(second * S, 0, received)).isFalse();
        }
    }
}
