package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.lab.IperfJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rotating mesh (issue 69) as a user runs it: {@code iperf3j session PLAN} with four local iperf3j hosts on loopback, a
 * mesh both ways ({@code per_run: 3}: 12 ordered pairs, 4 runs a cycle) every 12 s for 4 runs, in parallel (an iperf3j
 * test of 1 s takes 3-4 s here with its two JVMs' starts, and a run's third pair shares a host with one of the first two). {@code tests.jsonl} holds
 * every ordered pair exactly once in runs 1-4, each in its run's turn and ok, with where it was in the cycle; the terminal
 * says where each run is ({@code [run 3] mesh m: run 3 of 4, pairs 7-9 of 12}).
 */
@Tag("slow")
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class RotatingMeshProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyOrderedPairRunsOnceInFourRunsOfThree() throws Exception {
        String iperf3j = IperfJar.command();
        String t = "r" + java.util.HexFormat.of().toHexDigits((short) java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));
        int port = 30000 + (int) ((ProcessHandle.current().pid() + 1300) % 9000);
        Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                hosts:
                  - {id: %1$sa, address: 127.0.0.1, commands: {iperf3j: "%2$s"}}
                  - {id: %1$sb, address: 127.0.0.2, commands: {iperf3j: "%2$s"}}
                  - {id: %1$sc, address: 127.0.0.3, commands: {iperf3j: "%2$s"}}
                  - {id: %1$sd, address: 127.0.0.4, commands: {iperf3j: "%2$s"}}
                parallel: true
                schedule: {every: 12s, runs: 4}
                tests:
                  - {name: m, mesh: [%1$sa, %1$sb, %1$sc, %1$sd], per_run: 3, duration: 1, port: %3$d}
                """.formatted(t, iperf3j, port));
        Path out = dir.resolve("out");
        List<String> cmd = new ArrayList<>(List.of(iperf3j.split(" ")));
        cmd.addAll(List.of("session", plan.toString(), "-o", out.toString(), "--slot-dir", dir.resolve("slots").toString()));
        ProcessRun run = ProcessRun.of(cmd);
        assertThat(run.status()).as(run.said()).isZero();
        for (int r = 1; r <= 4; r++) {
            assertThat(run.said()).as("the terminal says where run %d is", r)
                    .contains("[run " + r + "] mesh m: run " + r + " of 4, pairs " + (3 * r - 2) + "-" + 3 * r + " of 12\n");
        }

        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("tests.jsonl"))) {
            lines.add(JSON.readTree(l));
        }
        assertThat(lines).as(run.said()).hasSize(12);
        Map<String, Integer> pairs = new HashMap<>();
        Map<Long, Set<String>> hostsOfRun = new HashMap<>();
        for (JsonNode line : lines) {
            long r = line.get("run").asLong();
            String sender = line.get("sender").asText();
            String receiver = line.get("receiver").asText();
            assertThat(line.get("status").asText()).as("%s", line).isEqualTo("ok");
            assertThat(line.get("id").asText()).isEqualTo("m_" + sender + "-" + receiver);
            // where it was: run r of the cycle of 4, its pair one of that run's 3 places of 12
            assertThat(line.get("rotation_run").asLong()).as("%s", line).isEqualTo(r);
            assertThat(line.get("rotation_runs").asLong()).isEqualTo(4);
            assertThat(line.get("rotation_pair").asLong()).as("%s", line).isBetween(3 * r - 2, 3 * r);
            assertThat(line.get("rotation_pairs").asLong()).isEqualTo(12);
            pairs.merge(sender + ">" + receiver, 1, Integer::sum);
            hostsOfRun.computeIfAbsent(r, x -> new HashSet<>()).addAll(List.of(sender, receiver));
        }
        Set<String> expected = new HashSet<>();
        for (char a : "abcd".toCharArray()) {
            for (char b : "abcd".toCharArray()) {
                if (a != b) {
                    expected.add(t + a + ">" + t + b);
                }
            }
        }
        assertThat(pairs).as("each ordered pair once in runs 1-4: %s", lines).containsOnlyKeys(expected)
                .allSatisfy((pair, n) -> assertThat(n).as(pair).isEqualTo(1));
        // 3 pairs a run over 4 hosts, spread: every run touches all four
        assertThat(hostsOfRun).hasSize(4).allSatisfy((r, hosts) -> assertThat(hosts).as("run %d", r).hasSize(4));
    }
}
