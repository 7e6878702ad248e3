package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The library refuses what the plan reader refuses (issue 55): a Java caller cannot smuggle a newline into an
 * address, an argument or a command, nor a path into {@code filename_base}; each {@link IllegalArgumentException}
 * names the field.
 */
class PlanValueTest {
    @Test
    void eachKindSaysWhatIsWrong() {
        assertThat(PlanValue.NAME.problem("a1")).isEmpty();
        assertThat(PlanValue.NAME.problem("..")).contains("'..' must not be . or .. (it is put in file names): " + PlanValue.NAME.rule());
        assertThat(PlanValue.NAME.problem("a/b")).contains("'a/b' holds '/' at character 2: " + PlanValue.NAME.rule());
        assertThat(PlanValue.ADDRESS.problem("fd00::1%eth0")).isEmpty();
        assertThat(PlanValue.ADDRESS.problem("10.0.0.1 ")).isPresent();
        assertThat(PlanValue.ADDRESS.problem("-R")).isPresent();
        assertThat(PlanValue.TEXT.problem("-b 10M")).isEmpty();
        for (char c : new char[] {'\0', '\t', '\n', '\r', 0x1b, 0x7f, 0x85, 0x9f, '\u2028'}) {
            assertThat(PlanValue.TEXT.problem("a" + c)).as("U+%04X", (int) c).get().asString()
                    .startsWith(String.format("holds the control character U+%04X", (int) c)).endsWith("at character 2; a plan"
                            + " value is one line of printable text");
        }
    }

    @Test
    void nodesRefuseAControlCharacterOrABadAddress() {
        assertThatThrownBy(() -> Node.of("a", "127.0.0.1\nid", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("node 'a' address: holds the control character U+000A");
        assertThatThrownBy(() -> Node.of("a", "10.0.0.0/8", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("node 'a' address: '10.0.0.0/8' holds '/' at character 9: an address is");
        assertThatThrownBy(() -> Node.of("..", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("node id: '..' must not be");
        assertThatThrownBy(() -> Node.builder("a", "127.0.0.1").command(IperfKind.IPERF3, "iperf3\nid"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("command: holds the control character U+000A");
        assertThatThrownBy(() -> Node.builder("a", "127.0.0.1").command(IperfKind.IPERF3, List.of("iperf3", "-V\nid")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("command[1]: holds the control character U+000A");
        assertThatThrownBy(() -> Node.Access.local(new Connection.Wrapper(List.of("sudo\n"), List.of(), List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("prefix[0]: holds");
    }

    @Test
    void specsAndSshSettingsRefuseAControlCharacter() {
        assertThatThrownBy(() -> TestSpec.tcp(1).withArgs(List.of("-P", "2\nid")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("args[1]: holds the control character U+000A");
        assertThatThrownBy(() -> SshSettings.withKey("h\n", "root", Path.of("id")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ssh host: holds");
        assertThatThrownBy(() -> SshSettings.withKey("h", "-oProxyCommand=x", Path.of("id")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ssh user: '-oProxyCommand=x' starts with '-': a login name is");
        assertThatThrownBy(() -> new Plan.PushTarget("http://x\n", "j")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("push endpoint: holds");
    }

    @Test
    void planBuilderAndPlanRefuseAFilenameBaseThatIsNotAPlainName() {
        List<Node> hosts = List.of(Node.of("a", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3),
                Node.of("b", "127.0.0.2", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3));
        for (String bad : List.of("../x", "a/b", ".", "..", "x\ny", "a".repeat(65))) {
            assertThatThrownBy(() -> Plan.builder(hosts).filenameBase(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("filename_base: ");
            assertThatThrownBy(() -> new Plan(hosts, List.of(), false, bad, Optional.empty())).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("filename_base: ");
        }
        assertThat(Plan.builder(hosts).filenameBase("lab1").build().filenameBase()).isEqualTo("lab1");
        assertThat(Plan.builder(hosts).filenameBase("").build().filenameBase()).isEmpty();
        assertThatThrownBy(() -> Plan.builder(hosts).test("../t", "a", "b", Plan.Direction.UP, TestSpec.tcp(1), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("test name: '../t' holds '/' at character 3: a name");
        assertThatThrownBy(() -> new Plan.Test("t_a-b\n", "a", "b", Plan.Direction.UP, TestSpec.tcp(1), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("test id: holds");
    }

    /** Issue 64: the library refuses, as the plan reader does, test arguments that give iperf a file on the host. */
    @Test
    void specsRefuseAnArgumentThatNamesAFileOnTheHost() {
        assertThatThrownBy(() -> TestSpec.tcp(1).withArgs(List.of("-P", "2", "--logfile", "/root/.bashrc")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("args[2]: '--logfile' gives iperf's --logfile, which names a"
                        + " file on the host for iperf to write or read there as the login; a plan may not choose one (the session"
                        + " keeps each test's output itself)");
        assertThatThrownBy(() -> TestSpec.tcp(1).withArgs(List.of("-VI/run/x.pid"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("args[0]: '-VI/run/x.pid' gives iperf's -I (--pidfile)");
        assertThat(TestSpec.tcp(1).withArgs(List.of("-P", "2", "-b", "50M", "--forceflush")).extraArgs()).hasSize(5);
    }

    /** Each spelling of a file option that each iperf's getopt_long reads, and look-alikes that are not one. */
    @Test
    void eachIperfsFileOptionsAreFoundInEverySpelling() {
        java.util.function.BiFunction<IperfKind, List<String>, Optional<String>> first = (k, words) -> {
            for (int i = 0; i < words.size(); i++) {
                Optional<String> o = k.hostFileOption(words, i);
                if (o.isPresent()) {
                    return o;
                }
            }
            return Optional.empty();
        };
        for (IperfKind k : List.of(IperfKind.IPERF3, IperfKind.IPERF3J)) {
            for (String w : List.of("--logfile", "--logfile=/x", "--logf", "--lo", "--log=x")) {
                assertThat(first.apply(k, List.of(w, "/x"))).as("%s %s", k, w).contains("--logfile");
            }
            assertThat(first.apply(k, List.of("--pidfile", "x"))).contains("--pidfile");
            assertThat(first.apply(k, List.of("-I", "x"))).contains("-I (--pidfile)");
            assertThat(first.apply(k, List.of("-Ix"))).contains("-I (--pidfile)");
            assertThat(first.apply(k, List.of("-VJI", "x"))).contains("-I (--pidfile)");
            assertThat(first.apply(k, List.of("-F/etc/shadow"))).contains("-F (--file)");
            assertThat(first.apply(k, List.of("--fi=/etc/shadow"))).contains("--file");
            assertThat(first.apply(k, List.of("--rsa-pub", "k"))).contains("--rsa-public-key-path");
            assertThat(first.apply(k, List.of("--rsa-private-key-path=k"))).contains("--rsa-private-key-path");
            assertThat(first.apply(k, List.of("--auth", "u"))).contains("--authorized-users-path");
            // values glued to an option that takes one, options that only look alike, the end of the options
            for (List<String> none : List.of(List.of("-P4I"), List.of("-TFIle"), List.of("-bF"), List.of("--format", "m"),
                    List.of("--forceflush"), List.of("--"), List.of("-"), List.of("-J", "-V", "-u"), List.of("file", "-o"),
                    List.of("--fq-rate", "1G"))) {
                assertThat(first.apply(k, none)).as("%s %s", k, none).isEmpty();
            }
        }
        assertThat(first.apply(IperfKind.IPERF3J, List.of("--metrics.file", "/x"))).contains("--metrics.file");
        assertThat(first.apply(IperfKind.IPERF3J, List.of("--report=/x.html"))).contains("--report");
        assertThat(first.apply(IperfKind.IPERF3J, List.of("--allow", "@/etc/x"))).contains("--allow @FILE");
        assertThat(first.apply(IperfKind.IPERF3J, List.of("--deny=@/etc/x"))).contains("--deny @FILE");
        assertThat(first.apply(IperfKind.IPERF3J, List.of("--allow", "10.0.0.0/8", "--deny=192.0.2.0/24"))).isEmpty();
        assertThat(first.apply(IperfKind.IPERF3, List.of("--report", "x", "--metrics.file", "y"))).isEmpty();
        assertThat(first.apply(IperfKind.IPERF2, List.of("-o", "/x"))).contains("-o (--output)");
        assertThat(first.apply(IperfKind.IPERF2, List.of("-uo/x"))).contains("-o (--output)");
        assertThat(first.apply(IperfKind.IPERF2, List.of("--out", "/x"))).contains("--output");
        assertThat(first.apply(IperfKind.IPERF2, List.of("-F", "/x"))).contains("-F (--fileinput)");
        assertThat(first.apply(IperfKind.IPERF2, List.of("--file_input=/x"))).contains("--file_input");
        assertThat(first.apply(IperfKind.IPERF2, List.of("--fileinput", "/x"))).contains("--fileinput");
        assertThat(first.apply(IperfKind.IPERF2, List.of("-I", "-e", "-x", "o"))).as("-I is iperf 2's stdin").isEmpty();
        assertThat(first.apply(IperfKind.IPERF3, List.of("-o", "/x"))).as("no -o in iperf3").isEmpty();
    }

    /** Issue 64: a command is words; the library quotes each where the command line is built, and refuses what is no command. */
    @Test
    void aCommandIsWordsQuotedForTheShellAndRefusedWhenItIsNoCommand() {
        Node.Command c = new Node.Command(List.of("LD_LIBRARY_PATH=/opt/my lib", "A=1", "/opt/my tools/iperf3", "it's", "$(id)", "-V"));
        assertThat(c.environment()).containsExactly("LD_LIBRARY_PATH=/opt/my lib", "A=1");
        assertThat(c.program()).isEqualTo("/opt/my tools/iperf3");
        assertThat(c.arguments()).containsExactly("it's", "$(id)", "-V");
        assertThat(c.commandLine()).isEqualTo("env 'LD_LIBRARY_PATH=/opt/my lib' A=1 '/opt/my tools/iperf3' 'it'\\''s' '$(id)' -V");
        assertThat(Node.Command.of(" /opt/iperf3/bin/iperf3  --forceflush ").words()).containsExactly("/opt/iperf3/bin/iperf3", "--forceflush");
        assertThat(Node.Command.of("touch x; iperf3").commandLine()).isEqualTo("touch 'x;' iperf3");
        Node n = Node.builder("a", "127.0.0.1").command(IperfKind.IPERF3, List.of("/opt/my tools/iperf3")).build();
        assertThat(n.commandLine(IperfKind.IPERF3)).isEqualTo("'/opt/my tools/iperf3'");
        assertThat(n.commandLine(IperfKind.IPERF2)).isEqualTo("iperf");
        assertThat(n.withCommand(IperfKind.IPERF2, "/usr/bin/iperf -e").commandLine(IperfKind.IPERF2)).isEqualTo("/usr/bin/iperf -e");
        java.util.Map<List<String>, String> refused = new java.util.LinkedHashMap<>();
        refused.put(List.of(), "command: no words");
        refused.put(List.of("iperf3", ""), "command[1]: an empty word");
        refused.put(List.of("A=1", "B=2"), "command: [A=1, B=2] gives variables (NAME=value) but no program after them");
        refused.put(List.of("-c", "iperf3"), "command[0]: '-c' is not a program (it starts with -)");
        refused.put(List.of("A=1", "./x=y"), "command[1]: the program './x=y' holds '=' after NAME=value words");
        refused.put(List.of("IPERF3_METRICS_FILE=/root/.bashrc", "iperf3j"), "command[0]: 'IPERF3_METRICS_FILE=/root/.bashrc' sets"
                + " IPERF3_METRICS_FILE: iperf reads variables named IPERF... as its options");
        refused.put(List.of("iperf_output=/x", "iperf"), "command[0]: 'iperf_output=/x' sets iperf_output");
        refused.put(List.of("IPERF3J_SESSION_NODE=other", "iperf3"), "command[0]: 'IPERF3J_SESSION_NODE=other' sets");
        refused.forEach((words, said) -> assertThatThrownBy(() -> new Node.Command(words)).as("%s", words)
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(said));
        assertThatThrownBy(() -> Node.Command.of("  ")).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("command: no words");
        assertThatThrownBy(() -> Node.builder("a", "127.0.0.1").command(IperfKind.IPERF3, "iperf3 --logfile /root/.bashrc").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("node 'a' command for IPERF3: '--logfile' gives"
                        + " iperf3's --logfile, which names a file on the host");
        assertThatThrownBy(() -> Node.builder("a", "127.0.0.1").command(IperfKind.IPERF2, "iperf -o /x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("node 'a' command for IPERF2: '-o' gives iperf2's -o");
        // each command's arguments are read as its own iperf reads them: iperf 2's -o is no option of java for iperf3j
        assertThat(Node.builder("a", "127.0.0.1").command(IperfKind.IPERF3J, "java -Xshare:off -jar /opt/iperf3j.jar").build()
                .commandLine(IperfKind.IPERF3J)).isEqualTo("java -Xshare:off -jar /opt/iperf3j.jar");
    }
}
