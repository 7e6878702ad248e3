package io.iperf3j.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.iperf3j.testing.Prometheus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RemoteWriteClient} against a real Prometheus (Debian's 2.42, its remote-write receiver):
 * samples a few minutes old are read back with PromQL at their own times, and what Prometheus
 * refuses comes back as {@link RemoteWriteClient.Outcome.Refused} in its own words; a stopped
 * Prometheus is {@link RemoteWriteClient.Outcome.Retry}. One Prometheus for the whole sequence
 * (starting one takes about a second).
 */
@Tag("tool")
@Timeout(120)
class RemoteWritePrometheusTest {
    @Test
    void writtenSamplesAreReadBackAndRefusalsAreInPrometheussWords(@TempDir Path dir) throws Exception {
        Prometheus prom = Prometheus.receiver(dir);
        String url;
        try (prom) {
            url = prom.writeUrl();
            RemoteWriteClient client = new RemoteWriteClient(RemoteWriteConfig.builder(url).label("job", "iperf3")
                    .label("site", "lab").build());
            long now = System.currentTimeMillis() / 1000 * 1000;
            long t1 = now - 300_000;
            long t2 = now - 240_000;
            long t3 = now - 180_000;
            RemoteWriteClient.Series bandwidth = new RemoteWriteClient.Series(
                    Map.of("__name__", "iperf3_bandwidth_bytes_per_second", "case", "readback"),
                    List.of(new RemoteWriteClient.Sample(1.25e9, t1), new RemoteWriteClient.Sample(1.5e9, t2),
                            new RemoteWriteClient.Sample(0.75e9, t3)));
            RemoteWriteClient.Series rtt = RemoteWriteClient.Series.of(
                    Map.of("__name__", "iperf3_tcp_rtt_seconds", "case", "readback", "site", "own"), 0.000042, t2);
            assertThat(client.write(List.of(bandwidth, rtt))).as(prom.log()).isEqualTo(new RemoteWriteClient.Outcome.Written(204));

            JsonNode raw = prom.queryAt("iperf3_bandwidth_bytes_per_second{case=\"readback\"}[10m]", now / 1000.0);
            assertThat(raw).hasSize(1);
            assertThat(raw.get(0).path("metric").toString()).isEqualTo(
                    "{\"__name__\":\"iperf3_bandwidth_bytes_per_second\",\"case\":\"readback\",\"job\":\"iperf3\",\"site\":\"lab\"}");
            assertThat(pairs(raw.get(0).path("values"))).containsExactly(
                    t1 / 1000.0 + "=1250000000", t2 / 1000.0 + "=1500000000", t3 / 1000.0 + "=750000000");
            JsonNode atT2 = prom.queryAt("iperf3_tcp_rtt_seconds", t2 / 1000.0);
            assertThat(atT2.get(0).path("metric").path("site").asText()).as("a series' own label wins").isEqualTo("own");
            assertThat(Double.parseDouble(atT2.get(0).path("value").get(1).asText())).isEqualTo(0.000042);

            // Older than the newest sample of its series: Prometheus refuses the request, in its words.
            RemoteWriteClient.Outcome outOfOrder = client.write(List.of(RemoteWriteClient.Series.of(
                    Map.of("__name__", "iperf3_bandwidth_bytes_per_second", "case", "readback"), 1, t1 + 30_000)));
            assertThat(outOfOrder).isInstanceOf(RemoteWriteClient.Outcome.Refused.class);
            assertThat(((RemoteWriteClient.Outcome.Refused) outOfOrder).status()).isEqualTo(400);
            assertThat(((RemoteWriteClient.Outcome.Refused) outOfOrder).reason()).contains("out of order sample");

            // Older than the head block takes (more than an hour before its newest sample).
            RemoteWriteClient.Outcome tooOld = client.write(List.of(RemoteWriteClient.Series.of(
                    Map.of("__name__", "iperf3_transferred_bytes", "case", "too-old"), 1, now - 3 * 3_600_000L)));
            assertThat(tooOld).isInstanceOf(RemoteWriteClient.Outcome.Refused.class);
            assertThat(((RemoteWriteClient.Outcome.Refused) tooOld).status()).isEqualTo(400);
            assertThat(((RemoteWriteClient.Outcome.Refused) tooOld).reason()).contains("out of bounds");
            assertThat(prom.queryAt("iperf3_transferred_bytes{case=\"too-old\"}[4h]", now / 1000.0)).isEmpty();

            RemoteWriteClient wrongPath = new RemoteWriteClient(RemoteWriteConfig.builder(prom.url() + "/api/v1/writ").build());
            assertThat(wrongPath.write(List.of(rtt))).isEqualTo(new RemoteWriteClient.Outcome.Refused(404, "404 page not found"));
        }
        // stopped: nothing listens on its port any more
        RemoteWriteClient client = new RemoteWriteClient(RemoteWriteConfig.builder(url).build());
        assertThat(client.write(List.of(RemoteWriteClient.Series.of(Map.of("__name__", "up"), 1, System.currentTimeMillis()))))
                .isEqualTo(new RemoteWriteClient.Outcome.Retry("connection refused", Optional.empty()));
    }

    /** [[seconds, "value"], ...] as "seconds=value". */
    static List<String> pairs(JsonNode values) {
        List<String> out = new ArrayList<>();
        values.forEach(v -> out.add(v.get(0).asDouble() + "=" + v.get(1).asText()));
        return out;
    }
}
