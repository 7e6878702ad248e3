package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.iperf3j.session.lab.IperfJar;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan that changes under running agents (issue 69), as users run them: two of the built jar's {@code iperf3j agent
 * --plan URL}, hosts {@code a} on 127.0.0.1 and {@code b} on 127.0.0.2 (no root), the plan served over HTTP by this test with
 * an ETag, {@code every: 10s}. Version 1 is a mesh of the two, {@code -t 1}; a second after a run's start the test serves
 * version 2 (a UDP test added): by both agents' {@code tests.jsonl}, every run up to that one used version 1 and every run
 * after it version 2, by its {@code plan_version} (the SHA-256 of the served bytes), the two agents agreeing run by run, no
 * run mixing versions, and the UDP test in version 2's runs only; each agent's terminal says it read the new version. Then a
 * version whose runs outlast the period and one that is no YAML, each served during a run: both agents refuse each with a line
 * naming why, and the runs after each go on with version 2. SIGTERM ends both with status 0.
 */
@Tag("slow")
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class AgentPlanChangeProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long EVERY_MS = 10_000;

    @TempDir
    Path dir;

    private static String plan(int port, String extra, int duration) {
        return """
                hosts:
                  - {id: a, address: 127.0.0.1}
                  - {id: b, address: 127.0.0.2}
                schedule: {every: 10s}
                tests:
                  - {name: m, mesh: [a, b], duration: %d, port: %d}
                %s""".formatted(duration, port, extra);
    }

    private static String version(String plan) throws Exception {
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(plan.getBytes(StandardCharsets.UTF_8));
        return "sha256:" + HexFormat.of().formatHex(sha, 0, 6);
    }

    @Test
    void bothAgentsTakeANewVersionFromTheNextRunAndKeepItWhenABadOneComes() throws Exception {
        String iperf3j = IperfJar.command();
        int port = 30000 + (int) ((ProcessHandle.current().pid() + 2300) % 9000);
        String v1 = plan(port, "", 1);
        String v2 = plan(port, "  - {name: u, pairs: [[a, b]], protocol: udp, duration: 1, port: %d}\n".formatted(port), 1);
        String tooLong = plan(port, "", 5);
        String notYaml = "hosts: [\n";
        AtomicReference<String> served = new AtomicReference<>(v1);
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/fleet.yaml", x -> {
            byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
            String etag = "\"" + Integer.toHexString(served.get().hashCode()) + "\"";
            x.getResponseHeaders().add("ETag", etag);
            if (etag.equals(x.getRequestHeaders().getFirst("If-None-Match"))) {
                x.sendResponseHeaders(304, -1);
                x.close();
                return;
            }
            x.sendResponseHeaders(200, body.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(body);
            }
        });
        http.start();
        String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/fleet.yaml";
        List<Process> agents = new ArrayList<>();
        try {
            for (String id : List.of("a", "b")) {
                List<String> cmd = new ArrayList<>(List.of(iperf3j.split(" ")));
                cmd.addAll(List.of("agent", "--plan", url, "--host-id", id, "-o", dir.resolve(id).toString()));
                agents.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(id + ".log").toFile()).start());
            }
            // both agents have run version 1 at least once
            long firstDone = waitForRun(agents, 1, Long.MIN_VALUE);
            long switched = switchDuringARun(served, v2, Long.MIN_VALUE);
            waitForRun(agents, 2, switched + 2);
            long refusedLong = switchDuringARun(served, tooLong, Long.MIN_VALUE);
            long refusedYaml = switchDuringARun(served, notYaml, refusedLong + 1);
            waitForRun(agents, 2, refusedYaml + 1);
            for (Process p : agents) {
                p.destroy(); // SIGTERM
            }
            for (int i = 0; i < agents.size(); i++) {
                assertThat(agents.get(i).waitFor(60, TimeUnit.SECONDS)).as(said(i)).isTrue();
                assertThat(agents.get(i).exitValue()).as(said(i)).isZero();
            }

            Map<Long, String> versionsA = versions(agents, 0);
            Map<Long, String> versionsB = versions(agents, 1);
            // the two agents agree run by run, over every run both recorded
            Set<Long> both = new TreeSet<>(versionsA.keySet());
            both.retainAll(versionsB.keySet());
            assertThat(both).as(said(0) + said(1)).contains(switched, switched + 1, refusedLong + 1, refusedYaml + 1);
            for (long run : both) {
                assertThat(versionsA.get(run)).as("run %d", run).isEqualTo(versionsB.get(run));
            }
            String first = version(v1);
            String second = version(v2);
            for (Map<Long, String> versions : List.of(versionsA, versionsB)) {
                versions.forEach((run, v) -> assertThat(v).as("run %d (switched during run %d): %s", run, switched, versions)
                        .isEqualTo(run <= switched ? first : second));
                assertThat(versions.keySet().stream().filter(r -> r <= switched)).as("%s", versions).isNotEmpty();
                assertThat(versions.keySet()).as("%s", versions).contains(refusedYaml + 1);
            }
            assertThat(firstDone).isLessThanOrEqualTo(switched);
            // the UDP test in version 2's runs only, each of those runs with its three tests
            for (JsonNode line : lines(0)) {
                long run = line.get("run").asLong();
                assertThat(line.get("status").asText()).as("%s", line).isEqualTo("ok");
                if (line.get("id").asText().equals("u_a-b")) {
                    assertThat(run).as("%s", line).isGreaterThan(switched);
                }
            }
            assertThat(lines(0).stream().filter(l -> l.get("run").asLong() == switched + 1).map(l -> l.get("id").asText()))
                    .containsExactlyInAnyOrder("m_a-b", "u_a-b");
            assertThat(lines(1).stream().filter(l -> l.get("run").asLong() == switched + 1).map(l -> l.get("id").asText()))
                    .containsExactly("m_b-a");
            for (int i = 0; i < 2; i++) {
                assertThat(said(i)).as("agent %d", i)
                        .contains("[run " + (switched + 1) + "] plan " + url + " read again: version " + version(v2) + " (ETag \"")
                        .contains("3 test(s) on 2 host(s) (1 test(s) added)")
                        .contains("warning: [run " + (refusedLong + 1) + "] plan " + url + " version " + version(tooLong)
                                + " not taken: a run of the plan takes up to 14s")
                        .contains("warning: [run " + (refusedYaml + 1) + "] plan " + url + " version " + version(notYaml)
                                + " not taken: " + url + ": plan is not valid YAML")
                        .contains("; the agent goes on with version " + version(v2));
            }
        } finally {
            for (Process p : agents) {
                p.destroyForcibly();
            }
            http.stop(0);
        }
    }

    /**
     * Waits for a moment 1.5-4 s into a run numbered {@code notBefore} or later (the agents read their plan for the next run
     * after this one ends), and serves {@code next}; that run.
     */
    private static long switchDuringARun(AtomicReference<String> served, String next, long notBefore) throws InterruptedException {
        while (true) {
            long now = System.currentTimeMillis();
            long phase = now % EVERY_MS;
            if (phase >= 1500 && phase <= 4000 && now / EVERY_MS >= notBefore) {
                served.set(next);
                return now / EVERY_MS;
            }
            Thread.sleep(phase < 1500 ? 1500 - phase : EVERY_MS - phase + 1500);
            // (a wake-up early or in the wrong run goes round again)
        }
    }

    /** Waits until every agent has recorded a test of run {@code atLeast} or later and {@code count} runs in all; the last run. */
    private long waitForRun(List<Process> agents, int count, long atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            long last = Long.MAX_VALUE;
            boolean all = true;
            for (int i = 0; i < agents.size(); i++) {
                assertThat(agents.get(i).isAlive()).as(said(i)).isTrue();
                TreeSet<Long> runs = new TreeSet<>(versions(agents, i).keySet());
                all &= runs.size() >= count && runs.last() >= atLeast;
                last = runs.isEmpty() ? last : Math.min(last, runs.last());
            }
            if (all) {
                return last;
            }
            assertThat(System.nanoTime()).as("no run %d in 120 s: %s %s", atLeast, said(0), said(1)).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** Agent {@code i}'s runs and the plan version each used; fails when a run mixes versions. */
    private Map<Long, String> versions(List<Process> agents, int i) throws Exception {
        Map<Long, String> versions = new TreeMap<>();
        for (JsonNode line : lines(i)) {
            long run = line.get("run").asLong();
            String v = line.get("plan_version").asText();
            String before = versions.putIfAbsent(run, v);
            assertThat(before == null || before.equals(v)).as("run %d mixes versions %s and %s", run, before, v).isTrue();
        }
        return versions;
    }

    private List<JsonNode> lines(int i) throws Exception {
        Path file = dir.resolve(i == 0 ? "a" : "b").resolve("tests.jsonl");
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String l : Files.readAllLines(file)) {
                if (!l.isBlank()) {
                    out.add(JSON.readTree(l));
                }
            }
        }
        return out;
    }

    private String said(int i) {
        try {
            return Files.readString(dir.resolve((i == 0 ? "a" : "b") + ".log"));
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
