package io.iperf3j.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.IperfCommand;
import io.iperf3j.MetricsMode;
import io.iperf3j.RunningIperf;
import io.iperf3j.export.cli.CliMetrics;
import io.iperf3j.export.cli.MetricsOptions;
import io.iperf3j.export.cli.WrapperOptions;
import io.iperf3j.internal.engine.ClientTest;
import io.iperf3j.internal.engine.EngineInfo;
import io.iperf3j.internal.options.OptionParser;
import io.iperf3j.internal.options.ParseResult;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.stats.LiveMetrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line's metrics path end to end, as {@code iperf3j} runs it: wrapper
 * options parsed off the arguments, the rest through iperf3's parser, a real
 * {@link ClientTest} against an in-process server with {@link CliMetrics}'
 * observer, and the files and gateway checked afterwards.
 */
@Timeout(120)
class MetricsFileAndCliTest {
    private static RunningIperf server;
    private static int port;
    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = IperfCommand.server().port(0).longLived().spawn();
        port = server.localPort().orElseThrow();
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        server.cancel();
    }

    /** Runs "iperf3j ARGS" through the same steps as the command; returns the exit status. */
    private int runCli(Map<String, String> env, ByteArrayOutputStream errBytes, String... args) {
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        MetricsOptions wrapper = new MetricsOptions(env::get);
        ParseResult parsed = OptionParser.parse(List.of(wrapper), args);
        if (parsed instanceof ParseResult.Failure f) {
            err.print(f.stderrText());
            return 1;
        }
        ParseResult.Run run = (ParseResult.Run) parsed;
        CliMetrics metrics;
        try {
            metrics = CliMetrics.open(wrapper.options(), err);
        } catch (IOException e) {
            err.println("iperf3j: error - " + e.getMessage());
            return 2;
        }
        ClientTest.Outcome o = new ClientTest(run.options(), OutputSink.discarding(), EngineInfo.standard(),
                new LiveMetrics(MetricsMode.interval(), metrics)).run();
        return metrics.finish(o.succeeded() ? 0 : 1);
    }

    @Test
    void jsonlFileHasOneSchemaVersionedLinePerInterval() throws Exception {
        Path file = dir.resolve("m.jsonl");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = runCli(Map.of(), err, "-c", "127.0.0.1", "-p", Integer.toString(port), "-t", "2", "-i", "0.5",
                "--metrics.file", file.toString());
        assertThat(status).as(err.toString()).isZero();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSizeBetween(4, 5);
        ObjectMapper json = new ObjectMapper();
        long bytes = 0;
        for (String line : lines) {
            Map<?, ?> o = json.readValue(line, Map.class);
            assertThat(o.get("schema_version")).isEqualTo(1);
            assertThat(o.get("event")).isEqualTo("interval");
            assertThat(o.get("role")).isEqualTo("Client");
            assertThat(o.get("direction")).isEqualTo("Sender");
            assertThat(o.get("protocol")).isEqualTo("Tcp");
            assertThat(o.containsKey("udp_jitter_seconds") && o.get("udp_jitter_seconds") == null)
                    .as("absent optionals are null").isTrue();
            assertThat(new ArrayList<Object>(o.keySet()).subList(0, 2)).containsExactly("schema_version", "event");
            bytes += ((Number) o.get("transferred_bytes")).longValue();
        }
        assertThat(bytes).isPositive();
    }

    @Tag("tool")
    @Test
    void prometheusFileIsTheLatestSnapshotWithLabelsAndPassesPromtool() throws Exception {
        Path file = dir.resolve("iperf3.prom");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = runCli(Map.of("IPERF3_METRICS_LABELS", "site=ci"), err, "-c", "127.0.0.1", "-p",
                Integer.toString(port), "-t", "2", "--metrics.file=" + file, "--metrics.format", "prometheus",
                "--metrics.label", "run=nightly", "--metrics.prefix", "nettest");
        assertThat(status).as(err.toString()).isZero();
        String text = Files.readString(file);
        assertThat(text).contains("nettest_transferred_bytes{run=\"nightly\",site=\"ci\"}",
                "# TYPE nettest_run_transferred_bytes_total counter");
        RealTools.assertPromtoolAccepts(text);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file is left")
                    .containsExactly("iperf3.prom");
        }
    }

    @Tag("tool")
    @Test
    void cliPushesToARealGatewayAndWritesTheFileInOneRun() throws Exception {
        try (RealTools.Pushgateway gw = RealTools.Pushgateway.start()) {
            Path file = dir.resolve("m.jsonl");
            Map<String, String> env = new HashMap<>();
            env.put("IPERF3_PUSH_URL", "http://127.0.0.1:1"); // the flag wins
            env.put("IPERF3_PUSH_LABELS", "test=cli");
            env.put("IPERF3_PUSH_JOB", "env-job");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = runCli(env, err, "-c", "127.0.0.1", "-p", Integer.toString(port), "-t", "2",
                    "--push.url", gw.url(), "--push.label", "host=a/b", "--push.interval", "1s",
                    "--push.user-agent", "iperf3j-test", "--metrics.file", file.toString());
            assertThat(status).as(err.toString()).isZero();
            assertThat(err.toString()).isEmpty();
            String metrics = gw.metrics();
            assertThat(metrics).contains("iperf3_window_transferred_bytes{host=\"a/b\",instance=\"\",job=\"env-job\",test=\"cli\"}");
            assertThat(Files.readAllLines(file)).allMatch(l -> l.contains("\"event\":\"interval\""));
            RealTools.assertPromtoolAccepts(metrics);
        }
    }

    @Test
    void aMetricsFileThatCannotBeCreatedExitsTwoBeforeTheTest() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = runCli(Map.of(), err, "-c", "127.0.0.1", "-p", Integer.toString(port), "-t", "1",
                "--metrics.file", dir.resolve("missing/dir/m.jsonl").toString());
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("iperf3j: error - unable to create metrics file", "no such file");
    }

    @Test
    void aPushFailureDoesNotFailTheTest() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = runCli(Map.of(), err, "-c", "127.0.0.1", "-p", Integer.toString(port), "-t", "1",
                "--push.url", "127.0.0.1:1", "--push.timeout", "500ms");
        assertThat(status).isZero();
        assertThat(err.toString()).contains("iperf3j: warning - Pushgateway push to http://127.0.0.1:1/metrics/job/iperf3");
    }

    @Test
    void metricsOptionsAreRowsOfTheOneTable() throws Exception {
        MetricsOptions p = new MetricsOptions(Map.<String, String>of()::get);
        ParseResult r = OptionParser.parse(List.of(p), "-c", "h", "--push.url", "localhost:9091", "--push.job=net",
                "--push.label", "test=run", "--push.label=scenario=a=b", "--push.timeout=2s", "--push.retries", "2",
                "--push.interval=500ms", "--push.delete-on-exit", "--metrics.prefix", "nettest", "-t", "3", "--",
                "--push.url", "x");
        assertThat(((ParseResult.Run) r).options().durationSec()).isEqualTo(3);
        WrapperOptions o = p.options();
        assertThat(o.pushUrl().orElseThrow().toString()).isEqualTo("http://localhost:9091");
        assertThat(o.pushJob()).isEqualTo("net");
        assertThat(o.pushLabels()).containsExactly(Map.entry("test", "run"), Map.entry("scenario", "a=b"));
        assertThat(o.pushTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.pushRetries()).isEqualTo(2);
        assertThat(o.pushInterval()).contains(Duration.ofMillis(500));
        assertThat(o.pushDeleteOnExit()).isTrue();
        assertThat(o.metricsPrefix()).isEqualTo("nettest");

        MetricsOptions fromEnv = new MetricsOptions(Map.of(
                "IPERF3_PUSH_URL", "env:9091", "IPERF3_PUSH_DELETE_ON_EXIT", "yes", "IPERF3_PUSH_TIMEOUT", "2m",
                "IPERF3_PUSH_RETRIES", "10")::get);
        assertThat(OptionParser.parse(List.of(fromEnv), "-s", "--push.delete-on-exit=off"))
                .isInstanceOf(ParseResult.Run.class);
        WrapperOptions env = fromEnv.options();
        assertThat(env.pushDeleteOnExit()).as("flag beats environment").isFalse();
        assertThat(env.pushTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(env.pushRetries()).isEqualTo(10);
        assertThat(OptionParser.parse(List.of(new MetricsOptions(Map.<String, String>of()::get)), "--push.job", "x", "-h"))
                .as("help skips every check").isInstanceOf(ParseResult.Help.class);
    }

    @Test
    void consistencyErrorsReadAsIperf3rs() {
        Map<String, String> none = Map.of();
        assertError(none, "--push.label requires --push.url or IPERF3_PUSH_URL", "--push.label", "a=b");
        assertError(none, "--push.job requires --push.url or IPERF3_PUSH_URL", "--push.job", "j");
        assertError(none, "push settings require --push.url or IPERF3_PUSH_URL", "--push.retries", "1");
        assertError(none, "push settings require --push.url or IPERF3_PUSH_URL", "--push.delete-on-exit");
        assertError(none, "metrics settings require --metrics.file or IPERF3_METRICS_FILE", "--metrics.format", "jsonl");
        assertError(none, "--metrics.label requires --metrics.file or IPERF3_METRICS_FILE", "--metrics.label", "a=b");
        assertError(none, "--metrics.label requires --metrics.format prometheus", "--metrics.file", "f",
                "--metrics.label", "a=b");
        assertError(none, "metric prefix requires --metrics.file, IPERF3_METRICS_FILE, --push.url, or IPERF3_PUSH_URL",
                "--metrics.prefix", "x");
        assertError(none, "--push.job must not be empty when --push.url is set", "--push.url", "h:1", "--push.job=");
        assertError(none, "option '--push.url' requires an argument", "--push.url");
        assertError(none, "--push.label name 'job' is reserved", "--push.url", "h:1", "--push.label", "job=x");
        assertError(none, "duplicate --push.label name 'a'", "--push.url", "h:1", "--push.label", "a=1",
                "--push.label", "a=2");
        assertError(none, "--push.label value for 'a' must not be empty", "--push.url", "h:1", "--push.label", "a=");
        assertError(none, "invalid --push.interval duration: 1.5s", "--push.url", "h:1", "--push.interval", "1.5s");
        assertError(none, "--push.timeout must be greater than zero", "--push.url", "h:1", "--push.timeout", "0ms");
        assertError(none, "--push.retries must be at most 10", "--push.url", "h:1", "--push.retries", "11");
        assertError(none, "invalid --push.url URL: Pushgateway endpoint scheme must be http or https: ftp://h",
                "--push.url", "ftp://h");
        assertError(none, "--metrics.format must be one of jsonl or prometheus", "--metrics.file", "f",
                "--metrics.format", "json");
        assertError(none, "invalid --metrics.prefix metric prefix 'a-b'", "--metrics.file", "f", "--metrics.prefix", "a-b");
        assertError(Map.of("IPERF3_PUSH_LABELS", "a=b"), "--push.label requires --push.url or IPERF3_PUSH_URL");
        assertError(Map.of("IPERF3_PUSH_DELETE_ON_EXIT", "maybe"),
                "IPERF3_PUSH_DELETE_ON_EXIT must be one of true, false, 1, 0, yes, no, on, or off");
    }

    private static void assertError(Map<String, String> env, String message, String... args) {
        // a client line: core's checks come first, then the metrics options'
        String[] line = new String[args.length + 2];
        line[0] = "-c";
        line[1] = "h";
        System.arraycopy(args, 0, line, 2, args.length);
        ParseResult r = OptionParser.parse(List.of(new MetricsOptions(env::get)), line);
        assertThat(r).isInstanceOf(ParseResult.Failure.class);
        String shown = ((ParseResult.Failure) r).message();
        assertThat(shown).isIn("iperf3j: parameter error - " + message, "iperf3j: " + message);
    }
}
