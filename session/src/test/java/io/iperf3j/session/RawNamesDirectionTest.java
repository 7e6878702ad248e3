package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.command.SessionCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each test's two raw files (the client's {@code _tx_}, the server's {@code _rx_}) carry one direction word (issue 57: an
 * {@code up} test between two nodes had {@code upstream_tx} and {@code downstream_rx}): {@code downstream} when the
 * traffic PC sends, {@code upstream} when it receives (the seed's words), and between two nodes the test's own
 * direction ({@code up}: upstream, {@code down}: downstream). A plan of three hosts on this machine (a traffic PC and two
 * nodes, a mesh both ways: six 1-s tests with the real iperf3), run as {@code iperf3j session} is.
 */
@Tag("peer")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RawNamesDirectionTest {
    private static final Pattern WORD = Pattern.compile("^tcp_(?:raw_)?(upstream|downstream)_(tx|rx)_");

    @TempDir
    Path dir;

    @Test
    void aTestsRawFilesSayOneDirection() throws Exception {
        String tag = "r" + java.util.HexFormat.of().toHexDigits((short) java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));
        int port = 32000 + (int) (ProcessHandle.current().pid() % 15000);
        Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                filename_base: raw
                hosts:
                  - {id: %1$st, address: 127.0.0.1, role: tpc, iperf: iperf3}
                  - {id: %1$sa, address: 127.0.0.2, iperf: iperf3}
                  - {id: %1$sb, address: 127.0.0.3, iperf: iperf3}
                tests:
                  - {name: m, mesh: [%1$st, %1$sa, %1$sb], direction: both, duration: 1, port: %2$d}
                """.formatted(tag, port));
        Path out = dir.resolve("out");
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        int status = SessionCommand.run(List.of(plan.toString(), "-o", out.toString(), "--slot-dir",
                Files.createDirectory(dir.resolve("slots")).toString()), new PrintStream(said, true, StandardCharsets.UTF_8),
                new PrintStream(said, true, StandardCharsets.UTF_8));
        assertThat(status).as(said.toString(StandardCharsets.UTF_8)).isZero();
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(out.resolve("tests.jsonl"));
        assertThat(lines).hasSize(6);
        for (String l : lines) {
            JsonNode t = json.readTree(l);
            String client = Path.of(t.path("client_output").asText()).getFileName().toString();
            String server = Path.of(t.path("server_output").asText()).getFileName().toString();
            Matcher c = WORD.matcher(client);
            Matcher s = WORD.matcher(server);
            assertThat(c.find() && s.find()).as("%s, %s", client, server).isTrue();
            assertThat(c.group(2) + " " + s.group(2)).isEqualTo("tx rx");
            String sender = t.path("sender").asText();
            String receiver = t.path("receiver").asText();
            String expected = sender.equals(tag + "t") ? "downstream" : receiver.equals(tag + "t") ? "upstream"
                    : t.path("direction").asText().equals("up") ? "upstream" : "downstream";
            assertThat(List.of(c.group(1), s.group(1))).as("%s %s -> %s (%s): %s, %s", t.path("id").asText(), sender, receiver,
                    t.path("direction").asText(), client, server).containsOnly(expected);
        }
    }
}
