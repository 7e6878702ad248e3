package io.iperf3j.session;

import io.iperf3j.session.SessionException.IperfError;
import io.iperf3j.session.internal.output.RunRecord;
import io.iperf3j.session.internal.output.TestsFile;
import io.iperf3j.session.internal.result.RunFigures;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.testing.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import io.iperf3j.session.command.SessionCommand;
import io.iperf3j.session.internal.output.PlanOutputDirectory;

/**
 * {@code iperf3j session PLAN --report FILE} (issue 14): a local plan of two real iperf3 tests
 * on loopback, then the report read back: the file is there, and its embedded data model (the
 * report module's {@code iperf3j-model}) lists the plan's tests with the figures of
 * {@code tests.jsonl} and a run (charts) for each.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SessionReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Tag("peer")
    @Test
    void reportOfTheOutputDirectoryIsWrittenAtTheEnd() throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                hosts:
                  - {id: left, address: 127.0.0.1, iperf: iperf3}
                  - {id: right, address: 127.0.0.1, iperf: iperf3}
                tests:
                  - {name: loop, pairs: [[left, right]], direction: both, duration: 1, port: %d}
                """.formatted(FreePorts.next()));
        Path out = dir.resolve("out");
        Path html = dir.resolve("plan report.html");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = SessionCommand.run(List.of(plan.toString(), "-o", out.toString(), "--report", html.toString()),
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(status).as("%s%s", stdout, stderr).isEqualTo(SessionCommand.OK);
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("report: " + html);
        assertThat(html).isRegularFile();
        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("loop_left-right").contains("loop_right-left");

        List<JsonNode> planned = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("tests.jsonl"))) {
            planned.add(JSON.readTree(line));
        }
        assertThat(planned).hasSize(2);
        // the plan's host order, which the report's matrices follow (issue 38)
        assertThat(Files.readAllLines(out.resolve("hosts.txt"))).containsExactly("left", "right");
        JsonNode model = model(page);
        JsonNode tests = model.path("session").path("tests");
        assertThat(tests).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode t = tests.get(i);
            JsonNode p = planned.get(i);
            assertThat(t.path("id").asText()).isEqualTo(p.path("id").asText());
            assertThat(t.path("sender").asText()).isEqualTo(p.path("sender").asText());
            assertThat(t.path("receiver").asText()).isEqualTo(p.path("receiver").asText());
            assertThat(t.path("status").asText()).isEqualTo("ok");
            assertThat(t.path("received_bytes").asLong()).isEqualTo(p.path("received_bytes").asLong()).isPositive();
            // each test links to a run of its own in the page (its charts)
            int run = t.path("run").asInt(-1);
            assertThat(run).isBetween(0, model.path("runs").size() - 1);
            assertThat(model.path("runs").get(run).path("views").get(0).path("intervals").asInt()).isPositive();
        }
        assertThat(tests.get(0).path("run").asInt()).isNotEqualTo(tests.get(1).path("run").asInt());
    }

    @Test
    void anUnwritableReportIsSaidAndTheRunCountsAsFailed() throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                hosts:
                  - {id: left, address: 127.0.0.1, iperf: iperf3}
                  - {id: right, address: 127.0.0.1, iperf: iperf3}
                tests:
                  - {name: loop, pairs: [[left, right]], duration: 1, port: %d}
                """.formatted(FreePorts.next()));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Path html = dir.resolve("no-such-dir/report.html");
        int status = SessionCommand.run(List.of(plan.toString(), "-o", dir.resolve("out").toString(), "--report", html.toString()),
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(SessionCommand.TEST_FAILED);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("--report " + html + " not written");
        // the plan's own results are kept whatever happened to the report
        assertThat(Files.readAllLines(dir.resolve("out/tests.jsonl"))).hasSize(1);
        assertThat(html).doesNotExist();
    }

    /**
     * Issue 37: at 48 hosts the text summary is a digest, so the report and summary.csv are where the
     * whole matrix is. A synthetic 48-host mesh (2 256 results, 47 failed) written as a session writes
     * it: the page's model has every test with its sender, receiver and figure, and summary.csv every cell.
     */
    @Test
    void aFortyEightHostDirectoryIsReportedWhole() throws Exception {
        List<String> hosts = new ArrayList<>();
        for (int i = 1; i <= 48; i++) {
            hosts.add(String.format("fl%02d", i));
        }
        PlanOutputDirectory files = new PlanOutputDirectory(dir.resolve("fleet"));
        List<TestResult> results = new ArrayList<>();
        java.util.Map<String, Double> planned = new java.util.HashMap<>();
        for (String from : hosts) {
            for (String to : hosts) {
                if (from.equals(to)) {
                    continue;
                }
                double bps = 900e6 + hosts.indexOf(from) * 1e6 + hosts.indexOf(to) * 1e3;
                TestResult.Outcome outcome = to.equals("fl22") ? new TestResult.Outcome.Failed(new IperfError("refused"))
                        : new TestResult.Outcome.Completed(bps, bps, (long) (bps / 8), java.util.OptionalDouble.empty());
                TestResult r = new TestResult("mesh_" + from + "-" + to, from, to, "up", TestSpec.tcp(1), 1, outcome,
                        java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
                        java.util.Optional.empty(), List.of(), java.time.Duration.ofSeconds(1));
                TestsFile.once(files.directory()).accept(new RunRecord.Ran(r, 1, java.time.Instant.EPOCH,
                        java.time.Instant.EPOCH, RunFigures.of(1, r, 0)));
                results.add(r);
                planned.put(r.id(), r.ok() ? bps : null);
            }
        }
        files.writeSummaries(results, hosts);
        Path html = dir.resolve("fleet.html");
        io.iperf3j.report.HtmlReport.builder().add(files.directory()).build().write(html);

        JsonNode tests = model(Files.readString(html)).path("session").path("tests");
        assertThat(tests).hasSize(2256);
        for (JsonNode t : tests) {
            Double bps = planned.get(t.path("id").asText());
            assertThat(t.path("id").asText()).isEqualTo("mesh_" + t.path("sender").asText() + "-" + t.path("receiver").asText());
            if (bps == null) {
                assertThat(t.path("status").asText()).isEqualTo("failed");
            } else {
                assertThat(t.path("received_bits_per_second").asDouble()).isEqualTo(bps);
            }
        }
        List<String> csv = Files.readAllLines(files.directory().resolve("summary.csv"));
        assertThat(csv).hasSize(49).allSatisfy(l -> assertThat(l.split(",")).hasSize(50));
        assertThat(Files.readString(files.directory().resolve("summary.txt"))).doesNotContain("sender\\receiver")
                .contains("48 hosts, 2256 pairs");
    }

    static JsonNode model(String html) throws Exception {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"iperf3j-model\" data-encoding=\"(\\w+)\"[^>]*>(.*?)</script>",
                Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("the page embeds its data model").isTrue();
        String text = m.group(2);
        if (m.group(1).equals("gzip+base64")) {
            byte[] gz = java.util.Base64.getMimeDecoder().decode(text);
            text = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz)).readAllBytes(),
                    StandardCharsets.UTF_8);
        }
        return JSON.readTree(text);
    }
}
