package io.iperf3j.link;

import io.iperf3j.IperfCommand;
import io.iperf3j.IperfResult;
import io.iperf3j.MetricEvent;
import io.iperf3j.MetricsMode;
import io.iperf3j.RunningIperf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Latency under load through the library: {@link IperfCommand#latency} with this module's
 * {@link LinkRttProbe} against a library server answering with {@link LinkRttResponder}, on
 * loopback. The result has the {@code latency} objects the command line prints with {@code -J}, and
 * the metrics stream carries each interval's round trips and the verdict as gauge sets.
 */
@Timeout(60)
class LibraryLatencyTest {
    @Test
    void aLibraryRunMeasuresLatencyAndStreamsItsGauges() throws Exception {
        RunningIperf server = IperfCommand.server().port(0).longLived().rttResponder(new LinkRttResponder()).spawn();
        try {
            int port = server.localPort().orElseThrow(() -> new AssertionError("server did not listen"));
            RunningIperf client = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(2))
                    .latency(Duration.ofMillis(10), LinkRttProbe::start).spawn(MetricsMode.interval());
            List<MetricEvent.Gauges> perInterval = new ArrayList<>();
            List<MetricEvent.Gauges> verdicts = new ArrayList<>();
            int samples = 0;
            for (MetricEvent e : client.metrics()) {
                switch (e) {
                    case MetricEvent.Interval i -> samples++;
                    case MetricEvent.Window w -> throw new AssertionError("no windows asked for: " + w);
                    case MetricEvent.Gauges g when g.source().equals("latency") -> perInterval.add(g);
                    case MetricEvent.Gauges g when g.source().equals("latency_verdict") -> verdicts.add(g);
                    case MetricEvent.Gauges g -> throw new AssertionError("unexpected source " + g.source());
                }
            }
            IperfResult r = client.await();
            assertThat(r.succeeded()).as(r.jsonText()).isTrue();
            @SuppressWarnings("unchecked")
            Map<String, Object> latency = (Map<String, Object>) ((Map<String, Object>) r.json().get("end")).get("latency");
            assertThat(latency).as("end.latency in %s", r.jsonText()).isNotNull();
            @SuppressWarnings("unchecked")
            Map<String, Object> loaded = (Map<String, Object>) latency.get("loaded");
            assertThat(((Number) loaded.get("count")).longValue()).as("probes answered under load").isPositive();

            assertThat(samples).as("throughput samples").isPositive();
            assertThat(perInterval).as("one latency set per reported interval").hasSize(samples);
            long answered = 0;
            for (MetricEvent.Gauges g : perInterval) {
                assertThat(g.instance()).isEqualTo("127.0.0.1:" + port);
                answered += g.values().get("probes_answered").longValue();
            }
            assertThat(answered).as("the intervals' probes add up to the loaded phase's")
                    .isCloseTo(((Number) loaded.get("count")).longValue(), org.assertj.core.data.Offset.offset(2L));
            assertThat(verdicts).hasSize(1);
            Map<String, Double> v = verdicts.getFirst().values();
            assertThat(v.get("loaded_rtt_p50_seconds") * 1e6)
                    .isCloseTo(((Number) loaded.get("p50_us")).doubleValue(), org.assertj.core.data.Offset.offset(1e-3));
            assertThat(v.get("added_p50_seconds")).isCloseTo(v.get("loaded_rtt_p50_seconds") - v.get("idle_rtt_p50_seconds"),
                    org.assertj.core.data.Offset.offset(1e-12));
        } finally {
            server.cancel();
        }
    }

    @Test
    void aProbeIntervalOutsideOneToAThousandMillisecondsIsRefused() {
        assertThatThrownBy(() -> IperfCommand.client("127.0.0.1").latency(Duration.ZERO, LinkRttProbe::start))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IperfCommand.client("127.0.0.1").latency(Duration.ofMillis(1500), LinkRttProbe::start))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IperfCommand.client("127.0.0.1").latency(Duration.ofNanos(1_500_000), LinkRttProbe::start))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
