package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.lab.IperfJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local host's address is the address its tests use, both ends (issue 46, item 12), as a process of the built
 * jar: hosts declared 127.0.0.2 and 127.0.0.3 on this machine, a 1-s test each way with the real iperf3 3.12 and
 * with iperf3j; each side's own JSON says the connection went from the sender's address to the receiver's (the
 * kernel alone would send from 127.0.0.1).
 */
@Tag("peer")
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class LocalSourceAddressTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aLocalHostSendsFromItsOwnAddress() throws Exception {
        String iperf3j = IperfJar.command();
        // node ids with a random tag: an id names the host's session folder, whose stale runs a session kills
        String t = "l" + java.util.HexFormat.of().toHexDigits((short) java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                hosts:
                  - {id: %1$sa, address: 127.0.0.2, iperf: iperf3}
                  - {id: %1$sb, address: 127.0.0.3, iperf: iperf3, commands: {iperf3j: "%3$s"}}
                  - {id: %1$sc, address: 127.0.0.4, commands: {iperf3j: "%3$s"}}
                tests:
                  - {name: real, pairs: [[%1$sa, %1$sb]], direction: up, duration: 1, port: %2$d}
                  - {name: own, pairs: [[%1$sc, %1$sb]], direction: up, duration: 1, port: %2$d, iperf: iperf3j}
                """.formatted(t, 30000 + (ProcessHandle.current().pid() + 11) % 9000, iperf3j));
        Path out = dir.resolve("out");
        List<String> cmd = new ArrayList<>(List.of(iperf3j.split(" ")));
        cmd.addAll(List.of("session", plan.toString(), "-o", out.toString(), "--slot-dir", dir.resolve("slots").toString()));
        ProcessRun run = ProcessRun.of(cmd);
        assertThat(run.status()).as(run.said()).isZero();
        List<String> lines = Files.readAllLines(out.resolve("tests.jsonl"));
        assertThat(lines).hasSize(2);
        for (String l : lines) {
            JsonNode line = JSON.readTree(l);
            String from = line.path("sender").asText().endsWith("a") ? "127.0.0.2" : "127.0.0.4";
            JsonNode client = JSON.readTree(out.resolve(line.path("client_output").asText()).toFile()).path("start").path("connected").get(0);
            JsonNode server = JSON.readTree(out.resolve(line.path("server_output").asText()).toFile()).path("start").path("connected").get(0);
            assertThat(client.path("local_host").asText()).as("%s: the client's own view: %s", line.path("id"), client).isEqualTo(from);
            assertThat(client.path("remote_host").asText()).isEqualTo("127.0.0.3");
            assertThat(server.path("remote_host").asText()).as("%s: the server's view: %s", line.path("id"), server).isEqualTo(from);
            assertThat(server.path("local_host").asText()).isEqualTo("127.0.0.3");
        }
    }
}
