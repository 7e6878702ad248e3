package io.iperf3j.export.server;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A process's own series, for a server's {@code /metrics} and a schedule's ({@code iperf3j session --metrics.listen}) alike:
 * {@code iperf3j_build_info{version,java_version} 1} and the Prometheus Java client's {@link JvmMetrics}
 * ({@code process_start_time_seconds}, {@code process_cpu_seconds_total}, {@code process_resident_memory_bytes},
 * {@code process_open_fds}, {@code jvm_memory_used_bytes}, {@code jvm_threads_current}, GC, class loading, buffer pools,
 * {@code jvm_runtime_info}), so that a restart, a leak or a busy GC shows (issue 66). Each instance registers the JVM's series in
 * a registry of its own (no global registry: one process may serve two endpoints).
 *
 * <p>Threads: {@link #snapshots} from any thread (the scrapes').
 */
public final class ProcessSeries {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final GaugeSnapshot buildInfo;

    /** @param version iperf3j's version ({@code 0.1.0}) */
    public ProcessSeries(String version) {
        JvmMetrics.builder().register(registry);
        buildInfo = GaugeSnapshot.builder().name("iperf3j_build_info")
                .help("iperf3j's version and the Java runtime that runs it; always 1.")
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(Labels.of("java_version", Runtime.version().toString(), "version",
                                Objects.requireNonNull(version, "version")))
                        .value(1).build())
                .build();
    }

    /** The series now: build info first, then the JVM's and the process's. */
    public List<MetricSnapshot> snapshots() {
        List<MetricSnapshot> all = new ArrayList<>();
        all.add(buildInfo);
        registry.scrape().forEach(all::add);
        return all;
    }
}
