package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.testing.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code iperf3j agent} (issue 69) as a fleet runs it: four network namespaces on one bridge, each running the built jar's
 * {@code iperf3j agent --plan same.yaml --host-id hN}, no controller. The plan: a mesh both ways of the four, {@code per_run: 4},
 * every 10 s for 3 runs, {@code -t 1}. By the agents' own records only ({@code tests.jsonl}: what each sent;
 * {@code served.jsonl}: what its server ran): every ordered pair ran exactly once over the cycle, ok, and the receiver's
 * server saw it; no host was in two tests at once.
 */
@Tag("root")
@Timeout(value = 10, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
@Execution(ExecutionMode.CONCURRENT) // the labs' lane: beside the other tests, one lab at a time
@ResourceLock(NetnsLab.LANE)
class AgentLabTest {
    private static final int HOSTS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A test's span at one of its ends, as one agent recorded it. */
    private record Span(String pair, Instant from, Instant to) {
    }

    @Test
    void fourAgentsRunARotatingMeshEachPairOnceAndNoHostInTwoTestsAtOnce(@TempDir Path dir) throws Exception {
        try (Netns net = Netns.open("agt")) {
            List<Process> agents = startAgents(net, dir);
            for (int i = 1; i <= HOSTS; i++) {
                assertThat(awaitExit(agents.get(i - 1), i)).as("agent h%d: %s", i, log(dir, i)).isZero();
            }
        }
        Map<String, List<Span>> byHost = new HashMap<>();
        Set<String> sent = new TreeSet<>();
        Set<Long> runs = new TreeSet<>();
        Map<String, Span> senderSpans = new HashMap<>();
        for (int i = 1; i <= HOSTS; i++) {
            String log = Files.readString(dir.resolve("h" + i + ".log"));
            assertThat(log).as("h%d's terminal", i).contains("[run ").contains("mesh m: run ").contains(" ok ");
            for (JsonNode t : lines(dir.resolve("h" + i).resolve("tests.jsonl"))) {
                String pair = t.get("sender").asText() + ">" + t.get("receiver").asText();
                assertThat(t.get("sender").asText()).as("h%d records the tests it sends", i).isEqualTo("h" + i);
                assertThat(t.get("status").asText()).as("%s: %s", pair, t).isEqualTo("ok");
                assertThat(t.get("received_bits_per_second").asDouble()).as(pair).isPositive();
                assertThat(sent.add(pair)).as("%s ran twice", pair).isTrue();
                runs.add(t.get("run").asLong());
                assertThat(t.get("rotation_runs").asLong()).isEqualTo(3);
                Instant began = Instant.parse(t.get("started").asText());
                Instant ended = Instant.ofEpochMilli(Math.round(t.get("end_timestamp_seconds").asDouble() * 1000));
                Span s = new Span(pair, began, ended);
                senderSpans.put(pair, s);
                byHost.computeIfAbsent(t.get("sender").asText(), k -> new ArrayList<>()).add(s);
            }
        }
        assertThat(sent).as("every ordered pair of the mesh once over the cycle").hasSize(HOSTS * (HOSTS - 1));
        assertThat(runs).as("three runs, the same three for every agent").hasSize(3);
        assertThat(runs.stream().mapToLong(Long::longValue).max().getAsLong() - runs.iterator().next()).isEqualTo(2);
        Set<String> served = new HashSet<>();
        for (int i = 1; i <= HOSTS; i++) {
            for (JsonNode s : lines(dir.resolve("h" + i).resolve("served.jsonl"))) {
                String pair = s.get("from").asText() + ">" + s.get("to").asText();
                assertThat(s.get("to").asText()).isEqualTo("h" + i);
                assertThat(s.get("result").asText()).as(pair).isEqualTo("ok");
                assertThat(served.add(pair)).as("%s served twice", pair).isTrue();
                Span span = new Span(pair, Instant.parse(s.get("started").asText()), Instant.parse(s.get("ended").asText()));
                Span bySender = senderSpans.get(pair);
                assertThat(bySender).as("%s served but not sent", pair).isNotNull();
                // the same test at its two ends: the server's starts within the sender's, and ends with it (the sender's end
                // is the client's return, stamped to the millisecond; the server finishes its side a moment after)
                assertThat(span.from()).as("%s: the server's test within the sender's", pair).isAfterOrEqualTo(bySender.from())
                        .isBefore(bySender.to());
                assertThat(span.to()).as("%s: the server's test ends with the sender's", pair)
                        .isBetween(bySender.to().minusSeconds(1), bySender.to().plusSeconds(1));
                // a host by its own records: what it sent, and what its server ran (not the sender's span of this test,
                // which ends when the client returns, a moment after this server ended and may have taken the next)
                byHost.computeIfAbsent("h" + i, k -> new ArrayList<>()).add(span);
            }
        }
        assertThat(served).as("every test sent was served by its receiver").isEqualTo(sent);
        for (Map.Entry<String, List<Span>> host : byHost.entrySet()) {
            List<Span> spans = host.getValue();
            for (Span a : spans) {
                for (Span b : spans) {
                    if (!a.pair().equals(b.pair())) {
                        boolean apart = !a.from().isBefore(b.to()) || !b.from().isBefore(a.to());
                        assertThat(apart).as("%s in two tests at once: %s and %s", host.getKey(), a, b).isTrue();
                    }
                }
            }
        }
    }

    /**
     * The lab: {@link #HOSTS} namespaces on one bridge, each running the built jar's agent with the same plan (a mesh both ways,
     * {@code per_run: 4}, every 10 s for 3 runs, {@code -t 1}), its terminal in {@code dir/hN.log}, its records in
     * {@code dir/hN}. Started just after a 10 s mark, so that every agent is up well before the next one and all take the
     * same first run.
     */
    private static List<Process> startAgents(Netns net, Path dir) throws Exception {
        Netns.require("AgentLabTest", "ip");
        String jar = IperfJar.command(); // built before the clock matters
        String hub = net.add("hub");
        String bridge = net.tag() + "br";
        net.ip(hub, "link", "add", bridge, "type", "bridge");
        net.ip(hub, "link", "set", bridge, "up");
        List<String> spaces = new ArrayList<>();
        StringBuilder plan = new StringBuilder("hosts:\n");
        for (int i = 1; i <= HOSTS; i++) {
            String ns = net.add("h" + i);
            spaces.add(ns);
            net.veth("a" + i, ns, "b" + i, hub, 0);
            net.address(ns, net.tag() + "a" + i, "10.77.0." + i + "/24");
            net.ip(hub, "link", "set", net.tag() + "b" + i, "master", bridge);
            plan.append("  - {id: h").append(i).append(", address: 10.77.0.").append(i).append("}\n");
        }
        plan.append("schedule: {every: 10s, runs: 3}\ntests:\n"
                + "  - {name: m, mesh: [h1, h2, h3, h4], direction: both, duration: 1, per_run: 4}\n");
        Path planFile = dir.resolve("same.yaml");
        Files.writeString(planFile, plan);
        while (System.currentTimeMillis() % 10_000 > 1_000) {
            Thread.sleep(50);
        }
        List<Process> agents = new ArrayList<>();
        for (int i = 1; i <= HOSTS; i++) {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", spaces.get(i - 1)));
            cmd.addAll(List.of(jar.split(" ")));
            cmd.addAll(List.of("agent", "--plan", planFile.toString(), "--host-id", "h" + i, "-o", dir.resolve("h" + i).toString()));
            agents.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("h" + i + ".log").toFile()).start());
        }
        return agents;
    }

    /** Agent {@code i} ends within two minutes; its exit status. */
    private static int awaitExit(Process p, int i) throws Exception {
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("agent h%d did not end", i).isTrue();
            return p.exitValue();
        } finally {
            p.destroyForcibly();
        }
    }

    private static String log(Path dir, int i) throws Exception {
        return Files.readString(dir.resolve("h" + i + ".log"));
    }

    @Test
    void anAgentKilledMidRunCostsOnlyItsOwnTests(@TempDir Path dir) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        try (Netns net = Netns.open("agt")) {
            List<Process> agents = startAgents(net, dir);
            Path h4 = dir.resolve("h4.log");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(h4).contains("[run ")) {
                assertThat(System.nanoTime()).as("h4's first run did not start: %s", Files.readString(h4)).isLessThan(deadline);
                Thread.sleep(50);
            }
            Thread.sleep(1_500); // into the run's first round
            agents.get(3).destroyForcibly().waitFor();
            for (int i = 1; i < HOSTS; i++) {
                int status = awaitExit(agents.get(i - 1), i);
                List<JsonNode> own = lines(dir.resolve("h" + i).resolve("tests.jsonl"));
                // 1 when one of its tests failed (one toward h4 after the kill; an agent whose tests toward h4 all came
                // before it has none), else 0
                boolean failed = own.stream().anyMatch(t -> !t.get("status").asText().equals("ok"));
                assertThat(status).as("agent h%d: %s", i, log(dir, i)).isEqualTo(failed ? 1 : 0);
                all.addAll(own);
            }
        }
        Set<String> ok = new TreeSet<>();
        int failedTowardH4 = 0;
        for (JsonNode t : all) {
            String pair = t.get("sender").asText() + ">" + t.get("receiver").asText();
            if (t.get("receiver").asText().equals("h4")) {
                failedTowardH4 += t.get("status").asText().equals("failed") ? 1 : 0;
                continue;
            }
            assertThat(t.get("status").asText()).as("%s, not h4's: %s", pair, t).isEqualTo("ok");
            ok.add(pair);
        }
        assertThat(ok).as("every pair of the three live hosts ran, ok").hasSize(6);
        assertThat(failedTowardH4).as("the tests toward the killed host failed (those after its kill)").isPositive();
        assertThat(all).as("nothing was skipped: no one waited for the dead host").noneMatch(t -> t.get("status").asText().equals("skipped"));
    }

    private static List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }
}
