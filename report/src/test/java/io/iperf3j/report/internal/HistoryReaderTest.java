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

    private static List<Long> runs(HistorySeries s) {
        List<Long> runs = new ArrayList<>();
        for (int i = 0; i < s.points(); i++) {
            runs.add(s.firstRun(i));
        }
        return runs;
    }
}
