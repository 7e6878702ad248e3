package io.iperf3j.session.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.IperfKind;
import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.SshSettings;
import io.iperf3j.session.command.SessionCommand;
import io.iperf3j.session.internal.run.PlanExecution;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
public class PlanFileTest {
    private static final String HOSTS = """
            hosts:
              - {id: tpc, address: 10.0.0.1, role: tpc}
              - {id: a, address: 10.0.0.2, iperf: iperf3}
              - id: b
                address: 10.0.0.3
                iperf: iperf2
                connection: {type: ssh, user: root, identity: keys/id, known_hosts: kh, accept_new_host_keys: true, prefix: "adb -s X shell"}
            """;

    @Test
    void expandsStarsPairsAndMeshesWithRepeats() throws Exception {
        Plan p = PlanFile.parse(HOSTS + """
                parallel: true
                tests:
                  - {name: star, star: [a, b], direction: both, duration: 2}
                  - {name: pair, pairs: [[a, b]], direction: bidir, repeat: 2, iperf: iperf3}
                  - {name: mesh, mesh: [tpc, a, b], protocol: udp, args: "-b 10M"}
                """, Path.of("/plans"));
        assertThat(p.parallel()).isTrue();
        assertThat(p.tests()).hasSize(4 + 2 + 6);
        assertThat(p.tests().getFirst()).satisfies(t -> {
            assertThat(t.sender()).isEqualTo("a");
            assertThat(t.receiver()).isEqualTo("tpc");
            assertThat(t.direction()).isEqualTo(Plan.Direction.UP);
            assertThat(t.spec().durationSeconds()).isEqualTo(2.0);
        });
        assertThat(p.tests().get(4).spec().bidir()).isTrue();
        assertThat(p.tests().get(5).repeat()).isEqualTo(2);
        assertThat(p.tests().get(6).spec().extraArgs()).containsExactly("-b", "10M");
        SshSettings ssh = ((Node.Access.Ssh) p.hostsById().get("b").access()).settings();
        assertThat(ssh.identities()).containsExactly(Path.of("/plans/keys/id"));
        assertThat(ssh.hostKeyPolicy()).isEqualTo(SshSettings.HostKeyPolicy.ACCEPT_NEW);
        assertThat(ssh.host()).isEqualTo("10.0.0.3");
        assertThat(ssh.wrapper().commandLine("true")).isEqualTo("adb -s X shell sh -c true");
    }

    @Test
    void mistakesNameWhereTheyAre() {
        assertThatThrownBy(() -> PlanFile.parse(HOSTS + "tests:\n  - {pairs: [[a, b]], direction: sideways}\n", Path.of("/")))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("tests[0] (t0).direction").hasMessageContaining("sideways");
        assertThatThrownBy(() -> PlanFile.parse(HOSTS + "tests:\n  - {pairs: [[a, b]], durtion: 3}\n", Path.of("/")))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("unknown key 'durtion'");
        assertThatThrownBy(() -> PlanFile.parse(HOSTS + "tests:\n  - {pairs: [[a, b]], protocol: sctp}\n", Path.of("/")))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("tests[0] (t0).protocol");
        assertThatThrownBy(() -> PlanFile.parse("hosts: []\ntests: []\n", Path.of("/")))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("plan.hosts");
        assertThatThrownBy(() -> PlanFile.parse(HOSTS + "tests:\n  - {pairs: [[a, b]], duration: -1}\n", Path.of("/")))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("duration");
        assertThatThrownBy(() -> PlanFile.parse("{{{", Path.of("/"))).isInstanceOf(IperfConfigurationError.class);
    }

    @Test
    void localHostsRunTheLauncherTheSessionRunsFromUnlessTheyNameAnother() throws Exception {
        Plan p = PlanFile.parse("""
                hosts:
                  - {id: a, address: 127.0.0.1, connection: local}
                  - {id: b, address: 127.0.0.1}
                  - {id: c, address: 127.0.0.1, connection: {type: local}, commands: {iperf3j: /opt/own/iperf3j}}
                  - {id: d, address: 127.0.0.1, connection: {type: local, prefix: [adb, shell]}}
                  - {id: e, address: 10.0.0.5, connection: {type: ssh, identity: id}}
                tests:
                  - {pairs: [[a, b]]}
                """, Path.of("/plans"), Optional.of("/home/u/iperf3j/iperf3j"));
        Map<String, Node> hosts = p.hostsById();
        assertThat(hosts.get("a").access()).isInstanceOf(Node.Access.Local.class);
        assertThat(hosts.get("a").commandLine(IperfKind.IPERF3J)).isEqualTo("/home/u/iperf3j/iperf3j");
        assertThat(hosts.get("b").commandLine(IperfKind.IPERF3J)).isEqualTo("/home/u/iperf3j/iperf3j");
        assertThat(hosts.get("c").commandLine(IperfKind.IPERF3J)).isEqualTo("/opt/own/iperf3j");
        // behind a prefix is another device, and an SSH host another machine: their own PATH
        assertThat(hosts.get("d").commandLine(IperfKind.IPERF3J)).isEqualTo("iperf3j");
        assertThat(hosts.get("e").access()).isInstanceOf(Node.Access.Ssh.class);
        assertThat(((Node.Access.Ssh) hosts.get("e").access()).settings().host()).isEqualTo("10.0.0.5");
        assertThat(hosts.get("e").commandLine(IperfKind.IPERF3J)).isEqualTo("iperf3j");
        // the real iperf3 is not touched
        assertThat(hosts.get("a").commandLine(IperfKind.IPERF3)).isEqualTo("iperf3");
    }

    @Test
    void theLauncherPathIsOneWordQuotedForTheShell() throws Exception {
        String old = System.getProperty(PlanFile.LAUNCHER_PROPERTY);
        try {
            System.setProperty(PlanFile.LAUNCHER_PROPERTY, "/opt/my tools/bin/iperf3j");
            assertThat(PlanFile.launcher()).contains("/opt/my tools/bin/iperf3j");
            Plan p = PlanFile.parse("hosts:\n  - {id: a, address: 127.0.0.1}\n  - {id: b, address: 127.0.0.2}\n"
                    + "tests:\n  - {pairs: [[a, b]]}\n", Path.of("/plans"), PlanFile.launcher());
            assertThat(p.hostsById().get("a").commands().get(IperfKind.IPERF3J).words()).containsExactly("/opt/my tools/bin/iperf3j");
            assertThat(p.hostsById().get("a").commandLine(IperfKind.IPERF3J)).isEqualTo("'/opt/my tools/bin/iperf3j'");
            System.clearProperty(PlanFile.LAUNCHER_PROPERTY);
            assertThat(PlanFile.launcher()).isEmpty();
        } finally {
            if (old != null) {
                System.setProperty(PlanFile.LAUNCHER_PROPERTY, old);
            }
        }
    }

    /** Issue 46: every mistake at once, each with its line and column, in the file's order. */
    @Test
    void everyMistakeOfAPlanIsReportedAtOnceWithItsLineAndColumn(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), FOUR_MISTAKES);
        assertThatThrownBy(() -> PlanFile.read(plan)).isInstanceOf(IperfConfigurationError.class).hasMessage(plan + ": "
                + FOUR_MISTAKES_SAID);
    }

    @Test
    void twoMistakesOfOneTestAreBothReported() {
        assertThatThrownBy(() -> PlanFile.parse(HOSTS + "tests:\n  - {name: 'bad name', pairs: [[a, b]], duration: -1}\n", Path.of("/")))
                .hasMessageStartingWith("2 mistakes in the plan:\n  line 9, column 5: tests[0] (bad name): ")
                .hasMessageContaining("\n  line 9, column 12: tests[0].name: 'bad name' holds a space at character 4: a name (a host"
                        + " id, a test name, filename_base) is 1 to 64 characters");
    }

    /** A plan with four different mistakes: a bad value, an unknown host, an unknown key, a bad schedule. */
    public static final String FOUR_MISTAKES = """
            hosts:
              - {id: a, address: 127.0.0.1}
              - {id: b, address: 127.0.0.2, role: boss}
            tests:
              - {name: one, pairs: [[a, b]], direction: sideways}
              - name: two
                pairs: [[a, c]]
                durtion: 3
            """;
    /** What {@link PlanFile} says of {@link #FOUR_MISTAKES}. */
    public static final String FOUR_MISTAKES_SAID = """
            4 mistakes in the plan:
              line 3, column 39: hosts[1] (b).role: 'boss' (node or tpc)
              line 5, column 45: tests[0] (one).direction: unknown direction 'sideways' (up, down, both, bidir)
              line 7, column 13: tests[1] (two).pairs[0]: unknown host 'c' (hosts: a, b)
              line 8, column 5: tests[1]: unknown key 'durtion' (known: args, client_timeout, direction, disjoint, duration, from, \
            iperf, mesh, name, pairs, per_run, port, protocol, repeat, star)""";

    @Test
    void aBadConnectionNamesTheFormsThatWork() {
        assertThatThrownBy(() -> PlanFile.parse("hosts:\n  - {id: a, address: x, connection: lokal}\n"
                + "tests:\n  - {pairs: [[a, a]]}\n", Path.of("/")))
                .hasMessageContaining("line 2, column 37: hosts[0] (a).connection: 'lokal' is not a connection; write local,"
                        + " {type: local}, or {type: ssh, user: root, identity: keys/id}");
        assertThatThrownBy(() -> PlanFile.parse("hosts:\n  - {id: a, address: x, connection: {type: telnet}}\n"
                + "tests:\n  - {pairs: [[a, a]]}\n", Path.of("/")))
                .hasMessageContaining("hosts[0] (a).connection.type: 'telnet' (local or ssh)");
    }

    @Test
    void yamlSyntaxErrorsNameLineAndColumn() {
        assertThatThrownBy(() -> PlanFile.parse("hosts:\n  - {id: a, address: x\ntests: []\n", Path.of("/")))
                .isInstanceOf(IperfConfigurationError.class)
                .hasMessageStartingWith("plan is not valid YAML: line 3, column 6: expected ',' or '}'")
                .hasMessageContaining("line 2, column 5");
        assertThatThrownBy(() -> PlanFile.parse("hosts:\n\t- {id: a}\n", Path.of("/")))
                .hasMessageStartingWith("plan is not valid YAML: line 2, column 1: found character '\\t(TAB)'");
        assertThatThrownBy(() -> PlanFile.parse(HOSTS + "tests: []\ntests: []\n", Path.of("/")))
                .hasMessageContaining("line 9").hasMessageContaining("Duplicate field 'tests'");
    }

    @Test
    void aPlanFileThatCannotBeReadSaysWhy(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("plan.yaml");
        assertThatThrownBy(() -> PlanFile.read(missing)).hasMessage(missing + ": No such file or directory");
        assertThatThrownBy(() -> PlanFile.read(dir)).hasMessage(dir + ": is a directory, not a plan file");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), HOSTS + "tests:\n  - {pairs: [[a, b]], port: http}\n");
        assertThatThrownBy(() -> PlanFile.read(bad))
                .hasMessage(bad + ": line 9, column 29: tests[0] (t0).port: expected a whole number, got 'http'");
    }

    @Test
    void everyOtherMistakeNamesTheHostOrTestKeyAndWhatIsAccepted() {
        assertThat(mistake("hosts:\n  - {address: x}\ntests: [{pairs: [[a, b]]}]\n"))
                .isEqualTo("hosts[0].id: missing; give a short name such as a1");
        assertThat(mistake("hosts:\n  - {id: a}\n  - {id: b, address: y}\ntests: [{pairs: [[a, b]]}]\n"))
                .startsWith("hosts[0] (a).address: missing; give");
        assertThat(mistake("hosts:\n  - {id: a, address: x}\n  - {id: a, address: y}\ntests: [{pairs: [[a, b]]}]\n"))
                .isEqualTo("hosts[1].id: 'a' is already the id of hosts[0]; every host needs its own id");
        assertThat(mistake(HOSTS + "tests:\n  - {name: x, pairs: [[a, z]]}\n"))
                .isEqualTo("tests[0] (x).pairs[0]: unknown host 'z' (hosts: tpc, a, b)");
        assertThat(mistake(HOSTS + "tests:\n  - {name: m, mesh: [a, tpc, q]}\n"))
                .isEqualTo("tests[0] (m).mesh: unknown host 'q' (hosts: tpc, a, b)");
        assertThat(mistake(HOSTS + "tests:\n  - {name: s, star: [a], from: nowhere}\n"))
                .isEqualTo("tests[0] (s).from: unknown host 'nowhere' (hosts: tpc, a, b)");
        assertThat(mistake(HOSTS + "tests:\n  - {name: p, pairs: [[a, a]]}\n"))
                .isEqualTo("tests[0] (p).pairs[0]: a host cannot send to itself (a)");
        assertThat(mistake(HOSTS + "tests:\n  - {name: p, pairs: [[a, b]], duration: long}\n"))
                .isEqualTo("tests[0] (p).duration: expected a number (seconds), got 'long'");
        assertThat(mistake(HOSTS + "tests:\n  - {name: p}\n"))
                .isEqualTo("tests[0] (p): give exactly one of mesh: [a, b, c], pairs: [[a, b]], star: [b, c], disjoint: {a: [a], b: [b, c]}");
        assertThat(mistake(HOSTS + "tests:\n  - just a string\n"))
                .startsWith("tests[0]: expected a map with the keys args, client_timeout, direction,")
                .endsWith(", got 'just a string'");
        assertThat(mistake("hosts:\n  - {id: a, address: x, commands: {iperf3j: {path: x}}}\n  - {id: b, address: y}\ntests: [{pairs: [[a, b]]}]\n"))
                .isEqualTo("hosts[0] (a).commands.iperf3j: expected a program and its arguments, a list of words or one string"
                        + " split at white space, such as /opt/iperf3j/bin/iperf3j or [LD_LIBRARY_PATH=/opt/lib, /opt/iperf3/bin/iperf3]");
        assertThat(mistake("hosts:\n  - {id: a, address: x, install: true}\n  - {id: b, address: y}\ntests: [{pairs: [[a, b]]}]\n"))
                .isEqualTo("hosts[0] (a).install: expected {image: TARBALL, directory: DIR} or false, got true");
        assertThat(mistake("hosts: []\ntests: [{pairs: [[a, b]]}]\n"))
                .isEqualTo("plan.hosts: expected a non-empty list, each item like - {id: a, address: 10.0.0.1, connection: local}");
        assertThat(mistake("hosts:\n  - {id: a, address: x, role: boss}\n  - {id: b, address: y}\ntests: [{pairs: [[a, b]]}]\n"))
                .isEqualTo("hosts[0] (a).role: 'boss' (node or tpc)");
    }

    /** The one mistake of {@code yaml}, after its line and column (which it must have). */
    private static String mistake(String yaml) {
        try {
            PlanFile.parse(yaml, Path.of("/"));
        } catch (IperfConfigurationError e) {
            assertThat(e.getMessage()).as("one mistake, placed").matches("(?s)line [0-9]+, column [0-9]+: [^\n]*");
            return e.getMessage().replaceFirst("^line [0-9]+, column [0-9]+: ", "");
        }
        throw new AssertionError("no error for:\n" + yaml);
    }

    @Test
    void bidirWithIperf2IsRefusedBeforeRunning() throws Exception {
        Plan p = PlanFile.parse(HOSTS + "tests:\n  - {pairs: [[b, a]], direction: bidir}\n", Path.of("/"));
        assertThatThrownBy(() -> new PlanExecution(p, Path.of("/tmp"), r -> { })).isInstanceOf(IperfConfigurationError.class)
                .hasMessageContaining("bidir");
    }

    @Test
    void readsASchedule() throws Exception {
        Plan p = PlanFile.parse(HOSTS + """
                schedule: {every: 1h, slip: 5m, random_start: 30s, runs: 24, until: "2026-12-01T00:00:00Z"}
                tests:
                  - {pairs: [[a, b]]}
                """, Path.of("/plans"));
        Plan.Schedule s = p.schedule().orElseThrow();
        assertThat(s.every()).isEqualTo(java.time.Duration.ofHours(1));
        assertThat(s.slip()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(s.randomStart()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(s.runs()).hasValue(24);
        assertThat(s.until()).contains(java.time.Instant.parse("2026-12-01T00:00:00Z"));
        // every alone: slip a whole period, no random start, until stopped
        Plan q = PlanFile.parse(HOSTS + "schedule: {every: 30s}\ntests: [{pairs: [[a, b]]}]\n", Path.of("/plans"));
        assertThat(q.schedule()).contains(Plan.Schedule.every(java.time.Duration.ofSeconds(30)));
        assertThat(PlanFile.parse(HOSTS + "tests: [{pairs: [[a, b]]}]\n", Path.of("/plans")).schedule()).isEmpty();
    }

    @Test
    void aBadScheduleNamesItsField() {
        Map<String, String> bad = Map.of(
                "schedule: {slip: 5m}", "schedule.every: missing; give a period such as 30s, 5m or 1h",
                "schedule: {every: 1d}", "invalid schedule.every duration: 1d",
                "schedule: {every: 0s}", "schedule.every must be greater than zero",
                "schedule: {every: 1m, slip: 2m}", "schedule.slip: 2m is not in 0 .. every (1m)",
                "schedule: {every: 1m, random_start: [1]}", "schedule.random_start: expected a duration such as 30s, 5m or 1h",
                "schedule: {every: 1m, runs: 0}", "schedule.runs: expected a positive whole number of periods, got '0'",
                "schedule: {every: 1m, until: tomorrow}", "schedule.until: 'tomorrow' is not a time such as 2026-12-01T00:00:00Z",
                "schedule: {every: 1m, repeat: 3}", "schedule: unknown key 'repeat' (known: every, random_start, runs, slip, until)");
        bad.forEach((yaml, message) -> assertThatThrownBy(() -> PlanFile.parse(HOSTS + yaml + "\ntests: [{pairs: [[a, b]]}]\n",
                Path.of("/plans"))).as(yaml).isInstanceOf(IperfConfigurationError.class).hasMessageContaining(message));
    }

    @Test
    void everyOnTheCommandLineWinsOverThePlans() throws Exception {
        Plan p = PlanFile.parse(HOSTS + "schedule: {every: 1h, slip: 10m, runs: 3}\ntests: [{pairs: [[a, b]]}]\n",
                Path.of("/plans"));
        Plan.Schedule s = SessionCommand.parsed("--every", "5m", "plan.yaml").withCommandLine(p).schedule().orElseThrow();
        assertThat(s.every()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(s.slip()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(s.runs()).hasValue(3);
        Plan once = PlanFile.parse(HOSTS + "tests: [{pairs: [[a, b]]}]\n", Path.of("/plans"));
        assertThat(SessionCommand.parsed("--every", "2h", "plan.yaml").withCommandLine(once).schedule())
                .contains(Plan.Schedule.every(java.time.Duration.ofHours(2)));
        assertThatThrownBy(() -> SessionCommand.parsed("--every", "5x", "plan.yaml").withCommandLine(once))
                .hasMessage("invalid --every duration: 5x");
        assertThatThrownBy(() -> SessionCommand.parsed("--every", "500ms", "plan.yaml").withCommandLine(once))
                .hasMessage("--every 500ms: not in 1s .. 366 days");
    }

    private static final String FIVE = """
            hosts:
              - {id: h1, address: 10.0.0.1}
              - {id: h2, address: 10.0.0.2}
              - {id: h3, address: 10.0.0.3}
              - {id: h4, address: 10.0.0.4}
              - {id: h5, address: 10.0.0.5}
            """;

    @Test
    void readsADisjointTestAndARotatingMesh() throws Exception {
        Plan p = PlanFile.parse(FIVE + """
                schedule: {every: 1m}
                tests:
                  - {name: d, disjoint: {a: [h1, h2], b: h3 h4 h5}, duration: 1}
                  - {name: m, mesh: [h1, h2, h3, h4], per_run: 3, direction: both, duration: 1}
                  - {name: r, disjoint: {a: [h5], b: [h1, h2]}, direction: up, per_run: 1, duration: 1}
                """, Path.of("/"));
        // d: 2 × 3 hosts both ways, every run; m: 12 ordered pairs, 3 a run; r: 2 pairs, 1 a run
        assertThat(p.tests()).hasSize(12 + 12 + 2);
        assertThat(p.tests().subList(0, 12)).allSatisfy(t -> assertThat(t.turn()).isEmpty())
                .filteredOn(t -> t.direction() == Plan.Direction.UP).hasSize(6)
                .allSatisfy(t -> assertThat(t.sender()).as("up: side a sends").isIn("h1", "h2"));
        assertThat(p.testsOfRun(1)).hasSize(12 + 3 + 1);
        assertThat(p.testsOfRun(2).stream().filter(t -> t.id().startsWith("r_")).map(Plan.Test::id)).hasSize(1)
                .doesNotContainAnyElementsOf(p.testsOfRun(1).stream().map(Plan.Test::id).toList());
        assertThat(p.rotationsAt(2)).containsExactly("mesh m: run 2 of 4, pairs 4-6 of 12", "disjoint r: run 2 of 2, pair 2 of 2");
    }

    @Test
    void aDisjointOrRotatingTestsMistakesNameTheTestAndTheHost() {
        assertThat(mistake(FIVE + "tests:\n  - {name: d, disjoint: {a: [h1, h2], b: [h2, h3]}}\n"))
                .isEqualTo("tests[0] (d).disjoint.b[0]: host 'h2' is on both sides (a and b); a disjoint test pairs a's hosts with"
                        + " b's, never a host with itself");
        assertThat(mistake(FIVE + "tests:\n  - {name: d, disjoint: {a: [h1, h9], b: [h3]}}\n"))
                .isEqualTo("tests[0] (d).disjoint.a: unknown host 'h9' (hosts: h1, h2, h3, h4, h5)");
        assertThat(mistake(FIVE + "tests:\n  - {name: d, disjoint: {a: [], b: [h3]}}\n"))
                .isEqualTo("tests[0] (d).disjoint.a: an empty list; give at least one host");
        assertThat(mistake(FIVE + "tests:\n  - {name: d, disjoint: {a: [h1]}}\n"))
                .isEqualTo("tests[0] (d).disjoint.b: missing; give the hosts of side b, such as b: [h1, h2]");
        assertThat(mistake(FIVE + "tests:\n  - {name: d, disjoint: {a: [h1, h1], b: [h3]}}\n"))
                .isEqualTo("tests[0] (d).disjoint.a[1]: host 'h1' is listed twice");
        assertThat(mistake(FIVE + "tests:\n  - {name: d, disjoint: {a: [h1], b: [h3], c: [h4]}}\n"))
                .isEqualTo("tests[0] (d).disjoint: unknown key 'c' (known: a, b)");
        assertThat(mistake(FIVE + "tests:\n  - {name: d, disjoint: [[h1], [h3]]}\n"))
                .startsWith("tests[0] (d).disjoint: expected a map {a: [hosts], b: [hosts]} (psconfig's a-members and b-members)");
        assertThat(mistake(FIVE + "tests:\n  - {name: m, mesh: [h1, h2, h1]}\n"))
                .isEqualTo("tests[0] (m).mesh[2]: host 'h1' is listed twice");
        assertThat(mistake(FIVE + "tests:\n  - {name: m, mesh: [h1, h2], per_run: 0}\n"))
                .isEqualTo("tests[0] (m).per_run: 0 is not in 1..100000");
        assertThat(mistake(FIVE + "tests:\n  - {name: p, pairs: [[h1, h2]], per_run: 2}\n"))
                .isEqualTo("tests[0] (p).per_run: only a mesh or a disjoint test rotates its pairs run by run");
        // every mistake at once, each at its place
        assertThatThrownBy(() -> PlanFile.parse(FIVE + """
                tests:
                  - {name: d, disjoint: {a: [h1, h2], b: [h2, h9]}, per_run: -1}
                """, Path.of("/"))).hasMessageContaining("3 mistakes in the plan:")
                .hasMessageContaining("line 8, column 42: tests[0] (d).disjoint.b: unknown host 'h9'")
                .hasMessageContaining("line 8, column 43: tests[0] (d).disjoint.b[0]: host 'h2' is on both sides")
                .hasMessageContaining("line 8, column 62: tests[0] (d).per_run: -1 is not in 1..100000");
    }

    @Test
    void aPlanFromElsewhereNamesNoProgramFileOrLoginOfThisHost() throws Exception {
        String hosts = """
                hosts:
                  - {id: a, address: 10.0.0.1}
                  - {id: b, address: 10.0.0.2, connection: {type: local}}
                  - {id: c, address: 10.0.0.3, connection: local}
                tests:
                  - {pairs: [[a, b]]}
                """;
        assertThat(PlanFile.parseUntrusted(hosts).hosts()).hasSize(3);
        String refused = """
                install: {image: /dev/zero}
                remote_write: {url: "http://10.0.0.9/w", bearer_token_file: /etc/shadow, ca_file: /x, basic_auth: {username: u, password_file: /y}}
                hosts:
                  - {id: a, address: 10.0.0.1, install: false}
                  - {id: b, address: 10.0.0.2, connection: {type: local, prefix: [sh, -c]}}
                  - {id: c, address: 10.0.0.3, connection: {type: ssh, password_env: HOME}}
                tests:
                  - {pairs: [[a, b]]}
                """;
        assertThatThrownBy(() -> PlanFile.parseUntrusted(refused)).isInstanceOf(IperfConfigurationError.class)
                .hasMessage("a plan read from a URL names no program, file or login of this host; refused: plan.install, "
                        + "plan.remote_write.bearer_token_file, plan.remote_write.ca_file, plan.remote_write.basic_auth.password_file, "
                        + "plan.hosts[0] (a).install, plan.hosts[1] (b).connection, plan.hosts[2] (c).connection");
        assertThatThrownBy(() -> PlanFile.parseUntrusted("hosts: [")).hasMessageStartingWith("plan is not valid YAML");
    }
}
