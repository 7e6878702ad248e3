package io.iperf3j.export;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link PrometheusEncoder}'s snapshots as remote-write series of one sample each, all at one time:
 * so remote write carries the families the Pushgateway push and the Prometheus file carry, under
 * the same names and labels (the encoder owns them). A counter's
 * series is named as the text exposition names it, with {@code _total}. Stateless.
 *
 * <p>Limits: gauges and counters only, the two kinds the encoder makes; any other kind is an
 * {@link IllegalArgumentException}.
 */
final class SnapshotSeries {
    private SnapshotSeries() {
    }

    /** One series per data point of every family, each with one sample at {@code timestampMillis}. */
    static List<RemoteWriteClient.Series> of(MetricSnapshots snapshots, long timestampMillis) {
        List<RemoteWriteClient.Series> out = new ArrayList<>();
        for (MetricSnapshot family : snapshots) {
            String name = switch (family) {
                case GaugeSnapshot g -> g.getMetadata().getPrometheusName();
                case CounterSnapshot c -> c.getMetadata().getPrometheusName() + "_total";
                default -> throw new IllegalArgumentException("remote write sends gauges and counters, not "
                        + family.getClass().getSimpleName());
            };
            for (DataPointSnapshot point : family.getDataPoints()) {
                double value = switch (point) {
                    case GaugeSnapshot.GaugeDataPointSnapshot g -> g.getValue();
                    case CounterSnapshot.CounterDataPointSnapshot c -> c.getValue();
                    default -> throw new IllegalArgumentException("unexpected data point " + point.getClass().getSimpleName());
                };
                Map<String, String> labels = new LinkedHashMap<>();
                labels.put(RemoteWriteClient.Series.NAME, name);
                for (Label l : point.getLabels()) {
                    if (!l.getValue().isEmpty()) { // an empty value is no label, in Prometheus as here
                        labels.put(l.getName(), l.getValue());
                    }
                }
                out.add(RemoteWriteClient.Series.of(labels, value, timestampMillis));
            }
        }
        return out;
    }
}
