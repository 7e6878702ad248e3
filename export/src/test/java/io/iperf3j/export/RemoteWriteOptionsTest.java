package io.iperf3j.export;

import io.iperf3j.export.cli.MetricsOptions;
import io.iperf3j.export.cli.WrapperOptions;
import io.iperf3j.internal.options.OptionParser;
import io.iperf3j.internal.options.ParseResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code --remote-write.*} rows of the one option table and their {@code IPERF3_REMOTE_WRITE_*}
 * variables: merged, checked, and refused as parameter errors before a test runs, with the files read.
 */
class RemoteWriteOptionsTest {
    private static ParseResult parse(Map<String, String> env, String... args) {
        List<String> line = new ArrayList<>(List.of("-c", "h"));
        line.addAll(List.of(args));
        return OptionParser.parse(List.of(new MetricsOptions(env::get)), line.toArray(String[]::new));
    }

    private static WrapperOptions options(Map<String, String> env, String... args) {
        MetricsOptions wrapper = new MetricsOptions(env::get);
        List<String> line = new ArrayList<>(List.of("-c", "h"));
        line.addAll(List.of(args));
        ParseResult r = OptionParser.parse(List.of(wrapper), line.toArray(String[]::new));
        assertThat(r).as(r.toString()).isInstanceOf(ParseResult.Run.class);
        return wrapper.options();
    }

    private static String error(Map<String, String> env, String... args) {
        ParseResult r = parse(env, args);
        assertThat(r).isInstanceOf(ParseResult.Failure.class);
        return ((ParseResult.Failure) r).message();
    }

    @Test
    void flagsAndVariablesMakeOneConfiguration(@TempDir Path dir) throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "pw\n");
        WrapperOptions o = options(Map.of("IPERF3_REMOTE_WRITE_LABELS", "site=lab,rack=r1", "IPERF3_REMOTE_WRITE_TIMEOUT", "3s"),
                "--remote-write.url", "https://mimir.example/api/v1/push", "--remote-write.label", "host=a",
                "--remote-write.username", "w", "--remote-write.password-file", pw.toString(),
                "--remote-write.tenant", "team", "--remote-write.header", "X-Route=blue");
        assertThat(o.enabled()).isTrue();
        RemoteWriteConfig c = o.remoteWrite().orElseThrow();
        assertThat(c.endpoint()).hasToString("https://mimir.example/api/v1/push");
        assertThat(c.labels()).containsExactly(Map.entry("job", "iperf3"), Map.entry("site", "lab"), Map.entry("rack", "r1"),
                Map.entry("host", "a"));
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.authentication()).contains("basic");
        assertThat(c.tenant()).contains("team");
        assertThat(c.headerNames()).containsExactly("X-Route");

        RemoteWriteConfig fromEnv = options(Map.of("IPERF3_REMOTE_WRITE_URL", "http://p:9090/api/v1/write"),
                "--remote-write.label", "job=lab-probe", "--remote-write.timeout", "500ms").remoteWrite().orElseThrow();
        assertThat(fromEnv.labels()).containsExactly(Map.entry("job", "lab-probe"));
        assertThat(fromEnv.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(options(Map.of()).remoteWrite()).isEmpty();
        // --metrics.prefix and --metrics.names name remote write's families too
        assertThat(options(Map.of(), "--remote-write.url", "http://p/w", "--metrics.prefix", "lab").remoteWriteEncoder().prefix())
                .isEqualTo("lab");
    }

    @Test
    void wrongOrIncompleteLinesAreParameterErrors(@TempDir Path dir) throws Exception {
        Map<String, String> none = Map.of();
        assertThat(error(none, "--remote-write.label", "a=b"))
                .isEqualTo("iperf3j: parameter error - --remote-write.label requires --remote-write.url or IPERF3_REMOTE_WRITE_URL");
        assertThat(error(none, "--remote-write.tenant", "t"))
                .isEqualTo("iperf3j: parameter error - remote-write settings require --remote-write.url or IPERF3_REMOTE_WRITE_URL");
        assertThat(error(Map.of("IPERF3_REMOTE_WRITE_TIMEOUT", "5s")))
                .isEqualTo("iperf3j: parameter error - remote-write settings require --remote-write.url or IPERF3_REMOTE_WRITE_URL");
        assertThat(error(none, "--remote-write.url", "prom:9090/api/v1/write")).isEqualTo("iperf3j: parameter error - "
                + "remote-write URL must start with http:// or https:// (e.g. http://prometheus:9090/api/v1/write)");
        assertThat(error(none, "--remote-write.url", "http://u:hunter2@p/w")).isEqualTo("iperf3j: parameter error - "
                + "--remote-write.url must not hold a user name or password (a command line shows in process lists): use"
                + " --remote-write.username and --remote-write.password-file");
        assertThat(error(none, "--remote-write.url", "http://p/w", "--remote-write.username", "u"))
                .isEqualTo("iperf3j: parameter error - --remote-write.username requires --remote-write.password-file");
        assertThat(error(none, "--remote-write.url", "http://p/w", "--remote-write.password-file", "f"))
                .isEqualTo("iperf3j: parameter error - --remote-write.password-file requires --remote-write.username");
        Path missing = dir.resolve("token");
        assertThat(error(none, "--remote-write.url", "http://p/w", "--remote-write.bearer-token-file", missing.toString()))
                .isEqualTo("iperf3j: parameter error - cannot read remote-write bearer token file " + missing + ": no such file");
        assertThat(error(none, "--remote-write.url", "http://p/w", "--remote-write.header", "novalue"))
                .isEqualTo("iperf3j: parameter error - --remote-write.header requires NAME=VALUE");
        assertThat(error(none, "--remote-write.url", "http://p/w", "--remote-write.header", "Content-Type=x"))
                .isEqualTo("iperf3j: parameter error - remote-write header 'Content-Type' is set by the protocol; it cannot be given");
        assertThat(error(none, "--remote-write.url", "http://p/w", "--remote-write.label", "__name__=x"))
                .isEqualTo("iperf3j: parameter error - invalid remote-write label name '__name__': must match"
                        + " [a-zA-Z_][a-zA-Z0-9_]* and not start with __");
        assertThat(error(none, "--remote-write.url", "http://p/w", "--remote-write.timeout", "0"))
                .isEqualTo("iperf3j: parameter error - --remote-write.timeout must be greater than zero");
        assertThat(error(none, "--remote-write.url", "http://p/w", "--remote-write.ca-file", missing.toString()))
                .isEqualTo("iperf3j: parameter error - remote-write CA file is for an https URL; this one is http");
    }
}
