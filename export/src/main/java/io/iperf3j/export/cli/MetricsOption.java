package io.iperf3j.export.cli;

import io.iperf3j.options.HasArg;
import io.iperf3j.options.OptionRow;
import io.iperf3j.options.Scope;

import java.util.List;

/**
 * iperf3-rs's {@code --push.*} and {@code --metrics.*} options (and iperf3j's
 * {@code --remote-write.*} and {@code --metrics.names}, and the server's {@code --metrics.listen} and
 * {@code --metrics.client-prefixes}, {@link Scope#SERVER}) as rows of the {@code iperf3j} option table; {@link MetricsOptions}
 * reads them. They match their whole names only (no abbreviation), as iperf3-rs's do.
 */
public enum MetricsOption implements OptionRow {
    PUSH_URL("push.url", HasArg.REQUIRED,
            "  --push.url URL            push live metrics to this Pushgateway (host:port = http)"),
    PUSH_JOB("push.job", HasArg.REQUIRED,
            "  --push.job JOB            grouping-key job (default iperf3)"),
    PUSH_LABEL("push.label", HasArg.REQUIRED,
            "  --push.label KEY=VALUE    grouping-key label, repeatable"),
    PUSH_INTERVAL("push.interval", HasArg.REQUIRED,
            "  --push.interval DURATION  aggregate over windows, push *_window_* families"),
    PUSH_TIMEOUT("push.timeout", HasArg.REQUIRED,
            "  --push.timeout DURATION   per-request timeout (default 5s)"),
    PUSH_RETRIES("push.retries", HasArg.REQUIRED,
            "  --push.retries N          retries on I/O errors, 5xx and 429 (0-10, default 0)"),
    PUSH_USER_AGENT("push.user-agent", HasArg.REQUIRED,
            "  --push.user-agent VALUE   HTTP User-Agent (default iperf3j/<version>)"),
    PUSH_DELETE_ON_EXIT("push.delete-on-exit", HasArg.OPTIONAL,
            "  --push.delete-on-exit[=BOOL]  delete the grouping key after the run"),
    /** iperf3j's: Prometheus remote write (RemoteWriteSink), beside the Pushgateway's push. */
    REMOTE_WRITE_URL("remote-write.url", HasArg.REQUIRED,
            "  --remote-write.url URL    send every interval's samples to this remote-write receiver"),
    REMOTE_WRITE_LABEL("remote-write.label", HasArg.REQUIRED,
            "  --remote-write.label KEY=VALUE  label on every series, repeatable (default job=iperf3)"),
    REMOTE_WRITE_TIMEOUT("remote-write.timeout", HasArg.REQUIRED,
            "  --remote-write.timeout DURATION  per-request timeout (default 10s)"),
    REMOTE_WRITE_USERNAME("remote-write.username", HasArg.REQUIRED,
            "  --remote-write.username USER  basic auth user (with --remote-write.password-file)"),
    REMOTE_WRITE_PASSWORD_FILE("remote-write.password-file", HasArg.REQUIRED,
            "  --remote-write.password-file PATH  basic auth password, read from PATH"),
    REMOTE_WRITE_BEARER_TOKEN_FILE("remote-write.bearer-token-file", HasArg.REQUIRED,
            "  --remote-write.bearer-token-file PATH  bearer token, read from PATH"),
    REMOTE_WRITE_TENANT("remote-write.tenant", HasArg.REQUIRED,
            "  --remote-write.tenant TENANT  sent as X-Scope-OrgID (Mimir, Cortex)"),
    REMOTE_WRITE_HEADER("remote-write.header", HasArg.REQUIRED,
            "  --remote-write.header NAME=VALUE  extra HTTP header, repeatable"),
    REMOTE_WRITE_CA_FILE("remote-write.ca-file", HasArg.REQUIRED,
            "  --remote-write.ca-file PATH  PEM CA certificates trusted for https"),
    METRICS_FILE("metrics.file", HasArg.REQUIRED,
            "  --metrics.file PATH       write live interval metrics to PATH (an error exits 2)"),
    METRICS_FORMAT("metrics.format", HasArg.REQUIRED,
            "  --metrics.format FORMAT   jsonl (default) or prometheus"),
    METRICS_LABEL("metrics.label", HasArg.REQUIRED,
            "  --metrics.label KEY=VALUE sample label in the prometheus file, repeatable"),
    METRICS_PREFIX("metrics.prefix", HasArg.REQUIRED,
            "  --metrics.prefix PREFIX   metric-name prefix (default iperf3)"),
    METRICS_NAMES("metrics.names", HasArg.REQUIRED,
            "  --metrics.names NAMES     prometheus (default) or iperf3-rs metric names"),
    /** iperf3j's: the server's own /metrics (docs/design/public-server.md, 3.5). */
    METRICS_LISTEN("metrics.listen", HasArg.REQUIRED,
            "  --metrics.listen [HOST:]PORT  (-s) serve the server's /metrics and /health\n"
            + "                            (PORT alone: on 127.0.0.1; :PORT: on every interface)", Scope.SERVER),
    METRICS_CLIENT_PREFIXES("metrics.client-prefixes", HasArg.REQUIRED,
            "  --metrics.client-prefixes N  (-s) per-prefix series for the first N client\n"
            + "                            prefixes, /24 or /48 (default 64, 0 = none)", Scope.SERVER);

    /** The heading of the rows in {@code --help}. */
    public static final String SECTION =
            "Metrics export (iperf3-rs options; flags beat IPERF3_PUSH_* / IPERF3_REMOTE_WRITE_* / IPERF3_METRICS_*"
            + " variables):";

    private final String name;
    private final HasArg hasArg;
    private final String help;
    private final Scope scope;

    MetricsOption(String name, HasArg hasArg, String help) {
        this(name, hasArg, help, Scope.ANY);
    }

    MetricsOption(String name, HasArg hasArg, String help, Scope scope) {
        this.name = name;
        this.hasArg = hasArg;
        this.help = help;
        this.scope = scope;
    }

    /** The option as written on the command line, e.g. {@code --push.url}. */
    public String flag() {
        return "--" + name;
    }

    /**
     * The value's name as the help line shows it: {@code URL} for {@code --push.url URL},
     * {@code BOOL} for {@code --push.delete-on-exit[=BOOL]}. Other commands that take a row
     * ({@code iperf3j session}'s {@code --push.url}) show it under the same name.
     */
    public String valueLabel() {
        String rest = help.substring(help.indexOf(flag()) + flag().length());
        if (rest.startsWith("[=")) {
            return rest.substring(2, rest.indexOf(']'));
        }
        rest = rest.strip();
        int end = rest.indexOf(' ');
        return end < 0 ? rest : rest.substring(0, end);
    }

    @Override
    public List<String> longNames() {
        return List.of(name);
    }

    @Override
    public char shortName() {
        return NO_SHORT;
    }

    @Override
    public HasArg hasArg() {
        return hasArg;
    }

    @Override
    public String section() {
        return SECTION;
    }

    @Override
    public String help() {
        return help;
    }

    @Override
    public Scope scope() {
        return scope;
    }
}
