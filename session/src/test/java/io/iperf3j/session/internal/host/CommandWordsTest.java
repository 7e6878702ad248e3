package io.iperf3j.session.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.Connection;
import io.iperf3j.session.IperfKind;
import io.iperf3j.session.Node;
import io.iperf3j.session.internal.connect.LocalConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host's command is words, never a shell line (issue 64, finding 8): the client script the session sends, run here
 * under {@code sh} as a host runs it, gives the program each word of the command, each of its variables and each iperf
 * argument as it is, whatever it holds ({@code ;}, {@code $(…)}, quotes, spaces, globs, {@code ~}); a connection's
 * prefix words likewise. Before, {@code commands: {iperf3: "touch X; iperf3"}} was pasted into the host's shell and ran
 * {@code touch} as the login.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandWordsTest {
    @TempDir
    Path dir;
    private final String owner = RemoteScripts.owner("w", Long.toHexString(System.nanoTime()));

    @AfterEach
    void cleanState() throws Exception {
        try (var files = Files.walk(Path.of(RemoteScripts.stateDir(owner)))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.nio.file.NoSuchFileException e) {
            // never made
        }
    }

    /** What the client script of {@code node}'s iperf3 command with {@code args} prints on stdout, run under sh here. */
    private List<String> clientSays(Node node, List<String> args) throws Exception {
        RemoteIperf client = RemoteIperf.client(node, new LocalConnection(), owner, IperfKind.IPERF3, args, Duration.ofSeconds(30));
        Process sh = new ProcessBuilder("sh", "-c", client.clientScript()).directory(dir.toFile())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(sh.exitValue()).as("%s\n%s", out, Files.readString(dir.resolve("stderr.txt"))).isZero();
        return out.lines().toList();
    }

    @Test
    void aCommandGivenAsOneStringIsSplitIntoWordsAndNeverReadByAShell() throws Exception {
        Path owned = dir.resolve("owned");
        // the String form, as a plan's commands: {iperf3: "..."} is read (the plan reader refuses the $ and the ( first;
        // the library takes the words as they are): before, the host's shell ran the touch
        Node node = Node.builder("w", "127.0.0.1").command(IperfKind.IPERF3, "printf [%s]\\n $(touch " + owned + ") a;b").build();
        List<String> said = clientSays(node, List.of("-c", "127.0.0.1"));
        assertThat(owned).as("the touch ran").doesNotExist();
        assertThat(said).containsExactly("[$(touch]", "[" + owned + ")]", "[a;b]", "[-c]", "[127.0.0.1]");
    }

    @Test
    void aWordWithASpaceAQuoteOrShellSyntaxReachesTheProgramAsOneArgument() throws Exception {
        Path owned = dir.resolve("owned");
        List<String> odd = List.of("a b", "it's", "\"q\"", "$(touch " + owned + ")", "`touch " + owned + "`", "x;y", "x|y", "x>y",
                "*", "~", "$HOME", "\\", "-c");
        List<String> words = new java.util.ArrayList<>(List.of("printf", "[%s]\\n"));
        words.addAll(odd);
        Node node = Node.builder("w", "127.0.0.1").command(IperfKind.IPERF3, words).build();
        List<String> expected = new java.util.ArrayList<>(odd.stream().map(w -> "[" + w + "]").toList());
        expected.addAll(List.of("[-c]", "[10.0.0.1;touch " + owned + "]"));
        assertThat(clientSays(node, List.of("-c", "10.0.0.1;touch " + owned))).containsExactlyElementsOf(expected);
        assertThat(owned).doesNotExist();
        assertThat(dir.resolve("y")).doesNotExist();
    }

    @Test
    void aVariableOfTheCommandIsOneWordGivenThroughEnv() throws Exception {
        Path owned = dir.resolve("owned");
        Node node = Node.builder("w", "127.0.0.1").command(IperfKind.IPERF3, List.of("FOO=it's a;b $(touch " + owned + ")",
                "BAR=~", "env")).build();
        assertThat(node.commandLine(IperfKind.IPERF3)).startsWith("env 'FOO=");
        assertThat(clientSays(node, List.of())).contains("FOO=it's a;b $(touch " + owned + ")", "BAR=~",
                RemoteScripts.ENV_MARK + "=" + owner);
        assertThat(owned).doesNotExist();
    }

    /** Held before this issue too: each prefix word was quoted already; this says so. */
    @Test
    void aPrefixWordReachesItsProgramAsOneArgument() throws Exception {
        Path owned = dir.resolve("owned");
        List<String> odd = List.of("a b", "it's", "$(touch " + owned + ")", "x;y", "*", "~");
        List<String> prefix = new java.util.ArrayList<>(List.of("printf", "[%s]\\n"));
        prefix.addAll(odd);
        Connection.Wrapper wrapper = new Connection.Wrapper(prefix, List.of(), List.of());
        try (LocalConnection c = new LocalConnection(wrapper)) {
            Connection.CommandResult r = c.run("true", Duration.ofSeconds(20));
            assertThat(r.exitStatus()).as(r.stderr()).isZero();
            List<String> expected = new java.util.ArrayList<>(odd.stream().map(w -> "[" + w + "]").toList());
            expected.addAll(List.of("[sh]", "[-c]", "[true]"));
            assertThat(r.stdout().lines().toList()).containsExactlyElementsOf(expected);
        }
        assertThat(owned).doesNotExist();
    }
}
