package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.engine.RateShare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code --total-rate}: the server's rate divided max-min fairly among the tests running now
 * (docs/design/public-server.md 3.4).
 *
 * <p>Each test has a demand: what it asked for ({@code -b × P} per direction the server
 * carries; {@link #UNLIMITED} for an unpaced one), lowered to 1.25 × what it ran at once it
 * ran below 80 % of its allocation for two seconds in a row ({@link ShareFollower} measures it) (it is held back elsewhere, and
 * the rest is better used by the others), and back to what it asked for once it reaches 95 %.
 * Water-filling: with the demands sorted in ascending order, a test whose demand is at most an
 * equal share of what is left gets its demand, the others divide the rest. Within a test the
 * allocation is split equally among its streams, so {@code -P 128} gains nothing over
 * {@code -P 1}.
 *
 * <p>Threads: every method runs on a test thread (its start, each second's measurement, its end) under this
 * object's monitor, which is never held while another is taken. Each result is published to
 * the tests' {@link RateShare}s, one volatile write per test (a pacer re-anchors only on a change), which the
 * stream workers read without a lock. {@link #recompute()} costs O(n log n).
 */
final class RateShares {
    /** A demand without a limit: unpaced TCP, UDP with {@code -b 0}. */
    static final long UNLIMITED = Long.MAX_VALUE;
    /** Below this fraction of its allocation for {@link #LOW_INTERVALS} measurements, a test's demand is measured. */
    static final double LOW = 0.80;
    /** At or above this fraction of its allocation, a measured test asks for its own demand again. */
    static final double RECOVERED = 0.95;
    /** The measured demand: this much more than the test ran at. */
    static final double HEADROOM = 1.25;
    static final int LOW_INTERVALS = 2;

    private final long totalBitsPerSecond;
    private final List<Member> tests = new ArrayList<>();
    /** {@link #fairShare()}: written under the monitor by {@link #recompute()}, read by any thread. */
    private volatile long fairShare;

    /** One running test's place in the division. Its fields are guarded by the owner's monitor. */
    final class Member {
        final RateShare share = new RateShare();
        private final long asked;
        private final int streams;
        private long demand;
        private long allocation;
        private int lowIntervals;
        /** In the division: from {@link #join} to {@link #leave}. */
        private boolean joined;

        private Member(long asked, int streams) {
            this.asked = asked;
            this.streams = streams;
            this.demand = asked;
        }

        /** The test's whole allocation in bits per second (all its streams). */
        long allocation() {
            synchronized (RateShares.this) {
                return allocation;
            }
        }

        /** The demand the division uses now (bits per second; {@link #UNLIMITED} for none). */
        long demand() {
            synchronized (RateShares.this) {
                return demand;
            }
        }
    }

    /** @param totalBitsPerSecond {@code --total-rate}, &gt; 0 */
    RateShares(long totalBitsPerSecond) {
        if (totalBitsPerSecond <= 0) {
            throw new IllegalArgumentException("total rate must be positive: " + totalBitsPerSecond);
        }
        this.totalBitsPerSecond = totalBitsPerSecond;
        this.fairShare = totalBitsPerSecond;
    }

    long total() {
        return totalBitsPerSecond;
    }

    /**
     * Whether a test is refused up front: a UDP upload (the server receives) whose {@code -b × P}
     * is above the whole rate, or unlimited. The server cannot slow a UDP sender (public-server.md 3.4).
     */
    boolean refusesUdpUpload(boolean udp, boolean serverReceives, long bitrate, int parallel) {
        return udp && serverReceives && perDirection(bitrate, parallel) > totalBitsPerSecond;
    }

    /** A test's demand in one direction: {@code -b × P}, or {@link #UNLIMITED} without {@code -b} or where it would overflow. */
    static long perDirection(long bitrate, int parallel) {
        if (bitrate <= 0 || bitrate > UNLIMITED / Math.max(1, parallel)) {
            return UNLIMITED;
        }
        return bitrate * parallel;
    }

    /**
     * A test starts streaming: it joins the division, and every share is recomputed.
     *
     * @param asked what it asked for in bits per second, {@link #UNLIMITED} for no limit
     * @param streams its data streams (both directions), &ge; 1
     */
    synchronized Member join(long asked, int streams) {
        if (asked <= 0 || streams < 1) {
            throw new IllegalArgumentException("demand " + asked + ", streams " + streams);
        }
        Member t = new Member(asked, streams);
        t.joined = true;
        tests.add(t);
        recompute();
        return t;
    }

    /** A test ended (its {@code finally}): its share goes to the others. Idempotent. */
    synchronized void leave(Member t) {
        if (t.joined) {
            t.joined = false;
            tests.remove(t);
            recompute();
        }
    }

    /**
     * One measurement of a test (a second's, {@link ShareFollower}): the bits per second its streams moved. Moves the
     * test's demand (and recomputes every share) when it crossed a threshold.
     */
    synchronized void measured(Member t, double bitsPerSecond) {
        if (!t.joined || t.allocation <= 0) {
            return;
        }
        double ratio = bitsPerSecond / t.allocation;
        if (t.demand != t.asked && ratio >= RECOVERED) {
            t.demand = t.asked;
            t.lowIntervals = 0;
            recompute();
            return;
        }
        if (ratio < LOW) {
            if (++t.lowIntervals >= LOW_INTERVALS) {
                t.lowIntervals = 0;
                long lowered = Math.max(1, (long) Math.ceil(bitsPerSecond * HEADROOM));
                if (lowered < t.demand) {
                    t.demand = lowered;
                    recompute();
                }
            }
        } else {
            t.lowIntervals = 0;
        }
    }

    /** How many tests share the rate now. */
    synchronized int running() {
        return tests.size();
    }

    /**
     * The fair share now: the largest allocation, which every test that asks for at least that
     * much gets (max-min fairness's water level); the whole rate while no test runs. Any thread.
     */
    long fairShare() {
        return fairShare;
    }

    /** Water-filling over the current demands; publishes each test's per-stream rate. */
    private void recompute() {
        int n = tests.size();
        Member[] byDemand = tests.toArray(new Member[0]);
        Arrays.sort(byDemand, (a, b) -> Long.compare(a.demand, b.demand));
        long left = totalBitsPerSecond;
        long level = n == 0 ? totalBitsPerSecond : 0;
        for (int i = 0; i < n; i++) {
            Member t = byDemand[i];
            long equal = left / (n - i);
            t.allocation = Math.min(t.demand, equal);
            left -= t.allocation;
            level = Math.max(level, t.allocation);
            t.share.publish(Math.max(1, t.allocation / t.streams));
        }
        fairShare = level;
    }
}
