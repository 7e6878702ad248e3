/**
 * Self-contained HTML reports from iperf3's {@code -J} / {@code --json-stream} files and session
 * directories ({@code io.iperf3j.report}); {@code io.iperf3j.report.internal} is its machinery.
 */
module io.iperf3j.report {
    requires transitive io.iperf3j.core; // ReportOption is an io.iperf3j.options group; IperfJsonReader reads the runs
    requires transitive info.picocli; // the command's CommandSpec (spec()) names picocli's model
    requires java.net.http; // a history from Prometheus's HTTP API (PrometheusReader)
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;

    exports io.iperf3j.report;

    // picocli reads the report command's annotated options reflectively
    opens io.iperf3j.report to info.picocli;
}
