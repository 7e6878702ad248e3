package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.internal.agent.AgentArchives;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Netns;
import io.iperf3j.testing.Prometheus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.assertj.core.data.Percentage;
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
 * every 15 s for 3 runs, {@code -t 1}. By the agents' own records only ({@code tests.jsonl}: what each sent;
 * {@code served.jsonl}: what its server ran): every ordered pair ran exactly once over the cycle, ok, and the receiver's
 * server saw it; no host was in two tests at once. Every result, and each agent's heartbeat at each run's end, reached the
 * plan's archive (a real Prometheus receiving remote writes, on a leg of the bridge), labelled as a session's; a live
 * agent's {@code /metrics} shows what its records hold; a killed agent's heartbeat stops, and the shipped alert's expression
 * names it and no other.
 */
@Tag("root")
@Timeout(value = 10, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
@Execution(ExecutionMode.CONCURRENT) // the labs' lane: beside the other tests, one lab at a time
@ResourceLock(NetnsLab.LANE)
class AgentLabTest {
    private static final int HOSTS = 4;
    /**
     * The plan's schedule period, in seconds: the agents, started just after a mark of it, must all have read the plan 2 s
     * before the next (12 s for four JVMs at once; at 10 s, one of them, on this 2-core machine at a load of 7, took the
     * run after).
     */
    private static final int PERIOD = 15;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** A line of Prometheus text: name, labels, value. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)\\})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

    /** The lab: its namespaces, its subnet ({@code 10.77.R.}, R random: the root namespace has a leg on it), the plan's hosts. */
    private record Lab(Netns net, String lan, String hosts) {
        String address(int i) {
            return lan + i;
        }

        /** The root namespace's address on the bridge, where the archive listens. */
        String rootLeg() {
            return lan + "254";
        }
    }

    /** A test's span at one of its ends, as one agent recorded it. */
    private record Span(String pair, Instant from, Instant to) {
    }

    @Test
    void fourAgentsRunARotatingMeshEachPairOnceNoHostInTwoTestsAtOnceAndEveryResultReachesTheArchive(@TempDir Path dir)
            throws Exception {
        String scraped;
        List<JsonNode> h1AtScrape;
        try (Netns net = Netns.open("agt")) {
            Lab lab = lab(net);
            try (Prometheus prom = Prometheus.receiver(Files.createDirectories(dir.resolve("prom")), lab.rootLeg(), FreePorts.next())) {
                String metrics = lab.address(1) + ":9300";
                List<Process> agents = startAgents(lab, dir, prom, Map.of(1, List.of("--metrics.listen", metrics)));
                // a live agent's /metrics, once its first run has ended; its records read after the scrape
                scraped = scrapeAfterARun(metrics, agents.get(0), dir);
                h1AtScrape = lines(dir.resolve("h1").resolve("tests.jsonl"));
                for (int i = 1; i <= HOSTS; i++) {
                    assertThat(awaitExit(agents.get(i - 1), i)).as("agent h%d: %s", i, log(dir, i)).isZero();
                }
                List<JsonNode> all = new ArrayList<>();
                Map<String, Set<Long>> runsOf = new TreeMap<>();
                for (int i = 1; i <= HOSTS; i++) {
                    List<JsonNode> own = lines(dir.resolve("h" + i).resolve("tests.jsonl"));
                    runsOf.put("h" + i, new TreeSet<>(own.stream().map(t -> t.get("run").asLong()).toList()));
                    // each of its 3 tests and its 3 runs' heartbeats, flushed before it ended
                    assertThat(log(dir, i)).as("h%d's terminal", i)
                            .contains("remote-write " + prom.writeUrl() + ": all " + (own.size() + 3) + " result(s) written");
                    all.addAll(own);
                }
                long firstAll = all.stream().mapToLong(t -> t.get("run").asLong()).min().orElseThrow();
                assertThat(runsOf.values()).as("every agent in runs %d-%d (one that read the plan late took later runs)",
                        firstAll, firstAll + 2).allSatisfy(r -> assertThat(r).allMatch(n -> n >= firstAll && n <= firstAll + 2));
                assertArchived(prom, all);
                Map<String, List<double[]>> beats = heartbeats(prom);
                assertThat(beats.keySet()).containsExactly("h1", "h2", "h3", "h4");
                // the first run: every run has tests, so the smallest run of any record
                long first = all.stream().mapToLong(t -> t.get("run").asLong()).min().orElseThrow();
                for (int i = 1; i <= HOSTS; i++) {
                    List<double[]> mine = beats.get("h" + i);
                    assertThat(mine).as("h%d: a heartbeat a run", i).hasSize(3);
                    for (int k = 0; k < 3; k++) {
                        // every agent's run ends at the same instant of the timetable, a period after the one before
                        assertThat(mine.get(k)[0]).as("h%d's heartbeat %d beside h1's", i, k).isCloseTo(beats.get("h1").get(k)[0], Offset.offset(1.0));
                        if (k > 0) {
                            assertThat(mine.get(k)[0] - mine.get(k - 1)[0]).isCloseTo(PERIOD, Offset.offset(1.0));
                        }
                    }
                    // a run's heartbeat comes after its tests: each test's end before its run's heartbeat
                    for (JsonNode t : lines(dir.resolve("h" + i).resolve("tests.jsonl"))) {
                        int k = (int) (t.get("run").asLong() - first);
                        assertThat(t.get("end_timestamp_seconds").asDouble()).as("h%d %s", i, t.get("id")).isLessThan(beats.get("h" + i).get(k)[0]);
                    }
                }
                checkScrape(scraped, h1AtScrape, beats.get("h1"));
            }
        }
        Map<String, List<Span>> byHost = new HashMap<>();
        Set<String> sent = new TreeSet<>();
        Set<Long> runs = new TreeSet<>();
        Map<String, Span> senderSpans = new HashMap<>();
        int warmed = 0;
        for (int i = 1; i <= HOSTS; i++) {
            String log = Files.readString(dir.resolve("h" + i + ".log"));
            assertThat(log).as("h%d's terminal", i).contains("[run ").contains("mesh m: run ").contains(" ok ");
            // a warm-up when the first run is more than 7 s off (an agent whose JVM started slower than that has none)
            if (log.contains("warm-up: ")) {
                assertThat(log).containsPattern("warm-up: 64 MiB over loopback to a server of its own, ok \\(\\d+\\.\\d s\\)\n");
                assertThat(log.indexOf("warm-up: ")).as("h%d warms up before its first run", i).isLessThan(log.indexOf("[run "));
                warmed++;
            }
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
        assertThat(warmed).as("agents that warmed up before their first run").isPositive();
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
     * The lab: {@link #HOSTS} namespaces on one bridge, addresses {@code 10.77.R.i}, and a leg of the root namespace on the
     * bridge ({@code 10.77.R.254}) where the archive listens and from which the test reaches the agents' {@code /metrics}.
     */
    private static Lab lab(Netns net) throws Exception {
        Netns.require("AgentLabTest", "ip");
        String lan = "10.77." + ThreadLocalRandom.current().nextInt(1, 254) + ".";
        String hub = net.add("hub");
        String bridge = net.tag() + "br";
        net.ip(hub, "link", "add", bridge, "type", "bridge");
        net.ip(hub, "link", "set", bridge, "up");
        StringBuilder plan = new StringBuilder("hosts:\n");
        for (int i = 1; i <= HOSTS; i++) {
            String ns = net.add("h" + i);
            net.veth("a" + i, ns, "b" + i, hub, 0);
            net.address(ns, net.tag() + "a" + i, lan + i + "/24");
            net.ip(hub, "link", "set", net.tag() + "b" + i, "master", bridge);
            plan.append("  - {id: h").append(i).append(", address: ").append(lan).append(i).append("}\n");
        }
        String[] leg = net.veth("r", null, "rb", hub, 0);
        net.address(null, leg[0], lan + "254/24");
        net.ip(hub, "link", "set", leg[1], "master", bridge);
        return new Lab(net, lan, plan.toString());
    }

    /**
     * Starts the built jar's agent in each namespace with the same plan (a mesh both ways, {@code per_run: 4}, every {@link #PERIOD} s
     * for 3 runs, {@code -t 1}, its results remote-written to {@code prom}), host {@code i} with {@code extra.get(i)} on its command
     * line, its terminal in {@code dir/hN.log}, its records in {@code dir/hN}. Started just after a mark of the period, so that every
     * agent is up well before the next one and all take the same first run.
     */
    private static List<Process> startAgents(Lab lab, Path dir, Prometheus prom, Map<Integer, List<String>> extra) throws Exception {
        String jar = IperfJar.command(); // built before the clock matters
        Path planFile = dir.resolve("same.yaml");
        Files.writeString(planFile, lab.hosts() + "schedule: {every: " + PERIOD + "s, runs: 3}\n"
                + "remote_write: {url: '" + prom.writeUrl() + "', labels: {lab: agents}}\ntests:\n"
                + "  - {name: m, mesh: [h1, h2, h3, h4], direction: both, duration: 1, per_run: 4}\n");
        while (System.currentTimeMillis() % (PERIOD * 1000L) > 1_000) {
            Thread.sleep(50);
        }
        List<Process> agents = new ArrayList<>();
        for (int i = 1; i <= HOSTS; i++) {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.net().tag() + "h" + i));
            cmd.addAll(List.of(jar.split(" ")));
            cmd.addAll(List.of("agent", "--plan", planFile.toString(), "--host-id", "h" + i, "-o", dir.resolve("h" + i).toString()));
            cmd.addAll(extra.getOrDefault(i, List.of()));
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

    /**
     * h4's agent SIGKILLed 1.5 s into its second run: the three others run all six of their pairs ok, the tests toward h4
     * after the kill fail at once, none is skipped. In the archive, h4's heartbeat stops at its first run's end while the
     * others' go on for two more runs, and the shipped alert's expression (its period set to the plan's) names h4 and no
     * other; {@code iperf3j agent --resend} then sends what h4's records hold that its kill kept from the archive.
     */
    @Test
    void anAgentKilledMidRunCostsOnlyItsOwnTestsAndItsSilenceIsSeenInTheArchive(@TempDir Path dir) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        try (Netns net = Netns.open("agt")) {
            Lab lab = lab(net);
            try (Prometheus prom = Prometheus.receiver(Files.createDirectories(dir.resolve("prom")), lab.rootLeg(), FreePorts.next())) {
                List<Process> agents = startAgents(lab, dir, prom, Map.of());
                Path h4 = dir.resolve("h4.log");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (Pattern.compile("\\[run \\d+\\] h4 sends").matcher(Files.readString(h4)).results().count() < 2) {
                    assertThat(System.nanoTime()).as("h4's second run did not start: %s", Files.readString(h4)).isLessThan(deadline);
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
                Map<String, List<double[]>> beats = heartbeats(prom);
                assertThat(beats.get("h4")).as("h4's heartbeat: its first run's end, then none").hasSize(1);
                double h4Last = beats.get("h4").getFirst()[0];
                double othersLast = 0;
                for (int i = 1; i < HOSTS; i++) {
                    List<double[]> mine = beats.get("h" + i);
                    assertThat(mine).as("h%d's heartbeats go on", i).hasSize(3);
                    assertThat(mine.getFirst()[0]).isCloseTo(h4Last, Offset.offset(1.0));
                    othersLast = Math.max(othersLast, mine.getLast()[0]);
                }
                assertThat(othersLast - h4Last).as("the others ran two more periods").isCloseTo(2.0 * PERIOD, Offset.offset(1.0));
                // the shipped rule's expression, its period the plan's: a few seconds after the others' last runs it names
                // h4 alone (silent for 2 periods and 5 s); a few seconds after the first run, no one
                String silent = alertExpression().replace("2 * 3600", "2 * " + PERIOD);
                assertThat(hosts(prom.queryAt(silent, othersLast + 5))).as(silent).containsExactly("h4");
                assertThat(hosts(prom.queryAt(silent, h4Last + 5))).as(silent).isEmpty();
                // what h4 recorded before its kill, resent: then every result of every agent's records is in the archive
                List<JsonNode> h4Own = lines(dir.resolve("h4").resolve("tests.jsonl"));
                List<String> cmd = new ArrayList<>(List.of(IperfJar.command().split(" ")));
                cmd.addAll(List.of("agent", "--plan", dir.resolve("same.yaml").toString(), "--resend", dir.resolve("h4").toString()));
                Process resend = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("resend.log").toFile()).start();
                assertThat(resend.waitFor(60, TimeUnit.SECONDS)).isTrue();
                String said = Files.readString(dir.resolve("resend.log"));
                assertThat(resend.exitValue()).as(said).isZero();
                assertThat(said).contains(h4Own.size() + " result(s) read")
                        .contains("remote-write " + prom.writeUrl() + ": all " + h4Own.size() + " result(s) written");
                all.addAll(h4Own);
                assertArchived(prom, all);
            }
        }
        Set<String> ok = new TreeSet<>();
        int failedTowardH4 = 0;
        for (JsonNode t : all) {
            String pair = t.get("sender").asText() + ">" + t.get("receiver").asText();
            if (t.get("receiver").asText().equals("h4") || t.get("sender").asText().equals("h4")) {
                failedTowardH4 += t.get("receiver").asText().equals("h4") && t.get("status").asText().equals("failed") ? 1 : 0;
                continue;
            }
            assertThat(t.get("status").asText()).as("%s, not h4's: %s", pair, t).isEqualTo("ok");
            ok.add(pair);
        }
        assertThat(ok).as("every pair of the three live hosts ran, ok").hasSize(6);
        assertThat(failedTowardH4).as("the tests toward the killed host failed (those after its kill)").isPositive();
        assertThat(all).as("nothing was skipped: no one waited for the dead host").noneMatch(t -> t.get("status").asText().equals("skipped"));
    }

    /** The shipped {@code IperfAgentSilent} rule's expression, from dist's rules file. */
    private static String alertExpression() throws IOException {
        String rules = Files.readString(Path.of("..", "dist", "src", "main", "prometheus", "iperf3j-alerts.yml"));
        Matcher m = Pattern.compile("- alert: IperfAgentSilent\\s+expr: (.+)").matcher(rules);
        assertThat(m.find()).as("the rule IperfAgentSilent in iperf3j-alerts.yml").isTrue();
        return m.group(1).trim();
    }

    /** The {@code host} labels of an instant query's result. */
    private static List<String> hosts(JsonNode result) {
        List<String> out = new ArrayList<>();
        result.forEach(r -> out.add(r.path("metric").path("host").asText()));
        return out;
    }

    /**
     * Every record in {@code tests} is in the archive, as a session's result is: its {@code test_success} (1 ok, 0 failed) and
     * received rate, one sample each at its test's end, labelled with its test's labels, the session's job and the plan's
     * {@code lab}; and no other result.
     */
    private static void assertArchived(Prometheus prom, List<JsonNode> tests) throws Exception {
        double now = System.currentTimeMillis() / 1000.0;
        Map<String, JsonNode> byId = new TreeMap<>();
        tests.forEach(t -> assertThat(byId.put(t.get("id").asText(), t)).as("one record of %s", t.get("id")).isNull());
        for (String metric : List.of("iperf3j_session_test_success", "iperf3j_session_received_bits_per_second")) {
            Set<String> held = new TreeSet<>();
            for (JsonNode series : prom.queryAt(metric + "[10m]", now)) {
                JsonNode labels = series.path("metric");
                String id = labels.path("id").asText();
                JsonNode t = byId.get(id);
                assertThat(t).as("%s %s is a record's", metric, labels).isNotNull();
                held.add(id);
                Map<String, String> want = new TreeMap<>(Map.of("__name__", metric, "job", "iperf3j_session", "lab", "agents"));
                for (String key : List.of("id", "sender", "receiver", "direction", "protocol", "kind", "repeat")) {
                    want.put(key, t.get(key).asText());
                }
                Map<String, String> got = new TreeMap<>();
                labels.properties().forEach(e -> got.put(e.getKey(), e.getValue().asText()));
                assertThat(got).as("%s's labels, a session's", id).isEqualTo(want);
                JsonNode values = series.path("values");
                assertThat(values.size()).as("%s %s: one sample a result", metric, id).isEqualTo(1);
                boolean ok = t.get("status").asText().equals("ok");
                assertThat(values.get(0).get(0).asDouble()).as("%s at its end", id)
                        .isCloseTo(t.get("end_timestamp_seconds").asDouble(), Offset.offset(0.0011));
                double want1 = metric.endsWith("success") ? (ok ? 1 : 0) : (ok ? t.get("received_bits_per_second").asDouble() : 0);
                assertThat(values.get(0).get(1).asDouble()).as("%s %s", metric, id).isCloseTo(want1, Percentage.withPercentage(1e-9));
            }
            assertThat(held).as("%s: every record's", metric).isEqualTo(byId.keySet());
        }
    }

    /** Each agent's heartbeat samples in the archive ({@code [seconds, value]}, in time order), checked to be their own time. */
    private static Map<String, List<double[]>> heartbeats(Prometheus prom) throws Exception {
        Map<String, List<double[]>> out = new TreeMap<>();
        for (JsonNode series : prom.queryAt(AgentArchives.HEARTBEAT + "[10m]", System.currentTimeMillis() / 1000.0)) {
            JsonNode labels = series.path("metric");
            assertThat(labels.path("job").asText()).isEqualTo("iperf3j_session");
            assertThat(labels.path("lab").asText()).isEqualTo("agents");
            List<double[]> samples = new ArrayList<>();
            for (JsonNode v : series.path("values")) {
                double[] at = {v.get(0).asDouble(), v.get(1).asDouble()};
                assertThat(at[1]).as("a heartbeat's value is its own time").isCloseTo(at[0], Offset.offset(0.0011));
                samples.add(at);
            }
            assertThat(out.put(labels.path("host").asText(), samples)).as("one series a host: %s", labels).isNull();
        }
        return out;
    }

    /** h1's {@code /metrics} once it shows a heartbeat (a run ended) and a test's result, read while its agent runs. */
    private static String scrapeAfterARun(String address, Process agent, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            assertThat(agent.isAlive()).as("h1 runs: %s", log(dir, 1)).isTrue();
            assertThat(System.nanoTime()).as("h1's /metrics showed no heartbeat: %s", log(dir, 1)).isLessThan(deadline);
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains(AgentArchives.HEARTBEAT + "{")
                        && r.body().contains("iperf3j_session_test_success{")) {
                    return r.body();
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
    }

    /**
     * What h1's {@code /metrics} said, against its records read just after: its heartbeat is a run's end the archive holds too
     * (one of {@code beats}); its own three tests counted, no other's; each test that ended before that heartbeat shown with
     * its record's success and rate, and no test shown that has no record; the archive's counters; the process's.
     */
    private static void checkScrape(String text, List<JsonNode> records, List<double[]> beats) {
        Map<String, Map<String, Double>> byName = new TreeMap<>(); // metric -> id (or host, archive/outcome) -> value
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new TreeMap<>();
            Matcher l = LABEL.matcher(m.group(2) == null ? "" : m.group(2));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
            String key = labels.containsKey("id") ? labels.get("id") : labels.containsKey("host") ? labels.get("host")
                    : labels.getOrDefault("archive", "") + "/" + labels.getOrDefault("outcome", "");
            if (labels.containsKey("id")) {
                assertThat(labels.get("sender")).as("h1 serves its own tests' series: %s", line).isEqualTo("h1");
            }
            byName.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(key, Double.parseDouble(m.group(3)));
        }
        assertThat(byName.get(AgentArchives.HEARTBEAT)).as(text).containsOnlyKeys("h1");
        double beat = byName.get(AgentArchives.HEARTBEAT).get("h1");
        assertThat(beats).as("the scrape's heartbeat %s among the archive's", beat).anySatisfy(b -> assertThat(b[1]).isCloseTo(beat, Offset.offset(1e-6)));
        assertThat(byName.get("iperf3j_session_runs_total")).as("h1's three tests").containsOnlyKeys("m_h1-h2", "m_h1-h3", "m_h1-h4");
        Map<String, JsonNode> recorded = new TreeMap<>();
        records.forEach(t -> recorded.put(t.get("id").asText(), t));
        Map<String, Double> success = byName.getOrDefault("iperf3j_session_test_success", Map.of());
        Map<String, Double> rate = byName.getOrDefault("iperf3j_session_received_bits_per_second", Map.of());
        assertThat(recorded.keySet()).as("every test shown has its record").containsAll(success.keySet());
        for (JsonNode t : records) {
            String id = t.get("id").asText();
            if (t.get("end_timestamp_seconds").asDouble() < beat) {
                assertThat(success).as("%s ended before the heartbeat: %s", id, text).containsEntry(id, 1.0);
                assertThat(byName.get("iperf3j_session_runs_total")).containsEntry(id, 1.0);
            }
            if (success.containsKey(id)) {
                assertThat(rate.get(id)).as(id).isCloseTo(t.get("received_bits_per_second").asDouble(), Percentage.withPercentage(1e-6));
            }
        }
        assertThat(byName.get("iperf3j_session_archive_results_total")).containsKeys("remote_write/written", "remote_write/refused");
        assertThat(byName).containsKey("iperf3j_build_info");
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
