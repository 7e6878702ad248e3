package io.iperf3j.session.command;

import io.iperf3j.export.Durations;
import io.iperf3j.export.cli.MetricsOption;
import io.iperf3j.session.Plan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code iperf3j session}'s {@code --remote-write.*} options (issue 65): export's rows ({@link MetricsOption}), so session and
 * the main command line name them alike, with session's own descriptions (one result a finished test, stamped at its end, not
 * live intervals). {@code --remote-write.url} replaces the plan's {@code remote_write}; the other options, given without it,
 * change the plan's target, and are refused when the plan has none. Secrets come from files only.
 */
final class RemoteWriteOptions {
    private String url;
    private final List<String> labels = new ArrayList<>();
    private String timeout;
    private String username;
    private String passwordFile;
    private String bearerTokenFile;
    private String tenant;
    private final List<String> headers = new ArrayList<>();
    private String caFile;

    /** Adds the options to the command's model. */
    void addTo(CommandSpec spec) {
        add(spec, MetricsOption.REMOTE_WRITE_URL, "write each finished test's result, stamped at its end, to this Prometheus"
                + " remote-write receiver (Prometheus with --web.enable-remote-write-receiver, Mimir, Thanos, VictoriaMetrics)",
                v -> url = v);
        add(spec, MetricsOption.REMOTE_WRITE_LABEL, "a label on every series written, repeatable", labels::add);
        add(spec, MetricsOption.REMOTE_WRITE_TIMEOUT, "the longest one request may take (default 10s)", v -> timeout = v);
        add(spec, MetricsOption.REMOTE_WRITE_USERNAME, "basic-auth user (with --remote-write.password-file)", v -> username = v);
        add(spec, MetricsOption.REMOTE_WRITE_PASSWORD_FILE, "the basic-auth password, read from this file", v -> passwordFile = v);
        add(spec, MetricsOption.REMOTE_WRITE_BEARER_TOKEN_FILE, "a bearer token, read from this file", v -> bearerTokenFile = v);
        add(spec, MetricsOption.REMOTE_WRITE_TENANT, "sent as X-Scope-OrgID (Mimir, Cortex)", v -> tenant = v);
        add(spec, MetricsOption.REMOTE_WRITE_HEADER, "an extra HTTP header NAME=VALUE, repeatable", headers::add);
        add(spec, MetricsOption.REMOTE_WRITE_CA_FILE, "PEM CA certificates trusted for an https receiver", v -> caFile = v);
    }

    private static void add(CommandSpec spec, MetricsOption row, String description, Consumer<String> into) {
        TableOption.add(spec, row, description, into);
    }


    /** Whether any of the options was given. */
    boolean given() {
        return url != null || !labels.isEmpty() || timeout != null || username != null || passwordFile != null
                || bearerTokenFile != null || tenant != null || !headers.isEmpty() || caFile != null;
    }

    /** The URL given, if one was. */
    Optional<String> url() {
        return Optional.ofNullable(url);
    }

    /**
     * The target the plan writes to with these options over {@code planTarget}: {@code --remote-write.url} gives a target of the
     * command line's options alone; the others, without it, change the plan's target.
     *
     * @throws IllegalArgumentException for an option without any target, a value that is not NAME=VALUE, a timeout that is
     *         not a duration
     */
    Optional<Plan.RemoteWriteTarget> over(Optional<Plan.RemoteWriteTarget> planTarget) {
        if (!given()) {
            return planTarget;
        }
        if (url == null && planTarget.isEmpty()) {
            throw new IllegalArgumentException("--remote-write.* options need --remote-write.url, or a plan with remote_write");
        }
        Plan.RemoteWriteTarget base = url != null ? Plan.RemoteWriteTarget.of(url) : planTarget.get();
        Map<String, String> l = new LinkedHashMap<>(base.labels());
        l.putAll(pairs("--remote-write.label", labels));
        Map<String, String> h = new LinkedHashMap<>(base.headers());
        h.putAll(pairs("--remote-write.header", headers));
        return Optional.of(new Plan.RemoteWriteTarget(base.url(), l,
                timeout != null ? Optional.of(Durations.parse("--remote-write.timeout", timeout)) : base.timeout(),
                username != null ? Optional.of(username) : base.username(),
                passwordFile != null ? Optional.of(Path.of(passwordFile)) : base.passwordFile(),
                bearerTokenFile != null ? Optional.of(Path.of(bearerTokenFile)) : base.bearerTokenFile(),
                tenant != null ? Optional.of(tenant) : base.tenant(), h,
                caFile != null ? Optional.of(Path.of(caFile)) : base.caFile()));
    }

    /** {@code NAME=VALUE} words, in order. */
    private static Map<String, String> pairs(String option, List<String> words) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String w : words) {
            int eq = w.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException(option + " " + w + ": expected NAME=VALUE");
            }
            out.put(w.substring(0, eq), w.substring(eq + 1));
        }
        return out;
    }
}
