package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.SessionException.IperfCommandError;
import io.iperf3j.session.command.SessionCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 26 over SSH (two namespace hosts, tag {@code ijv}): on a host where another iperf3
 * server already listens on the plan's port, a host entry whose iperf3 binary is missing fails
 * with exit status 127 for its own command, not with the other server's answer, and a real
 * iperf3 there fails naming the port; the other server sees no client and keeps running.
 */
@Tag("tool")
@Tag("root")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@Execution(ExecutionMode.CONCURRENT) // the labs' lane: beside the other tests, one lab at a time
@ResourceLock(NetnsLab.LANE)
class ServerCheckLabTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PORT = 5201;

    private static String hostYaml(NetnsLab lab, int i, String id, String role, String iperf3) {
        return "  - id: " + id + "\n    address: " + lab.address(i) + "\n    role: " + role + "\n    iperf: iperf3\n"
                + "    commands: {iperf3: \"" + iperf3 + "\"}\n    connection:\n      type: ssh\n      user: root\n"
                + "      identity: " + lab.key() + "\n      known_hosts: " + lab.knownHosts()
                + "\n      accept_new_host_keys: true\n      connect_timeout: 5\n      auth_timeout: 5\n";
    }

    @Test
    void missingBinaryOnABusyPortIsExitStatus127OverSsh() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "server-check-lab").toAbsolutePath());
        try (NetnsLab lab = NetnsLab.create("ijv", 231, 2, Files.createTempDirectory(work, "lab"), Set.of())) {
            Path otherOut = work.resolve("other-iperf3.out");
            Process other = new ProcessBuilder("ip", "netns", "exec", lab.ns(2), "/usr/bin/iperf3", "-s", "-p",
                    Integer.toString(PORT)).redirectErrorStream(true).redirectOutput(otherOut.toFile()).start();
            try {
                awaitListening(lab, 2);
                String yaml = "hosts:\n" + hostYaml(lab, 1, "h1", "tpc", "/usr/bin/iperf3")
                        + hostYaml(lab, 2, "nobin", "node", "/nonexistent/iperf3")
                        + hostYaml(lab, 2, "busy", "node", "/usr/bin/iperf3")
                        + "tests:\n  - name: t\n    pairs: [[h1, nobin], [h1, busy]]\n    duration: 1\n    port: " + PORT + "\n";
                Path dir = Files.createTempDirectory(work, "run");
                Files.writeString(dir.resolve("plan.yaml"), yaml);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int status = SessionCommand.run(List.of(dir.resolve("plan.yaml").toString(), "-o", dir.resolve("out").toString()),
                        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
                String log = out.toString(StandardCharsets.UTF_8);
                assertThat(status).as(log).isEqualTo(SessionCommand.TEST_FAILED);
                Map<String, JsonNode> byReceiver = new HashMap<>();
                for (String line : Files.readAllLines(dir.resolve("out").resolve("tests.jsonl"))) {
                    JsonNode t = JSON.readTree(line);
                    byReceiver.put(t.get("receiver").asText(), t);
                }
                assertThat(byReceiver.keySet()).as(log).containsExactlyInAnyOrder("nobin", "busy");
                assertThat(byReceiver.get("nobin").get("error").asText()).as(log)
                        .startsWith(IperfCommandError.class.getSimpleName()).contains("/nonexistent/iperf3")
                        .contains("exit status 127");
                // the busy port is another port: the test ran on the next one, and says so in its line and in the log
                JsonNode busy = byReceiver.get("busy");
                assertThat(busy.get("status").asText()).as(log).isEqualTo("ok");
                assertThat(busy.get("warnings").toString()).as(log).contains("port " + PORT + " on busy is taken by another process (PID ")
                        .contains("Address already in use").contains("the test moved to port " + (PORT + 1));
                assertThat(log).contains("warning: port " + PORT + " on busy is taken by another process");
                JsonNode nobin = byReceiver.get("nobin");
                assertThat(nobin.path("client_output").isMissingNode() || nobin.get("client_output").isNull())
                        .as("no client ran: %s", nobin).isTrue();
                assertThat(other.isAlive()).as("the other server still runs").isTrue();
                assertThat(Files.readString(otherOut)).as("the other server saw no client").doesNotContain("Accepted connection");
            } finally {
                other.destroy();
                if (!other.waitFor(10, TimeUnit.SECONDS)) {
                    other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Waits until host i's socket table shows {@link #PORT} in TCP LISTEN. */
    private static void awaitListening(NetnsLab lab, int i) throws Exception {
        String hex = String.format(":%04X ", PORT);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (String line : lab.exec(i, "cat", "/proc/net/tcp", "/proc/net/tcp6").split("\n")) {
                String[] f = line.strip().split("\\s+");
                if (f.length > 3 && (f[1] + " ").endsWith(hex) && f[3].equals("0A")) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the other iperf3 in " + lab.ns(i) + " did not listen on " + PORT);
    }
}
