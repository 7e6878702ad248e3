package io.iperf3j.session.internal.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.SessionException.ConnectionError;
import io.iperf3j.session.Plan;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.TestSpec;
import io.iperf3j.session.internal.result.RunFigures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one writer's lines of a failed and a skipped run: when it was due and when it started (got its hosts' slots),
 * so that "started within its slip" can be read from the file; a skipped run's {@code started} is null and its
 * reason is its error; every line has every key, null where it has no value. (The lines of runs that completed,
 * once and on a schedule: {@code TestsJsonlLinesTest}.)
 */
class TestsFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Plan.Test TEST = new Plan.Test("ring_a-b", "a", "b", Plan.Direction.UP, TestSpec.tcp(1), 1);

    @TempDir
    Path dir;

    @Test
    void aFailedAndASkippedRunSayWhenTheyWereDueAndWhy() throws Exception {
        TestsFile file = TestsFile.scheduled(dir, TestsFile.DEFAULT_ROTATE_BYTES);
        Instant due = Instant.parse("2026-11-26T16:00:02.500Z");
        Instant started = Instant.parse("2026-11-26T16:00:03.123456789Z");
        TestResult failed = new TestResult(TEST.id(), "a", "b", "up", TEST.spec(), 1,
                new TestResult.Outcome.Failed(new ConnectionError("cannot connect")), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of("the test moved to port 5202"), Duration.ofSeconds(2));
        RunFigures figures = new RunFigures(8, false, 0, 0, 0, OptionalLong.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), 2.0, 1_795_708_916.5534);
        JsonNode f = JSON.readTree(file.line(new RunRecord.Ran(failed, 8, due, started, figures)));
        assertThat(f.path("run").asLong()).isEqualTo(8);
        assertThat(f.path("status").asText()).isEqualTo("failed");
        assertThat(f.path("error").asText()).isEqualTo("ConnectionError: cannot connect");
        assertThat(f.path("due").asText()).isEqualTo("2026-11-26T16:00:02.500Z");
        assertThat(f.path("started").asText()).isEqualTo("2026-11-26T16:00:03.123456789Z");
        assertThat(f.get("received_bits_per_second").isNull()).isTrue();
        assertThat(f.get("why").isNull()).as("a failed run has no verdict").isTrue();
        assertThat(f.path("warnings").get(0).asText()).isEqualTo("the test moved to port 5202");
        assertThat(file.line(new RunRecord.Ran(failed, 8, due, started, figures))).contains("\"end_timestamp_seconds\":1795708916.553,");

        JsonNode s = JSON.readTree(file.line(new RunRecord.Skipped(TEST, 9, due.plusSeconds(30), "no free slot on a by then",
                due.plusSeconds(45))));
        assertThat(s.path("status").asText()).isEqualTo("skipped");
        assertThat(Instant.parse(s.path("due").asText())).isEqualTo(due.plusSeconds(30));
        assertThat(s.get("started").isNull()).isTrue();
        assertThat(s.path("error").asText()).isEqualTo("no free slot on a by then");
        assertThat(s.path("end_timestamp_seconds").asDouble()).isEqualTo(due.plusSeconds(45).getEpochSecond() + 0.5);
        for (String key : List.of("sent_bits_per_second", "received_bytes", "why", "client_output", "retransmits", "duration_seconds")) {
            assertThat(s.get(key).isNull()).as(key).isTrue();
        }
        JsonNode once = JSON.readTree(TestsFile.once(dir).line(new RunRecord.Ran(failed, 1, due, started, figures)));
        assertThat(once.has("run")).as("a plan run once has no run: the report reads lines with one as a history").isFalse();
        assertThat(once.path("due").asText()).isEqualTo(f.path("due").asText());
    }

    @Test
    void anAgentsLinesNameThePlanVersionTheirRunUsedAndTheSessionsDoNot() throws Exception {
        TestsFile file = TestsFile.scheduled(dir, TestsFile.DEFAULT_ROTATE_BYTES);
        RunRecord.Skipped r = new RunRecord.Skipped(TEST, 9, Instant.parse("2026-11-26T16:00:00Z"), "busy",
                Instant.parse("2026-11-26T16:00:02Z"));
        assertThat(JSON.readTree(file.line(r)).has("plan_version")).isFalse();
        TestsFile stamped = file.planVersion("sha256:0123456789ab");
        assertThat(stamped.line(r)).contains("\"run\":9,\"plan_version\":\"sha256:0123456789ab\",\"sender\":");
        stamped.accept(r);
        assertThat(JSON.readTree(java.nio.file.Files.readString(TestsFile.file(dir, 0))).path("plan_version").asText())
                .isEqualTo("sha256:0123456789ab");
    }
}
