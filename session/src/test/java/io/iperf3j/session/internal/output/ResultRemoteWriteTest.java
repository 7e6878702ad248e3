package io.iperf3j.session.internal.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.export.RemoteWriteClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The series {@link ResultRemoteWrite} makes of a sample of a series of the caller's own (an agent's heartbeat, issue 69):
 * one series a name and label set, named and labelled as given, its samples in the order they came, each at its own time.
 */
class ResultRemoteWriteTest {
    @Test
    void aSampleIsASampleOfItsOwnSeriesAtItsOwnTime() {
        List<RemoteWriteClient.Series> series = ResultRemoteWrite.series(List.of(
                new ResultRemoteWrite.Sample("iperf3j_agent_last_run_timestamp_seconds", Map.of("host", "h1"), 1.79e9, 1_790_000_000_000L),
                new ResultRemoteWrite.Sample("iperf3j_agent_last_run_timestamp_seconds", Map.of("host", "h2"), 1.79e9, 1_790_000_000_004L),
                new ResultRemoteWrite.Sample("iperf3j_agent_last_run_timestamp_seconds", Map.of("host", "h1"), 1.79000001e9, 1_790_000_010_000L)));
        Map<String, String> h1 = new LinkedHashMap<>();
        h1.put(RemoteWriteClient.Series.NAME, "iperf3j_agent_last_run_timestamp_seconds");
        h1.put("host", "h1");
        assertThat(series).hasSize(2);
        assertThat(series.get(0).labels()).isEqualTo(h1);
        assertThat(series.get(0).samples()).containsExactly(new RemoteWriteClient.Sample(1.79e9, 1_790_000_000_000L),
                new RemoteWriteClient.Sample(1.79000001e9, 1_790_000_010_000L));
        assertThat(series.get(1).labels()).containsEntry("host", "h2");
        assertThat(series.get(1).samples()).containsExactly(new RemoteWriteClient.Sample(1.79e9, 1_790_000_000_004L));
    }
}
