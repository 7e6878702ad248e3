package io.iperf3j.session.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.Transport;
import io.iperf3j.session.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session's host scripts pass shellcheck as POSIX sh: each file as the project keeps it, and each script as
 * it is sent (its variables, the library, the job, without comments), so that a variable or function the job
 * needs and the library lacks is found here rather than on a host.
 */
@Tag("tool")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostScriptsTest {
    @TempDir
    Path dir;

    static final List<String> FILES = RemoteScripts.SCRIPTS;

    /** Every job's script as sent, by name. */
    static List<Map.Entry<String, String>> sent() {
        String owner = RemoteScripts.owner("h1", "0123abcd");
        return List.of(Map.entry("server", RemoteScripts.serverStart(owner, "iperf3 -s -p 5201 -1 -J", "server-5201.out", 5201,
                        Transport.TCP, false, 3000, 500)),
                Map.entry("client", RemoteScripts.clientRun(owner, "iperf3 -c 10.0.0.2 -p 5201 -t 10 -J")),
                Map.entry("start", RemoteScripts.background(owner, "iperf -s -u", "y.out")),
                Map.entry("kill", RemoteScripts.kill(owner, 1234)),
                Map.entry("stop", RemoteScripts.awaitExitThenKill(owner, 1234, 100)),
                Map.entry("clean", RemoteScripts.cleanStale(owner)),
                Map.entry("listen", RemoteScripts.awaitOwnListener(5001, Transport.UDP, 3000, 500)),
                Map.entry("agent", HostAgent.script(owner, "10.0.0.1")),
                Map.entry("agent's start", RemoteScripts.agentStart()),
                // a job as the agent runs it: after the agent's own script, which defined the library
                Map.entry("server in the agent", HostAgent.script(owner, "10.0.0.1") + RemoteScripts.inAgent(RemoteScripts.serverStart(
                        owner, "iperf3 -s -p 5201 -1 -J", "server-5201.out", 5201, Transport.TCP, false, 3000, 500))),
                Map.entry("stop in the agent", HostAgent.script(owner, "10.0.0.1")
                        + RemoteScripts.inAgent(RemoteScripts.awaitExitThenKill(owner, 1234, 100))),
                Map.entry("client in the agent", HostAgent.script(owner, "10.0.0.1")
                        + RemoteScripts.inAgent(RemoteScripts.clientJob(owner, "iperf3 -c 10.0.0.2 -p 5201 -t 10 -J"))),
                Map.entry("output in the agent", HostAgent.script(owner, "10.0.0.1")
                        + RemoteScripts.inAgent(RemoteScripts.output(owner, "server-5201.out"))));
    }

    /**
     * A job sent to the agent goes without the library (the agent reads it a byte at a time), with its two variables, and
     * a test's jobs as the name of a function the agent's script defines once (issue 69), not their bodies.
     */
    @Test
    void aJobInTheAgentIsSentWithoutTheLibrary() {
        String owner = RemoteScripts.owner("h1", "0123abcd");
        String full = RemoteScripts.serverStart(owner, "iperf3 -s -p 5201 -1 -J", "server-5201.out", 5201, Transport.TCP, false, 3000, 500);
        String job = RemoteScripts.inAgent(full);
        String body = "startbg \"$out\" server && awaitlistener \"$deadline\" \"$takenwait\"\n";
        assertThat(full).contains("cleanowner() {").endsWith(body);
        assertThat(job).doesNotContain("cleanowner() {").contains("d=$root/$owner\n").contains("mark=IPERF3J_SESSION_NODE=$owner\n")
                .contains("run() { export IPERF3J_SESSION_NODE=\"$owner\"; exec iperf3 -s -p 5201 -1 -J; }").contains("lhex=1451\n")
                .doesNotContain(body).endsWith("\njob_server_start\n");
        assertThat(job.length()).as(job).isLessThan(full.length() / 8);
        String agent = HostAgent.script(owner, "10.0.0.1");
        assertThat(agent).contains("job_server_start() {\n").contains(body + "}\n").contains("job_client() {\n")
                .contains("job_kill() {\n").contains("job_output() {\n");
        assertThat(agent.indexOf("job_server_start() {")).as("defined before the agent reads its jobs")
                .isLessThan(agent.indexOf("while read -r cmd; do"));
        for (String other : List.of(RemoteScripts.inAgent(RemoteScripts.clientJob(owner, "iperf3 -c 10.0.0.2 -J")),
                RemoteScripts.inAgent(RemoteScripts.awaitExitThenKill(owner, 1234, 100)),
                RemoteScripts.inAgent(RemoteScripts.output(owner, "server-5201.out")))) {
            assertThat(other).as(other).containsPattern("\njob_(client|kill|output)\n$").doesNotContain("cleanowner \"$d\"")
                    .doesNotContain("awaitexit").doesNotContain("awk 1");
        }
    }

    /** The bind option in all its spellings, and what it says of the table a server's listener is in. */
    @Test
    void theBindOptionIsReadInEachSpelling() {
        for (List<String> args : List.of(List.of("-B", "10.0.0.1"), List.of("-B10.0.0.1"), List.of("--bind", "10.0.0.1"),
                List.of("--bind=10.0.0.1"))) {
            assertThat(RemoteScripts.bindValue(args)).as("%s", args).contains("10.0.0.1");
            assertThat(RemoteScripts.listensOnIpv4(args)).as("%s", args).isTrue();
        }
        assertThat(RemoteScripts.bindValue(List.of("-s", "-B"))).contains("");
        assertThat(RemoteScripts.bindValue(List.of("-s", "-p", "5201"))).isEmpty();
        assertThat(RemoteScripts.listensOnIpv4(List.of("-s", "-B", "fd00::1"))).isFalse();
        assertThat(RemoteScripts.listensOnIpv4(List.of("-s", "-4"))).isTrue();
        assertThat(RemoteScripts.listensOnIpv4(List.of("-s", "-p", "5201"))).isFalse();
    }

    /**
     * The command a job runs carries the mark in its environment, exported by the shell; a command with variables of its
     * own ({@code NAME=value} words before its program, which {@code exec} cannot take) goes through {@code env}, and keeps
     * them.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"env", "FOO=bar env", " FOO=bar BAZ=1 env"})
    void theCommandRunsWithTheMark(String command) throws Exception {
        String owner = RemoteScripts.owner("h1", Long.toHexString(System.nanoTime()));
        try {
            Process sh = new ProcessBuilder("sh", "-c", RemoteScripts.clientRun(owner, Node.Command.of(command).commandLine()))
                    .redirectErrorStream(true).start();
            String out = new String(sh.getInputStream().readAllBytes());
            assertThat(sh.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(sh.exitValue()).as(out).isZero();
            assertThat(out.lines()).as(out).contains("IPERF3J_SESSION_NODE=" + owner);
            if (command.contains("FOO")) {
                assertThat(out.lines()).as(out).contains("FOO=bar");
            }
        } finally {
            try (var files = Files.walk(Path.of(RemoteScripts.stateDir(owner)))) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (java.nio.file.NoSuchFileException e) {
                // never made
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("FILES")
    void eachFilePassesShellcheck(String name) throws Exception {
        assertShellcheck(name, RemoteScripts.resource(name));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sent")
    void eachScriptAsSentPassesShellcheck(Map.Entry<String, String> script) throws Exception {
        // the listen check's $p comes from the caller (SC2154); a job leaves some of the library's variables and functions unused (SC2034, SC2317)
        assertShellcheck(script.getKey(), "# shellcheck shell=sh disable=SC2034,SC2154,SC2317\n" + script.getValue());
    }

    private void assertShellcheck(String name, String text) throws Exception {
        Path script = dir.resolve(name.replace('/', '_'));
        Files.writeString(script, text);
        Process p = new ProcessBuilder("shellcheck", "--shell=sh", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s:\n%s", name, out).isZero();
    }
}
