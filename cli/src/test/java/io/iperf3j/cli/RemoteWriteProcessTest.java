package io.iperf3j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Process;
import io.iperf3j.testing.Prometheus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code --remote-write.url} as users run it: {@code iperf3j} processes (a server, then clients) and a
 * real Prometheus taking remote write. A client's interval samples are in Prometheus at their
 * intervals' ends, with the values {@code -J} reports, and the client says on stderr how many
 * samples were written; a URL that cannot be valid is a parameter error before any test.
 */
@Tag("tool")
@Timeout(120)
class RemoteWriteProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aClientsIntervalsAreInPrometheusAtTheirEnds(@TempDir Path dir) throws Exception {
        int port = FreePorts.next();
        String p = Integer.toString(port);
        try (Prometheus prom = Prometheus.receiver(dir);
             Iperf3Process server = CommandProcess.start(List.of("-s", "-p", p))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(30))).as("server listens: %s", server).isTrue();

            Iperf3Process client = CommandProcess.start(List.of("-c", "127.0.0.1", "-p", p, "-t", "2", "-i", "1", "-J",
                    "--remote-write.url", prom.writeUrl(), "--remote-write.label", "run=process-test"));
            assertThat(client.waitFor(Duration.ofSeconds(60))).as(client.stderr()).isZero();
            JsonNode run = JSON.readTree(client.stdout());
            long started = run.path("start").path("timestamp").path("timesecs").asLong();
            List<Double> ends = new ArrayList<>();
            List<Long> bytes = new ArrayList<>();
            for (JsonNode interval : run.path("intervals")) {
                ends.add(interval.path("sum").path("end").asDouble());
                bytes.add(interval.path("sum").path("bytes").asLong());
            }
            assertThat(bytes).as(client.stdout()).hasSizeGreaterThanOrEqualTo(2);

            String summary = client.stderr().strip();
            assertThat(summary).as("stderr: one line").doesNotContain("\n")
                    .matches("remote-write " + java.util.regex.Pattern.quote(prom.writeUrl())
                            + ": (\\d+) of \\1 samples written \\(\\d+ requests?\\)");

            double now = System.currentTimeMillis() / 1000.0;
            JsonNode series = prom.queryAt("iperf3_transferred_bytes{run=\"process-test\"}[10m]", now);
            assertThat(series).as(prom.log()).hasSize(1);
            assertThat(series.get(0).path("metric").path("job").asText()).isEqualTo("iperf3");
            JsonNode values = series.get(0).path("values");
            assertThat(values).hasSize(bytes.size());
            for (int i = 0; i < bytes.size(); i++) {
                assertThat(values.get(i).get(1).asLong()).as("interval %d's bytes", i).isEqualTo(bytes.get(i));
                // stamped at the interval's end: the test's start (whole seconds in -J) plus the end
                assertThat(values.get(i).get(0).asDouble()).as("interval %d's time", i)
                        .isCloseTo(started + ends.get(i), within(1.5));
            }
            for (int i = 1; i < bytes.size(); i++) {
                assertThat(values.get(i).get(0).asDouble() - values.get(i - 1).get(0).asDouble())
                        .as("from one interval's end to the next").isCloseTo(ends.get(i) - ends.get(i - 1), within(0.3));
            }
            JsonNode total = prom.queryAt("iperf3_run_transferred_bytes_total{run=\"process-test\"}", now);
            assertThat(total.get(0).path("value").get(1).asLong()).isEqualTo(bytes.stream().mapToLong(Long::longValue).sum());
        }
    }

    @Test
    void aUrlThatCannotBeValidIsRefusedBeforeAnyTest() {
        int port = FreePorts.next(); // nothing listens: a test that started would fail to connect, not this way
        Iperf3Process client = CommandProcess.start(List.of("-c", "127.0.0.1", "-p", Integer.toString(port),
                "--remote-write.url", "ftp://prom.example/api/v1/write"));
        assertThat(client.waitFor(Duration.ofSeconds(30))).isEqualTo(1);
        assertThat(client.stderr()).startsWith("iperf3j: parameter error - remote-write URL must start with http:// or"
                + " https://, not ftp://\n").contains("Usage: iperf3j");
        assertThat(client.stdout()).isEmpty();
    }
}
