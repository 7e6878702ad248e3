package io.iperf3j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** {@code iperf3j link} with the export options: the link's gauges in the metrics files, as a test's samples. */
@Timeout(90)
class MainLinkMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    /** One in-process {@code iperf3j} run with its own output. */
    private static final class Run {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        int run(String... args) {
            return new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                    Map.of()).run(args);
        }
    }

    @Tag("tool")
    @Test
    void linkClientAndServerWriteTheirGaugesToMetricsFiles() throws Exception {
        Path serverFile = dir.resolve("server.prom");
        Run server = new Run();
        int[] serverStatus = {-1};
        Thread st = Thread.ofPlatform().start(() -> serverStatus[0] = server.run("link", "-s", "-B", "127.0.0.1", "-p", "0",
                "-t", "4", "-i", "0.2", "--metrics.file", serverFile.toString(), "--metrics.format", "prometheus"));
        int port = -1;
        for (int i = 0; i < 500 && port < 0; i++) {
            Matcher m = Pattern.compile("listening on (\\d+)").matcher(server.out.toString(StandardCharsets.UTF_8));
            port = m.find() ? Integer.parseInt(m.group(1)) : -1;
            Thread.sleep(10);
        }
        assertThat(port).as("server output: %s %s", server.out, server.err).isPositive();

        Path clientFile = dir.resolve("client.jsonl");
        Run client = new Run();
        assertThat(client.run("link", "-c", "127.0.0.1", "-p", String.valueOf(port), "-r", "2000", "-t", "1", "-i", "0.25",
                "--reliable", "-J", "--metrics.file", clientFile.toString())).as(client.err.toString()).isZero();
        JsonNode end = JSON.readTree(client.out.toString(StandardCharsets.UTF_8)).get("end");
        List<JsonNode> sets = new ArrayList<>();
        for (String line : Files.readAllLines(clientFile)) {
            JsonNode n = JSON.readTree(line);
            assertThat(n.get("event").asText()).isEqualTo("gauges");
            assertThat(n.get("source").asText()).isEqualTo("link_client");
            assertThat(n.get("instance").asText()).isEqualTo("127.0.0.1:" + port);
            sets.add(n.get("values"));
        }
        // One at connect, one per -i while connected, one with the final figures at the disconnect.
        assertThat(sets).hasSizeGreaterThanOrEqualTo(2);
        JsonNode last = sets.getLast();
        assertThat(last.get("out_messages").asLong()).isGreaterThanOrEqualTo(end.get("sent").asLong());
        assertThat(last.get("pending_acks").asLong()).isZero();
        assertThat(last.get("resends").asLong()).isEqualTo(end.get("link").get("resends").asLong());
        assertThat(last.get("rtt_p50_seconds").asDouble()).isPositive();

        st.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(serverStatus[0]).as(server.err.toString()).isZero();
        String exposition = Files.readString(serverFile);
        Matcher inMessages = Pattern.compile("(?m)^iperf3j_link_server_in_messages\\{instance=\"127\\.0\\.0\\.1:\\d+\"} (\\S+)$")
                .matcher(exposition);
        assertThat(inMessages.find()).as(exposition).isTrue();
        assertThat(Double.parseDouble(inMessages.group(1))).isGreaterThanOrEqualTo(end.get("received").asLong());
        assertThat(exposition).contains("# TYPE iperf3j_link_server_rtt_p99_seconds gauge");
        promtoolAccepts(exposition);
    }

    @Test
    void badExportOptionsOfTheLinkCommandExitOneBeforeAnythingRuns() {
        Run r = new Run();
        assertThat(r.run("link", "-c", "127.0.0.1", "--push.label", "a=b")).isEqualTo(1);
        assertThat(r.err.toString()).contains("iperf3j link: parameter error - --push.label requires --push.url");
        Run f = new Run();
        assertThat(f.run("link", "-c", "127.0.0.1", "--metrics.file", dir.resolve("no/such/dir.jsonl").toString())).isEqualTo(2);
        assertThat(f.err.toString()).contains("unable to create metrics file");
    }

    private static void promtoolAccepts(String exposition) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            fail("/usr/bin/promtool is missing: install it with 'apt-get install prometheus' (.ci/run does this)");
        }
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("promtool findings").isBlank();
    }
}
