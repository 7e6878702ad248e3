package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import io.iperf3j.session.internal.connect.LocalConnection;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RoundRobinTest {
    private static List<Node> hosts(int n) {
        List<Node> l = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            l.add(Node.of("h" + i, "10.0.0." + i, Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3));
        }
        return l;
    }

    private static List<String> ids(int n) {
        return hosts(n).stream().map(Node::id).toList();
    }

    @Test
    void circleCoversEveryPairOnceInNMinusOneRoundsOfDisjointPairs() {
        for (int n = 2; n <= 12; n++) {
            List<List<String[]>> rounds = RoundRobin.circle(ids(n));
            int expectedRounds = n % 2 == 0 ? n - 1 : n;
            assertThat(rounds).hasSize(expectedRounds);
            Set<String> pairs = new HashSet<>();
            for (List<String[]> round : rounds) {
                Set<String> busy = new HashSet<>();
                for (String[] p : round) {
                    assertThat(busy.add(p[0]) && busy.add(p[1])).as("host twice in a round").isTrue();
                    assertThat(pairs.add(p[0].compareTo(p[1]) < 0 ? p[0] + p[1] : p[1] + p[0])).isTrue();
                }
            }
            assertThat(pairs).hasSize(n * (n - 1) / 2);
        }
    }

    @Test
    void meshBothDirectionsTakesTwoRoundSets() throws Exception {
        Plan plan = Plan.builder(hosts(8)).parallel(true).mesh("m", ids(8), Plan.Direction.BOTH, TestSpec.tcp(1), 1).build();
        List<List<Plan.Test>> rounds = plan.rounds();
        assertThat(plan.tests()).hasSize(56);
        assertThat(rounds).hasSize(14).allSatisfy(r -> assertThat(r).hasSize(4));
        Plan bidir = Plan.builder(hosts(8)).parallel(true).mesh("m", ids(8), Plan.Direction.BIDIR, TestSpec.tcp(1), 1).build();
        assertThat(bidir.rounds()).hasSize(7);
    }

    @Test
    void repeatsOfAPairStayInOrderAndHostsNeverOverlap() throws Exception {
        Plan plan = Plan.builder(hosts(4)).parallel(true).pairs("p", List.of(List.of("h1", "h2"), List.of("h3", "h4"),
                List.of("h1", "h3")), Plan.Direction.UP, TestSpec.tcp(1), 3).build();
        List<List<Plan.Test>> rounds = plan.rounds();
        int lastRepeat = 0;
        for (List<Plan.Test> round : rounds) {
            Set<String> busy = new HashSet<>();
            for (Plan.Test t : round) {
                assertThat(busy.add(t.sender()) && busy.add(t.receiver())).isTrue();
                if (t.sender().equals("h1") && t.receiver().equals("h2")) {
                    assertThat(t.repeat()).isGreaterThan(lastRepeat);
                    lastRepeat = t.repeat();
                }
            }
        }
        assertThat(rounds.stream().mapToInt(List::size).sum()).isEqualTo(9);
    }
}
