package io.iperf3j.session.internal.schedule;

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
import java.util.OptionalDouble;
import java.util.OptionalLong;
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
            new Plan.Test("a", "h1", "h2", "up", TestSpec.tcp(1), 1),
            new Plan.Test("b", "h2", "h3", "up", TestSpec.tcp(1), 1),
            new Plan.Test("c", "h3", "h1", "up", TestSpec.tcp(1), 1));

    @TempDir
    Path dir;

    private static String line(long run, String id) {
        return "{\"id\":\"" + id + "\",\"run\":" + run + ",\"status\":\"ok\"}";
    }

    private static RunFigures ok(long run) {
        return new RunFigures(run, true, 9e8, 9.1e8, OptionalLong.of(3), OptionalDouble.of(0.001), OptionalDouble.empty(),
                OptionalDouble.empty(), 1.2, 1.7e9);
    }

    @Test
    void aRestartResumesTheOpenRunWithoutARepeatedOrLostLine() throws Exception {
        ScheduleState s = ScheduleState.open(dir, TESTS, EVERY_10S, T0, ScheduleState.MIN_ROTATE_BYTES);
        assertThat(s.firstRun()).isEqualTo(1);
        assertThat(s.start()).isEqualTo(T0);
        for (String id : List.of("a", "b", "c")) {
            s.record(1, id, line(1, id), ok(1));
        }
        s.record(2, "a", line(2, "a"), ok(2));
        assertThat(s.firstOpenRun()).isEqualTo(2);
        // killed after run 2's "b" reached tests.jsonl but before the state file was replaced
        Files.writeString(dir.resolve(ScheduleState.RESULTS), line(2, "b") + "\n", StandardOpenOption.APPEND);
        // and in the middle of "c"'s line
        Files.writeString(dir.resolve(ScheduleState.RESULTS), "{\"id\":\"c\",\"ru", StandardOpenOption.APPEND);

        ScheduleState again = ScheduleState.open(dir, TESTS, EVERY_10S, T0.plusSeconds(3600), ScheduleState.MIN_ROTATE_BYTES);
        assertThat(again.start()).isEqualTo(T0);
        assertThat(again.firstRun()).isEqualTo(2);
        assertThat(again.done(1, "c")).isTrue();
        assertThat(again.done(2, "a")).isTrue();
        assertThat(again.done(2, "b")).isTrue();
        assertThat(again.done(2, "c")).isFalse();
        assertThat(again.last().get("a")).isEqualTo(ok(2));
        assertThat(Files.readAllLines(dir.resolve(ScheduleState.RESULTS))).hasSize(5).last().isEqualTo(line(2, "b"));
        again.record(2, "c", line(2, "c"), null);
        assertThat(again.firstOpenRun()).isEqualTo(3);
        assertThat(again.last().get("c")).isEqualTo(ok(1)); // a skipped run leaves the last figures as they were
    }

    @Test
    void aChangedPlanStartsANewScheduleNumberedOn() throws Exception {
        ScheduleState s = ScheduleState.open(dir, TESTS, EVERY_10S, T0, ScheduleState.MIN_ROTATE_BYTES);
        for (long run = 1; run <= 3; run++) {
            for (Plan.Test t : TESTS) {
                s.record(run, t.id(), line(run, t.id()), ok(run));
            }
        }
        Instant later = T0.plusSeconds(1000);
        ScheduleState other = ScheduleState.open(dir, TESTS.subList(0, 2), EVERY_10S, later, ScheduleState.MIN_ROTATE_BYTES);
        assertThat(other.firstRun()).isEqualTo(4);
        assertThat(other.start().plus(Duration.ofSeconds(30))).isEqualTo(later);
        assertThat(other.done(4, "a")).isFalse();
        assertThat(other.last()).containsOnlyKeys("a", "b");
    }

    @Test
    void rotatesBySizeAndReadsTheOpenRunsAcrossTheKeptFiles() throws Exception {
        ScheduleState s = ScheduleState.open(dir, TESTS, EVERY_10S, T0, ScheduleState.MIN_ROTATE_BYTES);
        String pad = "x".repeat(100_000);
        long runs = 20;
        for (long run = 1; run <= runs; run++) {
            for (Plan.Test t : TESTS) {
                if (run == runs && t.id().equals("c")) {
                    break;
                }
                s.record(run, t.id(), "{\"id\":\"" + t.id() + "\",\"run\":" + run + ",\"pad\":\"" + pad + "\"}", ok(run));
            }
        }
        assertThat(Files.size(dir.resolve(ScheduleState.RESULTS))).isLessThanOrEqualTo(ScheduleState.MIN_ROTATE_BYTES);
        assertThat(dir.resolve(ScheduleState.RESULTS + ".1")).exists();
        assertThat(dir.resolve(ScheduleState.RESULTS + "." + (ScheduleState.KEPT + 1))).doesNotExist();
        long lines = 0;
        for (int i = 0; i <= ScheduleState.KEPT; i++) {
            Path f = dir.resolve(i == 0 ? ScheduleState.RESULTS : ScheduleState.RESULTS + "." + i);
            if (Files.exists(f)) {
                lines += Files.readAllLines(f, StandardCharsets.UTF_8).size();
            }
        }
        assertThat(lines).isLessThan(runs * 3 - 1);
        ScheduleState again = ScheduleState.open(dir, TESTS, EVERY_10S, T0, ScheduleState.MIN_ROTATE_BYTES);
        assertThat(again.firstRun()).isEqualTo(runs);
        assertThat(again.done(runs, "b")).isTrue();
        assertThat(again.done(runs, "c")).isFalse();
    }
}
