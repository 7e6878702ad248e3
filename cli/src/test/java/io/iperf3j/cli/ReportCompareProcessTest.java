package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iperf3j.testing.Iperf3Process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 66: {@code iperf3j report --compare BASELINE CURRENT --fail-below PCT} as a CI job runs it, a process, with
 * real -J files (iperf3 3.12's capture, and iperf3j's own loopback runs at two rates): its exit status (1 for a drop
 * past PCT, 0 for the same run twice, 2 for bad input), its table and its JSON.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReportCompareProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration END = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private record Ran(int status, String out, String err) {
    }

    private static Ran run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("report"));
        cmd.addAll(List.of(args));
        try (Iperf3Process p = CommandProcess.start(cmd)) {
            int status = p.waitFor(END);
            return new Ran(status, p.stdout(), p.stderr());
        }
    }

    /** iperf3 3.12's capture in shared/reference beside the clone, else core's copy of it. */
    private static Path capture(String name) {
        Path p = Path.of("../../shared/reference/iperf3-3.12", name);
        return Files.isRegularFile(p) ? p : Path.of("../core/src/test/resources/reference/iperf3-3.12", name);
    }

    private static double received(Path json) throws Exception {
        return JSON.readTree(json.toFile()).path("end").path("sum_received").path("bits_per_second").asDouble();
    }

    private static String change(Path baseline, Path current) throws Exception {
        double b = received(baseline);
        return String.format(Locale.ROOT, "%+.1f %%", (received(current) - b) / b * 100);
    }

    @Test
    void aDropOf13Point7PercentFailsAt10AndTheSameRunTwicePasses() throws Exception {
        Path tcp = capture("tcp.json");
        ObjectNode doc = (ObjectNode) JSON.readTree(tcp.toFile());
        ObjectNode sum = (ObjectNode) doc.path("end").path("sum_received");
        sum.put("bits_per_second", sum.get("bits_per_second").asDouble() * (1 - 0.137));
        Path slower = Files.writeString(dir.resolve("slower.json"), JSON.writeValueAsString(doc));

        Ran drop = run("--compare", tcp.toString(), slower.toString(), "--fail-below", "10");
        assertThat(drop.status()).as(drop.err()).isEqualTo(1);
        assertThat(drop.err()).isEmpty();
        assertThat(change(tcp, slower)).isEqualTo("-13.7 %");
        assertThat(drop.out()).contains("-13.7 %").contains("regression").contains("FAIL");

        Ran looser = run("--compare", tcp.toString(), slower.toString(), "--fail-below", "15");
        assertThat(looser.status()).as(looser.out()).isZero();
        assertThat(looser.out()).contains("-13.7 %").contains("PASS");

        Ran same = run("--compare", tcp.toString(), tcp.toString(), "--fail-below", "10");
        assertThat(same.status()).as(same.out() + same.err()).isZero();
        assertThat(same.out()).contains("+0.0 %").contains("1 ok").contains("PASS");

        Ran noGate = run("--compare", tcp.toString(), slower.toString());
        assertThat(noGate.status()).as("without --fail-below the table is written and the status is 0").isZero();
        assertThat(noGate.out()).contains("regression").doesNotContain("FAIL");
    }

    @Test
    void iperf3jRunsAtTwoRatesAreComparedAsJson() throws Exception {
        Path fast = dir.resolve("fast.json");
        Path slow = dir.resolve("slow.json");
        for (Object[] r : new Object[][] {{"100M", fast}, {"80M", slow}}) {
            try (Iperf3Process p = CommandProcess.start(List.of("--loopback", "-b", (String) r[0], "-t", "2", "-J"))) {
                assertThat(p.waitFor(END)).as(p.stderr()).isZero();
                Files.writeString((Path) r[1], p.stdout());
            }
        }
        Path out = dir.resolve("compare.json");
        Ran gate = run("--compare", fast.toString(), slow.toString(), "--fail-below", "10", "--json", "-o", out.toString());
        assertThat(gate.status()).as(gate.err()).isEqualTo(1);
        assertThat(gate.out()).isEmpty();
        JsonNode doc = JSON.readTree(out.toFile());
        assertThat(doc.path("regressed").asBoolean()).isTrue();
        JsonNode pair = doc.path("pairs").get(0);
        assertThat(pair.path("verdict").asText()).isEqualTo("regression");
        assertThat(pair.path("baseline").path("median_bits_per_second").asDouble()).isEqualTo(received(fast));
        assertThat(pair.path("current").path("median_bits_per_second").asDouble()).isEqualTo(received(slow));
        assertThat(String.format(Locale.ROOT, "%+.1f %%", pair.path("change_percent").asDouble())).isEqualTo(change(fast, slow));

        Ran same = run("--compare", slow.toString(), slow.toString(), "--fail-below", "10", "-J");
        assertThat(same.status()).isZero();
        assertThat(JSON.readTree(same.out()).path("regressed").asBoolean()).isFalse();
    }

    @Test
    void badInputExitsWith2AndSaysWhy() throws Exception {
        Path tcp = capture("tcp.json");
        Path missing = dir.resolve("last-week.json");
        Ran gone = run("--compare", missing.toString(), tcp.toString(), "--fail-below", "10");
        assertThat(gone.status()).isEqualTo(2);
        assertThat(gone.out()).isEmpty();
        assertThat(gone.err()).isEqualTo("iperf3j report: error - " + missing + ": no such file or directory\n");

        Path text = Files.writeString(dir.resolve("run.txt"), "Connecting to host 127.0.0.1, port 5201\n");
        Ran notJson = run("--compare", tcp.toString(), text.toString());
        assertThat(notJson.status()).isEqualTo(2);
        assertThat(notJson.err()).startsWith("iperf3j report: error - " + text + ": not iperf3 JSON output");

        Ran badPct = run("--compare", tcp.toString(), tcp.toString(), "--fail-below", "ten");
        assertThat(badPct.status()).isEqualTo(2);
        assertThat(badPct.err()).isEqualTo("iperf3j report: error - --fail-below ten: not a percent from 0 to 100\n");

        Ran one = run("--compare", tcp.toString());
        assertThat(one.status()).isEqualTo(2);
        assertThat(one.err()).contains("--compare takes two inputs");
    }
}
