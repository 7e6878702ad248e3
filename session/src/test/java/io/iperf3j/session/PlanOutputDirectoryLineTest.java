package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.iperf3j.session.internal.output.PlanOutputDirectory;

/**
 * The {@code tests.jsonl} lines of a scheduled run: its run number, when it was due and when it started (got its
 * hosts' slots), so that "started within its slip" can be read from the file; a skipped run's {@code started} is
 * null. A single run's line has none of the three.
 */
class PlanOutputDirectoryLineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static TestResult result(TestResult.Outcome outcome) {
        return new TestResult("ring_a-b", "a", "b", "up", TestSpec.tcp(1), 1, outcome, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(), Duration.ofSeconds(2));
    }

    @Test
    void aScheduledRunSaysWhenItWasDueAndWhenItStarted() throws Exception {
        PlanOutputDirectory files = new PlanOutputDirectory(dir);
        Instant due = Instant.parse("2026-11-26T16:00:02.500Z");
        Instant started = Instant.parse("2026-11-26T16:00:03.123456789Z");
        JsonNode ok = JSON.readTree(files.jsonLine(result(new TestResult.Outcome.Completed(9e9, 8e9, 1_000_000_000L)), 7, due, started));
        assertThat(ok.path("run").asLong()).isEqualTo(7);
        assertThat(ok.path("status").asText()).isEqualTo("ok");
        assertThat(ok.path("due").asText()).isEqualTo("2026-11-26T16:00:02.500Z");
        assertThat(ok.path("started").asText()).isEqualTo("2026-11-26T16:00:03.123456789Z");
        assertThat(ok.path("received_bits_per_second").asDouble()).isEqualTo(8e9);
        JsonNode failed = JSON.readTree(files.jsonLine(result(new TestResult.Outcome.Failed(new ConnectionError("cannot connect"))), 8,
                due.plusSeconds(15), started.plusSeconds(15)));
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(Instant.parse(failed.path("started").asText())).isEqualTo(started.plusSeconds(15));
        JsonNode skipped = JSON.readTree(files.skippedLine(new Plan.Test("ring_a-b", "a", "b", "up", TestSpec.tcp(1), 1), 9, due.plusSeconds(30), "no free slot on a by then"));
        assertThat(skipped.path("status").asText()).isEqualTo("skipped");
        assertThat(Instant.parse(skipped.path("due").asText())).isEqualTo(due.plusSeconds(30));
        assertThat(skipped.get("started").isNull()).isTrue();
        assertThat(skipped.path("error").asText()).isEqualTo("no free slot on a by then");
        JsonNode single = JSON.readTree(files.jsonLine(result(new TestResult.Outcome.Completed(9e9, 8e9, 1_000_000_000L))));
        assertThat(single.has("run") || single.has("due") || single.has("started")).isFalse();
    }
}
