package io.iperf3j.export;

import io.iperf3j.IperfCommand;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to push: the Pushgateway endpoint, the grouping key (job and
 * labels), HTTP behaviour and the metric names. Immutable; build with
 * {@link #builder(String)}. Defaults are iperf3-rs's: job {@code iperf3}, timeout
 * 5 s, no retry, prefix {@code iperf3}, push every interval.
 */
public final class PushGatewayConfig {
    /** Default job name. */
    public static final String DEFAULT_JOB = "iperf3";
    /** Default per-request timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Default number of retries after a failed request. */
    public static final int DEFAULT_RETRIES = 0;
    /** The most retries allowed. */
    public static final int MAX_RETRIES = 10;

    private final URI endpoint;
    private final String job;
    private final Map<String, String> orderedLabels;
    private final Duration timeout;
    private final int retries;
    private final String userAgent;
    private final String metricPrefix;
    private final MetricNaming naming;
    private final Duration pushInterval;
    private final boolean deleteOnExit;

    private PushGatewayConfig(Builder b) {
        this.endpoint = b.endpoint;
        this.job = b.job;
        this.orderedLabels = new LinkedHashMap<>(b.labels);
        this.timeout = b.timeout;
        this.retries = b.retries;
        this.userAgent = b.userAgent;
        this.metricPrefix = b.metricPrefix;
        this.naming = b.naming;
        this.pushInterval = b.pushInterval;
        this.deleteOnExit = b.deleteOnExit;
    }

    /**
     * A builder for the given endpoint.
     *
     * @param endpoint {@code http://} or {@code https://} URL, or a bare {@code host:port} (then HTTP);
     *                 a path is kept as a base path in front of {@code /metrics/job/...}
     * @throws IllegalArgumentException if the endpoint is not such a URL
     */
    public static Builder builder(String endpoint) {
        return new Builder(parseEndpoint(endpoint));
    }

    /**
     * Parses an endpoint as {@code --push.url} does.
     *
     * @throws IllegalArgumentException if it is empty, not http/https, or has no host
     */
    public static URI parseEndpoint(String raw) {
        String s = Objects.requireNonNull(raw, "endpoint").trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("Pushgateway endpoint must not be empty");
        }
        if (!s.startsWith("http://") && !s.startsWith("https://")) {
            if (s.contains("://")) {
                throw new IllegalArgumentException("Pushgateway endpoint scheme must be http or https: " + s);
            }
            s = "http://" + s;
        }
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid Pushgateway endpoint URL: " + e.getMessage());
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("Pushgateway endpoint must include a host: " + raw.trim());
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("Pushgateway endpoint must not have a query or fragment: " + raw.trim());
        }
        return uri;
    }

    /** The endpoint as given (after parsing). */
    public URI endpoint() {
        return endpoint;
    }

    /** The grouping key's job. */
    public String job() {
        return job;
    }

    /** The grouping key's labels, in order. */
    public Map<String, String> labels() {
        return java.util.Collections.unmodifiableMap(orderedLabels);
    }

    /** Per-request timeout (connect plus response). */
    public Duration timeout() {
        return timeout;
    }

    /** Retries after the first failed attempt of a request. */
    public int retries() {
        return retries;
    }

    /** The User-Agent header. */
    public String userAgent() {
        return userAgent;
    }

    /** The metric-name prefix. */
    public String metricPrefix() {
        return metricPrefix;
    }

    /** The naming scheme. */
    public MetricNaming naming() {
        return naming;
    }

    /** The window over which samples are aggregated before a push; empty = push every interval. */
    public Optional<Duration> pushInterval() {
        return Optional.ofNullable(pushInterval);
    }

    /** Whether the grouping key is deleted from the gateway when the sink closes. */
    public boolean deleteOnExit() {
        return deleteOnExit;
    }

    /**
     * The grouping-key URL: {@code <endpoint path>/metrics/job/<job>/<name>/<value>...}.
     * Values are percent-encoded (only unreserved characters stay as they are); a
     * value that is empty or contains {@code /} is written in the Pushgateway's
     * base64 form, {@code <name>@base64/<base64url>} ({@code @base64/=} when empty),
     * because a slash cannot be carried in a path segment through every proxy and
     * an empty segment cannot be carried at all.
     */
    public URI groupingUri() {
        StringBuilder path = new StringBuilder();
        String base = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        path.append(base).append("/metrics");
        appendKey(path, "job", job);
        orderedLabels.forEach((k, v) -> appendKey(path, k, v));
        String authority = endpoint.getRawAuthority();
        return URI.create(endpoint.getScheme() + "://" + authority + path);
    }

    private static void appendKey(StringBuilder path, String name, String value) {
        if (value.isEmpty() || value.indexOf('/') >= 0) {
            path.append('/').append(name).append("@base64/");
            path.append(value.isEmpty() ? "=" : Base64.getUrlEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
        } else {
            path.append('/').append(name).append('/').append(percentEncode(value));
        }
    }

    /** Percent-encodes every byte of the UTF-8 form except RFC 3986 unreserved characters. */
    static String percentEncode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** The encoder that renders what this configuration pushes (no sample labels: the grouping key labels the series). */
    public PrometheusEncoder encoder() {
        return new PrometheusEncoder(metricPrefix, Map.of(), naming);
    }

    @Override
    public String toString() {
        return "PushGatewayConfig[" + groupingUri() + ", timeout=" + timeout + ", retries=" + retries
                + ", pushInterval=" + pushInterval + ", deleteOnExit=" + deleteOnExit + "]";
    }

    /** Builds a {@link PushGatewayConfig}; every setter validates its value at once. */
    public static final class Builder {
        private final URI endpoint;
        private String job = DEFAULT_JOB;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private Duration timeout = DEFAULT_TIMEOUT;
        private int retries = DEFAULT_RETRIES;
        private String userAgent = defaultUserAgent();
        private String metricPrefix = Names.DEFAULT_PREFIX;
        private MetricNaming naming = MetricNaming.PROMETHEUS;
        private Duration pushInterval;
        private boolean deleteOnExit;

        private Builder(URI endpoint) {
            this.endpoint = endpoint;
        }

        /** The job; must not be empty. */
        public Builder job(String job) {
            if (job == null || job.isEmpty()) {
                throw new IllegalArgumentException("Pushgateway job name must not be empty");
            }
            this.job = job;
            return this;
        }

        /**
         * Adds a grouping label; the name must be valid, not {@code job} and not
         * repeated. An empty value is allowed here (it is sent as {@code @base64/=});
         * the command line rejects it, as iperf3-rs does.
         */
        public Builder label(String name, String value) {
            if (!Names.isValidName(name)) {
                throw new IllegalArgumentException("invalid Pushgateway label name '" + name + "'");
            }
            if (name.equals("job")) {
                throw new IllegalArgumentException("Pushgateway label name 'job' is reserved");
            }
            Objects.requireNonNull(value, "value");
            if (labels.containsKey(name)) {
                throw new IllegalArgumentException("duplicate Pushgateway label name '" + name + "'");
            }
            labels.put(name, value);
            return this;
        }

        /** Per-request timeout; positive. */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("Pushgateway timeout must be greater than zero");
            }
            this.timeout = timeout;
            return this;
        }

        /** Retries after a failed attempt, 0 to {@value #MAX_RETRIES}. */
        public Builder retries(int retries) {
            if (retries < 0 || retries > MAX_RETRIES) {
                throw new IllegalArgumentException("Pushgateway retries must be between 0 and " + MAX_RETRIES);
            }
            this.retries = retries;
            return this;
        }

        /** The User-Agent; non-empty, no control characters. */
        public Builder userAgent(String userAgent) {
            if (userAgent == null || userAgent.isEmpty()) {
                throw new IllegalArgumentException("Pushgateway User-Agent must not be empty");
            }
            if (userAgent.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("Pushgateway User-Agent must not contain control characters");
            }
            this.userAgent = userAgent;
            return this;
        }

        /** The metric prefix. */
        public Builder metricPrefix(String prefix) {
            this.metricPrefix = Names.requirePrefix(prefix);
            return this;
        }

        /** The naming scheme. */
        public Builder naming(MetricNaming naming) {
            this.naming = Objects.requireNonNull(naming, "naming");
            return this;
        }

        /** Aggregate samples over windows of this length and push {@code _window_*} families; null = every interval. */
        public Builder pushInterval(Duration window) {
            if (window != null && (window.isZero() || window.isNegative())) {
                throw new IllegalArgumentException("push interval must be greater than zero");
            }
            this.pushInterval = window;
            return this;
        }

        /** DELETE the grouping key when the sink closes. */
        public Builder deleteOnExit(boolean delete) {
            this.deleteOnExit = delete;
            return this;
        }

        /** The configuration. */
        public PushGatewayConfig build() {
            return new PushGatewayConfig(this);
        }
    }

    /** {@code iperf3j/<version>}. */
    public static String defaultUserAgent() {
        String v = PushGatewayConfig.class.getPackage().getImplementationVersion();
        return "iperf3j/" + (v != null ? v : IperfCommand.version());
    }
}
