package io.iperf3j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class GaugesTest {

    private static MetricEvent.Gauges gauges(String source, String instance, Map<String, Double> values) {
        return new MetricEvent.Gauges(source, instance, 1, values);
    }

    @Test
    void keepsAnUnmodifiableCopyInTheGivenOrder() {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("rtt_p99_seconds", 2e-4);
        values.put("rtt_p50_seconds", 1e-4);
        values.put("pending_acks", 0.0);
        MetricEvent.Gauges g = gauges("latency", "10.232.0.2:5301", values);
        values.put("in_bytes", 5.0);
        values.put("rtt_p50_seconds", 9.0);
        assertThat(g.values()).containsExactly(Map.entry("rtt_p99_seconds", 2e-4), Map.entry("rtt_p50_seconds", 1e-4),
                Map.entry("pending_acks", 0.0));
        assertThatThrownBy(() -> g.values().put("x", 1.0)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(g).isEqualTo(gauges("latency", "10.232.0.2:5301", Map.of("rtt_p99_seconds", 2e-4,
                "rtt_p50_seconds", 1e-4, "pending_acks", 0.0)));
        // NaN (not known yet) is a value like any other here; exporters leave it out.
        assertThat(gauges("link_client", "a", Map.of("latency_seconds", Double.NaN)).values()).containsKey("latency_seconds");
    }

    @Test
    void refusesNamesPrometheusCannotCarry() {
        Map<String, Double> one = Map.of("pending_acks", 1.0);
        assertThatThrownBy(() -> gauges("link.client", "a", one)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source must match").hasMessageContaining("'link.client'");
        assertThatThrownBy(() -> gauges("Link", "a", one)).hasMessageContaining("source must match");
        assertThatThrownBy(() -> gauges("_x", "a", one)).hasMessageContaining("source must match");
        assertThatThrownBy(() -> gauges("x".repeat(65), "a", one)).hasMessageContaining("at most 64");
        assertThatThrownBy(() -> gauges("link", "a", Map.of("rtt-p50", 1.0))).hasMessageContaining("key must match");
        assertThatThrownBy(() -> gauges("link", "a", Map.of("9lives", 1.0))).hasMessageContaining("key must match");
        for (String reserved : new String[] {"resends_total", "keepalive_count", "rtt_sum", "rtt_bucket", "x_created", "build_info"}) {
            assertThatThrownBy(() -> gauges("link", "a", Map.of(reserved, 1.0))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + reserved + "'").hasMessageContaining("reserves");
        }
    }

    @Test
    void refusesBadInstancesAndValueCounts() {
        Map<String, Double> one = Map.of("pending_acks", 1.0);
        assertThatThrownBy(() -> gauges("link", "", one)).hasMessageContaining("instance must be 1..256");
        assertThatThrownBy(() -> gauges("link", "x".repeat(257), one)).hasMessageContaining("instance must be 1..256");
        assertThatThrownBy(() -> gauges("link", "a\nb", one)).hasMessageContaining("control character at 1");
        assertThatThrownBy(() -> gauges("link", "a", Map.of())).hasMessageContaining("1..256 figures: 0");
        Map<String, Double> many = new HashMap<>();
        for (int i = 0; i < 257; i++) {
            many.put("v" + i, (double) i);
        }
        assertThatThrownBy(() -> gauges("link", "a", many)).hasMessageContaining("figures: 257");
        Map<String, Double> withNull = new HashMap<>();
        withNull.put("pending_acks", null);
        assertThatThrownBy(() -> gauges("link", "a", withNull)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("pending_acks");
        assertThatThrownBy(() -> gauges(null, "a", one)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> gauges("link", null, one)).isInstanceOf(NullPointerException.class);
    }
}
