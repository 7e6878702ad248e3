package io.iperf3j.session;

import java.util.Objects;

/**
 * The order in which a rotating mesh or disjoint test ({@code per_run: K}, issue 69) runs its pairs, K a run: run {@code n}
 * of a schedule runs the pairs at places {@code [c × K, min(P, (c + 1) × K))} of the order, {@code c = (n − 1) mod C},
 * {@code C = ⌈P / K⌉} runs a cycle; over any C consecutive runs from a cycle's first, every pair runs exactly once, then the
 * cycle starts over. The order is a pure function of the hosts' count (a mesh's, or each side's of a disjoint test) and
 * the direction; K only cuts it into runs. No randomness, no clock, no state: every controller and every agent with the same
 * plan agrees on it, and run {@code n}'s pairs follow from {@code n} alone, so a restarted schedule goes on where it was.
 * {@link #pair} is O(1) in time and memory: the order is never held as a list.
 *
 * <p><b>The order.</b> Rounds of a round-robin tournament, each round a matching (no host in two of its pairs) of
 * {@link #roundSize} m pairs. A mesh of N hosts: the circle method as sums ({@code N} odd: round {@code r} pairs
 * {@code r + k} with {@code r − k} mod N, {@code k = 1 … (N−1)/2}, host {@code r} rests; N even: the same mod N−1 for
 * {@code k = 1 … N/2−1}, and {@code r} with the last host), N or N−1 rounds covering every unordered pair once. A disjoint
 * test of sides S (the smaller, s hosts) and L (l hosts): round {@code r} pairs {@code S[j]} with
 * {@code L[(j + r) mod l]}, l rounds of s pairs. {@code both} runs every round in one direction (the first host, a disjoint
 * test's {@code a} side, sends: {@code up}), then every round again the other way ({@code down}); {@code up}, {@code down}
 * and {@code bidir} run the rounds once. The pairs of a round keep the order of {@code k} (of {@code j}).
 *
 * <p><b>What it guarantees</b> (and {@code RotationTest} checks, host counts 2 to 40, every K up to past P):
 * <ul>
 * <li>over runs 1 … C every pair (a {@code both} test's every ordered pair) is in exactly one run's slice;
 * <li>when K ≤ m ({@code ⌊N/2⌋} for a mesh, the smaller side's count for a disjoint test), no host is in two pairs of one
 * run: each run's K pairs touch 2K hosts, the most K pairs can. A run that straddles two rounds takes the end of one and
 * the start of the next, and with this order those never share a host: round r's pair {@code k} and round r+1's pair
 * {@code k'} share one only when {@code |k − k'| = 1}, or {@code k = k'} at the first or last place, and a straddling run
 * of K ≤ m − 1 pairs has {@code k − k' ≥ 2}; K = m runs are whole rounds.
 * <li>when K > m, each host is in at most {@code ⌈K/m⌉ + 1} pairs of a run (one a round, and a run spans at most that many
 * rounds), one more than the fewest a host must be in at worst.
 * </ul>
 *
 * <p>Limits: 2 to {@link #MAX_HOSTS} hosts a mesh, 1 to {@link #MAX_HOSTS} a side of a disjoint test; K ≥ 1 (a K of P or
 * more runs every pair every run).
 */
final class Rotation {
    /** Most hosts of a mesh, or of one side of a disjoint test: P stays far inside a {@code long}. */
    static final int MAX_HOSTS = 1 << 16;

    /**
     * One pair of the order.
     *
     * @param sender the sending host: its index in the mesh's list (a disjoint test: {@code a}'s, then {@code b}'s after them)
     * @param receiver the receiving host, indexed as the sender
     * @param direction {@link Plan.Direction#UP} (the first host, a disjoint test's {@code a} side, sends),
     *        {@link Plan.Direction#DOWN} or {@link Plan.Direction#BIDIR}
     */
    record Pair(int sender, int receiver, Plan.Direction direction) {
    }

    private final boolean mesh;
    private final int a;
    private final int b;
    private final Plan.Direction direction;
    private final int perRun;
    /** Pairs a round. */
    private final int roundSize;
    /** Rounds of one direction. */
    private final int rounds;
    /** Pairs of one direction: rounds × roundSize. */
    private final long oneWay;

    private Rotation(boolean mesh, int a, int b, Plan.Direction direction, int perRun) {
        this.mesh = mesh;
        this.a = a;
        this.b = b;
        this.direction = Objects.requireNonNull(direction, "direction");
        if (perRun < 1) {
            throw new IllegalArgumentException("per_run: " + perRun + " is not a positive number of pairs");
        }
        this.perRun = perRun;
        if (mesh) {
            roundSize = a / 2;
            rounds = a % 2 == 0 ? a - 1 : a;
        } else {
            roundSize = Math.min(a, b);
            rounds = Math.max(a, b);
        }
        oneWay = (long) rounds * roundSize;
    }

    /**
     * The order of a mesh of {@code hosts} hosts.
     *
     * @throws IllegalArgumentException when {@code hosts} is not in 2 … {@link #MAX_HOSTS} or {@code perRun} is under 1
     */
    static Rotation mesh(int hosts, Plan.Direction direction, int perRun) {
        if (hosts < 2 || hosts > MAX_HOSTS) {
            throw new IllegalArgumentException("a rotating mesh has 2 to " + MAX_HOSTS + " hosts, not " + hosts);
        }
        return new Rotation(true, hosts, 0, direction, perRun);
    }

    /**
     * The order of a disjoint test of {@code a} hosts with {@code b} hosts.
     *
     * @throws IllegalArgumentException when a side is not in 1 … {@link #MAX_HOSTS} or {@code perRun} is under 1
     */
    static Rotation disjoint(int a, int b, Plan.Direction direction, int perRun) {
        if (a < 1 || b < 1 || a > MAX_HOSTS || b > MAX_HOSTS) {
            throw new IllegalArgumentException("a disjoint test's sides have 1 to " + MAX_HOSTS + " hosts, not " + a + " and " + b);
        }
        return new Rotation(false, a, b, direction, perRun);
    }

    /** P: the pairs of the order (a {@code both} test's ordered pairs; else one a pair of hosts). */
    long pairs() {
        return direction == Plan.Direction.BOTH ? 2 * oneWay : oneWay;
    }

    /** K: the pairs a run. */
    int perRun() {
        return perRun;
    }

    /** C: the runs of a cycle, {@code ⌈P / K⌉}. */
    long runs() {
        return (pairs() + perRun - 1) / perRun;
    }

    /** m: the pairs of a round, host-disjoint: a run of at most this many pairs holds no host twice. */
    int roundSize() {
        return roundSize;
    }

    /** Where run {@code run} (a schedule's, from 1) is in its cycle: 1 … {@link #runs}. */
    long cycleRun(long run) {
        if (run < 1) {
            throw new IllegalArgumentException("runs are numbered from 1, not " + run);
        }
        return (run - 1) % runs() + 1;
    }

    /** The first place (from 0) of run {@code run}'s pairs. */
    long first(long run) {
        return (cycleRun(run) - 1) * perRun;
    }

    /** The place after run {@code run}'s last pair. */
    long end(long run) {
        return Math.min(pairs(), first(run) + perRun);
    }

    /**
     * The pair at {@code place} (0 … P−1) of the order.
     *
     * @throws IndexOutOfBoundsException when {@code place} is not a place of the order
     */
    Pair pair(long place) {
        Objects.checkIndex(place, pairs());
        boolean back = place >= oneWay; // a "both" test's second half: every round the other way
        long q = place % oneWay;
        int r = (int) (q / roundSize);
        int j = (int) (q % roundSize);
        int first;
        int second;
        if (mesh) {
            if (a % 2 == 0) {
                int n = a - 1;
                if (j == 0) {
                    // the host off the circle, with the round's own host: who goes first alternates, so that an up-only
                    // mesh has the last host send about as often as it receives
                    first = r % 2 == 0 ? r : a - 1;
                    second = r % 2 == 0 ? a - 1 : r;
                } else {
                    first = (r + j) % n;
                    second = (r - j + n) % n;
                }
            } else {
                int k = j + 1;
                first = (r + k) % a;
                second = (r - k + a) % a;
            }
        } else {
            int small = j;
            int large = (j + r) % rounds;
            first = a <= b ? small : large;
            second = a + (a <= b ? large : small);
        }
        return switch (direction) {
            case UP -> new Pair(first, second, Plan.Direction.UP);
            case DOWN -> new Pair(second, first, Plan.Direction.DOWN);
            case BIDIR -> new Pair(first, second, Plan.Direction.BIDIR);
            case BOTH -> back ? new Pair(second, first, Plan.Direction.DOWN) : new Pair(first, second, Plan.Direction.UP);
        };
    }
}
