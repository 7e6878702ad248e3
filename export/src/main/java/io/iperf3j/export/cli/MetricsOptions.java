package io.iperf3j.export.cli;

import io.iperf3j.export.Durations;
import io.iperf3j.export.MetricNaming;
import io.iperf3j.export.MetricsFileFormat;
import io.iperf3j.export.Names;
import io.iperf3j.export.PushGatewayConfig;
import io.iperf3j.export.RemoteWriteConfig;
import io.iperf3j.export.exporter.ExporterCommand;
import io.iperf3j.export.server.ServerMetrics;
import io.iperf3j.options.OptionError;
import io.iperf3j.options.OptionGroup;
import io.iperf3j.options.OptionRow;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads iperf3-rs's {@code --push.*} and {@code --metrics.*} options (and iperf3j's
 * {@code --remote-write.*} and {@code --metrics.names}), rows of the {@code iperf3j} option table
 * ({@link MetricsOption}), merges them with their {@code IPERF3_PUSH_*} / {@code IPERF3_REMOTE_WRITE_*} /
 * {@code IPERF3_METRICS_*} environment variables (the flag wins; environment labels come before flag
 * labels) and checks them as iperf3-rs does, once the line is read ({@link #finish()}: the environment's
 * errors, then the flags' in their order, then the combinations). Remote write's configuration is built
 * there too, its password, token and CA files read, so a bad one is a parameter error before any test.
 *
 * <p>Forms: getopt's, as every row of the table ({@code --opt VALUE}, {@code --opt=VALUE});
 * {@code --push.delete-on-exit} alone means true, {@code =VALUE} takes a boolean. DURATION is
 * a positive integer with {@code ms}, {@code s}, {@code m} or no suffix (seconds). BOOL is
 * {@code 1/0, true/false, yes/no, on/off}, any case.
 */
public final class MetricsOptions implements OptionGroup {
    /** Environment variable names. */
    public static final String ENV_PUSH_URL = "IPERF3_PUSH_URL", ENV_PUSH_JOB = "IPERF3_PUSH_JOB",
            ENV_PUSH_LABELS = "IPERF3_PUSH_LABELS", ENV_PUSH_TIMEOUT = "IPERF3_PUSH_TIMEOUT",
            ENV_PUSH_RETRIES = "IPERF3_PUSH_RETRIES", ENV_PUSH_USER_AGENT = "IPERF3_PUSH_USER_AGENT",
            ENV_PUSH_INTERVAL = "IPERF3_PUSH_INTERVAL", ENV_PUSH_DELETE_ON_EXIT = "IPERF3_PUSH_DELETE_ON_EXIT",
            ENV_METRICS_FILE = "IPERF3_METRICS_FILE", ENV_METRICS_FORMAT = "IPERF3_METRICS_FORMAT",
            ENV_METRICS_LABELS = "IPERF3_METRICS_LABELS", ENV_METRICS_PREFIX = "IPERF3_METRICS_PREFIX",
            ENV_METRICS_NAMES = "IPERF3_METRICS_NAMES";
    /**
     * Remote write's environment variables: the settings that are not secrets and have a push
     * counterpart with a variable (the URL, labels, the timeout). Credentials, the tenant, headers
     * and the CA file are flags only.
     */
    public static final String ENV_REMOTE_WRITE_URL = "IPERF3_REMOTE_WRITE_URL",
            ENV_REMOTE_WRITE_LABELS = "IPERF3_REMOTE_WRITE_LABELS", ENV_REMOTE_WRITE_TIMEOUT = "IPERF3_REMOTE_WRITE_TIMEOUT";

    private static final List<MetricsOption> ROWS = List.of(MetricsOption.values());
    /** The most client prefixes with series of their own: (N + 1) x 11 client series at most. */
    static final int MAX_CLIENT_PREFIXES = 4096;

    private final Function<String, String> env;
    /** The options given, in order: the row and its value (null for a bare {@code --push.delete-on-exit}). */
    private final List<Map.Entry<MetricsOption, String>> given = new ArrayList<>();
    private WrapperOptions options;

    /**
     * One command line's metrics options.
     *
     * @param env environment lookup, e.g. {@code System::getenv}
     */
    public MetricsOptions(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public List<MetricsOption> rows() {
        return ROWS;
    }

    @Override
    public void apply(OptionRow row, String value) {
        given.add(new java.util.AbstractMap.SimpleImmutableEntry<>((MetricsOption) row, value));
    }

    @Override
    public void finish() {
        options = resolve(given, env);
    }

    /** The merged options: the defaults (and the environment's) until {@link #finish()} has run. */
    public WrapperOptions options() {
        if (options == null) {
            options = resolve(List.of(), env);
        }
        return options;
    }

    /** Defaults: nothing enabled. */
    public static WrapperOptions defaults() {
        return new WrapperOptions(Optional.empty(), PushGatewayConfig.DEFAULT_JOB, Map.of(),
                PushGatewayConfig.DEFAULT_TIMEOUT, PushGatewayConfig.DEFAULT_RETRIES, PushGatewayConfig.defaultUserAgent(),
                Optional.empty(), false, Optional.empty(), MetricsFileFormat.JSONL, Map.of(), Names.DEFAULT_PREFIX,
                MetricNaming.PROMETHEUS, Optional.empty(), ServerMetrics.DEFAULT_CLIENT_PREFIXES, Optional.empty());
    }

    /** The options given, merged with the environment and checked. */
    private static WrapperOptions resolve(List<Map.Entry<MetricsOption, String>> given, Function<String, String> env) {
        String pushUrl = env.apply(ENV_PUSH_URL);
        String pushJob = Optional.ofNullable(env.apply(ENV_PUSH_JOB)).orElse(PushGatewayConfig.DEFAULT_JOB);
        List<String[]> pushLabels = envLabels(ENV_PUSH_LABELS, env.apply(ENV_PUSH_LABELS), true);
        Duration pushTimeout = envOr(env, ENV_PUSH_TIMEOUT, v -> duration(ENV_PUSH_TIMEOUT, v), PushGatewayConfig.DEFAULT_TIMEOUT);
        int pushRetries = envOr(env, ENV_PUSH_RETRIES, v -> retries(ENV_PUSH_RETRIES, v), PushGatewayConfig.DEFAULT_RETRIES);
        String userAgent = envOr(env, ENV_PUSH_USER_AGENT, v -> userAgent(ENV_PUSH_USER_AGENT, v),
                PushGatewayConfig.defaultUserAgent());
        String prefix = envOr(env, ENV_METRICS_PREFIX, v -> prefix(ENV_METRICS_PREFIX, v), Names.DEFAULT_PREFIX);
        Duration pushInterval = envOr(env, ENV_PUSH_INTERVAL, v -> duration(ENV_PUSH_INTERVAL, v), null);
        boolean deleteOnExit = envOr(env, ENV_PUSH_DELETE_ON_EXIT, v -> bool(ENV_PUSH_DELETE_ON_EXIT, v), false);
        String metricsFile = env.apply(ENV_METRICS_FILE);
        String rawFormat = env.apply(ENV_METRICS_FORMAT);
        MetricsFileFormat format = rawFormat == null ? MetricsFileFormat.JSONL : format(ENV_METRICS_FORMAT, rawFormat);
        List<String[]> metricsLabels = envLabels(ENV_METRICS_LABELS, env.apply(ENV_METRICS_LABELS), false);
        String rawNames = env.apply(ENV_METRICS_NAMES);
        MetricNaming naming = rawNames == null ? MetricNaming.PROMETHEUS : naming(ENV_METRICS_NAMES, rawNames);
        RemoteWriteSettings rw = new RemoteWriteSettings();
        rw.url = env.apply(ENV_REMOTE_WRITE_URL);
        rw.labels.addAll(envLabels(ENV_REMOTE_WRITE_LABELS, env.apply(ENV_REMOTE_WRITE_LABELS), false));
        rw.timeout = envOr(env, ENV_REMOTE_WRITE_TIMEOUT, v -> duration(ENV_REMOTE_WRITE_TIMEOUT, v),
                RemoteWriteConfig.DEFAULT_TIMEOUT);
        rw.sawSetting = env.apply(ENV_REMOTE_WRITE_TIMEOUT) != null;

        boolean sawJob = false;
        boolean sawPushLabel = !pushLabels.isEmpty();
        boolean sawPushSetting = false;
        boolean sawMetricsSetting = rawFormat != null;
        boolean sawMetricsLabel = !metricsLabels.isEmpty();
        boolean sawPrefix = false;
        InetSocketAddress serverListen = null;
        int clientPrefixes = ServerMetrics.DEFAULT_CLIENT_PREFIXES;
        boolean sawClientPrefixes = false;

        for (Map.Entry<MetricsOption, String> g : given) {
            String key = g.getKey().flag();
            String value = g.getValue();
            if (g.getKey() == MetricsOption.PUSH_DELETE_ON_EXIT) {
                deleteOnExit = value == null || bool(key, value);
                sawPushSetting = true;
                continue;
            }
            switch (key) {
                case "--push.url" -> pushUrl = value;
                case "--push.job" -> {
                    pushJob = value;
                    sawJob = true;
                }
                case "--push.label" -> {
                    pushLabels.add(label(key, value, true));
                    sawPushLabel = true;
                }
                case "--push.timeout" -> {
                    pushTimeout = duration(key, value);
                    sawPushSetting = true;
                }
                case "--push.retries" -> {
                    pushRetries = retries(key, value);
                    sawPushSetting = true;
                }
                case "--push.user-agent" -> {
                    userAgent = userAgent(key, value);
                    sawPushSetting = true;
                }
                case "--push.interval" -> {
                    pushInterval = duration(key, value);
                    sawPushSetting = true;
                }
                case "--metrics.file" -> metricsFile = value;
                case "--metrics.format" -> {
                    format = format(key, value);
                    sawMetricsSetting = true;
                }
                case "--metrics.label" -> {
                    metricsLabels.add(label(key, value, false));
                    sawMetricsLabel = true;
                }
                case "--metrics.prefix" -> {
                    prefix = prefix(key, value);
                    sawPrefix = true;
                }
                case "--metrics.names" -> {
                    naming = naming(key, value);
                    sawPrefix = true;
                }
                case "--remote-write.url" -> rw.url = value;
                case "--remote-write.label" -> {
                    rw.labels.add(label(key, value, false));
                    rw.sawLabel = true;
                }
                case "--remote-write.timeout" -> {
                    rw.timeout = duration(key, value);
                    rw.sawSetting = true;
                }
                case "--remote-write.username" -> rw.username = nonEmpty(key, value);
                case "--remote-write.password-file" -> rw.passwordFile = nonEmpty(key, value);
                case "--remote-write.bearer-token-file" -> rw.tokenFile = nonEmpty(key, value);
                case "--remote-write.tenant" -> rw.tenant = nonEmpty(key, value);
                case "--remote-write.header" -> rw.headers.add(header(key, value));
                case "--remote-write.ca-file" -> rw.caFile = nonEmpty(key, value);
                case "--metrics.listen" -> serverListen = listen(key, value);
                case "--metrics.client-prefixes" -> {
                    clientPrefixes = clientPrefixes(key, value);
                    sawClientPrefixes = true;
                }
                default -> throw new IllegalStateException(key);
            }
        }

        Optional<URI> url = Optional.empty();
        if (pushUrl != null) {
            try {
                url = Optional.of(PushGatewayConfig.parseEndpoint(pushUrl));
            } catch (IllegalArgumentException e) {
                throw new OptionError("invalid --push.url URL: " + e.getMessage());
            }
        }
        if (url.isEmpty() && sawJob) {
            throw new OptionError("--push.job requires --push.url or IPERF3_PUSH_URL");
        }
        if (url.isEmpty() && sawPushLabel) {
            throw new OptionError("--push.label requires --push.url or IPERF3_PUSH_URL");
        }
        if (url.isEmpty() && sawPushSetting) {
            throw new OptionError("push settings require --push.url or IPERF3_PUSH_URL");
        }
        if (metricsFile == null && sawMetricsSetting) {
            throw new OptionError("metrics settings require --metrics.file or IPERF3_METRICS_FILE");
        }
        if (metricsFile == null && sawMetricsLabel) {
            throw new OptionError("--metrics.label requires --metrics.file or IPERF3_METRICS_FILE");
        }
        if (sawMetricsLabel && format != MetricsFileFormat.PROMETHEUS) {
            throw new OptionError("--metrics.label requires --metrics.format prometheus");
        }
        Optional<RemoteWriteConfig> remoteWrite = rw.config();
        if (url.isEmpty() && remoteWrite.isEmpty() && metricsFile == null && sawPrefix) {
            throw new OptionError(
                    "metric prefix requires --metrics.file, IPERF3_METRICS_FILE, --push.url, or IPERF3_PUSH_URL");
        }
        if (serverListen == null && sawClientPrefixes) {
            throw new OptionError("--metrics.client-prefixes requires --metrics.listen");
        }
        if (url.isPresent() && pushJob.isEmpty()) {
            throw new OptionError("--push.job must not be empty when --push.url is set");
        }
        if (metricsFile != null && metricsFile.isEmpty()) {
            throw new OptionError("--metrics.file must not be empty");
        }
        return new WrapperOptions(url, pushJob, labelMap("--push.label", pushLabels), pushTimeout,
                pushRetries, userAgent, Optional.ofNullable(pushInterval), deleteOnExit,
                Optional.ofNullable(metricsFile).map(Path::of), format, labelMap("--metrics.label", metricsLabels),
                prefix, naming, Optional.ofNullable(serverListen), clientPrefixes, remoteWrite);
    }

    /** The {@code --remote-write.*} values of one line (after the environment's), until they are checked. */
    private static final class RemoteWriteSettings {
        String url;
        final List<String[]> labels = new ArrayList<>();
        Duration timeout;
        String username;
        String passwordFile;
        String tokenFile;
        String tenant;
        final List<String[]> headers = new ArrayList<>();
        String caFile;
        boolean sawLabel;
        boolean sawSetting;

        /**
         * The configuration (the password, token and CA files read now, so a bad one stops the run before
         * it starts), or empty without a URL.
         */
        Optional<RemoteWriteConfig> config() throws OptionError {
            String requires = " requires --remote-write.url or " + ENV_REMOTE_WRITE_URL;
            if (url == null) {
                if (sawLabel) {
                    throw new OptionError("--remote-write.label" + requires);
                }
                if (sawSetting || username != null || passwordFile != null || tokenFile != null || tenant != null
                        || !headers.isEmpty() || caFile != null) {
                    throw new OptionError("remote-write settings require --remote-write.url or " + ENV_REMOTE_WRITE_URL);
                }
                return Optional.empty();
            }
            if (url.contains("@") && url.matches("(?s)[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*@.*")) {
                // never repeated: it holds a password
                throw new OptionError("--remote-write.url must not hold a user name or password (a command line shows in"
                        + " process lists): use --remote-write.username and --remote-write.password-file");
            }
            if (username != null && passwordFile == null) {
                throw new OptionError("--remote-write.username requires --remote-write.password-file");
            }
            if (passwordFile != null && username == null) {
                throw new OptionError("--remote-write.password-file requires --remote-write.username");
            }
            if (username != null && tokenFile != null) {
                throw new OptionError("--remote-write.username and --remote-write.bearer-token-file exclude each other");
            }
            try {
                RemoteWriteConfig.Builder b = RemoteWriteConfig.builder(url).timeout(timeout);
                boolean job = false;
                for (String[] kv : labels) {
                    job |= kv[0].equals("job");
                }
                if (!job) {
                    b.label("job", PushGatewayConfig.DEFAULT_JOB); // as the push's default grouping key
                }
                for (String[] kv : labels) {
                    b.label(kv[0], kv[1]);
                }
                if (username != null) {
                    b.basicAuth(username, Path.of(passwordFile));
                }
                if (tokenFile != null) {
                    b.bearerTokenFile(Path.of(tokenFile));
                }
                if (tenant != null) {
                    b.tenant(tenant);
                }
                for (String[] kv : headers) {
                    b.header(kv[0], kv[1]);
                }
                if (caFile != null) {
                    b.caFile(Path.of(caFile));
                }
                return Optional.of(b.build());
            } catch (IllegalArgumentException e) {
                throw new OptionError(e.getMessage());
            }
        }
    }

    private static String nonEmpty(String option, String raw) throws OptionError {
        if (raw.isEmpty()) {
            throw new OptionError(option + " must not be empty");
        }
        return raw;
    }

    private static String[] header(String option, String raw) throws OptionError {
        int eq = raw.indexOf('=');
        if (eq <= 0) {
            throw new OptionError(option + " requires NAME=VALUE");
        }
        return new String[] {raw.substring(0, eq), raw.substring(eq + 1)};
    }

    /**
     * {@code [HOST:]PORT}: PORT alone is on 127.0.0.1, {@code :PORT} on every interface, {@code [v6]:PORT}
     * (the server's {@code --metrics.listen}, and {@code iperf3j session}'s, spelled the same).
     */
    public static InetSocketAddress listen(String option, String raw) throws OptionError {
        String v = raw.trim();
        try {
            if (v.matches("[0-9]+")) {
                return ExporterCommand.address("127.0.0.1:" + v);
            }
            InetSocketAddress a = ExporterCommand.address(v);
            if (a.isUnresolved()) {
                throw new OptionError("invalid " + option + " host '" + a.getHostString() + "'");
            }
            return a;
        } catch (IllegalArgumentException e) {
            throw new OptionError(option + " must be [HOST:]PORT, got '" + v + "'");
        }
    }

    private static int clientPrefixes(String option, String raw) throws OptionError {
        try {
            int n = Integer.parseInt(raw.trim());
            if (n >= 0 && n <= MAX_CLIENT_PREFIXES) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new OptionError(option + " must be an integer between 0 and " + MAX_CLIENT_PREFIXES);
    }

    private interface Conversion<T> {
        T apply(String raw) throws OptionError;
    }

    private static <T> T envOr(Function<String, String> env, String name, Conversion<T> convert, T fallback)
            throws OptionError {
        String raw = env.apply(name);
        return raw == null ? fallback : convert.apply(raw);
    }

    /** DURATION: N, Nms, Ns, Nm; positive integers only. */
    static Duration duration(String option, String raw) throws OptionError {
        try {
            return Durations.parse(option, raw);
        } catch (IllegalArgumentException e) {
            throw new OptionError(e.getMessage());
        }
    }

    static boolean bool(String option, String raw) throws OptionError {
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw new OptionError(option + " must be one of true, false, 1, 0, yes, no, on, or off");
        };
    }

    private static int retries(String option, String raw) throws OptionError {
        int n;
        try {
            n = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new OptionError(option + " must be an integer between 0 and " + PushGatewayConfig.MAX_RETRIES);
        }
        if (n < 0) {
            throw new OptionError(option + " must be an integer between 0 and " + PushGatewayConfig.MAX_RETRIES);
        }
        if (n > PushGatewayConfig.MAX_RETRIES) {
            throw new OptionError(option + " must be at most " + PushGatewayConfig.MAX_RETRIES);
        }
        return n;
    }

    private static String userAgent(String option, String raw) throws OptionError {
        String v = raw.trim();
        if (v.isEmpty()) {
            throw new OptionError(option + " must not be empty");
        }
        if (v.chars().anyMatch(Character::isISOControl)) {
            throw new OptionError(option + " must not contain control characters");
        }
        return v;
    }

    private static String prefix(String option, String raw) throws OptionError {
        String v = raw.trim();
        if (!Names.isValidName(v)) {
            throw new OptionError("invalid " + option + " metric prefix '" + v + "'");
        }
        return v;
    }

    private static MetricsFileFormat format(String option, String raw) throws OptionError {
        try {
            return MetricsFileFormat.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new OptionError(option + " must be one of jsonl or prometheus");
        }
    }

    private static MetricNaming naming(String option, String raw) throws OptionError {
        try {
            return MetricNaming.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new OptionError(option + " must be one of prometheus or iperf3-rs");
        }
    }

    private static List<String[]> envLabels(String option, String raw, boolean reserveJob) throws OptionError {
        List<String[]> out = new ArrayList<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        for (String part : raw.split(",", -1)) {
            out.add(label(option, part.trim(), reserveJob));
        }
        return out;
    }

    private static String[] label(String option, String raw, boolean reserveJob) throws OptionError {
        int eq = raw.indexOf('=');
        if (eq < 0) {
            throw new OptionError(option + " requires KEY=VALUE");
        }
        String name = raw.substring(0, eq);
        String value = raw.substring(eq + 1);
        if (!Names.isValidName(name)) {
            throw new OptionError("invalid " + option + " name '" + name + "'");
        }
        if (reserveJob && name.equals("job")) {
            throw new OptionError(option + " name '" + name + "' is reserved");
        }
        if (value.isEmpty()) {
            throw new OptionError(option + " value for '" + name + "' must not be empty");
        }
        return new String[] {name, value};
    }

    private static Map<String, String> labelMap(String option, List<String[]> labels) throws OptionError {
        Map<String, String> map = new LinkedHashMap<>();
        for (String[] kv : labels) {
            if (map.putIfAbsent(kv[0], kv[1]) != null) {
                throw new OptionError("duplicate " + option + " name '" + kv[0] + "'");
            }
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
