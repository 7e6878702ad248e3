package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.lab.IperfJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rerun into an output directory that holds results, as processes of the built jar (issue 37): refused
 * with a message naming {@code --resume} and {@code --replace}; with {@code --replace}, the earlier run's
 * results, summaries and raw outputs are removed (a file the user put there stays) and the whole plan runs
 * again; {@code --replace} with {@code --resume} is refused. A plan of one 1-s loopback test with the real
 * iperf3 3.12.
 */
@Tag("peer")
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class ReplaceOutputTest {
    @TempDir
    Path dir;

    private static List<Path> raw(Path out) throws Exception {
        try (Stream<Path> files = Files.list(out.resolve("raw"))) {
            return files.sorted().toList();
        }
    }

    @Test
    void aRerunIsRefusedOrReplacesAsTheUserChooses() throws Exception {
        String iperf3j = IperfJar.command();
        // node ids with a random tag: an id names the host's session folder, whose stale runs a session kills
        String t = "r" + java.util.HexFormat.of().toHexDigits((short) java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                hosts:
                  - {id: %1$sa, address: 127.0.0.1, iperf: iperf3}
                  - {id: %1$sb, address: 127.0.0.2, iperf: iperf3}
                tests:
                  - {name: again, pairs: [[%1$sa, %1$sb]], direction: up, duration: 1, port: %2$d}
                """.formatted(t, 40000 + (ProcessHandle.current().pid() + 7) % 9000));
        Path out = dir.resolve("out");
        List<String> session = new ArrayList<>(List.of(iperf3j.split(" ")));
        session.addAll(List.of("session", plan.toString(), "-o", out.toString(), "--slot-dir", dir.resolve("slots").toString()));

        ProcessRun first = ProcessRun.of(session);
        assertThat(first.status()).as(first.said()).isZero();
        String firstLine = Files.readString(out.resolve("tests.jsonl"));
        List<String> firstRaw = new ArrayList<>();
        for (Path f : raw(out)) {
            firstRaw.add(Files.readString(f));
        }
        assertThat(firstRaw).as("the first run's raw outputs").hasSize(2);
        Path notes = Files.writeString(out.resolve("notes.txt"), "the user's own file\n");

        ProcessRun refused = ProcessRun.of(session);
        assertThat(refused.status()).as(refused.said()).isEqualTo(2);
        assertThat(refused.said()).contains(out + " already holds 1 test result(s)", "--resume " + out, "--replace");
        assertThat(Files.readString(out.resolve("tests.jsonl"))).as("nothing touched").isEqualTo(firstLine);

        List<String> both = new ArrayList<>(session);
        both.addAll(List.of("--replace", "--resume", out.toString()));
        both.removeAll(List.of("-o"));
        both.remove(out.toString());
        ProcessRun conflicting = ProcessRun.of(both);
        assertThat(conflicting.status()).as(conflicting.said()).isEqualTo(2);
        assertThat(conflicting.said()).contains("--replace removes what --resume would keep");

        List<String> replacing = new ArrayList<>(session);
        replacing.add("--replace");
        ProcessRun replaced = ProcessRun.of(replacing);
        assertThat(replaced.status()).as(replaced.said()).isZero();
        assertThat(replaced.said()).contains("replacing " + out + ": 1 earlier result(s) removed");
        List<String> lines = Files.readAllLines(out.resolve("tests.jsonl"));
        assertThat(lines).as("one result, the new run's").hasSize(1).doesNotContain(firstLine.strip());
        assertThat(lines.get(0)).contains("\"status\":\"ok\"");
        // the plan's raw file names are the same each run (no {t} in them): the new run's outputs, not _002 files beside the old
        List<Path> raw = raw(out);
        assertThat(raw).as("only the new run's raw outputs").hasSize(2);
        for (Path f : raw) {
            assertThat(firstRaw).as("%s is the new run's", f).doesNotContain(Files.readString(f));
        }
        assertThat(Files.readString(out.resolve("summary.txt"))).contains("1 ok, 0 failed");
        assertThat(notes).as("a file the user put there").hasContent("the user's own file");
    }
}
