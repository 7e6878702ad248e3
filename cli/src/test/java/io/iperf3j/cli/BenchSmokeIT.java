package io.iperf3j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code bench/run.sh} working: its smoke mode (one 1 s round of a TCP and a
 * UDP case, iperf3 and iperf3j pairs in turn) must finish and write a table with
 * figures for both implementations. Timings are not checked: they belong to the
 * bench, not to the test suite. Runs after {@code package} (failsafe), on the fat
 * jar this build made.
 */
class BenchSmokeIT {
    @TempDir
    Path out;

    @Test
    void benchSmokeWritesTheTable() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        Path jar = Path.of(System.getProperty("user.dir"), "target", "iperf3j-0.1.0.jar");
        ProcessBuilder pb = new ProcessBuilder(root.resolve("bench/run.sh").toString(), "--smoke",
                "--out", out.toString(), "--jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(out.resolve("log.txt").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String log = Files.readString(out.resolve("log.txt"));
        assertThat(done).as("bench smoke finished in 120 s; log:\n%s", log).isTrue();
        assertThat(p.exitValue()).as("bench smoke exit status; log:\n%s", log).isZero();

        JsonNode table = new ObjectMapper().readTree(new File(out.toFile(), "smoke.json"));
        assertThat(table.path("machine").path("iperf3").asText()).startsWith("iperf 3.");
        assertThat(table.path("machine").path("iperf3j").asText()).startsWith("iperf3j ");
        JsonNode rows = table.path("rows");
        assertThat(rows.isArray()).isTrue();
        boolean tcp = false;
        boolean udp = false;
        for (JsonNode row : rows) {
            if (row.path("metric").asText().equals("recv_gbps") && row.path("case").asText().equals("tcp_p1")) {
                tcp = true;
                assertThat(row.path("iperf3").path("median").asDouble()).isPositive();
                assertThat(row.path("iperf3j").path("median").asDouble()).isPositive();
                assertThat(row.path("ratio").asDouble()).isPositive();
            }
            if (row.path("metric").asText().equals("cpu_total") && row.path("case").asText().equals("udp_1g")) {
                udp = true;
                assertThat(row.path("iperf3j").path("median").asDouble()).isPositive();
            }
        }
        assertThat(tcp).as("tcp_p1 receiver row").isTrue();
        assertThat(udp).as("udp_1g CPU row").isTrue();
        assertThat(Files.readString(out.resolve("smoke.md"))).contains("| tcp_p1 | receiver Gbit/s |");
    }
}
