package io.iperf3j.export.cli;

import io.iperf3j.export.MetricNaming;
import io.iperf3j.export.MetricsFileFormat;
import io.iperf3j.export.PrometheusEncoder;
import io.iperf3j.export.PushGatewayConfig;
import io.iperf3j.export.RemoteWriteConfig;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The metrics options of one {@code iperf3j} command line, after flags and
 * environment variables were merged and checked (see {@link MetricsOptions}).
 *
 * @param pushUrl {@code --push.url}; empty = no push
 * @param pushJob {@code --push.job}
 * @param pushLabels {@code --push.label}s, environment ones first
 * @param pushTimeout {@code --push.timeout}
 * @param pushRetries {@code --push.retries}
 * @param pushUserAgent {@code --push.user-agent}
 * @param pushInterval {@code --push.interval}; empty = push every interval
 * @param pushDeleteOnExit {@code --push.delete-on-exit}
 * @param metricsFile {@code --metrics.file}; empty = no file
 * @param metricsFormat {@code --metrics.format}
 * @param metricsLabels {@code --metrics.label}s (Prometheus file only)
 * @param metricsPrefix {@code --metrics.prefix}, for push and file
 * @param naming {@code --metrics.names}, for push and Prometheus file
 * @param serverMetricsListen {@code --metrics.listen}: where a server serves its /metrics; empty = nowhere
 * @param clientPrefixes {@code --metrics.client-prefixes}: client prefixes with series of their own
 * @param remoteWrite {@code --remote-write.*}, checked and with its files read; empty = no remote write
 */
public record WrapperOptions(
        Optional<URI> pushUrl,
        String pushJob,
        Map<String, String> pushLabels,
        Duration pushTimeout,
        int pushRetries,
        String pushUserAgent,
        Optional<Duration> pushInterval,
        boolean pushDeleteOnExit,
        Optional<Path> metricsFile,
        MetricsFileFormat metricsFormat,
        Map<String, String> metricsLabels,
        String metricsPrefix,
        MetricNaming naming,
        Optional<InetSocketAddress> serverMetricsListen,
        int clientPrefixes,
        Optional<RemoteWriteConfig> remoteWrite) {

    /** Whether any sink is configured. */
    public boolean enabled() {
        return pushUrl.isPresent() || metricsFile.isPresent() || remoteWrite.isPresent();
    }

    /** The encoder of remote write's series: the push's families under {@code --metrics.prefix} and {@code --metrics.names}. */
    public PrometheusEncoder remoteWriteEncoder() {
        return new PrometheusEncoder(metricsPrefix, Map.of(), naming);
    }

    /** The Pushgateway configuration, if {@code --push.url} is set. */
    public Optional<PushGatewayConfig> pushConfig() {
        return pushUrl.map(url -> {
            PushGatewayConfig.Builder b = PushGatewayConfig.builder(url.toString()).job(pushJob).timeout(pushTimeout)
                    .retries(pushRetries).userAgent(pushUserAgent).metricPrefix(metricsPrefix).naming(naming)
                    .pushInterval(pushInterval.orElse(null)).deleteOnExit(pushDeleteOnExit);
            pushLabels.forEach(b::label);
            return b.build();
        });
    }

    /** The encoder of the Prometheus metrics file. */
    public PrometheusEncoder fileEncoder() {
        return new PrometheusEncoder(metricsPrefix, metricsLabels, naming);
    }
}
