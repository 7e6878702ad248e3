package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.iperf3j.session.lab.IperfJar;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Prometheus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iperf3j session --remote-write.url} as a user runs it (a process of the built jar) against Debian's real Prometheus 2.42
 * ({@code --web.enable-remote-write-receiver}), read back with PromQL (issue 65): every result of a plan present with its value
 * at its test's end, failed ones included; a receiver down at the start and back mid-run, and one answering 500 for a while,
 * still get every result; a controller SIGKILLed mid-run, then {@code --resend}: nothing missing; a 404 and a 400 answer named
 * in the summary, only the refused result among good ones; a URL that cannot be valid refused before anything runs; a
 * schedule's runs each at their own time, counted on its {@code /metrics}. Local hosts with the real iperf3 3.12.
 */
@Tag("peer")
@Tag("tool")
@Timeout(value = 15, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class SessionRemoteWriteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Host ids of this JVM's own (a session kills what it marked with its hosts' ids). */
    private static final String TAG = Long.toString(ProcessHandle.current().pid(), 36);

    @TempDir
    Path dir;

    /** A plan of two local hosts, {@code tests} 1-second tests (a pair both ways, repeated), and {@code extra} plan lines. */
    private Path plan(String name, int repeat, String extra) throws IOException {
        String a = "rwa" + TAG;
        String b = "rwb" + TAG;
        Path plan = dir.resolve(name + ".yaml");
        Files.writeString(plan, "hosts:\n  - {id: " + a + ", address: 127.0.0.1, iperf: iperf3}\n  - {id: " + b
                + ", address: 127.0.0.1, iperf: iperf3}\n" + extra + "tests:\n  - {name: t, pairs: [[" + a + ", " + b
                + "]], direction: both, duration: 1, repeat: " + repeat + ", port: " + FreePorts.next() + "}\n");
        return plan;
    }

    private record Run(int status, String out) {
    }

    private static Process start(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(IperfJar.command().split(" ")));
        cmd.add("session");
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private Run session(String... args) throws Exception {
        Path log = Files.createTempFile(dir, "session", ".log");
        Process p = start(log, args);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("still running after 5 minutes: " + Files.readString(log));
        }
        return new Run(p.exitValue(), Files.readString(log));
    }

    /** The results {@code out/tests.jsonl} holds that ran, by id and run. */
    private static Map<String, JsonNode> ran(Path out) throws IOException {
        Map<String, JsonNode> byId = new HashMap<>();
        for (String line : Files.readAllLines(out.resolve("tests.jsonl"))) {
            JsonNode j = JSON.readTree(line);
            if (!j.path("status").asText().equals("skipped")) {
                byId.put(j.path("id").asText() + "/" + j.path("run").asLong(1), j);
            }
        }
        return byId;
    }

    /**
     * Checks that Prometheus holds, for each result, its {@code test_success} (1 ok, 0 failed) and its received rate at its
     * test's end, labelled as its Pushgateway group: one sample a result, none missing, none else.
     */
    private static void assertAllWritten(Prometheus prom, Map<String, JsonNode> results) throws Exception {
        double now = System.currentTimeMillis() / 1000.0;
        Map<String, List<double[]>> held = new HashMap<>();
        for (String metric : List.of("iperf3j_session_test_success", "iperf3j_session_received_bits_per_second")) {
            for (JsonNode series : prom.queryAt(metric + "[1h]", now)) {
                for (JsonNode v : series.path("values")) {
                    String key = metric + " " + series.path("metric").path("id").asText();
                    held.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {v.get(0).asDouble(), v.get(1).asDouble()});
                    assertThat(series.path("metric").path("repeat").asText()).isNotEmpty();
                    assertThat(series.path("metric").path("sender").asText()).startsWith("rw");
                    assertThat(series.path("metric").path("job").asText()).as("the Pushgateway group's job").isEqualTo("iperf3j_session");
                }
            }
        }
        int samples = held.values().stream().mapToInt(List::size).sum();
        assertThat(samples).as("two series' samples, one a result: %s", held.keySet()).isEqualTo(2 * results.size());
        for (JsonNode r : results.values()) {
            String id = r.path("id").asText();
            double end = r.path("end_timestamp_seconds").asDouble();
            boolean ok = r.path("status").asText().equals("ok");
            assertThat(held.get("iperf3j_session_test_success " + id)).as(id).anySatisfy(s -> {
                assertThat(s[0]).as("%s at its end", id).isCloseTo(end, org.assertj.core.data.Offset.offset(0.0011));
                assertThat(s[1]).isEqualTo(ok ? 1.0 : 0.0);
            });
            assertThat(held.get("iperf3j_session_received_bits_per_second " + id)).as(id).anySatisfy(s -> {
                assertThat(s[0]).isCloseTo(end, org.assertj.core.data.Offset.offset(0.0011));
                assertThat(s[1]).isCloseTo(ok ? r.path("received_bits_per_second").asDouble() : 0.0, org.assertj.core.data.Percentage.withPercentage(1e-9));
            });
        }
    }

    @Test
    void everyResultIsInPrometheusAtItsTestsEndAndABadUrlIsRefusedBeforeAnythingRuns() throws Exception {
        try (Prometheus prom = Prometheus.receiver(Files.createDirectories(dir.resolve("prom")))) {
            Path out = dir.resolve("out");
            Run run = session(plan("ok", 2, "").toString(), "-o", out.toString(), "--remote-write.url", prom.writeUrl(),
                    "--remote-write.label", "site=lab");
            assertThat(run.status()).as(run.out()).isZero();
            Map<String, JsonNode> results = ran(out);
            assertThat(results).hasSize(4);
            // sent as they come: a request each, or fewer when results came faster than a request
            assertThat(run.out()).containsPattern(java.util.regex.Pattern.quote("remote-write " + prom.writeUrl() + ": all 4 result(s) written (")
                    + "[1-4] requests?\\)");
            assertThat(Files.readString(out.resolve("summary.txt"))).contains("all 4 result(s) written");
            assertAllWritten(prom, results);
            assertThat(prom.queryAt("count(iperf3j_session_test_success{site=\"lab\"})", System.currentTimeMillis() / 1000.0)
                    .get(0).path("value").get(1).asText()).as("the external label on each").isEqualTo("4");
        }
        Path never = dir.resolve("never");
        Run bad = session(plan("bad", 1, "").toString(), "-o", never.toString(), "--remote-write.url", "ftp://127.0.0.1/write");
        assertThat(bad.status()).as(bad.out()).isEqualTo(2);
        assertThat(bad.out()).startsWith("iperf3j session: ").contains("remote-write URL must start with http:// or https://, not ftp://");
        assertThat(never).as("nothing ran").doesNotExist();
    }

    /**
     * A receiver that is down when the plan starts and comes back mid-run, behind a front that answers 500 to its first
     * requests after that: every result written, each at its own end; the outage and the return said once each.
     */
    @Test
    void aReceiverDownAtTheStartThenAnswering500ForAWhileGetsEveryResult() throws Exception {
        int port = FreePorts.next();
        AtomicInteger errors = new AtomicInteger(3);
        HttpServer front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        HttpClient forward = HttpClient.newHttpClient();
        front.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            int status;
            byte[] answer;
            if (errors.getAndDecrement() > 0) {
                status = 500;
                answer = "overloaded".getBytes(StandardCharsets.UTF_8);
            } else {
                try {
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/write"))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                    for (String h : List.of("Content-Encoding", "Content-Type", "X-Prometheus-Remote-Write-Version")) {
                        b.header(h, ex.getRequestHeaders().getFirst(h));
                    }
                    HttpResponse<byte[]> r = forward.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                    status = r.statusCode();
                    answer = r.body();
                } catch (IOException | InterruptedException e) {
                    status = 502;
                    answer = e.toString().getBytes(StandardCharsets.UTF_8);
                }
            }
            ex.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                ex.getResponseBody().write(answer);
            }
            ex.close();
        });
        front.start();
        try {
            Path out = dir.resolve("out");
            Path log = dir.resolve("outage.log");
            // the front answers 500 while Prometheus is not there yet: down at the start, then errors, then through
            errors.set(Integer.MAX_VALUE);
            Process p = start(log, plan("outage", 3, "").toString(), "-o", out.toString(), "--remote-write.url",
                    "http://127.0.0.1:" + front.getAddress().getPort() + "/api/v1/write");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!Files.exists(out.resolve("tests.jsonl")) || Files.readAllLines(out.resolve("tests.jsonl")).size() < 2) {
                assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as(Files.readString(log)).isLessThan(deadline);
                Thread.sleep(100);
            }
            try (Prometheus prom = Prometheus.receiver(Files.createDirectories(dir.resolve("prom")), port)) {
                errors.set(3);
                assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
                String said = Files.readString(log);
                assertThat(p.exitValue()).as(said).isZero();
                assertThat(said).contains("all 6 result(s) written").contains("results are held").contains("answers again");
                assertAllWritten(prom, ran(out));
            }
        } finally {
            front.stop(0);
        }
    }

    /**
     * A controller SIGKILLed mid-run while its receiver answered nothing but 503 (so nothing was written): {@code --resend OUT}
     * to the receiver sends every result the folder holds, each at its own end; sent again, nothing changes (Prometheus keeps
     * one copy of an identical sample). A result whose time was moved back in tests.jsonl after it was written is refused
     * (400, out of order) and named, alone among the others; a URL that 404s names every result with Prometheus's words.
     */
    @Test
    void aKilledControllersResultsAreResentAndRefusalsAreNamed() throws Exception {
        HttpServer down = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        down.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        down.start();
        Path out = dir.resolve("out");
        try {
            Path log = dir.resolve("killed.log");
            Process p = start(log, plan("killed", 5, "").toString(), "-o", out.toString(), "--remote-write.url",
                    "http://127.0.0.1:" + down.getAddress().getPort() + "/api/v1/write");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!Files.exists(out.resolve("tests.jsonl")) || Files.readAllLines(out.resolve("tests.jsonl")).size() < 4) {
                assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as(Files.readString(log)).isLessThan(deadline);
                Thread.sleep(100);
            }
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        } finally {
            down.stop(0);
        }
        Map<String, JsonNode> results = ran(out);
        assertThat(results.size()).isBetween(4, 9);
        try (Prometheus prom = Prometheus.receiver(Files.createDirectories(dir.resolve("prom")))) {
            Run resent = session("--resend", out.toString(), "--remote-write.url", prom.writeUrl());
            assertThat(resent.status()).as(resent.out()).isZero();
            assertThat(resent.out()).contains("resending the results in " + out.resolve("tests.jsonl"))
                    .contains(results.size() + " result(s) read")
                    .contains("all " + results.size() + " result(s) written");
            assertAllWritten(prom, results);
            Run again = session("--resend", out.toString(), "--remote-write.url", prom.writeUrl());
            assertThat(again.status()).as("sent twice: no harm. %s", again.out()).isZero();
            assertAllWritten(prom, results);

            // one result's time moved back 10 s after it was written: out of order for its series, refused alone
            List<String> lines = new ArrayList<>(Files.readAllLines(out.resolve("tests.jsonl")));
            JsonNode first = JSON.readTree(lines.getFirst());
            String moved = lines.getFirst().replaceFirst("\"end_timestamp_seconds\":[0-9.eE+-]+",
                    "\"end_timestamp_seconds\":" + String.format(java.util.Locale.ROOT, "%.3f", first.path("end_timestamp_seconds").asDouble() - 10));
            assertThat(moved).isNotEqualTo(lines.getFirst());
            lines.set(0, moved);
            Files.write(out.resolve("tests.jsonl"), lines);
            Run refused = session("--resend", out.toString(), "--remote-write.url", prom.writeUrl());
            assertThat(refused.status()).as(refused.out()).isEqualTo(1);
            assertThat(refused.out()).contains((results.size() - 1) + " of " + results.size() + " result(s) written")
                    .contains("NOT WRITTEN: 1").contains("HTTP status 400").contains("out of order")
                    .contains("    " + first.path("id").asText());

            Run missing = session("--resend", out.toString(), "--remote-write.url", prom.url() + "/api/v1/nowhere");
            assertThat(missing.status()).as(missing.out()).isEqualTo(1);
            assertThat(missing.out()).contains("0 of " + results.size() + " result(s) written")
                    .contains("  " + results.size() + " HTTP status 404: 404 page not found:");
        }
    }

    /** A schedule's runs, each written at its own end; its /metrics counts what its archive wrote. */
    @Test
    void aSchedulesRunsAreWrittenEachAtItsEnd() throws Exception {
        try (Prometheus prom = Prometheus.receiver(Files.createDirectories(dir.resolve("prom")))) {
            Path out = dir.resolve("out");
            int metrics = FreePorts.next();
            Path log = dir.resolve("schedule.log");
            Process p = start(log, plan("scheduled", 1, "schedule: {every: 5s, runs: 2}\n").toString(), "-o", out.toString(),
                    "--remote-write.url", prom.writeUrl(), "--metrics.listen", Integer.toString(metrics));
            String scraped = "";
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (p.isAlive() && System.nanoTime() < deadline) {
                try {
                    scraped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics + "/metrics"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                } catch (IOException e) {
                    // not listening yet, or gone
                }
                Thread.sleep(500);
            }
            assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
            String said = Files.readString(log);
            assertThat(p.exitValue()).as(said).isZero();
            assertThat(said).contains("all 4 result(s) written");
            Map<String, JsonNode> results = ran(out);
            assertThat(results).hasSize(4);
            assertAllWritten(prom, results);
            assertThat(scraped).contains("iperf3j_session_archive_results_total{archive=\"remote_write\",outcome=\"written\"}");
        }
    }
}
