package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.Iperf3Process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 57: a user saves a test's text output ({@code iperf3j --loopback -t 1 > run.txt}, as with iperf3) and gives
 * it to {@code iperf3j report}, both as processes. The error said "not valid JSON at line 1, column 2" and no more;
 * it now says what the file is and how to get the JSON the report reads.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ReportOfTextOutputCliTest {
    private static final Duration END = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void textOutputIsNamedAndTheErrorSaysToRunWithJ() throws Exception {
        Path txt = dir.resolve("run.txt");
        try (Iperf3Process test = CommandProcess.start(List.of("--loopback", "-t", "1"))) {
            assertThat(test.waitFor(END)).as(test.stderr()).isZero();
            assertThat(test.stdout()).contains("[ ID] Interval").contains("iperf Done.");
            Files.writeString(txt, test.stdout());
        }
        Path html = dir.resolve("r.html");
        try (Iperf3Process report = CommandProcess.start(List.of("report", txt.toString(), "-o", html.toString()))) {
            assertThat(report.waitFor(END)).isEqualTo(1);
            assertThat(report.stdout()).isEmpty();
            assertThat(report.stderr()).startsWith("iperf3j report: error - " + txt + ": not iperf3 JSON output (it looks"
                    + " like iperf3's text output): run iperf3 (or iperf3j) with -J or --json-stream and save its stdout,"
                    + " e.g. iperf3 -c HOST -J > run.json, then iperf3j report run.json");
            assertThat(report.stderr()).doesNotContain("not valid JSON");
        }
        assertThat(html).doesNotExist();
    }
}
