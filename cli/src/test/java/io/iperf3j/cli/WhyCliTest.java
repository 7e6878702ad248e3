package io.iperf3j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --why} through the command (docs/design/why.md): the block after the summary, the {@code -J} key, nothing of
 * either without the flag, and against real iperf3 servers, which ignore the parameter and send no figures, a
 * verdict that says what it could not see. Which cause a lab's bottleneck gets: {@code WhyNetnsTest} (core) and
 * bench/why_lab.py.
 */
@Timeout(120)
class WhyCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(int status, String out, String err) {
    }

    private static Run main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main m = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        int status = m.run(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theBlockFollowsTheSummaryAndStartsWithItsCause() {
        Run r = main("--loopback", "-t", "2", "--why");
        assertThat(r.status()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        int receiver = lines.size() - 1;
        while (receiver >= 0 && !lines.get(receiver).endsWith("receiver")) {
            receiver--;
        }
        assertThat(receiver).as(r.out()).isPositive();
        String cause = "(the path \\(congestion window\\)|the receiver's window|the sender's buffer|the sender's CPU"
                + "|the receiver's CPU|the pacing)";
        // a confidence after it unless clear: "(likely)", or a second cause and "(close)" (issue 56)
        assertThat(lines.get(receiver + 1)).matches("limited by " + cause + "( \\(likely\\)| or " + cause
                + " \\(close\\))?|not determined: .+");
        assertThat(lines.subList(receiver + 1, lines.size())).anyMatch(l -> l.startsWith("  RTT "))
                .anyMatch(l -> l.startsWith("  CPU: sender ")).contains("iperf Done.");
    }

    @Test
    void withoutTheFlagNothingIsAdded() throws Exception {
        Run text = main("--loopback", "-t", "1");
        assertThat(text.out()).doesNotContain("limited by").doesNotContain("not determined");
        Run json = main("--loopback", "-t", "1", "-J");
        assertThat(JSON.readTree(json.out()).path("end").has("iperf3j_why")).isFalse();
        assertThat(json.out()).doesNotContain("iperf3j_why");
    }

    @Test
    void udpAtItsBitrateIsThePacingAndTheKeyHasItsShape() throws Exception {
        Run r = main("--loopback", "-u", "-b", "10M", "-t", "2", "--why", "-J");
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode d = JSON.readTree(r.out()).path("end").path("iperf3j_why").path("directions").path(0);
        assertThat(d.path("sender").asText()).isEqualTo("client");
        assertThat(d.path("cause").asText()).as(d.toString()).isEqualTo("pacing");
        assertThat(d.path("headline").asText()).isEqualTo("limited by the pacing");
        JsonNode f = d.path("figures");
        assertThat(f.path("protocol").asText()).isEqualTo("UDP");
        assertThat(f.path("target_bits_per_second").asLong()).isEqualTo(10_000_000L);
        assertThat(f.path("lost_share").asDouble()).isLessThan(0.01);
        assertThat(f.has("busy_share")).as("no TCP chronos for UDP").isFalse();
        assertThat(f.path("unseen").isArray()).isTrue();
    }

    @Tag("peer")
    @Test
    void reverseAgainstIperf3_21SaysTheSendersCountersWereNotSeen() throws Exception {
        againstReal(Iperf3Binary.V3_21);
    }

    @Tag("peer")
    @Test
    void reverseAgainstIperf3_12SaysTheSendersCountersWereNotSeen() throws Exception {
        againstReal(Iperf3Binary.V3_12);
    }

    private static void againstReal(Iperf3Binary binary) throws Exception {
        binary.requireThis();
        int port = FreePorts.next();
        try (Iperf3Process server = Iperf3Process.iperf3(binary, List.of("-s", "-1", "-p", String.valueOf(port)))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(10))).as(server.stderr()).isTrue();
            Run r = main("-c", "127.0.0.1", "-p", String.valueOf(port), "-R", "-t", "2", "--why", "-J");
            assertThat(r.status()).as(r.out() + r.err()).isZero();
            JsonNode doc = JSON.readTree(r.out());
            assertThat(doc.has("error")).as(r.out()).isFalse();
            JsonNode d = doc.path("end").path("iperf3j_why").path("directions").path(0);
            assertThat(d.path("sender").asText()).isEqualTo("server");
            JsonNode f = d.path("figures");
            assertThat(f.has("busy_share")).as("the real server's chronos cannot be seen").isFalse();
            assertThat(f.has("sender_thread_run_share")).isFalse();
            assertThat(f.has("receiver_thread_run_share")).as("the client's own thread").isTrue();
            assertThat(f.path("sender_cpu_percent").isNumber()).as("its CPU from the results exchange").isTrue();
            assertThat(f.path("unseen").toString()).contains("the sender's TCP_INFO chronos, send buffer and thread")
                    .contains("not an iperf3j").contains("its returned output, read for --why");
            // --why asked for the server's output to read it, and neither -J nor the text shows it without the option
            assertThat(doc.has("server_output_text")).isFalse();
            assertThat(doc.has("server_output_json")).isFalse();
            // never a cause the unseen figures would have decided: path and sender's buffer are not guessed (on
            // loopback the real sender's congestion window has room the data in flight does not fill)
            assertThat(d.path("cause").asText()).as(d.toString()).isNotIn("path", "sender_buffer");
        }
        port = FreePorts.next();
        try (Iperf3Process server = Iperf3Process.iperf3(binary, List.of("-s", "-1", "-p", String.valueOf(port)))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(10))).as(server.stderr()).isTrue();
            Run r = main("-c", "127.0.0.1", "-p", String.valueOf(port), "-R", "-t", "2", "--why");
            assertThat(r.status()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("not seen: the sender's TCP_INFO").doesNotContain("Server output")
                    .doesNotContain("Accepted connection");
        }
    }
}
