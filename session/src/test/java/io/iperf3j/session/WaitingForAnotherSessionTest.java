package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.lab.IperfJar;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two sessions over the same three hosts, as two {@code iperf3j session} processes: A runs a 5-s test on hosts 1 and 2,
 * and B, started while A's test runs, a test on hosts 2 and 3. B waits for host 2 and says so within a second, once,
 * naming the host and that another session's test holds it, and again when its test starts (issue 57: a session sat
 * 42 s on a host another one held and printed nothing). Both ways two sessions meet: one slot folder on one machine
 * (the controller's locks), and a slot folder each (the host's own slot, which its agent keeps).
 *
 * <p>Hosts on this machine (127.0.0.1-3), running the real iperf3 through a wrapper that marks the client's start, so
 * that B starts while A's test surely holds its hosts, and holds A's client back until B said it waits (or 60 s passed).
 */
@Tag("peer")
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class WaitingForAnotherSessionTest {
    private static final String WRAPPER = """
            #!/bin/sh
            # $1: the host; then iperf3's arguments. A client's start leaves client-HOST beside this script; host 1's
            # client (A's) then waits for go (at most 60 s), so that A holds its hosts until B has had its say
            h=$1; shift
            here=$(dirname "$0")
            case " $* " in *" -c "*)
              : > "$here/client-$h"
              n=0
              while [ "$h" = 1 ] && [ ! -e "$here/go" ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n + 1)); done ;;
            esac
            exec /usr/bin/iperf3 "$@"
            """;

    /** In every node id: an id names the host's session folder, whose stale runs a session kills on start. */
    private final String tag = "w" + java.util.HexFormat.of().toHexDigits(
            (short) java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));

    @TempDir
    Path dir;

    @Test
    void aSessionWaitingForAHostTheOtherHoldsSaysSoAtOnceSharingOneSlotFolder() throws Exception {
        Path slots = Files.createDirectory(dir.resolve("slots"));
        twoSessions(slots, slots, "one slot folder");
    }

    @Test
    void aSessionWaitingForAHostTheOtherHoldsSaysSoAtOnceThroughTheHostsOwnSlot() throws Exception {
        twoSessions(Files.createDirectory(dir.resolve("slots-a")), Files.createDirectory(dir.resolve("slots-b")), "host slot");
    }

    private void twoSessions(Path slotsA, Path slotsB, String how) throws Exception {
        String iperf3j = IperfJar.command();
        Path wrap = dir.resolve("wrap.sh");
        Files.writeString(wrap, WRAPPER);
        Files.setPosixFilePermissions(wrap, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port = 30000 + (int) (ProcessHandle.current().pid() % 15000) + (slotsA.equals(slotsB) ? 0 : 20);
        Path planA = Files.writeString(dir.resolve("a.yaml"), hosts("a", wrap) + "tests:\n  - {name: long, pairs: [["
                + tag + "a1, " + tag + "a2]], duration: 5, port: " + port + "}\n");
        Path planB = Files.writeString(dir.resolve("b.yaml"), hosts("b", wrap) + "tests:\n  - {name: short, pairs: [["
                + tag + "b2, " + tag + "b3]], duration: 1, port: " + (port + 10) + "}\n");
        Session a = Session.start(iperf3j, planA, dir.resolve("out-a"), slotsA);
        Session b = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(dir.resolve("client-1"))) {
                assertThat(System.nanoTime()).as("A's client never started: %s", a.said()).isLessThan(deadline);
                assertThat(a.process.isAlive()).as("A ended: %s", a.said()).isTrue();
                Thread.sleep(20);
            }
            b = Session.start(iperf3j, planB, dir.resolve("out-b"), slotsB);
            // A's test holds hosts 1 and 2 until go, whatever B's start costs on a loaded machine (a 5-s test alone ended
            // before a slow B asked, once in CI): go when B said it waits, or after 60 s, when the checks below fail
            long said = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (b.lines("waiting for host").isEmpty() && b.process.isAlive() && System.nanoTime() < said) {
                Thread.sleep(20);
            }
            Files.createFile(dir.resolve("go"));
            assertThat(b.process.waitFor(90, TimeUnit.SECONDS)).as("B ended: %s", b.said()).isTrue();
            assertThat(a.process.waitFor(60, TimeUnit.SECONDS)).as("A ended: %s", a.said()).isTrue();
            b.reader.join(5000);
            a.reader.join(5000);
            assertThat(a.process.exitValue()).as(a.said()).isZero();
            assertThat(b.process.exitValue()).as(b.said()).isZero();

            String test = "short_" + tag + "b2-" + tag + "b3 " + tag + "b2 -> " + tag + "b3: ";
            String host = tag + "b2 (127.0.0.2)";
            List<Line> waits = b.lines("waiting for host");
            assertThat(waits).as("%s: B's waiting lines in %s", how, b.said()).singleElement().satisfies(l -> assertThat(l.text())
                    .matches(java.util.regex.Pattern.quote(test + "waiting for host " + host
                            + ": in another session's test since ") + "\\d\\d:\\d\\d:\\d\\d"));
            Line running = b.lines("running 1 test(s)").getFirst();
            // B's test waits from its start: host 2 is in A's test all along
            assertThat(waits.getFirst().nanos() - running.nanos()).as("%s: waited unsaid for (ns): %s", how, b.said())
                    .isLessThan(TimeUnit.SECONDS.toNanos(1));
            List<Line> starts = b.lines("starting: host");
            assertThat(starts).as("%s: %s", how, b.said()).singleElement().satisfies(l -> assertThat(l.text())
                    .matches(java.util.regex.Pattern.quote(test + "starting: host " + host + " is free after ") + "\\d+\\.\\d s of waiting"));
            Line result = b.lines("short_").getLast();
            assertThat(result.text()).contains(": ok ");
            assertThat(starts.getFirst().nanos()).isLessThan(result.nanos());
            assertThat(a.lines("waiting for host")).as("A never waited").isEmpty();
        } finally {
            a.process.destroy();
            if (b != null) {
                b.process.destroy();
            }
        }
    }

    /** The plan's three hosts, ids {@code tag + prefix + n} on 127.0.0.n, iperf3 through the wrapper. */
    private String hosts(String prefix, Path wrap) {
        StringBuilder y = new StringBuilder("hosts:\n");
        for (int o = 1; o <= 3; o++) {
            y.append("  - {id: ").append(tag).append(prefix).append(o).append(", address: 127.0.0.").append(o)
                    .append(", iperf: iperf3, commands: {iperf3: '").append(wrap).append(' ').append(o).append("'}}\n");
        }
        return y.toString();
    }

    /** A line the session wrote, and when this JVM read it. */
    record Line(long nanos, String text) {
    }

    /** A session process and its lines, each read as it came. */
    record Session(Process process, Thread reader, List<Line> said0) {
        static Session start(String iperf3j, Path plan, Path out, Path slots) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(iperf3j.split(" ")));
            cmd.addAll(List.of("session", plan.toString(), "-o", out.toString(), "--slot-dir", slots.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            List<Line> lines = new CopyOnWriteArrayList<>();
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(new Line(System.nanoTime(), l));
                    }
                } catch (java.io.IOException e) {
                    lines.add(new Line(System.nanoTime(), "(read failed: " + e + ")"));
                }
            });
            return new Session(p, t, lines);
        }

        String said() {
            return String.join("\n", said0.stream().map(Line::text).toList());
        }

        List<Line> lines(String containing) {
            return said0.stream().filter(l -> l.text().contains(containing)).toList();
        }
    }
}
