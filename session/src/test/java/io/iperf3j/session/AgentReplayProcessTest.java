package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.iperf3j.session.lab.IperfJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test an agent had to skip at its time is tried again in its round of the run's replay (stop 75), as users run agents: two
 * of the built jar's {@code iperf3j agent --plan FILE}, hosts {@code a} on 127.0.0.1 and {@code b} on 127.0.0.2 (no root),
 * a test a to b and one from {@code c}, which has no agent, to a (so that a's server listens on the plan's port), {@code -t 5},
 * {@code every: 45s}: a run is two rounds of 5 s and the 2 s margin, a to b first; its replay the same 14 s later. Another
 * user's real iperf3 (Debian's 3.12) holds a's own server from a second before a run's start to past the test's slip, so a
 * cannot hold its slot and skips it at its time: the test runs in the replay, 14 s after it was due, and its one line is ok.
 * In the next run that user holds a's server past the replay's slip too: the one line is skipped, its reason saying both
 * tries. Neither run has a second line for the test. The first run's line has its client's verdict (`--why`: on one host,
 * never the path) and the sender's retransmits and RTT. SIGTERM ends both: a with status 1 (a test of its own skipped), b 0.
 */
@Tag("slow")
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class AgentReplayProcessTest {
    private static final long EVERY_MS = 45_000;

    @TempDir
    Path dir;

    @Test
    void aTestSkippedAtItsTimeRunsInItsRoundOfTheRunsReplayAndOneSkippedTwiceSaysBoth() throws Exception {
        String iperf3j = IperfJar.command();
        int port = 30000 + (int) ((ProcessHandle.current().pid() + 4700) % 9000);
        Path plan = dir.resolve("fleet.yaml");
        Files.writeString(plan, """
                hosts:
                  - {id: a, address: 127.0.0.1}
                  - {id: b, address: 127.0.0.2}
                  - {id: c, address: 127.0.0.4}
                schedule: {every: 45s}
                tests:
                  - {name: t, pairs: [[a, b], [c, a]], duration: 5, port: %d}
                """.formatted(port));
        List<Process> agents = new ArrayList<>();
        try {
            for (String id : List.of("a", "b")) {
                List<String> cmd = new ArrayList<>(List.of(iperf3j.split(" ")));
                cmd.addAll(List.of("agent", "--plan", plan.toString(), "--host-id", id, "-o", dir.resolve(id).toString()));
                agents.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(id + ".log").toFile()).start());
            }
            // a's first run, untouched: ok at its time
            JsonNode first = waitForLine(agents, 1);
            assertThat(first.get("status").asText()).as(said()).isEqualTo("ok");
            // read as a controller's test is: its client's verdict (--why) and the sender's TCP figures on the line
            assertThat(first.get("why")).as("%s", first).hasSize(1);
            assertThat(first.get("why").get(0).get("from").asText()).isEqualTo("a");
            assertThat(first.get("why").get(0).get("cause").asText()).as("%s", first).isNotEmpty().isNotEqualTo("path");
            assertThat(first.get("retransmits").isNumber()).as("%s", first).isTrue();
            assertThat(first.get("rtt_seconds").asDouble()).as("%s", first).isPositive();
            long run = first.get("run").asLong() + 1;

            // another user holds a's server over the test's slip only: a skips it at its time, then runs it in the replay
            Process holder = holdAsServer(run, port, 5);
            JsonNode replayed = waitForLine(agents, 2);
            assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(holder.exitValue()).as("the other user's iperf3 ran: %s", new String(holder.getInputStream().readAllBytes()))
                    .isZero();
            assertThat(replayed.get("run").asLong()).isEqualTo(run);
            assertThat(replayed.get("status").asText()).as("%s\n%s", replayed, said()).isEqualTo("ok");
            Instant due = Instant.parse(replayed.get("due").asText());
            Instant started = Instant.parse(replayed.get("started").asText());
            assertThat(due).isEqualTo(Instant.ofEpochMilli(run * EVERY_MS));
            assertThat(Duration.between(due, started)).as("in the replay: the run's 14 s later, within its slip")
                    .isBetween(Duration.ofSeconds(14), Duration.ofSeconds(16));
            assertThat(said()).contains("[run " + run + "] test t_a-b skipped at its time (this host's server was in a test until"
                    + " the test's slip (2s) passed); tried again at " + due.plusSeconds(14) + ", its round of the run's replay");

            // the next run: held over the replay's slip as well
            Process longer = holdAsServer(run + 1, port, 19);
            JsonNode twice = waitForLine(agents, 3);
            assertThat(longer.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(twice.get("run").asLong()).isEqualTo(run + 1);
            assertThat(twice.get("status").asText()).as("%s\n%s", twice, said()).isEqualTo("skipped");
            assertThat(twice.get("error").asText()).isEqualTo("this host's server was in a test until the test's slip (2s) passed;"
                    + " and again in its round of the run's replay");
            assertThat(lines()).extracting(l -> l.get("run").asLong()).as("one line a run").doesNotHaveDuplicates();
            for (Process p : agents) {
                p.destroy(); // SIGTERM
            }
            for (Process p : agents) {
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(said()).isTrue();
            }
            // a's status says a test of its own did not run (the session's rule: a skipped run is not ok); b sent none
            assertThat(agents.get(0).exitValue()).as(said()).isEqualTo(1);
            assertThat(agents.get(1).exitValue()).as(said()).isZero();
            assertThat(said()).contains("iperf3j agent a: 2 ok, 0 failed, 1 skipped");
        } finally {
            for (Process p : agents) {
                p.destroyForcibly();
            }
        }
    }

    /**
     * Starts, a second before run {@code run}'s start, Debian's iperf3 as another user's client of a's server for {@code seconds}
     * (from 127.0.0.3, so that it is nobody's test of the plan).
     */
    private Process holdAsServer(long run, int port, int seconds) throws Exception {
        long at = run * EVERY_MS - 1000;
        long wait = at - System.currentTimeMillis();
        assertThat(wait).as("run %d starts later than now", run).isPositive();
        Thread.sleep(wait);
        return new ProcessBuilder("iperf3", "-c", "127.0.0.1", "-p", Integer.toString(port), "-B", "127.0.0.3", "-t",
                Integer.toString(seconds)).redirectErrorStream(true).start();
    }

    /** Waits until a's {@code tests.jsonl} holds {@code count} lines (the agents alive meanwhile); the last. */
    private JsonNode waitForLine(List<Process> agents, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (true) {
            for (Process p : agents) {
                assertThat(p.isAlive()).as(said()).isTrue();
            }
            List<JsonNode> lines = lines();
            if (lines.size() >= count) {
                return lines.get(count - 1);
            }
            assertThat(System.nanoTime()).as("no line %d in 150 s: %s", count, said()).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** a's lines (ScheduleProcessTest reads a folder's {@code tests.jsonl} the same way). */
    private List<JsonNode> lines() throws Exception {
        return ScheduleProcessTest.lines(dir.resolve("a"));
    }

    private String said() {
        StringBuilder b = new StringBuilder();
        for (String id : List.of("a", "b")) {
            try {
                b.append(id).append(":\n").append(Files.readString(dir.resolve(id + ".log")));
            } catch (java.io.IOException e) {
                b.append("(no log: ").append(e).append(")\n");
            }
        }
        return b.toString();
    }
}
