package io.iperf3j.session.internal.schedule;

import io.iperf3j.session.TestResult;
import io.iperf3j.session.internal.output.RunRecord;
import io.iperf3j.session.internal.output.TestsFile;
import java.util.Optional;
import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.Plan;
import io.iperf3j.session.TestSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import io.iperf3j.session.internal.result.RunFigures;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScheduleStateTest {
    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
    private static final Plan.Schedule EVERY_10S = Plan.Schedule.every(Duration.ofSeconds(10));
    private static final List<Plan.Test> TESTS = List.of(
            new Plan.Test("a", "h1", "h2", Plan.Direction.UP, TestSpec.tcp(1), 1),
            new Plan.Test("b", "h2", "h3", Plan.Direction.UP, TestSpec.tcp(1), 1),
            new Plan.Test("c", "h3", "h1", Plan.Direction.UP, TestSpec.tcp(1), 1));

    @TempDir
    Path dir;

    private static String line(long run, String id) {
        return "{\"id\":\"" + id + "\",\"run\":" + run + ",\"status\":\"ok\"}";
    }

    /**
     * A run as a schedule books it: its line by the one writer (rotated at the smallest size), then the book; a
     * {@code pad} warning makes the line as long as a test wants.
     */
    private void book(ScheduleState s, long run, String id, RunFigures figures, String pad) {
        Plan.Test t = TESTS.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
        RunRecord r = figures == null ? new RunRecord.Skipped(t, run, T0, "no free slot", T0)
                : new RunRecord.Ran(result(t, pad), run, T0, T0, figures);
        TestsFile.scheduled(dir, TestsFile.MIN_ROTATE_BYTES).accept(r);
        s.accept(r);
    }

    private static TestResult result(Plan.Test t, String pad) {
        return new TestResult(t.id(), t.sender(), t.receiver(), t.direction().word(), t.spec(), 1,
                new TestResult.Outcome.Completed(9e8, 9.1e8, 1), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), pad.isEmpty() ? List.of() : List.of(pad), Duration.ofSeconds(1));
    }

    /**
     * A run's figures as a schedule makes them from its result ({@link RunFigures#of}): what its {@code tests.jsonl} line holds,
     * so that a restart reading them from the line (the state file is replaced when a run closes, not a line) gets the same.
     */
    private static RunFigures ok(long run) {
        return RunFigures.of(run, result(TESTS.getFirst(), ""), 1.7e9 + run);
    }

    @Test
    void aRestartResumesTheOpenRunWithoutARepeatedOrLostLine() throws Exception {
        ScheduleState s = ScheduleState.open(dir, TESTS, EVERY_10S, T0);
        assertThat(s.firstRun()).isEqualTo(1);
        assertThat(s.start()).isEqualTo(T0);
        for (String id : List.of("a", "b", "c")) {
            book(s, 1, id, ok(1), "");
        }
        book(s, 2, "a", ok(2), "");
        assertThat(s.firstOpenRun()).isEqualTo(2);
        // killed after run 2's "b" reached tests.jsonl but before the state file was replaced
        Files.writeString(TestsFile.file(dir, 0), line(2, "b") + "\n", StandardOpenOption.APPEND);
        // and in the middle of "c"'s line
        Files.writeString(TestsFile.file(dir, 0), "{\"id\":\"c\",\"ru", StandardOpenOption.APPEND);

        ScheduleState again = ScheduleState.open(dir, TESTS, EVERY_10S, T0.plusSeconds(3600));
        assertThat(again.start()).isEqualTo(T0);
        assertThat(again.firstRun()).isEqualTo(2);
        assertThat(again.done(1, "c")).isTrue();
        assertThat(again.done(2, "a")).isTrue();
        assertThat(again.done(2, "b")).isTrue();
        assertThat(again.done(2, "c")).isFalse();
        assertThat(again.last().get("a")).isEqualTo(ok(2));
        assertThat(Files.readAllLines(TestsFile.file(dir, 0))).hasSize(5).last().isEqualTo(line(2, "b"));
        book(again, 2, "c", null, "");
        assertThat(again.firstOpenRun()).isEqualTo(3);
        // a skipped run is the last run now: not ok, so /metrics shows 0 for it, not run 1's success (issue 66); kept over a restart
        assertThat(again.last().get("c")).isEqualTo(RunFigures.skipped(2, T0.toEpochMilli() / 1000.0));
        assertThat(ScheduleState.open(dir, TESTS, EVERY_10S, T0.plusSeconds(7200)).last().get("c")).isEqualTo(again.last().get("c"));
    }

    /**
     * The state file holds every test's last figures: replaced after every line, a run of N tests wrote N times N figures
     * (2.5 GB a run of a 96-host mesh). It is replaced when a run closes; a restart takes what came after from the lines.
     */
    @Test
    void theStateIsWrittenWhenARunClosesNotALineAndARestartTakesTheRestFromTheLines() throws Exception {
        ScheduleState s = ScheduleState.open(dir, TESTS, EVERY_10S, T0);
        Path state = dir.resolve(ScheduleState.STATE_FILE);
        String atStart = Files.readString(state);
        book(s, 1, "a", ok(1), "");
        book(s, 1, "b", ok(1), "");
        assertThat(Files.readString(state)).as("two of run 1's three lines").isEqualTo(atStart);
        book(s, 1, "c", ok(1), "");
        String closed = Files.readString(state);
        assertThat(closed).as("run 1 closed").isNotEqualTo(atStart).contains("\"first_open_run\":2");
        book(s, 2, "a", ok(2), "");
        book(s, 3, "b", ok(3), "");
        assertThat(Files.readString(state)).isEqualTo(closed);

        ScheduleState again = ScheduleState.open(dir, TESTS, EVERY_10S, T0.plusSeconds(25));
        assertThat(again.last()).containsEntry("a", ok(2)).containsEntry("b", ok(3)).containsEntry("c", ok(1));
        assertThat(again.done(2, "a")).isTrue();
        assertThat(again.done(3, "b")).isTrue();
        assertThat(again.done(2, "b")).isFalse();
        // another period: numbered on from run 3, which only the lines hold
        ScheduleState other = ScheduleState.open(dir, TESTS, Plan.Schedule.every(Duration.ofSeconds(20)), T0.plusSeconds(100));
        assertThat(other.firstRun()).isEqualTo(4);
        assertThat(other.last()).containsEntry("b", ok(3));
    }

    @Test
    void aChangedPlanStartsANewScheduleNumberedOn() throws Exception {
        ScheduleState s = ScheduleState.open(dir, TESTS, EVERY_10S, T0);
        for (long run = 1; run <= 3; run++) {
            for (Plan.Test t : TESTS) {
                book(s, run, t.id(), ok(run), "");
            }
        }
        Instant later = T0.plusSeconds(1000);
        // another period: a new schedule, numbered on
        ScheduleState other = ScheduleState.open(dir, TESTS.subList(0, 2), Plan.Schedule.every(Duration.ofSeconds(20)), later);
        assertThat(other.firstRun()).isEqualTo(4);
        assertThat(other.start().plus(Duration.ofSeconds(60))).isEqualTo(later);
        assertThat(other.done(4, "a")).isFalse();
        assertThat(other.last()).containsOnlyKeys("a", "b");
        assertThat(other.cutByTheChange()).as("every run was whole").isEmpty();
    }

    /**
     * Issue 66: a restart with a grown or shrunk plan dropped the rest of the run it cut, unsaid. The same period keeps the
     * schedule (its times and numbers): the open run's tests that are still planned run, and those the plan no longer has are
     * named.
     */
    @Test
    void aRestartWithAChangedPlanKeepsTheScheduleAndNamesWhatItCut() throws Exception {
        ScheduleState s = ScheduleState.open(dir, TESTS, EVERY_10S, T0);
        for (Plan.Test t : TESTS) {
            book(s, 1, t.id(), ok(1), "");
        }
        book(s, 2, "a", ok(2), "");
        // killed in run 2; restarted with "c" gone and "d" new
        List<Plan.Test> next = List.of(TESTS.get(0), TESTS.get(1), new Plan.Test("d", "h1", "h4", Plan.Direction.UP, TestSpec.tcp(1), 1));
        ScheduleState again = ScheduleState.open(dir, next, EVERY_10S, T0.plusSeconds(15));
        assertThat(again.start()).isEqualTo(T0);
        assertThat(again.firstRun()).isEqualTo(2);
        assertThat(again.done(2, "a")).isTrue();
        assertThat(again.done(2, "b")).isFalse();
        assertThat(again.done(2, "d")).isFalse();
        assertThat(again.cutByTheChange()).containsExactly(
                "run 2 cut by the restart with a changed plan: 1 of its 3 test(s) did not run and are not in this plan: c");
        assertThat(again.missing(2)).containsExactly("run 2: 2 of 3 test(s) not run: b, d");
        // the ids in force are written for the next restart: the same plan again names nothing
        assertThat(ScheduleState.open(dir, next, EVERY_10S, T0.plusSeconds(16)).cutByTheChange()).isEmpty();
    }

    /** A plan read again gives a run its own tests: the run closes when each has its line, and says how many were skipped. */
    @Test
    void aRunClosesWithItsOwnTestsAndCountsItsSkips() throws Exception {
        ScheduleState s = ScheduleState.open(dir, TESTS, EVERY_10S, T0);
        List<ScheduleState.RunClosed> closed = new java.util.ArrayList<>();
        s.onClose(closed::add);
        s.expect(1, TESTS);
        List<Plan.Test> two = TESTS.subList(0, 2);
        s.expect(2, two);
        for (Plan.Test t : TESTS) {
            book(s, 1, t.id(), t.id().equals("b") ? null : ok(1), "");
        }
        book(s, 2, "a", ok(2), "");
        assertThat(s.missing(2)).containsExactly("run 2: 1 of 2 test(s) not run: b");
        book(s, 2, "b", null, "");
        assertThat(s.firstOpenRun()).isEqualTo(3);
        assertThat(closed).extracting(ScheduleState.RunClosed::run, ScheduleState.RunClosed::tests, ScheduleState.RunClosed::skipped)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 3, 1), org.assertj.core.groups.Tuple.tuple(2L, 2, 1));
        // the plan in force is the newest run's: a restart with it names nothing
        assertThat(ScheduleState.open(dir, two, EVERY_10S, T0.plusSeconds(25)).cutByTheChange()).isEmpty();
    }

    @Test
    void rotatesBySizeAndReadsTheOpenRunsAcrossTheKeptFiles() throws Exception {
        ScheduleState s = ScheduleState.open(dir, TESTS, EVERY_10S, T0);
        String pad = "x".repeat(100_000);
        long runs = 20;
        for (long run = 1; run <= runs; run++) {
            for (Plan.Test t : TESTS) {
                if (run == runs && t.id().equals("c")) {
                    break;
                }
                book(s, run, t.id(), ok(run), pad);
            }
        }
        assertThat(Files.size(TestsFile.file(dir, 0))).isLessThanOrEqualTo(TestsFile.MIN_ROTATE_BYTES);
        assertThat(TestsFile.file(dir, 1)).exists();
        assertThat(TestsFile.file(dir, TestsFile.KEPT + 1)).doesNotExist();
        long lines = 0;
        for (int i = 0; i <= TestsFile.KEPT; i++) {
            Path f = TestsFile.file(dir, i);
            if (Files.exists(f)) {
                lines += Files.readAllLines(f, StandardCharsets.UTF_8).size();
            }
        }
        assertThat(lines).isLessThan(runs * 3 - 1);
        ScheduleState again = ScheduleState.open(dir, TESTS, EVERY_10S, T0);
        assertThat(again.firstRun()).isEqualTo(runs);
        assertThat(again.done(runs, "b")).isTrue();
        assertThat(again.done(runs, "c")).isFalse();
    }

    /**
     * A rotating mesh (issue 69): a run is closed when its turn's tests have their lines, not the whole plan's; a session killed
     * in run 3 and restarted generates run 3's turn again, less its line already written, then run 4's: the slices follow from
     * the run numbers the book keeps, so every pair still runs once in the cycle.
     */
    @Test
    void aRotatingMeshsRunClosesWithItsTurnAndARestartGoesOnWithTheNextTurn() throws Exception {
        List<io.iperf3j.session.Node> hosts = new java.util.ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            hosts.add(io.iperf3j.session.Node.of("h" + i, "10.0.0." + i, io.iperf3j.session.Node.Role.NODE,
                    io.iperf3j.session.Node.Access.local(), io.iperf3j.session.IperfKind.IPERF3));
        }
        Plan plan = Plan.builder(hosts).mesh("m", List.of("h1", "h2", "h3", "h4"), Plan.Direction.BOTH, TestSpec.tcp(1), 1, 3)
                .schedule(EVERY_10S).build();
        ScheduleState s = ScheduleState.open(dir, plan.tests(), EVERY_10S, T0);
        java.util.Map<String, Integer> ran = new java.util.HashMap<>();
        for (long run = 1; run <= 2; run++) {
            s.expect(run, plan.tests());
            for (Plan.Test t : plan.testsOfRun(run)) {
                bookOf(s, t, run);
                ran.merge(t.id(), 1, Integer::sum);
            }
            assertThat(s.firstOpenRun()).as("run %d closed by its 3 tests of 12", run).isEqualTo(run + 1);
        }
        s.expect(3, plan.tests());
        Plan.Test first = plan.testsOfRun(3).get(0);
        bookOf(s, first, 3);
        ran.merge(first.id(), 1, Integer::sum);
        assertThat(s.missing(3)).containsExactly("run 3: 2 of 3 test(s) not run: " + plan.testsOfRun(3).get(1).id() + ", "
                + plan.testsOfRun(3).get(2).id());
        // killed; started again with the same plan
        ScheduleState again = ScheduleState.open(dir, plan.tests(), EVERY_10S, T0.plusSeconds(25));
        assertThat(again.firstRun()).isEqualTo(3);
        ScheduledRuns runs = new ScheduledRuns(plan::testsOfRun, EVERY_10S, again.start(), again.firstRun(),
                new java.util.SplittableRandom(1), again::done);
        while (runs.hasNext()) {
            ScheduledRuns.Run r = runs.next();
            if (r.run() > 4) {
                break;
            }
            again.expect(r.run(), plan.tests());
            bookOf(again, r.test(), r.run());
            ran.merge(r.test().id(), 1, Integer::sum);
        }
        assertThat(again.firstOpenRun()).isEqualTo(5);
        assertThat(ran).as("every ordered pair once in runs 1-4").hasSize(12).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
    }

    /**
     * A restart with a plan whose rotating mesh lost a host, in the middle of run 3: the cut names run 3's turn's tests that did
     * not run and that the new plan has not, out of that turn's 3 (not the old plan's 12, most of which were other runs').
     */
    @Test
    void aRestartWithAChangedRotatingMeshNamesWhatItCutOfTheRunsTurnOnly() throws Exception {
        List<io.iperf3j.session.Node> hosts = new java.util.ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            hosts.add(io.iperf3j.session.Node.of("h" + i, "10.0.0." + i, io.iperf3j.session.Node.Role.NODE,
                    io.iperf3j.session.Node.Access.local(), io.iperf3j.session.IperfKind.IPERF3));
        }
        Plan four = Plan.builder(hosts).mesh("m", List.of("h1", "h2", "h3", "h4"), Plan.Direction.BOTH, TestSpec.tcp(1), 1, 3)
                .schedule(EVERY_10S).build();
        Plan three = Plan.builder(hosts.subList(0, 3)).mesh("m", List.of("h1", "h2", "h3"), Plan.Direction.BOTH, TestSpec.tcp(1), 1,
                3).schedule(EVERY_10S).build();
        ScheduleState s = ScheduleState.open(dir, four.tests(), EVERY_10S, T0);
        for (long run = 1; run <= 3; run++) {
            s.expect(run, four.tests());
            List<Plan.Test> turn = four.testsOfRun(run);
            for (Plan.Test t : run < 3 ? turn : turn.subList(0, 1)) {
                bookOf(s, t, run);
            }
        }
        List<String> newIds = three.tests().stream().map(Plan.Test::id).toList();
        List<String> cutOfRun3 = four.testsOfRun(3).subList(1, 3).stream().map(Plan.Test::id).filter(id -> !newIds.contains(id))
                .toList();
        assertThat(cutOfRun3).as("run 3's turn of the 4-host mesh (%s) has a pair with h4", four.testsOfRun(3)).isNotEmpty();
        ScheduleState again = ScheduleState.open(dir, three.tests(), EVERY_10S, T0.plusSeconds(25));
        assertThat(again.firstRun()).isEqualTo(3);
        assertThat(again.cutByTheChange()).containsExactly("run 3 cut by the restart with a changed plan: " + cutOfRun3.size()
                + " of its 3 test(s) did not run and are not in this plan: " + String.join(", ", cutOfRun3));
    }

    private void bookOf(ScheduleState s, Plan.Test t, long run) {
        RunRecord r = new RunRecord.Ran(t, new TestResult(t.id(), t.sender(), t.receiver(), t.direction().word(), t.spec(), 1,
                new TestResult.Outcome.Completed(9e8, 9.1e8, 1), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), Duration.ofSeconds(1)), run, T0, T0, ok(run));
        TestsFile.scheduled(dir, TestsFile.MIN_ROTATE_BYTES).accept(r);
        s.accept(r);
    }
}
