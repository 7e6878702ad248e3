package io.iperf3j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command's wiring of iperf3j-export: option stripping, exit statuses, help. */
@Timeout(60)
class MainMetricsOptionsTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env).run(args);
    }

    @Test
    void loopbackTestWritesTheMetricsFileAndIperfOutputIsUnchanged() throws Exception {
        Path file = dir.resolve("m.jsonl");
        assertThat(run(Map.of("IPERF3_METRICS_FILE", file.toString()), "--loopback", "-t", "1", "-J")).as(err.toString())
                .isZero();
        assertThat(out.toString()).startsWith("{").contains("\"sum_sent\"");
        assertThat(Files.readAllLines(file)).isNotEmpty().allMatch(l -> l.startsWith("{\"schema_version\":1,\"event\":\"interval\""));
    }

    @Test
    void wrapperOptionErrorsExitOneAndFileErrorsExitTwo() {
        assertThat(run(Map.of(), "--loopback", "--push.label", "a=b")).isEqualTo(1);
        assertThat(err.toString()).contains("iperf3j: parameter error - --push.label requires --push.url or IPERF3_PUSH_URL");
        assertThat(run(Map.of(), "--loopback", "-t", "1", "--metrics.file", dir.resolve("no/such/dir.jsonl").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("unable to create metrics file");
    }

    @Test
    void helpListsTheMetricsOptionsAndTheExporter() {
        assertThat(run(Map.of(), "--push.url", "x:1", "--help")).isZero();
        assertThat(out.toString()).contains("--push.url URL", "--metrics.file PATH", "iperf3j agent|exporter", "Server or Client:",
                "Data path (iperf3j):", "UDP: ");
        out.reset();
        assertThat(run(Map.of(), "exporter", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: iperf3j exporter");
        assertThat(run(Map.of(), "exporter", "--bogus")).isEqualTo(1);
    }
}
