package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.internal.plan.PlanFileTest;
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
 * {@code iperf3j session PLAN} as a process of the built jar, given a plan with four different mistakes
 * ({@link PlanFileTest#FOUR_MISTAKES}): all four on stderr at once, each with its line and column, exit 2,
 * nothing written (issue 46, item 11).
 */
@Tag("slow")
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class PlanMistakesProcessTest {
    @TempDir
    Path dir;

    @Test
    void aPlanWithFourMistakesIsRefusedWithAllFour() throws Exception {
        String iperf3j = IperfJar.command();
        Path plan = Files.writeString(dir.resolve("plan.yaml"), PlanFileTest.FOUR_MISTAKES);
        List<String> session = new ArrayList<>(List.of(iperf3j.split(" ")));
        session.addAll(List.of("session", plan.toString(), "-o", dir.resolve("out").toString()));
        ProcessRun run = ProcessRun.of(session);
        String said = run.said();
        assertThat(run.status()).as(said).isEqualTo(2);
        assertThat(said).isEqualTo("iperf3j session: " + plan + ": " + PlanFileTest.FOUR_MISTAKES_SAID + "\n");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    /**
     * Issue 55: a {@code filename_base} that is a path, and a newline in an address or an argument (which reached a
     * host's shell), are refused before anything runs, with their line and column, exit 2, nothing written.
     */
    @Test
    void aPlanThatSmugglesAPathOrANewlineIsRefusedBeforeAnythingRuns() throws Exception {
        String iperf3j = IperfJar.command();
        String hosts = "hosts:\n  - {id: a, address: %s}\n  - {id: b, address: 127.0.0.2}\n";
        String tests = "tests:\n  - {name: t, pairs: [[a, b]], duration: 1%s}\n";
        java.util.Map<String, String> plans = new java.util.LinkedHashMap<>();
        plans.put("filename_base: ../x\n" + hosts.formatted("127.0.0.1") + tests.formatted(""),
                "line 1, column 16: plan.filename_base: '../x' holds '/' at character 3: a name (a host id, a test name,"
                        + " filename_base) is 1 to 64 characters, each a letter (A-Z, a-z), a digit, '.', '_' or '-', and not . or ..");
        plans.put(hosts.formatted("\"127.0.0.1\\ntouch " + dir.resolve("owned") + "\"") + tests.formatted(""),
                "line 2, column 22: hosts[0] (a).address: holds the control character U+000A (line feed) at character 10;"
                        + " a plan value is one line of printable text");
        plans.put(hosts.formatted("127.0.0.1") + tests.formatted(", args: [-P, \"1\\ntouch " + dir.resolve("owned") + "\"]"),
                "line 5, column 56: tests[0] (t).args[1]: holds the control character U+000A (line feed) at character 2;"
                        + " a plan value is one line of printable text");
        int n = 0;
        for (var e : plans.entrySet()) {
            Path plan = Files.writeString(dir.resolve("plan" + n + ".yaml"), e.getKey());
            Path out = dir.resolve("out" + n++);
            List<String> session = new ArrayList<>(List.of(iperf3j.split(" ")));
            session.addAll(List.of("session", plan.toString(), "-o", out.toString(), "--slot-dir", dir.resolve("slots").toString()));
            ProcessRun run = ProcessRun.of(session);
            assertThat(run.status()).as(run.said()).isEqualTo(2);
            assertThat(run.said()).isEqualTo("iperf3j session: " + plan + ": " + e.getValue() + "\n");
            assertThat(out).doesNotExist();
            assertThat(dir.resolve("x")).doesNotExist();
            assertThat(dir.resolve("owned")).doesNotExist();
        }
    }

    /**
     * Issue 64 (finding 8): a host's command written as a shell line, and a test argument that names a file on the host,
     * are refused before anything runs, with their line and column, exit 2: the {@code touch} never runs and iperf never
     * writes the file. Before, the plan ran: the host's shell ran {@code touch} as the login, and iperf3 wrote its output
     * to the plan's file.
     */
    @Test
    void aPlanWithAShellLineForACommandOrAFileOnTheHostIsRefusedBeforeAnythingRuns() throws Exception {
        String iperf3j = IperfJar.command();
        Path owned = dir.resolve("owned");
        String hosts = "hosts:\n  - {id: a, address: 127.0.0.1, iperf: iperf3%s}\n  - {id: b, address: 127.0.0.2, iperf: iperf3}\n";
        String tests = "tests:\n  - {name: t, pairs: [[a, b]], duration: 1%s}\n";
        java.util.Map<String, String> plans = new java.util.LinkedHashMap<>();
        plans.put(hosts.formatted(", commands: {iperf3: \"touch " + owned + "; iperf3\"}") + tests.formatted(""),
                "line 2, column 67: hosts[0] (a).commands.iperf3: 'touch " + owned + "; iperf3' holds ';', which only a shell"
                        + " reads, and no shell reads a command: give the program and its arguments as words, such as"
                        + " [/opt/iperf3/bin/iperf3, --forceflush] or [LD_LIBRARY_PATH=/opt/lib, iperf3]");
        plans.put(hosts.formatted("") + tests.formatted(", args: [--logfile, " + owned + "]"),
                "line 5, column 52: tests[0] (t).args[0]: '--logfile' gives iperf's --logfile, which names a file on the host for"
                        + " iperf to write or read there as the login; a plan may not choose one (the session keeps each test's"
                        + " output itself)");
        int n = 0;
        for (var e : plans.entrySet()) {
            Path plan = Files.writeString(dir.resolve("plan" + n + ".yaml"), e.getKey());
            Path out = dir.resolve("out" + n++);
            List<String> session = new ArrayList<>(List.of(iperf3j.split(" ")));
            session.addAll(List.of("session", plan.toString(), "-o", out.toString(), "--slot-dir", dir.resolve("slots").toString()));
            ProcessRun run = ProcessRun.of(session);
            assertThat(owned).as(run.said()).doesNotExist();
            assertThat(run.status()).as(run.said()).isEqualTo(2);
            assertThat(run.said()).isEqualTo("iperf3j session: " + plan + ": " + e.getValue() + "\n");
            assertThat(out).doesNotExist();
        }
    }
}
