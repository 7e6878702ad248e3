package io.iperf3j.session.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.Plan;
import io.iperf3j.session.internal.plan.PlanFile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The agents' shared timetable: host-disjoint rounds, placed on the wall clock alike for every agent. */
class AgentTimetableTest {
    private static final Duration MARGIN = Duration.ofSeconds(2);

    private static Plan plan(int hosts, String tests, String schedule) throws Exception {
        StringBuilder y = new StringBuilder("hosts:\n");
        for (int i = 1; i <= hosts; i++) {
            y.append("  - {id: h").append(i).append(", address: 127.0.0.").append(i + 1).append(", connection: local}\n");
        }
        y.append(schedule).append("tests:\n").append(tests);
        return PlanFile.parse(y.toString(), Path.of("."));
    }

    private static String members(int hosts) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= hosts; i++) {
            ids.add("h" + i);
        }
        return String.join(", ", ids);
    }

    /** No two tests that start at the same instant share a host. */
    private static void noHostTwiceAtOnce(List<AgentTimetable.Entry> entries) {
        Map<Instant, Set<String>> busy = new HashMap<>();
        for (AgentTimetable.Entry e : entries) {
            Set<String> at = busy.computeIfAbsent(e.start(), k -> new HashSet<>());
            assertThat(at.add(e.test().sender())).as("%s at %s", e.test().sender(), e.start()).isTrue();
            assertThat(at.add(e.test().receiver())).as("%s at %s", e.test().receiver(), e.start()).isTrue();
        }
    }

    @Test
    void aRotatingMeshRunsEveryOrderedPairOnceACycleInRoundsThatShareNoHost() throws Exception {
        for (int hosts = 2; hosts <= 9; hosts++) {
            for (int perRun = 1; perRun <= hosts * (hosts - 1); perRun++) {
                Plan p = plan(hosts, "  - {name: m, mesh: [" + members(hosts) + "], direction: both, duration: 1, per_run: " + perRun
                        + "}\n", "schedule: {every: 1h}\n");
                AgentTimetable t = new AgentTimetable(p, MARGIN);
                long cycle = p.rotations().getFirst().runs();
                Set<String> pairs = new HashSet<>();
                for (long run = 1; run <= cycle; run++) {
                    Instant start = AgentTimetable.runStart(run, Duration.ofHours(1));
                    List<AgentTimetable.Entry> entries = t.run(run, start);
                    noHostTwiceAtOnce(entries);
                    for (AgentTimetable.Entry e : entries) {
                        assertThat(pairs.add(e.test().sender() + ">" + e.test().receiver())).as("%s once", e.test().id()).isTrue();
                        // round r starts r × (the test's 1 s + the margin) into the run
                        assertThat(e.start()).isEqualTo(start.plus(Duration.ofSeconds(3L * e.round())));
                    }
                    Duration length = t.length(run);
                    assertThat(length).isEqualTo(Duration.ofSeconds(3L * (entries.getLast().round() + 1)));
                }
                assertThat(pairs).as("%d hosts, per_run %d", hosts, perRun).hasSize(hosts * (hosts - 1));
            }
        }
    }

    @Test
    void aRingDueAtOnceIsThreeRoundsNotACycleOfWaits() throws Exception {
        Plan p = plan(3, "  - {name: ring, pairs: [[h1, h2], [h2, h3], [h3, h1]], duration: 5}\n", "");
        AgentTimetable t = new AgentTimetable(p, MARGIN);
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        List<AgentTimetable.Entry> entries = t.run(AgentTimetable.ONCE, start);
        noHostTwiceAtOnce(entries);
        assertThat(entries).extracting(AgentTimetable.Entry::round).containsExactly(0, 1, 2);
        assertThat(entries).extracting(AgentTimetable.Entry::start).containsExactly(start, start.plusSeconds(7), start.plusSeconds(14));
        assertThat(t.onceGrid()).isEqualTo(Duration.ofSeconds(21));
    }

    @Test
    void pairsOnDisjointHostsShareARoundAndALongerTestLengthensItsRound() throws Exception {
        Plan p = plan(4, "  - {name: a, pairs: [[h1, h2]], duration: 1}\n  - {name: b, pairs: [[h3, h4]], duration: 2.5}\n"
                + "  - {name: c, pairs: [[h2, h3]], duration: 1}\n", "");
        AgentTimetable t = new AgentTimetable(p, MARGIN);
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        List<AgentTimetable.Entry> entries = t.run(AgentTimetable.ONCE, start);
        assertThat(entries).extracting(e -> e.test().id() + "@" + e.round()).containsExactly("a_h1-h2@0", "b_h3-h4@0", "c_h2-h3@1");
        // round 0's longest test, 2.5 s, is 3 s whole; then the margin
        assertThat(entries.getLast().start()).isEqualTo(start.plusSeconds(5));
        assertThat(t.length(AgentTimetable.ONCE)).isEqualTo(Duration.ofSeconds(8));
        assertThat(t.onceGrid()).as("at least the grid's 10 s").isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void runsArePlacedOnTheWallClockSoAgentsStartedApartAgree() {
        Duration every = Duration.ofSeconds(10);
        Instant a = Instant.parse("2026-01-01T00:00:01.250Z");
        Instant b = Instant.parse("2026-01-01T00:00:09.999Z");
        long runA = AgentTimetable.firstRun(a, every);
        assertThat(AgentTimetable.firstRun(b, every)).isEqualTo(runA);
        assertThat(AgentTimetable.runStart(runA, every)).isEqualTo(Instant.parse("2026-01-01T00:00:10Z"));
        Instant onTheDot = Instant.parse("2026-01-01T00:00:10Z");
        assertThat(AgentTimetable.firstRun(onTheDot, every)).as("a run that starts at the instant is still the first").isEqualTo(runA);
        assertThat(AgentTimetable.firstRun(Instant.parse("2026-01-01T00:00:10.001Z"), every)).isEqualTo(runA + 1);
    }

    @Test
    void aPlanWhoseRunsOutlastItsPeriodIsNamed() throws Exception {
        Plan p = plan(4, "  - {name: m, mesh: [h1, h2, h3, h4], direction: both, duration: 3}\n", "schedule: {every: 10s}\n");
        assertThat(new AgentTimetable(p, MARGIN).longestRun()).as("6 rounds of 3 s + 2 s").isEqualTo(Duration.ofSeconds(30));
    }

    /**
     * A test skipped at its time is tried again in its round of the run repeated after the run's last (stop 75): the replay's
     * rounds are the run's, so its tests share no host at any instant either (a ring tried again is three rounds again), and it
     * lasts as long as the run, within what the period leaves before the next run's plan is read; none for a plan run once.
     */
    @Test
    void theReplayRepeatsTheRunsRoundsAfterItsLastWithinWhatThePeriodLeaves() throws Exception {
        String ring = "  - {name: ring, pairs: [[h1, h2], [h2, h3], [h3, h1]], duration: 5}\n";
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        AgentTimetable roomy = new AgentTimetable(plan(3, ring, "schedule: {every: 60s}\n"), MARGIN);
        Duration length = roomy.length(1);
        assertThat(length).isEqualTo(Duration.ofSeconds(21));
        assertThat(roomy.replayWindow(1, length)).as("as long as the run: 21 + 21 + 15 <= 60").isEqualTo(length);
        List<AgentTimetable.Entry> both = new ArrayList<>();
        for (AgentTimetable.Entry e : roomy.run(1, start)) {
            AgentTimetable.Entry r = e.replayed(length);
            assertThat(r.start()).isEqualTo(e.start().plus(length));
            assertThat(r.end()).isEqualTo(e.end().plus(length)).isBeforeOrEqualTo(start.plus(length).plus(length));
            assertThat(r.round()).isEqualTo(e.round());
            both.add(e);
            both.add(r);
        }
        noHostTwiceAtOnce(both);
        assertThat(both).extracting(AgentTimetable.Entry::start).containsExactly(start, start.plusSeconds(21), start.plusSeconds(7),
                start.plusSeconds(28), start.plusSeconds(14), start.plusSeconds(35));

        AgentTimetable tight = new AgentTimetable(plan(3, ring, "schedule: {every: 45s}\n"), MARGIN);
        assertThat(tight.replayWindow(1, length)).as("45 - 21 - 15: the first round's replay fits, not the second's")
                .isEqualTo(Duration.ofSeconds(9));
        assertThat(new AgentTimetable(plan(3, ring, "schedule: {every: 30s}\n"), MARGIN).replayWindow(1, length))
                .as("no room").isEqualTo(Duration.ZERO);
        assertThat(new AgentTimetable(plan(3, ring, ""), MARGIN).replayWindow(AgentTimetable.ONCE, length)).isEqualTo(Duration.ZERO);
    }
}
