package io.iperf3j.link.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class ReliabilityPartsTest {
    record R(int n) {
    }

    @Test
    void resendDelayFollowsTheMeasuredRttInNanoseconds() {
        // legume used its ping estimate in ms as seconds: 20 ms of RTT meant 20 s between resends.
        RttEstimator e = new RttEstimator();
        assertThat(e.timeoutNanos(0)).isEqualTo(300_000_000L);
        for (int i = 0; i < 20; i++) {
            e.sample(20_000_000L, i * 1_000_000L);
        }
        long now = 20_000_000L;
        assertThat(e.timeoutNanos(now)).isBetween(20_000_000L, 40_000_000L);
        assertThat(e.backoffNanos(1, now)).isEqualTo(e.timeoutNanos(now));
        assertThat(e.backoffNanos(2, now)).isEqualTo(2 * e.timeoutNanos(now));
        assertThat(e.backoffNanos(30, now)).isEqualTo(RttEstimator.MAX_NANOS);
    }

    @Test
    void resendDelayRemembersARecentSlowAckForSecondsNotMicroseconds() {
        RttEstimator e = new RttEstimator();
        long t = 0;
        e.sample(100_000L, t);
        e.sample(80_000_000L, t += 1_000_000L); // the receiver stalled 80 ms once
        for (int i = 0; i < 10_000; i++) {
            e.sample(100_000L, t += 10_000L); // then 10 000 fast acks in 0.1 s: RFC 6298's smoothing alone forgets it
        }
        assertThat(e.timeoutNanos(t)).isEqualTo(80_000_000L);
        // Aged out after RECENT_MAX_BUCKETS buckets without so slow a sample: back to the floor.
        long later = t + RttEstimator.RECENT_MAX_BUCKETS * RttEstimator.RECENT_MAX_BUCKET_NANOS;
        e.sample(100_000L, later);
        assertThat(e.timeoutNanos(later)).isEqualTo(RttEstimator.MIN_NANOS);
        // A sample measured out of order (an older arrival time) is still counted, in the current bucket.
        e.sample(30_000_000L, later - 5_000_000L);
        assertThat(e.timeoutNanos(later)).isBetween(30_000_000L, 40_000_000L);
    }

    @Test
    void receiveWindowFiltersDuplicatesAcrossTheWrap() {
        ReceiveWindow w = new ReceiveWindow();
        int dupes = 0;
        for (int i = 0; i < 200_000; i++) {
            int id = i & 0xFFFF;
            assertThat(w.markIfNew(id)).as("first %d", i).isTrue();
            if (i >= 5 && !w.markIfNew((i - 5) & 0xFFFF)) {
                dupes++;
            }
        }
        assertThat(dupes).isEqualTo(200_000 - 5);
    }

    @Test
    void orderedChannelDeliversInOrderFromSequenceOneAcrossTheWrap() {
        OrderedReceiver o = new OrderedReceiver(1000);
        List<Integer> got = new ArrayList<>();
        int seq = 1;
        int[] batch = new int[4];
        for (int round = 0; round < 50_000; round++) {
            for (int k = 0; k < 4; k++) {
                batch[k] = seq;
                seq = OrderedReceiver.next(seq);
            }
            // arrival order 4, 2, 1, 3 of each batch
            for (int k : new int[] {3, 1, 0, 2}) {
                assertThat(o.classify(batch[k])).isIn(OrderedReceiver.Verdict.DELIVER, OrderedReceiver.Verdict.HOLD);
                for (Record r : o.offer(batch[k], new R(batch[k]))) {
                    got.add(((R) r).n());
                }
            }
            assertThat(o.classify(batch[0])).isEqualTo(OrderedReceiver.Verdict.OLD);
        }
        assertThat(got).hasSize(200_000);
        int expect = 1;
        for (int n : got) {
            assertThat(n).isEqualTo(expect);
            expect = OrderedReceiver.next(expect);
        }
        assertThat(o.held()).isZero();
    }
}
