package io.iperf3j.session.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.IperfKind;
import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.TestSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LivePlan}: each run after the first reads the plan again; a plan that does not read or check keeps the last good one. */
class LivePlanTest {
    private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");

    @TempDir
    Path dir;

    private static Node host(String id, String address) {
        return Node.of(id, address, Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3);
    }

    private static Plan plan(List<Node> hosts, List<Plan.Test> tests) {
        return new Plan(hosts, tests, true, "", Optional.empty(), Optional.of(Plan.Schedule.every(Duration.ofSeconds(10))),
                Optional.empty());
    }

    private static Plan.Test test(String id, String from, String to) {
        return new Plan.Test(id, from, to, Plan.Direction.UP, TestSpec.tcp(1), 1);
    }

    @Test
    void eachRunAfterTheFirstTakesThePlanAsItReadsAndKeepsTheLastGoodOne() throws Exception {
        Plan two = plan(List.of(host("a", "10.0.0.1"), host("b", "10.0.0.2")), List.of(test("t_a-b", "a", "b")));
        Plan three = plan(List.of(host("a", "10.0.0.1"), host("b", "10.0.0.2"), host("c", "10.0.0.3")),
                List.of(test("t_a-b", "a", "b"), test("t_b-c", "b", "c"), test("t_c-a", "c", "a")));
        AtomicReference<Object> file = new AtomicReference<>(two);
        List<Plan> adopted = new ArrayList<>();
        List<List<Plan.Test>> series = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        ScheduleState book = ScheduleState.open(dir, two.tests(), two.schedule().get(), T0);
        LivePlan live = new LivePlan("plan.yaml", two, () -> {
            Object f = file.get();
            if (f instanceof String error) {
                throw new IperfConfigurationError(error);
            }
            return (Plan) f;
        }, next -> {
            if (next.tests().isEmpty()) {
                throw new IperfConfigurationError("no test");
            }
            adopted.add(next);
        }, book, series::add, notes::add, Clock.fixed(T0, ZoneOffset.UTC));

        file.set(three);
        assertThat(live.apply(1)).as("the first run generated is the plan just read").isEqualTo(two.tests());
        assertThat(live.apply(2)).isEqualTo(three.tests());
        assertThat(adopted).containsExactly(three);
        assertThat(series).containsExactly(three.tests());
        assertThat(notes).containsExactly("plan plan.yaml read again for run 2: 3 test(s) on 3 host(s) (host(s) c added, 2 test(s) added)");
        assertThat(live.apply(3)).as("unchanged: nothing said").isEqualTo(three.tests());
        assertThat(notes).hasSize(1);

        file.set("plan.yaml line 3: tests: not a list");
        assertThat(live.apply(4)).isEqualTo(three.tests());
        assertThat(live.apply(5)).isEqualTo(three.tests());
        assertThat(notes).hasSize(2).last().isEqualTo("warning: plan plan.yaml not taken for run 4: plan.yaml line 3: tests: not a list;"
                + " the schedule goes on with the plan read at " + T0);
        file.set(plan(three.hosts(), List.of()));
        assertThat(live.apply(6)).isEqualTo(three.tests());
        assertThat(notes).hasSize(3).last().asString().contains("not taken for run 6: no test;");
        file.set(two);
        assertThat(live.apply(7)).isEqualTo(two.tests());
        assertThat(notes).last().isEqualTo("plan plan.yaml read again for run 7: 1 test(s) on 2 host(s) (1 host(s) removed, 2 test(s) removed)");
        // each run's tests in the book: run 7 closes with its one test
        assertThat(book.missing(7)).last().isEqualTo("run 7: 1 of 1 test(s) not run: t_a-b");
    }
}
