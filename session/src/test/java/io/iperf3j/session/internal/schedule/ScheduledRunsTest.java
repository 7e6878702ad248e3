package io.iperf3j.session.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.Plan;
import io.iperf3j.session.TestSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScheduledRunsTest {
    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

    private static List<Plan.Test> tests(int n) {
        return IntStream.range(0, n).mapToObj(i -> new Plan.Test("t" + i, "h" + i, "h" + (i + 1), Plan.Direction.UP,
                TestSpec.tcp(1), 1)).toList();
    }

    private static List<ScheduledRuns.Run> take(ScheduledRuns s, int n) {
        List<ScheduledRuns.Run> out = new ArrayList<>();
        for (int i = 0; i < n && s.hasNext(); i++) {
            out.add(s.next());
        }
        return out;
    }

    @Test
    void spreadsAPeriodsTestsEvenlyAcrossIt() {
        // 276 tests every hour: one every 3600/276 = 13.04 s, not a burst
        ScheduledRuns s = new ScheduledRuns(tests(276), Plan.Schedule.every(Duration.ofHours(1)), T0, 1, new SplittableRandom(1),
                (run, id) -> false);
        List<ScheduledRuns.Run> first = take(s, 277);
        assertThat(first.get(0).notBefore()).isEqualTo(T0);
        assertThat(first.get(1).notBefore()).isEqualTo(T0.plusNanos(3_600_000_000_000L / 276));
        assertThat(first.get(275).test().id()).isEqualTo("t275");
        assertThat(Duration.between(first.get(275).notBefore(), T0.plus(Duration.ofHours(1))).toMillis()).isBetween(13_000L, 13_100L);
        assertThat(first.get(276).run()).isEqualTo(2);
        assertThat(first.get(276).notBefore()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(first.stream().limit(276).map(ScheduledRuns.Run::run)).containsOnly(1L);
        // slip defaults to the whole period
        assertThat(first.get(3).giveUpAt()).isEqualTo(first.get(3).notBefore().plus(Duration.ofHours(1)));
    }

    @Test
    void endsAfterItsRunsOrAtUntil() {
        Plan.Schedule three = new Plan.Schedule(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ZERO, OptionalLong.of(3), Optional.empty());
        List<ScheduledRuns.Run> all = take(new ScheduledRuns(tests(4), three, T0, 1, new SplittableRandom(1), (r, id) -> false), 100);
        assertThat(all).hasSize(12);
        assertThat(all.getLast().run()).isEqualTo(3);
        assertThat(all.get(5).giveUpAt()).isEqualTo(all.get(5).notBefore().plusSeconds(5));

        // until in the middle of run 2: run 2's tests due before it, nothing after
        Plan.Schedule until = new Plan.Schedule(Duration.ofSeconds(40), Duration.ofSeconds(5), Duration.ZERO, OptionalLong.empty(),
                Optional.of(T0.plusSeconds(60)));
        List<ScheduledRuns.Run> cut = take(new ScheduledRuns(tests(4), until, T0, 1, new SplittableRandom(1), (r, id) -> false), 100);
        assertThat(cut).hasSize(4 + 2);
        assertThat(cut).allSatisfy(r -> assertThat(r.notBefore()).isBefore(T0.plusSeconds(60)));
    }

    @Test
    void randomStartStaysWithinItsBoundAndTheSequenceInNotBeforeOrder() {
        // a random start of a whole period: run 1's last tests may fall after run 2's first
        Plan.Schedule jittered = new Plan.Schedule(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10),
                OptionalLong.of(50), Optional.empty());
        List<ScheduledRuns.Run> all = take(new ScheduledRuns(tests(5), jittered, T0, 1, new SplittableRandom(7),
                (r, id) -> false), 1000);
        assertThat(all).hasSize(250);
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).notBefore()).isAfterOrEqualTo(all.get(i - 1).notBefore());
        }
        for (ScheduledRuns.Run r : all) {
            Instant nominal = T0.plusSeconds(10 * (r.run() - 1) + 2L * Integer.parseInt(r.test().id().substring(1)));
            assertThat(Duration.between(nominal, r.notBefore())).isBetween(Duration.ZERO, Duration.ofSeconds(10));
        }
        // not all the same delay: it is random
        assertThat(all.stream().map(r -> r.notBefore().getNano()).distinct().count()).isGreaterThan(100);
        // the same seed gives the same schedule
        assertThat(take(new ScheduledRuns(tests(5), jittered, T0, 1, new SplittableRandom(7), (r, id) -> false), 1000))
                .isEqualTo(all);
    }

    @Test
    void aRestartBeginsAtItsRunAndLeavesOutWhatIsDone() {
        Plan.Schedule s = Plan.Schedule.every(Duration.ofSeconds(20));
        ScheduledRuns resumed = new ScheduledRuns(tests(4), s, T0, 7, new SplittableRandom(1),
                (run, id) -> run == 7 && (id.equals("t0") || id.equals("t1")));
        List<ScheduledRuns.Run> next = take(resumed, 6);
        assertThat(next).extracting(r -> r.run() + "/" + r.test().id())
                .containsExactly("7/t2", "7/t3", "8/t0", "8/t1", "8/t2", "8/t3");
        assertThat(next.getFirst().notBefore()).isEqualTo(T0.plusSeconds(6 * 20 + 10));
        assertThat(resumed.runAt(T0.plusSeconds(6 * 20 + 19))).isEqualTo(7);
        assertThat(resumed.runAt(T0.minusSeconds(1))).isZero();
        // a run whose tests are all done is passed over
        ScheduledRuns over = new ScheduledRuns(tests(2), s, T0, 1, new SplittableRandom(1), (run, id) -> run < 3);
        assertThat(over.next().run()).isEqualTo(3);
    }

    @Test
    void holdsAboutTwoPeriodsWhateverTheNumberOfRuns() {
        ScheduledRuns s = new ScheduledRuns(tests(100), Plan.Schedule.every(Duration.ofSeconds(1)), T0, 1, new SplittableRandom(1),
                (r, id) -> false);
        long last = 0;
        for (int i = 0; i < 1_000_000; i++) {
            last = s.next().run();
        }
        assertThat(last).isEqualTo(10_000);
    }
}
