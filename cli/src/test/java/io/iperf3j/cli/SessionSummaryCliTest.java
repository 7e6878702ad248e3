package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Process;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iperf3j session} as a process with 24 local hosts (issue 37: the text matrix was 304 columns
 * wide at 24 hosts, on stdout and in summary.txt). Twelve disjoint pairs run real iperf3 1-s tests at
 * 20 Mbit/s at once (each host its own loopback address, so its own throughput slot), one of them into a host whose iperf3 is missing. What a person reads (stdout,
 * summary.txt) fits in 100 columns but for the failures' own lines: the lowest pairs, a line per
 * host, the failure; summary.csv has the whole matrix, each cell tests.jsonl's figure.
 */
@Tag("peer")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SessionSummaryCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HOSTS = 24;
    /**
     * Host ids of this JVM's own: a session kills the processes it marked with a host's id before it
     * starts another on that host, so two test JVMs with the same ids on one machine kill each other's
     * servers.
     */
    private static final String TAG = Long.toString(ProcessHandle.current().pid(), 36);

    @TempDir
    Path dir;

    @Test
    void twentyFourHostsGiveASummaryThatFitsATerminalAndACsvWithEveryCell() throws Exception {
        StringBuilder yaml = new StringBuilder("hosts:\n");
        List<String> hosts = new ArrayList<>();
        for (int i = 1; i <= HOSTS; i++) {
            String id = String.format("h%02d%s", i, TAG);
            hosts.add(id);
            yaml.append("  - {id: ").append(id).append(", address: 127.0.0.").append(i).append(", iperf: iperf3")
                    .append(i == HOSTS ? ", commands: {iperf3: /nonexistent/iperf3}" : "").append("}\n");
        }
        yaml.append("tests:\n");
        for (int k = 0; k < HOSTS / 2; k++) {
            yaml.append(String.format("  - {name: p%02d, pairs: [[%s, %s]], direction: up, duration: 1, port: %d, args: [-b, 20M]}%n",
                    k + 1, hosts.get(2 * k), hosts.get(2 * k + 1), FreePorts.next()));
        }
        Path plan = dir.resolve("fleet.yaml");
        Files.writeString(plan, yaml);
        Path out = dir.resolve("out");

        Iperf3Process p = CommandProcess.start(List.of("session", plan.toString(), "-o", out.toString(), "--parallel"));
        int status = p.waitFor(Duration.ofSeconds(150));
        String stdout = p.stdout();
        assertThat(status).as("%s%s", stdout, p.stderr()).isEqualTo(1);

        String summary = Files.readString(out.resolve("summary.txt"));
        assertThat(stdout).contains("running 12 test(s) on 24 host(s) in parallel (at least 1 rounds of disjoint pairs)").endsWith(summary);
        List<String> lines = summary.lines().toList();
        assertThat(lines.stream().filter(l -> !l.startsWith("FAILED ")))
                .allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(100));
        assertThat(summary).doesNotContain("sender\\receiver")
                .contains("24 hosts, 12 pairs: too wide to print; every cell is in summary.csv")
                .contains("11 ok, 1 failed");
        String h01 = hosts.get(0);
        String h02 = hosts.get(1);
        String h23 = hosts.get(22);
        String h24 = hosts.get(23);
        assertThat(lines.stream().filter(l -> l.startsWith("FAILED p12_" + h23 + "-" + h24 + " (" + h23 + " -> " + h24
                + ", tcp -b 20M): IperfCommandError: "))).singleElement().asString().contains("/nonexistent/iperf3").contains("127");

        Map<String, Double> mbit = new HashMap<>();
        for (String line : Files.readAllLines(out.resolve("tests.jsonl"))) {
            JsonNode t = JSON.readTree(line);
            if (t.path("status").asText().equals("ok")) {
                mbit.put(t.path("sender").asText() + " -> " + t.path("receiver").asText(),
                        t.path("received_bits_per_second").asDouble() / 1e6);
                // the clients are Debian's iperf3: no verdict, "?" after each rate (iperf3j's --why)
                assertThat(t.path("why").get(0).path("cause").asText()).as("%s", t).isEqualTo("not_determined");
            }
        }
        assertThat(mbit).hasSize(11);
        // the lowest pairs, lowest first, with tests.jsonl's figures
        int at = lines.indexOf("lowest received Mbit/s (10 of 11 measured pairs):");
        assertThat(at).as(summary).isPositive();
        int hostWidth = Math.max(6, h01.length() + 2);
        List<String> lowest = mbit.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey())).limit(10)
                .map(e -> String.format(Locale.ROOT, "  %-" + (2 * hostWidth + 4) + "s%.1f ?", e.getKey(), e.getValue())).toList();
        assertThat(lines.subList(at + 1, at + 11)).containsExactlyElementsOf(lowest);
        // a line per host: a sender shows its one pair as sender, a receiver as receiver
        for (String h : hosts) {
            assertThat(lines.stream().filter(l -> l.matches("  " + h + " +(\\d|- ).*"))).as(h).hasSize(1);
        }
        String rate = String.format(Locale.ROOT, "%.1f", mbit.get(h01 + " -> " + h02));
        String spread = rate + " / " + rate + " / " + rate;
        String host = "  %-" + hostWidth + "s";
        assertThat(lines).contains(String.format(Locale.ROOT, host + "%-30s-", h01, spread));
        assertThat(lines).contains(String.format(Locale.ROOT, host + "%-30s%s", h02, "-", spread));
        assertThat(lines).contains(String.format(Locale.ROOT, host + "%-30s%-28s1 pair failed", h24, "-", "-"));

        // summary.csv: all 24 hosts as rows and columns, each tested cell as tests.jsonl has it
        List<String> csv = Files.readAllLines(out.resolve("summary.csv"));
        assertThat(csv.getFirst()).isEqualTo("sender\\receiver," + String.join(",", hosts) + ",kind");
        assertThat(csv).hasSize(HOSTS + 1);
        for (Map.Entry<String, Double> e : mbit.entrySet()) {
            String[] pair = e.getKey().split(" -> ");
            String[] row = csv.get(hosts.indexOf(pair[0]) + 1).split(",");
            assertThat(row[0]).isEqualTo(pair[0]);
            assertThat(row[hosts.indexOf(pair[1]) + 1]).as(e.getKey())
                    .isEqualTo(String.format(Locale.ROOT, "%.1f", e.getValue()));
        }
        assertThat(Arrays.asList(csv.get(HOSTS - 1).split(","))).contains("FAIL");
    }
}
