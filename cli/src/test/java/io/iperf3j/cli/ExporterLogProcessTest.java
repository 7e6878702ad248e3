package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Process;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code iperf3j exporter} as a process (issue 55): a {@code /probe} whose target carries a line end,
 * a carriage return and a terminal escape writes one line to the exporter's log, with those
 * characters escaped, and no line of its own.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ExporterLogProcessTest {
    @Test
    void aProbeTargetCannotWriteALineIntoTheLog() throws Exception {
        int port = FreePorts.next();
        int closed = FreePorts.next();
        try (Iperf3Process exporter = CommandProcess.start(List.of("exporter", "--web.listen-address=127.0.0.1:" + port,
                "--timeout", "5s"))) {
            assertThat(exporter.awaitListening(port, Duration.ofSeconds(30))).as(exporter.stderr()).isTrue();
            String target = "no-such-host.invalid%0Aiperf3j+exporter+-+probe+of+target+admin+succeeded%0D%1B%5B1A";
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/probe?target=" + target + "&port=" + closed)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
            }
            assertThat(exporter.awaitStderr(" failed: ", Duration.ofSeconds(20))).as(exporter.stderr()).isTrue();
            List<String> lines = exporter.stderr().lines().toList();
            assertThat(lines).as(exporter.stderr()).hasSize(1);
            assertThat(lines.getFirst()).startsWith("iperf3j exporter: probe of target=no-such-host.invalid"
                    + "\\niperf3j exporter - probe of target admin succeeded\\r\\x1b[1A port=" + closed + " failed: ");
            assertThat(exporter.stderr()).doesNotContain("\r", "\u001b");
        }
    }
}
