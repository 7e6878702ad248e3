package io.iperf3j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A synthetic but realistic session output directory of a fleet: HOSTS hosts {@code fl01 …}, one
 * {@code tcp bidir} test per pair of hosts (a mesh: HOSTS × (HOSTS − 1) / 2 tests, each measuring both
 * directions), written as the session writes it ({@code hosts.txt}, {@code tests.jsonl}, one -J file a
 * test). Every test's -J is a real iperf3j {@code --bidir} run (runs/ours_tcp_bidir.json, 3 intervals)
 * tiled to 10 intervals with its rates scaled to the pair's: about 940 Mbit/s, less for a slow host, a
 * few slow pairs; the down hosts' tests failed as a session records it (no output, the reason). A fixed
 * seed makes the same directory each time. Nothing of it is committed: tests write it under target/.
 *
 * <p>{@link #rotatingHistory} writes a scheduled session's history of a rotating mesh instead (issue 69: tests.jsonl only,
 * as bench/report_bench.py --history does for 96 and 200 hosts).
 */
final class FleetSession {
    static final String KIND = "tcp bidir";
    static final String UDP_KIND = "udp -b 50M";
    static final String REFUSED = "unable to connect to server: Connection refused";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final double RATE = 940e6;
    private static final int INTERVALS = 10;

    /** What was written: each test's line, and the pair factors (got ÷ the fleet's usual rate) by "sender → receiver". */
    record Written(Path dir, List<String> hosts, List<JsonNode> lines, Map<String, Double> factors) {
    }

    private FleetSession() {
    }

    /**
     * @param down hosts whose every test failed (connection refused)
     * @param slow hosts whose NIC gives a third of the usual rate, both ways
     */
    static Written write(Path dir, int hosts, Set<String> down, Set<String> slow, long seed) throws IOException {
        Files.createDirectories(dir.resolve("outputs"));
        JsonNode template = MAPPER.readTree(Inputs.resource("runs/ours_tcp_bidir.json").toFile());
        double templateRate = template.path("end").path("sum_received").path("bits_per_second").asDouble();
        double templateReverse = template.path("end").path("sum_received_bidir_reverse").path("bits_per_second").asDouble();
        Random random = new Random(seed);
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= hosts; i++) {
            names.add(String.format("fl%02d", i));
        }
        Files.write(dir.resolve("hosts.txt"), names);
        List<JsonNode> lines = new ArrayList<>();
        Map<String, Double> factors = new LinkedHashMap<>();
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < hosts; i++) {
            for (int j = i + 1; j < hosts; j++) {
                String a = names.get(i), b = names.get(j);
                String id = "m_" + a + "-" + b;
                ObjectNode line = MAPPER.createObjectNode();
                line.put("id", id).put("sender", a).put("receiver", b).put("direction", "bidir").put("protocol", "tcp")
                        .put("kind", KIND).put("repeat", 1);
                if (down.contains(a) || down.contains(b)) {
                    line.put("status", "failed").put("error", REFUSED).putNull("sent_bits_per_second")
                            .putNull("received_bits_per_second").putNull("received_bytes")
                            .putNull("reverse_received_bits_per_second").putNull("client_output").putNull("server_output");
                } else {
                    double forward = factor(random, a, b, slow), reverse = factor(random, b, a, slow);
                    // one pair in 40 has a bad path one way
                    if (random.nextInt(40) == 0) {
                        forward *= 0.12;
                    }
                    factors.put(a + " → " + b, forward);
                    factors.put(b + " → " + a, reverse);
                    ObjectNode doc = run(template, RATE * forward / templateRate, RATE * reverse / templateReverse, b, random);
                    String output = "outputs/" + id + ".json";
                    Files.writeString(dir.resolve(output), MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
                    JsonNode end = doc.path("end");
                    line.put("status", "ok").putNull("error")
                            .put("sent_bits_per_second", end.path("sum_sent").path("bits_per_second").asDouble())
                            .put("received_bits_per_second", end.path("sum_received").path("bits_per_second").asDouble())
                            .put("received_bytes", end.path("sum_received").path("bytes").asLong())
                            .put("reverse_received_bits_per_second", end.path("sum_received_bidir_reverse").path("bits_per_second").asDouble())
                            .put("client_output", output).putNull("server_output");
                }
                lines.add(line);
                jsonl.append(MAPPER.writeValueAsString(line)).append('\n');
            }
        }
        Files.writeString(dir.resolve("tests.jsonl"), jsonl);
        return new Written(dir, names, lines, factors);
    }

    /**
     * Adds a ring of UDP tests asking 50 Mbit/s ({@code -b 50M}, kind {@link #UDP_KIND}) to a written fleet: flNN →
     * the next host, each -J a real iperf3j UDP -b 50M run (runs/ours_udp.json) with its received rate times the
     * ring's factor: 0.5 for fl03 → fl04, 0.97 to 1.0 for the others.
     */
    static Written addUdpRing(Written fleet, long seed) throws IOException {
        JsonNode template = MAPPER.readTree(Inputs.resource("runs/ours_udp.json").toFile());
        Random random = new Random(seed);
        List<JsonNode> lines = new ArrayList<>(fleet.lines());
        Map<String, Double> factors = new LinkedHashMap<>(fleet.factors());
        StringBuilder jsonl = new StringBuilder(Files.readString(fleet.dir().resolve("tests.jsonl")));
        List<String> hosts = fleet.hosts();
        for (int i = 0; i < hosts.size(); i++) {
            String a = hosts.get(i), b = hosts.get((i + 1) % hosts.size());
            double f = a.equals("fl03") ? 0.5 : 0.97 + 0.03 * random.nextDouble();
            ObjectNode doc = template.deepCopy();
            ((ObjectNode) doc.path("start").path("connecting_to")).put("host", b);
            scale(doc, f, f, false, 0);
            String id = "u_" + a + "-" + b, output = "outputs/" + id + ".json";
            Files.writeString(fleet.dir().resolve(output), MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
            JsonNode end = doc.path("end");
            JsonNode received = end.has("sum_received") ? end.path("sum_received") : end.path("sum");
            ObjectNode line = MAPPER.createObjectNode();
            line.put("id", id).put("sender", a).put("receiver", b).put("direction", "forward").put("protocol", "udp")
                    .put("kind", UDP_KIND).put("repeat", 1).put("status", "ok").putNull("error")
                    .put("sent_bits_per_second", end.path("sum_sent").path("bits_per_second").asDouble(50e6))
                    .put("received_bits_per_second", received.path("bits_per_second").asDouble())
                    .put("received_bytes", received.path("bytes").asLong()).putNull("reverse_received_bits_per_second")
                    .put("client_output", output).putNull("server_output");
            factors.put(UDP_KIND + ": " + a + " → " + b, f);
            lines.add(line);
            jsonl.append(MAPPER.writeValueAsString(line)).append('\n');
        }
        Files.writeString(fleet.dir().resolve("tests.jsonl"), jsonl);
        return new Written(fleet.dir(), hosts, lines, factors);
    }

    private static double factor(Random random, String from, String to, Set<String> slow) {
        double f = 0.9 + 0.15 * random.nextDouble();
        return slow.contains(from) || slow.contains(to) ? f / 3 : f;
    }

    /** The template tiled to 10 intervals, each direction's bytes and rates times its factor (±3 % an interval). */
    private static ObjectNode run(JsonNode template, double forward, double reverse, String server, Random random) {
        ObjectNode doc = template.deepCopy();
        ((ObjectNode) doc.path("start").path("connecting_to")).put("host", server);
        ((ObjectNode) doc.path("start").path("test_start")).put("duration", INTERVALS);
        ArrayNode base = (ArrayNode) template.path("intervals");
        double span = base.get(base.size() - 1).path("sum").path("end").asDouble();
        ArrayNode intervals = MAPPER.createArrayNode();
        for (int k = 0; k < INTERVALS; k++) {
            ObjectNode iv = base.get(k % base.size()).deepCopy();
            double shift = (k / base.size()) * span;
            double noise = 1 + 0.03 * (2 * random.nextDouble() - 1);
            scale(iv, forward * noise, reverse * noise, false, shift);
            intervals.add(iv);
        }
        doc.set("intervals", intervals);
        // the whole test: the template's sums, scaled, over the longer time
        double stretch = (double) INTERVALS / base.size();
        scale((ObjectNode) doc.path("end"), forward, reverse, false, 0);
        stretchEnd(doc.path("end"), stretch);
        return doc;
    }

    /** Scales bytes and bits_per_second of every object under node: the reverse direction's by reverse. */
    private static void scale(ObjectNode node, double forward, double reverse, boolean inReverse, double shift) {
        boolean rev = inReverse || (node.path("sender").isBoolean() && !node.path("sender").asBoolean());
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            boolean childReverse = rev || e.getKey().contains("bidir_reverse");
            if (v.isObject()) {
                scale((ObjectNode) v, forward, reverse, childReverse, shift);
            } else if (v.isArray()) {
                for (JsonNode item : v) {
                    if (item.isObject()) {
                        scale((ObjectNode) item, forward, reverse, childReverse, shift);
                    }
                }
            }
        }
        double f = rev ? reverse : forward;
        if (node.path("bits_per_second").isNumber()) {
            node.put("bits_per_second", node.path("bits_per_second").asDouble() * f);
        }
        if (node.path("bytes").isNumber() && node.has("seconds")) {
            node.put("bytes", Math.round(node.path("bytes").asDouble() * f));
        }
        if (shift > 0 && node.path("start").isNumber() && node.path("end").isNumber()) {
            node.put("start", Math.round((node.path("start").asDouble() + shift) * 1e6) / 1e6);
            node.put("end", Math.round((node.path("end").asDouble() + shift) * 1e6) / 1e6);
        }
    }

    /** The end's byte counts and times over INTERVALS intervals rather than the template's three. */
    private static void stretchEnd(JsonNode node, double stretch) {
        if (node.isArray()) {
            node.forEach(n -> stretchEnd(n, stretch));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        ObjectNode o = (ObjectNode) node;
        if (o.has("seconds") && o.path("end").isNumber()) {
            o.put("bytes", Math.round(o.path("bytes").asDouble() * stretch));
            o.put("end", o.path("end").asDouble() * stretch);
            o.put("seconds", o.path("seconds").asDouble() * stretch);
        }
        o.properties().forEach(e -> stretchEnd(e.getValue(), stretch));
    }

    /**
     * What a rotating-mesh history was written with (issue 69).
     *
     * @param cycle the runs a cycle takes (ceil(pairs / perRun))
     * @param newestRun the newest run number written
     * @param stale the pairs ("sender → receiver") whose turn in the last cycle was skipped: their latest result is a cycle older
     */
    record Rotation(Path dir, List<String> hosts, int pairs, int cycle, long firstRun, long newestRun, int lines, List<String> stale) {
    }

    /**
     * A scheduled session's history of a rotating mesh (a mesh both ways with {@code per_run: perRun}, issue 69), as the
     * session's {@code tests.jsonl} holds it: every ordered pair of {@code hosts} hosts ({@code fl001 …}) is a test
     * ({@code r_fl001-fl002}), run once a cycle of ceil(pairs / perRun) runs, its turn the pair's place in plan order; each
     * line with {@code run}, {@code rotation_run}, {@code rotation_runs}, {@code rotation_pair}, {@code rotation_pairs} and the
     * figures a history draws. Runs are numbered as agents number them (run n starts at n × 600 s since the epoch, a
     * schedule of {@code every: 10m}), each test's end time within its run. The {@code down} host's tests fail in the last
     * cycle (connection refused), the {@code slow} host's run at a third of the rate, and the {@code staleEvery}-th pair
     * (none when 0) is skipped in the last cycle (no place within its slip), so its latest result is a cycle older.
     */
    static Rotation rotatingHistory(Path dir, int hosts, int perRun, int cycles, String down, String slow, int staleEvery, long seed)
            throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(seed);
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= hosts; i++) {
            names.add(String.format("fl%03d", i));
        }
        List<String[]> pairs = new ArrayList<>();
        for (String a : names) {
            for (String b : names) {
                if (!a.equals(b)) {
                    pairs.add(new String[] {a, b});
                }
            }
        }
        int cycle = (pairs.size() + perRun - 1) / perRun;
        long first = 2_992_000;
        List<String> stale = new ArrayList<>();
        int written = 0;
        try (var out = Files.newBufferedWriter(dir.resolve("tests.jsonl"))) {
            for (int c = 0; c < cycles; c++) {
                boolean lastCycle = c == cycles - 1;
                for (int r = 0; r < cycle; r++) {
                    long run = first + (long) c * cycle + r;
                    for (int p = r * perRun; p < Math.min(pairs.size(), (r + 1) * perRun); p++) {
                        String a = pairs.get(p)[0], b = pairs.get(p)[1];
                        double end = run * 600 + 12 + (p - r * perRun) * 0.5;
                        String status;
                        if (lastCycle && staleEvery > 0 && p % staleEvery == staleEvery / 2) {
                            status = "skipped";
                            stale.add(a + " → " + b);
                        } else if (lastCycle && (a.equals(down) || b.equals(down))) {
                            status = "failed";
                        } else {
                            status = "ok";
                        }
                        double bps = RATE * (0.9 + 0.15 * random.nextDouble()) / (a.equals(slow) || b.equals(slow) ? 3 : 1);
                        out.write(historyLine(a, b, run, r + 1, cycle, p + 1, pairs.size(), status, bps, end));
                        out.write('\n');
                        written++;
                    }
                }
            }
        }
        return new Rotation(dir, names, pairs.size(), cycle, first, first + (long) cycles * cycle - 1, written, stale);
    }

    private static String historyLine(String a, String b, long run, int cycleRun, int cycle, int pair, int pairs, String status,
            double bps, double end) {
        boolean ok = status.equals("ok");
        String figures = ok ? "\"sent_bits_per_second\":%.0f,\"received_bits_per_second\":%.0f,\"received_bytes\":%d".formatted(bps * 1.001, bps,
                (long) (bps * 10 / 8)) : "\"sent_bits_per_second\":null,\"received_bits_per_second\":null,\"received_bytes\":null";
        String error = switch (status) {
            case "ok" -> "null";
            case "skipped" -> "\"no place within its slip (2 s): the server of " + b + " was busy\"";
            default -> "\"" + REFUSED + "\"";
        };
        return ("{\"id\":\"r_%s-%s\",\"run\":%d,\"rotation_run\":%d,\"rotation_runs\":%d,\"rotation_pair\":%d,\"rotation_pairs\":%d,"
                + "\"sender\":\"%s\",\"receiver\":\"%s\",\"direction\":\"forward\",\"protocol\":\"tcp\",\"kind\":\"tcp\",\"repeat\":1,"
                + "\"status\":\"%s\",\"error\":%s,%s,\"reverse_received_bits_per_second\":null,\"why\":null,\"client_output\":null,"
                + "\"server_output\":null,\"end_timestamp_seconds\":%.3f,\"retransmits\":%s,\"rtt_seconds\":%s,\"loss_percent\":null,"
                + "\"jitter_seconds\":null,\"duration_seconds\":%s}").formatted(a, b, run, cycleRun, cycle, pair, pairs, a, b, status, error,
                figures, end, ok ? "3" : "null", ok ? "0.0004" : "null", status.equals("skipped") ? "null" : ok ? "10.2" : "0.1");
    }
}
