package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.iperf3j.session.lab.IperfJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two scheduled plans sharing hosts, started together as two {@code iperf3j session --every} processes with
 * one slot directory: four loopback hosts running the real iperf3 through a wrapper that stamps each iperf3
 * process's start and end on the host's side ({@code stamps}: host, start, end). No host is ever in two
 * iperf3 processes at once, across both plans. Host 1 (first plan only) is down from the start until its
 * three tests of run 1 have failed (its
 * wrapper refuses to run iperf3, as on a host whose iperf is gone: a stand-in for the issue's host taken
 * down, which the namespace lab would do with its link): its tests show {@code test_success} 0 on
 * {@code /metrics}, and 1 again once the host is back, by itself. Every (run, test) has one line.
 */
@Tag("slow")
@Tag("peer")
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class ScheduleSharedHostsTest {
    private static final Pattern METRICS = Pattern.compile("metrics on (http://[0-9.]+:[0-9]+/metrics)");
    private static final String WRAPPER = """
            #!/bin/sh
            # $1: the host; then iperf3's arguments. Stamps start and end of the iperf3 process on this host.
            h=$1; shift
            dir=$(dirname "$0")
            if [ -e "$dir/down-$h" ]; then echo "iperf3: host $h is down" >&2; exit 1; fi
            s=$(date +%s.%N)
            /usr/bin/iperf3 "$@" & c=$!
            trap 'kill $c 2>/dev/null; wait $c; echo "$h $s $(date +%s.%N)" >> "$dir/stamps"; exit 143' TERM INT
            wait $c; rc=$?
            echo "$h $s $(date +%s.%N)" >> "$dir/stamps"
            exit $rc
            """;

    /** In every node id: an id names the host's session folder, whose stale runs a session kills on start. */
    private final String tag = "s" + java.util.HexFormat.of().toHexDigits(
            (short) java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));

    @TempDir
    Path dir;

    /**
     * The plan's hosts: {@code prefix + octet} on 127.0.0.octet. The two plans name the same hosts (addresses,
     * the slot keys) with ids of their own: a node id is also the name of its session folder on the host, whose
     * stale runs a session kills on start.
     */
    private String hosts(String prefix, int... octets) {
        StringBuilder y = new StringBuilder("hosts:\n");
        for (int o : octets) {
            y.append("  - {id: ").append(tag).append(prefix).append(o).append(", address: 127.0.0.").append(o)
                    .append(", iperf: iperf3, commands: {iperf3: '").append(dir.resolve("wrap.sh")).append(' ').append(o)
                    .append("'}}\n");
        }
        return y.toString();
    }

    @Test
    void twoPlansSharingHostsNeverPutAHostInTwoTestsAndADownHostShowsZeroThenRecovers() throws Exception {
        String iperf3j = IperfJar.command();
        Path wrap = dir.resolve("wrap.sh");
        Files.writeString(wrap, WRAPPER);
        Files.setPosixFilePermissions(wrap, PosixFilePermissions.fromString("rwxr-xr-x"));
        long port = 30000 + ProcessHandle.current().pid() % 15000;
        // plan A: a mesh over hosts 1-4 (6 tests); plan B: pairs over hosts 2-4, sharing three of them. Each plan
        // runs one test at a time: loopback hosts share one kernel, whose iperf3 servers all listen on the
        // wildcard address, so one plan's two tests at once would take one port twice; the plans' ports differ.
        Path planA = dir.resolve("a.yaml");
        Files.writeString(planA, hosts("a", 1, 2, 3, 4) + "schedule: {every: 15s, runs: 3}\n"
                + "tests:\n  - {name: mesh, mesh: [" + tag + "a1, " + tag + "a2, " + tag + "a3, " + tag + "a4], direction: up, duration: 1, port: " + port + "}\n");
        Path planB = dir.resolve("b.yaml");
        Files.writeString(planB, hosts("b", 2, 3, 4) + "schedule: {every: 15s, runs: 3}\n"
                + "tests:\n  - {name: pair, pairs: [[" + tag + "b2, " + tag + "b3], [" + tag + "b4, " + tag + "b2], [" + tag + "b3, " + tag
                + "b4]], direction: up, duration: 1, port: " + (port + 1)
                + "}\n");
        Files.writeString(dir.resolve("down-1"), "");
        Path slots = dir.resolve("slots");
        Process a = start(iperf3j, planA, dir.resolve("out-a"), slots, dir.resolve("a.txt"), "--metrics.listen", "127.0.0.1:0");
        Process b = start(iperf3j, planB, dir.resolve("out-b"), slots, dir.resolve("b.txt"));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            // run 1 of the three tests host 1 is in: failed; success 0 on /metrics
            while (count(dir.resolve("out-a"), j -> j.path("run").asLong() == 1 && involves(j, tag + "a1")) < 3) {
                assertThat(System.nanoTime()).as(Files.readString(dir.resolve("a.txt"))).isLessThan(deadline);
                assertThat(a.isAlive()).as(Files.readString(dir.resolve("a.txt"))).isTrue();
                Thread.sleep(100);
            }
            Matcher m = METRICS.matcher(Files.readString(dir.resolve("a.txt")));
            assertThat(m.find()).isTrue();
            String url = m.group(1);
            assertThat(successOf(ScheduleProcessTest.scrape(url), tag + "a1")).as(ScheduleProcessTest.scrape(url)).containsOnly(0.0).hasSize(3);
            Files.delete(dir.resolve("down-1"));
            // back by itself: each of its tests runs in a later run, success 1
            while (ScheduleProcessTest.lines(dir.resolve("out-a")).stream().filter(j -> j.path("run").asLong() >= 2 && involves(j, tag + "a1")
                    && j.path("status").asText().equals("ok")).map(j -> j.path("id").asText()).distinct().count() < 3) {
                assertThat(System.nanoTime()).as(Files.readString(dir.resolve("a.txt"))).isLessThan(deadline);
                assertThat(a.isAlive()).as(Files.readString(dir.resolve("a.txt"))).isTrue();
                Thread.sleep(100);
            }
            assertThat(successOf(ScheduleProcessTest.scrape(url), tag + "a1")).as(ScheduleProcessTest.scrape(url)).containsOnly(1.0).hasSize(3);
            assertThat(a.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(dir.resolve("a.txt"))).isTrue();
            assertThat(b.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(dir.resolve("b.txt"))).isTrue();
        } finally {
            a.destroyForcibly();
            b.destroyForcibly();
        }
        assertThat(a.exitValue()).as(Files.readString(dir.resolve("a.txt"))).isZero();
        assertThat(b.exitValue()).as(Files.readString(dir.resolve("b.txt"))).isZero();
        List<JsonNode> linesA = ScheduleProcessTest.lines(dir.resolve("out-a"));
        List<JsonNode> linesB = ScheduleProcessTest.lines(dir.resolve("out-b"));
        assertThat(linesA).hasSize(6 * 3);
        assertThat(linesB).hasSize(3 * 3);
        for (List<JsonNode> plan : List.of(linesA, linesB)) {
            assertThat(plan.stream().map(j -> j.path("run").asLong() + "/" + j.path("id").asText()).distinct().count())
                    .as("every (run, test) once: %s", plan).isEqualTo(plan.size());
        }
        // only host 1's tests failed (while it was down: all of run 1, and any of run 2 that came before it was back);
        // each of them ran ok after; every other run of every test ran or was skipped for a busy host
        assertThat(linesA).allSatisfy(j -> assertThat(j.path("status").asText()).as("%s", j)
                .isIn(involves(j, tag + "a1") ? List.of("failed", "ok", "skipped") : List.of("ok", "skipped")));
        assertThat(linesA.stream().filter(j -> j.path("run").asLong() == 1 && involves(j, tag + "a1")))
                .allSatisfy(j -> assertThat(j.path("status").asText()).as("%s", j).isEqualTo("failed"));
        assertThat(linesB).allSatisfy(j -> assertThat(j.path("status").asText()).as("%s", j).isIn("ok", "skipped"));
        long ran = linesA.stream().filter(j -> j.path("status").asText().equals("ok")).count()
                + linesB.stream().filter(j -> j.path("status").asText().equals("ok")).count();
        // the hosts' own stamps: two per test that ran (server and client; a failed test's other side too),
        // none overlapping on a host
        List<String[]> stamps = Files.readAllLines(dir.resolve("stamps")).stream().map(l -> l.split(" ")).toList();
        assertThat(stamps).hasSizeGreaterThanOrEqualTo((int) (2 * ran));
        Map<String, List<double[]>> byHost = new HashMap<>();
        for (String[] s : stamps) {
            byHost.computeIfAbsent(s[0], k -> new ArrayList<>()).add(new double[] {Double.parseDouble(s[1]), Double.parseDouble(s[2])});
        }
        assertThat(byHost).containsOnlyKeys("1", "2", "3", "4");
        byHost.forEach((host, spans) -> {
            spans.sort(Comparator.comparingDouble(x -> x[0]));
            for (int i = 1; i < spans.size(); i++) {
                assertThat(spans.get(i)[0]).as("host %s: iperf3 started at %.3f while one ran %.3f .. %.3f", host,
                        spans.get(i)[0], spans.get(i - 1)[0], spans.get(i - 1)[1]).isGreaterThanOrEqualTo(spans.get(i - 1)[1]);
            }
        });
    }

    private static Process start(String iperf3j, Path plan, Path out, Path slots, Path log, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(iperf3j.split(" ")));
        cmd.addAll(List.of("session", plan.toString(), "-o", out.toString(), "--slot-dir", slots.toString()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The {@code test_success} values of the tests {@code host} is in. */
    private static List<Double> successOf(String text, String host) {
        return text.lines().filter(l -> l.startsWith("iperf3j_session_test_success{")
                        && (l.contains("sender=\"" + host + "\"") || l.contains("receiver=\"" + host + "\"")))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).toList();
    }

    private static boolean involves(JsonNode j, String host) {
        return j.path("sender").asText().equals(host) || j.path("receiver").asText().equals(host);
    }

    private static long count(Path out, java.util.function.Predicate<JsonNode> which) throws Exception {
        return ScheduleProcessTest.lines(out).stream().filter(which).count();
    }
}
