package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.lab.IperfJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One writer of {@code tests.jsonl} (issue 45): {@code iperf3j session PLAN} run once and the same plan on a
 * schedule, both as processes, write lines with the same keys in the same order, checked by this one test for
 * both; a schedule's lines add only {@code run} (the report reads a file with it as a history). Every value is
 * checked against what the run was: the test's hosts and direction, its status, when it was due and started, its
 * rate and bytes, its figures and its raw outputs (which exist).
 */
@Tag("slow")
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class TestsJsonlLinesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The keys of every line, in order ({@code run} after {@code id} in a schedule's only). */
    private static final List<String> KEYS = List.of("id", "sender", "receiver", "direction", "protocol", "kind", "repeat",
            "status", "due", "started", "error", "sent_bits_per_second", "received_bits_per_second", "received_bytes",
            "reverse_received_bits_per_second", "why", "client_output", "server_output", "end_timestamp_seconds", "retransmits",
            "rtt_seconds", "loss_percent", "jitter_seconds", "duration_seconds");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"once", "scheduled"})
    void everyLineHasTheSameKeysAndTrueValues(String how) throws Exception {
        boolean scheduled = how.equals("scheduled");
        String iperf3j = IperfJar.command();
        String t = "j" + java.util.HexFormat.of().toHexDigits((short) java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));
        int port = 30000 + (int) (ProcessHandle.current().pid() % 9000) + (scheduled ? 500 : 0);
        Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                hosts:
                  - {id: %1$sa, address: 127.0.0.1, commands: {iperf3j: "%2$s"}}
                  - {id: %1$sb, address: 127.0.0.2, commands: {iperf3j: "%2$s"}}
                %3$s
                tests:
                  - {name: l, pairs: [[%1$sa, %1$sb], [%1$sb, %1$sa]], direction: up, duration: 1, port: %4$d}
                """.formatted(t, iperf3j, scheduled ? "schedule: {every: 12s, runs: 2}" : "", port));
        Path out = dir.resolve("out");
        List<String> cmd = new ArrayList<>(List.of(iperf3j.split(" ")));
        cmd.addAll(List.of("session", plan.toString(), "-o", out.toString(), "--slot-dir", dir.resolve("slots").toString()));
        Instant before = Instant.now();
        ProcessRun run = ProcessRun.of(cmd);
        Instant after = Instant.now();
        assertThat(run.status()).as(run.said()).isZero();

        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("tests.jsonl"))) {
            lines.add(JSON.readTree(l));
        }
        assertThat(lines).hasSize(scheduled ? 4 : 2);
        List<String> keys = new ArrayList<>(KEYS);
        if (scheduled) {
            keys.add(1, "run");
        }
        for (JsonNode line : lines) {
            List<String> names = new ArrayList<>();
            line.fieldNames().forEachRemaining(names::add);
            assertThat(names).as("%s", line).isEqualTo(keys);
            String sender = line.get("sender").asText();
            String receiver = line.get("receiver").asText();
            assertThat(List.of(sender, receiver)).containsExactlyInAnyOrder(t + "a", t + "b");
            assertThat(line.get("id").asText()).isEqualTo("l_" + sender + "-" + receiver);
            assertThat(line.get("direction").asText()).isEqualTo("up");
            assertThat(line.get("protocol").asText()).isEqualTo("tcp");
            assertThat(line.get("status").asText()).as("%s", line).isEqualTo("ok");
            assertThat(line.get("error").isNull()).isTrue();
            Instant due = Instant.parse(line.get("due").asText());
            Instant started = Instant.parse(line.get("started").asText());
            assertThat(due).isBetween(before, after);
            assertThat(started).isBetween(due, after);
            double ended = line.get("end_timestamp_seconds").asDouble();
            assertThat(ended).isBetween(started.toEpochMilli() / 1000.0, after.toEpochMilli() / 1000.0);
            assertThat(line.get("duration_seconds").asDouble()).isBetween(1.0, 60.0);
            double rate = line.get("received_bits_per_second").asDouble();
            assertThat(rate).isPositive();
            assertThat(line.get("sent_bits_per_second").asDouble()).isPositive();
            assertThat(line.get("received_bytes").asLong()).isPositive();
            assertThat(line.get("reverse_received_bits_per_second").isNull()).isTrue();
            // the iperf3j client was asked what held it back (--why): one direction, its data from sender to receiver
            JsonNode why = line.get("why");
            assertThat(why.size()).as("%s", line).isEqualTo(1);
            assertThat(why.get(0).get("from").asText()).isEqualTo(sender);
            assertThat(why.get(0).get("to").asText()).isEqualTo(receiver);
            assertThat(why.get(0).get("cause").asText()).isIn("path", "receiver_window", "sender_buffer", "sender_cpu",
                    "receiver_cpu", "pacing", "not_determined");
            assertThat(why.get(0).get("headline").asText()).matches("(limited by|not determined: ).+");
            assertThat(line.get("retransmits").canConvertToLong()).as("%s", line).isTrue();
            assertThat(line.get("rtt_seconds").asDouble()).as("%s", line).isPositive();
            assertThat(line.get("loss_percent").isNull()).isTrue();
            assertThat(line.get("jitter_seconds").isNull()).isTrue();
            assertThat(out.resolve(line.get("client_output").asText())).isRegularFile();
            assertThat(out.resolve(line.get("server_output").asText())).isRegularFile();
            if (scheduled) {
                assertThat(line.get("run").asLong()).isBetween(1L, 2L);
            }
        }
    }
}
