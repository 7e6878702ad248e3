package io.iperf3j.report.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.report.HtmlReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduled session's history read from hand-written tests.jsonl files in the session's line format
 * (session's PlanOutputDirectory and RunFigures): the rotated files read oldest first, failed runs as 0
 * and counted, skipped runs counted without a value, the points cap merging runs two by two, and the
 * inputs refused or tolerated.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HistoryReaderTest {
    @TempDir
    Path dir;

    private static String ok(String id, long run, double bps, double end) {
        return ("{\"id\":\"%s\",\"run\":%d,\"sender\":\"a\",\"receiver\":\"b\",\"direction\":\"up\",\"protocol\":\"tcp\",\"kind\":\"tcp\","
                + "\"repeat\":1,\"status\":\"ok\",\"error\":null,\"sent_bits_per_second\":%s,\"received_bits_per_second\":%s,"
                + "\"received_bytes\":1000,\"reverse_received_bits_per_second\":null,\"client_output\":null,\"server_output\":null,"
                + "\"end_timestamp_seconds\":%s,\"retransmits\":%d,\"rtt_seconds\":0.001,\"loss_percent\":null,"
                + "\"jitter_seconds\":null,\"duration_seconds\":1.2}").formatted(id, run, bps, bps, end, run);
    }

    private static String failed(String id, long run, String error, double end) {
        return ("{\"id\":\"%s\",\"run\":%d,\"sender\":\"a\",\"receiver\":\"b\",\"direction\":\"up\",\"protocol\":\"tcp\",\"kind\":\"tcp\","
                + "\"repeat\":1,\"status\":\"failed\",\"error\":\"%s\",\"sent_bits_per_second\":null,\"received_bits_per_second\":null,"
                + "\"end_timestamp_seconds\":%s,\"retransmits\":null,\"duration_seconds\":0.5}").formatted(id, run, error, end);
    }

    private static String skipped(String id, long run, double end) {
        return ("{\"id\":\"%s\",\"run\":%d,\"sender\":\"a\",\"receiver\":\"b\",\"direction\":\"up\",\"protocol\":\"tcp\",\"kind\":\"tcp\","
                + "\"repeat\":1,\"status\":\"skipped\",\"error\":\"no slot within the slip\",\"received_bits_per_second\":null,"
                + "\"end_timestamp_seconds\":%s}").formatted(id, run, end);
    }

    private void write(String name, String... lines) throws Exception {
        Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }

    @Test
    void rotatedFilesAreReadOldestFirstWithFailedAndSkippedRunsCounted() throws Exception {
        write("tests.jsonl.2", ok("x", 1, 1e6, 100), ok("y", 1, 5e6, 101), ok("x", 2, 2e6, 110));
        write("tests.jsonl.1", failed("y", 2, "connection refused", 111), skipped("x", 3, 120), ok("y", 3, 6e6, 121));
        write("tests.jsonl", ok("x", 4, 4e6, 130), skipped("y", 4, 131));
        History h = HistoryReader.read(dir);

        assertThat(h.files()).containsExactly("tests.jsonl.2", "tests.jsonl.1", "tests.jsonl");
        assertThat(h.lines()).isEqualTo(8);
        assertThat(h.tests()).extracting(HistorySeries::id).containsExactly("x", "y");
        HistorySeries x = h.tests().get(0);
        assertThat(runs(x)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(x.width()).isEqualTo(1);
        assertThat(x.okTotal()).isEqualTo(3);
        assertThat(x.skippedTotal()).isEqualTo(1);
        assertThat(x.failedTotal()).isZero();
        // the skipped run has no value, but its point is there and counts it
        assertThat(x.mean(0, 2)).isNaN();
        assertThat(x.skipped(2)).isEqualTo(1);
        assertThat(x.time(2)).isEqualTo(120);
        assertThat(x.mean(0, 3)).isEqualTo(4e6);
        assertThat(x.mean(2, 3)).as("retransmits").isEqualTo(4);
        HistorySeries y = h.tests().get(1);
        assertThat(runs(y)).containsExactly(1L, 2L, 3L, 4L);
        // the failed run: 0, never a gap, and its error kept
        assertThat(y.mean(0, 1)).isZero();
        assertThat(y.mean(1, 1)).isZero();
        assertThat(y.mean(2, 1)).as("no retransmits from a failed run").isNaN();
        assertThat(y.failed(1)).isEqualTo(1);
        assertThat(y.failedTotal()).isEqualTo(1);
        assertThat(y.lastError()).isEqualTo("connection refused");
        assertThat(y.lastErrorRun()).isEqualTo(2);
        assertThat(y.lastStatus()).isEqualTo("skipped");
        assertThat(y.sender() + y.receiver() + y.kind() + y.direction()).isEqualTo("abtcpup");
    }

    @Test
    void aLongHistoryIsCappedByMergingNeighbouringRuns() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int run = 1; run <= 10; run++) {
            lines.add(run == 6 ? failed("x", run, "timeout", 1000 + run) : ok("x", run, run * 1e6, 1000 + run));
        }
        write("tests.jsonl", lines.toArray(String[]::new));
        HistorySeries x = HistoryReader.read(dir, 4, 10).tests().getFirst();
        // 10 runs, 4 points at most: merged twice, 4 runs a point, the last point partly filled
        assertThat(x.width()).isEqualTo(4);
        assertThat(x.points()).isEqualTo(3);
        assertThat(runs(x)).containsExactly(1L, 5L, 9L);
        assertThat(x.lastRun(1)).isEqualTo(8);
        assertThat(x.lastRun(2)).isEqualTo(10);
        assertThat(x.mean(0, 0)).isEqualTo(2.5e6);
        // runs 5..8 with run 6 failed: (5 + 0 + 7 + 8) / 4 Mbit/s, one failure in the point
        assertThat(x.mean(0, 1)).isEqualTo(5e6);
        assertThat(x.failed(1)).isEqualTo(1);
        assertThat(x.ok(1)).isEqualTo(3);
        assertThat(x.mean(2, 1)).as("retransmits of the runs that gave them").isEqualTo((5 + 7 + 8) / 3.0);
        assertThat(x.mean(0, 2)).isEqualTo(9.5e6);
        assertThat(x.time(2)).isEqualTo(1010);
        assertThat(x.okTotal() + x.failedTotal()).isEqualTo(10);

        // the real cap: a thousand runs are at most MAX_HISTORY_POINTS points
        lines.clear();
        for (int run = 1; run <= 1_000; run++) {
            lines.add(ok("x", run, 1e6, run));
        }
        write("tests.jsonl", lines.toArray(String[]::new));
        HistorySeries big = HistoryReader.read(dir).tests().getFirst();
        assertThat(big.points()).isEqualTo(500).isLessThanOrEqualTo(InputLimits.MAX_HISTORY_POINTS);
        assertThat(big.width()).isEqualTo(2);
        assertThat(big.lastRun(499)).isEqualTo(1_000);
    }

    @Test
    void aTornLastLineIsLeftOutAndABadLineNamed() throws Exception {
        write("tests.jsonl", ok("x", 1, 1e6, 1), ok("x", 2, 2e6, 2));
        Files.writeString(dir.resolve("tests.jsonl"), "{\"id\":\"x\",\"run\":3,\"sta", java.nio.file.StandardOpenOption.APPEND);
        assertThat(HistoryReader.read(dir).tests().getFirst().points()).isEqualTo(2);

        write("tests.jsonl.1", ok("x", 1, 1e6, 1), "{\"id\":\"x\",\"status\":\"ok\"}", ok("x", 2, 2e6, 2));
        assertThatThrownBy(() -> HistoryReader.read(dir)).isInstanceOf(InputFormatException.class)
                .hasMessageContaining("tests.jsonl.1: line 2 is not a scheduled run");
        write("tests.jsonl.1", "{not json", ok("x", 2, 2e6, 2));
        assertThatThrownBy(() -> HistoryReader.read(dir)).hasMessageContaining("tests.jsonl.1: line 1 is not valid JSON");
        write("tests.jsonl.1", "x".repeat(InputLimits.MAX_HISTORY_LINE_CHARS + 1));
        assertThatThrownBy(() -> HistoryReader.read(dir)).hasMessageContaining("line 1 is longer than 65536 characters");
        Files.delete(dir.resolve("tests.jsonl.1"));
        write("tests.jsonl", ok("x", 1, 1e6, 1), ok("y", 1, 1e6, 1), ok("z", 1, 1e6, 1));
        assertThatThrownBy(() -> HistoryReader.read(dir, 4, 2)).hasMessageContaining("line 3: more than 2 tests in the history");
    }

    @Test
    void aScheduledDirectoryOrItsTestsJsonlIsAHistoryAndAOneShotSessionIsNot() throws Exception {
        write("tests.jsonl", ok("x", 1, 1e6, 1), ok("x", 2, 2e6, 2));
        assertThat(HistoryReader.isHistory(dir)).isTrue();
        assertThat(HtmlReport.builder().add(dir.resolve("tests.jsonl")).build().historyTestCount()).isEqualTo(1);
        HtmlReport fromDir = HtmlReport.builder().add(dir).build();
        assertThat(fromDir.historyTestCount()).isEqualTo(1);
        assertThat(fromDir.runCount()).isZero();

        Path oneShot = Files.createDirectory(dir.resolve("one-shot"));
        Files.writeString(oneShot.resolve("tests.jsonl"), "{\"id\":\"x\",\"sender\":\"a\",\"receiver\":\"b\",\"status\":\"failed\","
                + "\"error\":\"refused\"}\n");
        assertThat(HistoryReader.isHistory(oneShot)).isFalse();
        HtmlReport session = HtmlReport.builder().add(oneShot).build();
        assertThat(session.historyTestCount()).isZero();
    }

    /**
     * Issue 69: each test's latest result (its last ok or failed line; a skipped line is none) with its run and end time, a
     * rotating test's cycle ({@code rotation_runs}), and the history's newest result, which ages are counted back from.
     */
    @Test
    void eachTestKeepsItsLatestResultAndARotatingTestItsCycle() throws Exception {
        write("tests.jsonl.1", rotating(ok("x", 10, 1e6, 6000.25), 1, 3), rotating(ok("y", 11, 2e6, 6600.5), 2, 3));
        write("tests.jsonl", rotating(failed("z", 12, "refused", 7200.125), 3, 3), rotating(ok("x", 13, 1e6, 7800), 1, 3),
                rotating(skipped("y", 14, 8400), 2, 3), ok("w", 14, 3e6, 8401.75), skipped("v", 14, 8402));
        History h = HistoryReader.read(dir);
        HistorySeries x = h.tests().get(0), y = h.tests().get(1), z = h.tests().get(2), w = h.tests().get(3), v = h.tests().get(4);
        assertThat(x.lastResultRun()).isEqualTo(13);
        assertThat(x.lastResultTime()).isEqualTo(7800);
        assertThat(y.lastResultRun()).as("run 14 was skipped: no result").isEqualTo(11);
        assertThat(y.lastResultTime()).isEqualTo(6600.5);
        assertThat(y.lastStatus()).isEqualTo("skipped");
        assertThat(z.lastResultRun()).as("a failed run is a result").isEqualTo(12);
        assertThat(z.lastResultTime()).isEqualTo(7200.125);
        assertThat(List.of(x.cycleRuns(), y.cycleRuns(), z.cycleRuns(), w.cycleRuns())).containsExactly(3, 3, 3, 0);
        assertThat(v.lastResultRun()).isZero();
        assertThat(v.lastResultTime()).isNaN();
        assertThat(h.newestRun()).isEqualTo(14);
        assertThat(h.newestTime()).as("the skipped line at 8402 is no result").isEqualTo(8401.75);

        // the model carries them: history.newest_run, newest_time, and per test last_result_run, last_result_time, cycle_runs
        java.io.StringWriter json = new java.io.StringWriter();
        ModelWriter.write(json, "t", List.of(), null, null, h);
        com.fasterxml.jackson.databind.JsonNode model = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toString());
        com.fasterxml.jackson.databind.JsonNode m = model.path("history");
        assertThat(m.path("newest_run").asLong()).isEqualTo(14);
        assertThat(m.path("newest_time").asDouble()).isEqualTo(8401.75);
        assertThat(m.path("tests").get(1).path("last_result_run").asLong()).isEqualTo(11);
        assertThat(m.path("tests").get(1).path("last_result_time").asDouble()).isEqualTo(6600.5);
        assertThat(m.path("tests").get(1).path("cycle_runs").asInt()).isEqualTo(3);
        assertThat(m.path("tests").get(3).has("cycle_runs")).as("a test of every run says no cycle").isFalse();
        assertThat(m.path("tests").get(4).path("last_result_run").asLong()).isZero();
        assertThat(m.path("tests").get(4).path("last_result_time").isNull()).isTrue();
    }

    /**
     * A fleet's thousands of tests share one budget of points: past it every test's limit is halved (kept even) and its
     * points merged, an odd last point left alone and still filled by the next lines.
     */
    @Test
    void manyTestsShareOneBudgetOfPoints() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int run = 1; run <= 7; run++) {
            lines.add(ok("a", run, run * 1e6, 100 + run));
        }
        lines.add(ok("b", 1, 1e6, 200));
        lines.add(ok("c", 1, 1e6, 201));
        lines.add(ok("a", 8, 8e6, 108));
        write("tests.jsonl", lines.toArray(String[]::new));
        // 8 points a test, 20 points in all: a third test halves every test's limit to 4 (3 × 8 > 20, 3 × 4 <= 20)
        History h = HistoryReader.read(dir, 8, 10, 20);
        assertThat(h.maxPoints()).isEqualTo(4);
        HistorySeries a = h.tests().getFirst();
        assertThat(a.maxPoints()).isEqualTo(4);
        // 7 points of a run each, merged two by two: runs 1-2, 3-4, 5-6, then 7 alone, which took run 8
        assertThat(a.width()).isEqualTo(2);
        assertThat(runs(a)).containsExactly(1L, 3L, 5L, 7L);
        assertThat(a.lastRun(3)).isEqualTo(8);
        assertThat(a.mean(0, 3)).isEqualTo(7.5e6);
        assertThat(a.mean(0, 0)).isEqualTo(1.5e6);
        assertThat(a.time(3)).isEqualTo(108);
        assertThat(a.okTotal()).isEqualTo(8);
        assertThat(HistoryReader.lowered(500, 40_000, InputLimits.MAX_HISTORY_POINTS_TOTAL)).isEqualTo(14);
        assertThat(HistoryReader.lowered(500, 2_000, InputLimits.MAX_HISTORY_POINTS_TOTAL)).isEqualTo(500);
        assertThat(HistoryReader.lowered(500, 2_001, InputLimits.MAX_HISTORY_POINTS_TOTAL)).isEqualTo(250);
        assertThat(HistoryReader.lowered(500, 2_000_000, 10)).isEqualTo(2);
    }

    /**
     * A fleet's history (more tests than the page draws at load, {@code PageWriter.EAGER_LIMIT}) keeps each test's points as
     * one string, parsed by the page when the test is opened, with what the overview needs beside it.
     */
    @Test
    void aFleetsHistoryPacksEachTestsPointsIntoOneString() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int run = 1; run <= 3; run++) {
            for (int t = 0; t <= io.iperf3j.report.internal.PageWriter.EAGER_LIMIT; t++) {
                lines.add(run == 2 && t == 0 ? failed("x" + t, run, "refused", 100 * run + t) : ok("x" + t, run, (t + run) * 1e6, 100 * run + t));
            }
        }
        write("tests.jsonl", lines.toArray(String[]::new));
        History h = HistoryReader.read(dir);
        java.io.StringWriter json = new java.io.StringWriter();
        ModelWriter.write(json, "t", List.of(), null, null, h);
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode m = mapper.readTree(json.toString()).path("history");
        assertThat(m.path("timed").asBoolean()).isTrue();
        assertThat(m.path("packed_columns")).extracting(com.fasterxml.jackson.databind.JsonNode::asText).containsExactly("first_run",
                "last_run", "time", "ok", "failed", "skipped", "received_bits_per_second", "sent_bits_per_second", "retransmits",
                "rtt_seconds", "loss_percent", "jitter_seconds");
        com.fasterxml.jackson.databind.JsonNode x0 = m.path("tests").get(0);
        assertThat(x0.has("points")).isFalse();
        assertThat(x0.path("point_count").asInt()).isEqualTo(3);
        assertThat(x0.path("first_run").asLong()).isEqualTo(1);
        assertThat(x0.path("last_run").asLong()).isEqualTo(3);
        assertThat(x0.path("last_bps").asDouble()).isEqualTo(3e6);
        com.fasterxml.jackson.databind.JsonNode cols = mapper.readTree(x0.path("points_packed").asText());
        assertThat(cols.get(0).toString()).isEqualTo("[1,2,3]");
        assertThat(cols.get(2).toString()).isEqualTo("[100,200,300]");
        assertThat(cols.get(4).toString()).as("failed").isEqualTo("[0,1,0]");
        assertThat(cols.get(6).toString()).as("received: the failed run 0").isEqualTo("[1000000,0,3000000]");
        assertThat(cols.get(8).toString()).as("retransmits").isEqualTo("[1,null,3]");
    }

    /** A line with a rotating test's keys ({@code rotation_run} of {@code rotation_runs}), as the session writes them after {@code run}. */
    private static String rotating(String line, int cycleRun, int cycle) {
        return line.replaceFirst(",\"sender\"", ",\"rotation_run\":" + cycleRun + ",\"rotation_runs\":" + cycle
                + ",\"rotation_pair\":1,\"rotation_pairs\":9,\"sender\"");
    }

    private static List<Long> runs(HistorySeries s) {
        List<Long> runs = new ArrayList<>();
        for (int i = 0; i < s.points(); i++) {
            runs.add(s.firstRun(i));
        }
        return runs;
    }
}
