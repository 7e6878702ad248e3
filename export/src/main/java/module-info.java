/**
 * Live metrics out of iperf3j: Prometheus text, Pushgateway push, remote write, metrics files
 * ({@code io.iperf3j.export}) and the iperf3_exporter-style scrape endpoint
 * ({@code io.iperf3j.export.exporter}). {@code io.iperf3j.export.server} is a running server's own
 * {@code /metrics} ({@code --metrics.listen}), for the {@code iperf3j} command and {@code iperf3j session}
 * (whose {@code --metrics.listen} serves its schedule's results through the same endpoint). {@code io.iperf3j.export.cli} is the {@code iperf3j}
 * command's {@code --push.*}/{@code --remote-write.*}/{@code --metrics.*} options, for that command only (and for
 * {@code iperf3j session}, which takes two of its rows: {@code --push.url}, {@code --push.job}).
 *
 * <p>Prometheus' jars are automatic modules (named in their manifests);
 * {@code requires transitive} because {@code PrometheusEncoder} returns their
 * {@code MetricSnapshots}. {@code module} warnings: {@code io.iperf3j.cli} and {@code io.iperf3j.session} are
 * built after this module (see core's descriptor).
 */
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module io.iperf3j.export {
    requires transitive io.iperf3j.core;
    requires transitive info.picocli; // the command's CommandSpec (spec()) names picocli's model
    requires com.fasterxml.jackson.core;
    requires transitive io.prometheus.metrics.model;
    requires io.prometheus.writer.text;
    requires io.prometheus.metrics.config;
    // a server's /metrics: jvm_* and process_* (JvmMetrics registers into a registry of its own)
    requires io.prometheus.metrics.instrumentation.jvm;
    requires java.net.http;
    requires jdk.httpserver;
    // remote write: the generated prompb classes (io.iperf3j.export.internal.prompb, not exported)
    // and snappy. Both are automatic modules: protobuf-java names itself in its manifest; aircompressor-v3
    // does not, so its name is the jar's (aircompressor-v3-N.jar).
    requires com.google.protobuf;
    requires aircompressor.v3;

    exports io.iperf3j.export;
    exports io.iperf3j.export.exporter;
    exports io.iperf3j.export.cli to io.iperf3j.cli, io.iperf3j.session;
    exports io.iperf3j.export.server to io.iperf3j.cli, io.iperf3j.session;

    // picocli reads the exporter command's annotated options reflectively
    opens io.iperf3j.export.exporter to info.picocli;
    // protobuf's descriptor-driven paths (toString, TextFormat) reflect on the generated classes
    opens io.iperf3j.export.internal.prompb to com.google.protobuf;
}
