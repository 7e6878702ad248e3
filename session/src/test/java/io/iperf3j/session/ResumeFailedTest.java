package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.lab.IperfJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --resume} reruns what failed (issue 46, item 10), as processes of the built jar: a plan of four 1-s
 * loopback tests with the real iperf3 3.12, one of them from a host whose iperf3 fails while a flag file
 * exists (a host that was down). The first run: 3 ok, 1 failed, exit 1. The flag gone, {@code --resume} says
 * "3 of 4 test(s) already ok in tests.jsonl; rerunning 1 that failed", runs that one test, and the summary is
 * 4 ok, exit 0; tests.jsonl holds the failed line, then the rerun's, and {@code iperf3j report OUT} shows each test
 * once, with its last line's result. Resumed again, nothing runs.
 */
@Tag("peer")
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class ResumeFailedTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void resumeRerunsTheTestThatFailedAndSaysSo() throws Exception {
        String iperf3j = IperfJar.command();
        // node ids with a random tag: an id names the host's session folder, whose stale runs a session kills
        String t = "f" + java.util.HexFormat.of().toHexDigits((short) java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));
        Path down = dir.resolve("down");
        Files.writeString(down, "");
        Path wrapper = dir.resolve("iperf3-while-up");
        Files.writeString(wrapper, "#!/bin/sh\nif [ -e '" + down + "' ]; then echo 'iperf3: the host is down' >&2; exit 1; fi\n"
                + "exec /usr/bin/iperf3 \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                hosts:
                  - {id: %1$sa, address: 127.0.0.1, iperf: iperf3}
                  - {id: %1$sb, address: 127.0.0.2, iperf: iperf3}
                  - {id: %1$sc, address: 127.0.0.3, iperf: iperf3, commands: {iperf3: %3$s}}
                tests:
                  - {name: m, mesh: [%1$sa, %1$sb], direction: both, duration: 1, port: %2$d}
                  - {name: p, pairs: [[%1$sa, %1$sb], [%1$sc, %1$sa]], direction: up, duration: 1, port: %2$d}
                """.formatted(t, 40000 + (ProcessHandle.current().pid() + 3) % 9000, wrapper));
        Path out = dir.resolve("out");
        List<String> session = new ArrayList<>(List.of(iperf3j.split(" ")));
        session.addAll(List.of("session", plan.toString(), "-o", out.toString(), "--slot-dir", dir.resolve("slots").toString()));

        ProcessRun first = ProcessRun.of(session);
        assertThat(first.status()).as(first.said()).isEqualTo(1);
        assertThat(first.said()).contains("3 ok, 1 failed");
        List<JsonNode> before = lines(out);
        assertThat(before).hasSize(4);
        String failedId = before.stream().filter(j -> !j.path("status").asText().equals("ok")).map(j -> j.path("id").asText())
                .findFirst().orElseThrow();
        assertThat(failedId).isEqualTo("p_" + t + "c-" + t + "a");

        Files.delete(down); // the host is back
        List<String> resume = new ArrayList<>(List.of(iperf3j.split(" ")));
        resume.addAll(List.of("session", plan.toString(), "--resume", out.toString(), "--slot-dir", dir.resolve("slots").toString()));
        ProcessRun resumed = ProcessRun.of(resume);
        assertThat(resumed.status()).as(resumed.said()).isZero();
        assertThat(resumed.said()).contains("resuming " + out + ": 3 of 4 test(s) already ok in tests.jsonl; rerunning 1 that failed",
                "running 1 test(s)", "[1/1] " + failedId, "4 ok, 0 failed");
        List<JsonNode> after = lines(out);
        assertThat(after).as("the failed line kept, the rerun's after it").hasSize(5);
        assertThat(after.subList(0, 4)).isEqualTo(before);
        assertThat(after.get(4).path("id").asText()).isEqualTo(failedId);
        assertThat(after.get(4).path("status").asText()).isEqualTo("ok");
        assertThat(Files.readString(out.resolve("summary.txt"))).contains("4 ok, 0 failed");
        // the report of the directory shows each test's result, its last line, as the summaries do
        Path html = dir.resolve("report.html");
        List<String> report = new ArrayList<>(List.of(iperf3j.split(" ")));
        report.addAll(List.of("report", out.toString(), "-o", html.toString()));
        ProcessRun reported = ProcessRun.of(report);
        assertThat(reported.status()).as(reported.said()).isZero();
        JsonNode shown = SessionReportTest.model(Files.readString(html)).path("session").path("tests");
        assertThat(shown).as("%s", shown).hasSize(4).allSatisfy(j -> assertThat(j.path("status").asText()).isEqualTo("ok"));

        ProcessRun again = ProcessRun.of(resume);
        assertThat(again.status()).as(again.said()).isZero();
        assertThat(again.said()).contains("resuming " + out + ": 4 of 4 test(s) already ok in tests.jsonl", "4 ok, 0 failed")
                .doesNotContain("rerunning");
        assertThat(lines(out)).hasSize(5);
    }

    private static List<JsonNode> lines(Path out) throws Exception {
        List<JsonNode> l = new ArrayList<>();
        for (String s : Files.readAllLines(out.resolve("tests.jsonl"))) {
            if (!s.isBlank()) {
                l.add(JSON.readTree(s));
            }
        }
        return l;
    }
}
