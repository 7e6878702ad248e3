package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.session.SessionException.IperfConfigurationError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Rotation}, the order of a rotating mesh or disjoint test ({@code per_run}, issue 69), checked over every host count
 * from 2 to 40 (a disjoint test's sides 1 to 12 each), every direction and every K from 1 to past P where that stays small:
 * every pair in exactly one run of a cycle, the guarantee on how a run's pairs spread over the hosts, determinism and the
 * input limits; and the plan's tests a run ({@link Plan#testsOfRun}) built on it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RotationTest {
    private static final Plan.Direction[] DIRECTIONS = Plan.Direction.values();

    /** The sizes of K checked for an order of {@code pairs} pairs in rounds of {@code m}: all up to 300 pairs, else a spread. */
    private static List<Integer> ks(long pairs, int m) {
        Set<Integer> ks = new java.util.TreeSet<>();
        if (pairs <= 300) {
            for (int k = 1; k <= pairs + 2; k++) {
                ks.add(k);
            }
        } else {
            for (int k = 1; k <= m + 3; k++) {
                ks.add(k);
            }
            for (int k : new int[] {2 * m - 1, 2 * m, 2 * m + 1, 3 * m + 2, 7 * m + 3, (int) pairs / 3, (int) pairs - 1, (int) pairs,
                    (int) pairs + 1}) {
                ks.add(Math.max(1, k));
            }
        }
        return List.copyOf(ks);
    }

    /** Each run's slice of a cycle, as its places; checks that they cut [0, P) in order, K a run, the last the rest. */
    private static List<long[]> slices(Rotation r) {
        List<long[]> out = new ArrayList<>();
        long next = 0;
        for (long run = 1; run <= r.runs(); run++) {
            assertThat(r.cycleRun(run)).isEqualTo(run);
            assertThat(r.first(run)).isEqualTo(next);
            assertThat(r.end(run) - r.first(run)).isEqualTo(run < r.runs() ? r.perRun() : r.pairs() - (r.runs() - 1) * r.perRun())
                    .isPositive();
            out.add(new long[] {r.first(run), r.end(run)});
            next = r.end(run);
        }
        assertThat(next).isEqualTo(r.pairs());
        // the next cycle runs the same slices again: run n + C is run n
        for (long run = 1; run <= r.runs(); run++) {
            assertThat(r.first(run + r.runs())).isEqualTo(r.first(run));
            assertThat(r.first(run + 7 * r.runs())).isEqualTo(r.first(run));
        }
        return out;
    }

    /** The most pairs any one host is in within one run's slice. */
    private static int busiest(Rotation r, long first, long end) {
        Map<Integer, Integer> count = new HashMap<>();
        int most = 0;
        for (long i = first; i < end; i++) {
            Rotation.Pair p = r.pair(i);
            most = Math.max(most, count.merge(p.sender(), 1, Integer::sum));
            most = Math.max(most, count.merge(p.receiver(), 1, Integer::sum));
        }
        return most;
    }

    /** Checks the spread guarantee for every run of {@code r}; the most a host was in a run's pairs. */
    private static int spread(Rotation r, String what) {
        int m = r.roundSize();
        int bound = r.perRun() <= m ? 1 : (r.perRun() + m - 1) / m + 1;
        int worst = 0;
        for (long[] s : slices(r)) {
            int most = busiest(r, s[0], s[1]);
            assertThat(most).as("%s, K=%d (m=%d): a host's pairs in the run of places %d-%d", what, r.perRun(), m, s[0], s[1] - 1)
                    .isLessThanOrEqualTo(bound);
            worst = Math.max(worst, most);
        }
        return worst;
    }

    @Test
    void aMeshRunsEveryPairOnceACycleAndNoHostTwiceARunWhenKIsAtMostHalfTheHosts() {
        int checked = 0;
        for (int n = 2; n <= 40; n++) {
            for (Plan.Direction d : DIRECTIONS) {
                Rotation whole = Rotation.mesh(n, d, 1);
                long unordered = (long) n * (n - 1) / 2;
                assertThat(whole.pairs()).isEqualTo(d == Plan.Direction.BOTH ? 2 * unordered : unordered);
                assertThat(whole.roundSize()).isEqualTo(n / 2);
                // the order: every ordered pair of a "both" mesh once, up then down; else every pair of hosts once, one way
                Set<Long> ordered = new HashSet<>();
                Set<Long> hostPairs = new HashSet<>();
                for (long i = 0; i < whole.pairs(); i++) {
                    Rotation.Pair p = whole.pair(i);
                    assertThat(p.sender()).isBetween(0, n - 1).isNotEqualTo(p.receiver());
                    assertThat(p.receiver()).isBetween(0, n - 1);
                    assertThat(p.direction()).isEqualTo(d == Plan.Direction.BOTH
                            ? i < unordered ? Plan.Direction.UP : Plan.Direction.DOWN : d);
                    assertThat(ordered.add((long) p.sender() * n + p.receiver())).as("n=%d %s: %s again", n, d, p).isTrue();
                    if (d != Plan.Direction.BOTH) {
                        assertThat(hostPairs.add((long) Math.min(p.sender(), p.receiver()) * n + Math.max(p.sender(), p.receiver())))
                                .as("n=%d %s: the hosts of %s again", n, d, p).isTrue();
                    }
                }
                assertThat(ordered).hasSize((int) whole.pairs());
                for (int k : ks(whole.pairs(), n / 2)) {
                    spread(Rotation.mesh(n, d, k), "mesh of " + n + " " + d.word());
                    checked++;
                }
            }
        }
        assertThat(checked).as("orders checked").isGreaterThan(3000);
    }

    @Test
    void aDisjointTestRunsEveryPairOfItsSidesOnceACycleAndNoHostTwiceARunWhenKIsAtMostTheSmallerSide() {
        for (int a = 1; a <= 12; a++) {
            for (int b = 1; b <= 12; b++) {
                for (Plan.Direction d : DIRECTIONS) {
                    Rotation whole = Rotation.disjoint(a, b, d, 1);
                    assertThat(whole.pairs()).isEqualTo(d == Plan.Direction.BOTH ? 2L * a * b : (long) a * b);
                    assertThat(whole.roundSize()).isEqualTo(Math.min(a, b));
                    Set<Long> ordered = new HashSet<>();
                    for (long i = 0; i < whole.pairs(); i++) {
                        Rotation.Pair p = whole.pair(i);
                        boolean up = d == Plan.Direction.UP || d == Plan.Direction.BIDIR
                                || d == Plan.Direction.BOTH && i < (long) a * b;
                        // up: a's host (index < a) sends to b's (index a..a+b-1); down the other way
                        int aHost = up ? p.sender() : p.receiver();
                        int bHost = up ? p.receiver() : p.sender();
                        assertThat(aHost).as("a=%d b=%d %s %s", a, b, d, p).isBetween(0, a - 1);
                        assertThat(bHost).as("a=%d b=%d %s %s", a, b, d, p).isBetween(a, a + b - 1);
                        assertThat(ordered.add((long) p.sender() * (a + b) + p.receiver())).isTrue();
                    }
                    for (int k : ks(whole.pairs(), Math.min(a, b))) {
                        spread(Rotation.disjoint(a, b, d, k), "disjoint " + a + "x" + b + " " + d.word());
                    }
                }
            }
        }
    }

    @Test
    void twoHostsTakeTwoRunsOfOnePairBothWays() {
        Rotation r = Rotation.mesh(2, Plan.Direction.BOTH, 1);
        assertThat(r.runs()).isEqualTo(2);
        assertThat(r.pair(0)).isEqualTo(new Rotation.Pair(0, 1, Plan.Direction.UP));
        assertThat(r.pair(1)).isEqualTo(new Rotation.Pair(1, 0, Plan.Direction.DOWN));
        assertThat(r.first(3)).as("run 3 starts the cycle again").isZero();
        assertThat(Rotation.mesh(2, Plan.Direction.BOTH, 5).runs()).as("K past P: every pair every run").isEqualTo(1);
    }

    @Test
    void kNotDividingPLeavesTheRestToTheCyclesLastRun() {
        // 5 hosts both ways: 20 pairs; K = 3: 7 runs, the last of 2
        Rotation r = Rotation.mesh(5, Plan.Direction.BOTH, 3);
        assertThat(r.pairs()).isEqualTo(20);
        assertThat(r.runs()).isEqualTo(7);
        assertThat(r.end(7) - r.first(7)).isEqualTo(2);
        assertThat(r.first(8)).isZero();
    }

    @Test
    void aMeshOf200HostsIsOrderedWithoutHoldingItsPairsAndSpreadsItsRuns() {
        // the fleet: 200 hosts, 39 800 ordered pairs
        Rotation r = Rotation.mesh(200, Plan.Direction.BOTH, 100);
        assertThat(r.pairs()).isEqualTo(39_800);
        assertThat(r.runs()).isEqualTo(398);
        assertThat(spread(r, "mesh of 200")).as("K = m = 100: each run a matching of 200 hosts").isEqualTo(1);
        Set<Long> seen = new HashSet<>();
        for (long i = 0; i < r.pairs(); i++) {
            Rotation.Pair p = r.pair(i);
            seen.add((long) p.sender() * 200 + p.receiver());
        }
        assertThat(seen).hasSize(39_800);
        assertThat(spread(Rotation.mesh(200, Plan.Direction.BOTH, 99), "mesh of 200")).isEqualTo(1);
        assertThat(spread(Rotation.mesh(200, Plan.Direction.BOTH, 1200), "mesh of 200")).isLessThanOrEqualTo(13);
        // the largest mesh: P past 4 × 10^9, its pairs still had one at a time, at once
        Rotation big = Rotation.mesh(Rotation.MAX_HOSTS, Plan.Direction.BOTH, 1000);
        assertThat(big.pairs()).isEqualTo(2L * Rotation.MAX_HOSTS * (Rotation.MAX_HOSTS - 1) / 2);
        Rotation.Pair last = big.pair(big.pairs() - 1);
        assertThat(last.direction()).isEqualTo(Plan.Direction.DOWN);
        assertThat(busiest(big, big.first(1_000_000), big.end(1_000_000))).isEqualTo(1);
    }

    @Test
    void theOrderIsThePlansAlone() {
        // the same input, the same order: built apart (as two agents would), and a plan read twice
        for (int n : new int[] {7, 8}) {
            Rotation one = Rotation.mesh(n, Plan.Direction.BOTH, 3);
            Rotation two = Rotation.mesh(n, Plan.Direction.BOTH, 3);
            for (long i = 0; i < one.pairs(); i++) {
                assertThat(two.pair(i)).isEqualTo(one.pair(i));
            }
        }
        // K only cuts the order: another K, the same pairs in the same order
        Rotation k3 = Rotation.disjoint(3, 5, Plan.Direction.BOTH, 3);
        Rotation k4 = Rotation.disjoint(3, 5, Plan.Direction.BOTH, 4);
        for (long i = 0; i < k3.pairs(); i++) {
            assertThat(k4.pair(i)).isEqualTo(k3.pair(i));
        }
    }

    @Test
    void itsLimitsAreSaid() {
        assertThatThrownBy(() -> Rotation.mesh(4, Plan.Direction.BOTH, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("per_run: 0");
        assertThatThrownBy(() -> Rotation.mesh(1, Plan.Direction.BOTH, 1)).hasMessageContaining("2 to 65536 hosts, not 1");
        assertThatThrownBy(() -> Rotation.mesh(Rotation.MAX_HOSTS + 1, Plan.Direction.BOTH, 1)).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> Rotation.disjoint(0, 3, Plan.Direction.UP, 1)).hasMessageContaining("not 0 and 3");
        Rotation r = Rotation.mesh(4, Plan.Direction.UP, 2);
        assertThatThrownBy(() -> r.pair(6)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> r.pair(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> r.cycleRun(0)).hasMessageContaining("from 1");
    }

    private static List<Node> hosts(int n) {
        List<Node> l = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            l.add(Node.of("h" + i, "10.0.0." + i, Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3));
        }
        return l;
    }

    private static List<String> ids(int from, int to) {
        List<String> l = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            l.add("h" + i);
        }
        return l;
    }

    @Test
    void aPlansRotatingMeshRunsItsTurnEachRunAndEveryPairOnceACycle() throws Exception {
        // 4 hosts both ways, K = 3, 2 repeats: 12 pairs in 4 runs, each run's 3 pairs with their repeats; the star every run
        Plan plan = Plan.builder(hosts(5)).mesh("m", ids(1, 4), Plan.Direction.BOTH, TestSpec.tcp(1), 2, 3)
                .star("s", "h5", ids(1, 1), Plan.Direction.UP, TestSpec.tcp(1), 1).build();
        assertThat(plan.tests()).hasSize(25);
        Map<String, Integer> runsOf = new HashMap<>();
        for (long run = 1; run <= 4; run++) {
            List<Plan.Test> tests = plan.testsOfRun(run);
            assertThat(tests).hasSize(7);
            assertThat(tests.get(6).id()).isEqualTo("s_h1-h5");
            Set<String> hostsOfRun = new HashSet<>();
            for (Plan.Test t : tests.subList(0, 6)) {
                assertThat(t.turn()).isPresent();
                assertThat(t.turn().get().cycleRun()).isEqualTo(run);
                hostsOfRun.add(t.sender());
                hostsOfRun.add(t.receiver());
                runsOf.merge(t.id(), 1, Integer::sum);
            }
            assertThat(hostsOfRun).as("run %d: 3 pairs of 4 hosts touch them all", run).hasSize(4);
        }
        assertThat(runsOf).hasSize(24).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        assertThat(plan.testsOfRun(5)).isEqualTo(plan.testsOfRun(1));
        assertThat(plan.testsOfRun(123_456_789L)).isEqualTo(plan.testsOfRun((123_456_789L - 1) % 4 + 1));
        assertThat(plan.rotationsAt(3)).containsExactly("mesh m: run 3 of 4, pairs 7-9 of 12");
        assertThat(plan.rotationsAt(8)).containsExactly("mesh m: run 4 of 4, pairs 10-12 of 12");
        // built again, equal: the order is the plan's alone
        assertThat(Plan.builder(hosts(5)).mesh("m", ids(1, 4), Plan.Direction.BOTH, TestSpec.tcp(1), 2, 3)
                .star("s", "h5", ids(1, 1), Plan.Direction.UP, TestSpec.tcp(1), 1).build()).isEqualTo(plan);
    }

    @Test
    void whereARotationIsSaysItsPairsWithTheirThousandsApart() throws Exception {
        // 100 hosts both ways: 9 900 pairs; K = 1 200: 9 runs, run 3 the pairs 2 401-3 600, run 9 the last 300
        Plan plan = Plan.builder(hosts(100)).mesh("m", ids(1, 100), Plan.Direction.BOTH, TestSpec.tcp(1), 1, 1200).build();
        assertThat(plan.rotationsAt(3)).containsExactly("mesh m: run 3 of 9, pairs 2 401-3 600 of 9 900");
        assertThat(plan.rotationsAt(9)).containsExactly("mesh m: run 9 of 9, pairs 9 601-9 900 of 9 900");
        assertThat(plan.testsOfRun(9)).hasSize(300);
        Plan one = Plan.builder(hosts(3)).disjoint("d", ids(1, 1), ids(2, 3), Plan.Direction.UP, TestSpec.tcp(1), 1, 1).build();
        assertThat(one.rotationsAt(2)).containsExactly("disjoint d: run 2 of 2, pair 2 of 2");
        assertThat(Plan.Turn.grouped(1_234_567)).isEqualTo("1 234 567");
        assertThat(Plan.Turn.grouped(999)).isEqualTo("999");
    }

    @Test
    void aDisjointTestNamesTheHostThatIsWrong() throws Exception {
        Plan plan = Plan.builder(hosts(5)).disjoint("d", ids(1, 2), ids(3, 5), Plan.Direction.BOTH, TestSpec.tcp(1), 1).build();
        assertThat(plan.tests()).hasSize(12).allSatisfy(t -> assertThat(t.turn()).isEmpty());
        assertThat(plan.tests().stream().filter(t -> t.direction() == Plan.Direction.UP))
                .allSatisfy(t -> assertThat(t.sender()).isIn("h1", "h2"));
        assertThat(plan.testsOfRun(2)).isEqualTo(plan.tests());
        assertThatThrownBy(() -> Plan.builder(hosts(5)).disjoint("d", ids(1, 2), ids(2, 3), Plan.Direction.UP, TestSpec.tcp(1), 1))
                .isInstanceOf(IperfConfigurationError.class).hasMessage("test 'd': host 'h2' is on both sides of the disjoint test");
        assertThatThrownBy(() -> Plan.builder(hosts(5)).disjoint("d", List.of("h1", "h1"), ids(2, 3), Plan.Direction.UP,
                TestSpec.tcp(1), 1)).hasMessage("test 'd': host 'h1' is listed twice in its disjoint a");
        assertThatThrownBy(() -> Plan.builder(hosts(5)).disjoint("d", List.of(), ids(2, 3), Plan.Direction.UP, TestSpec.tcp(1), 1))
                .hasMessageContaining("test 'd': a disjoint test needs a host on each side");
        assertThatThrownBy(() -> Plan.builder(hosts(5)).mesh("m", ids(1, 3), Plan.Direction.UP, TestSpec.tcp(1), 1, 0))
                .hasMessage("test 'm': per_run: 0 is not a positive number of pairs");
    }
}
