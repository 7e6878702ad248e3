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
        assertThat(PlanValue.NAME.problem("..")).contains("'..' must not be . or .. (it is put in file names)");
        assertThat(PlanValue.NAME.problem("a/b")).contains("'a/b' must match [A-Za-z0-9_.-]{1,64}");
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
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("node 'a' address: '10.0.0.0/8' must match");
        assertThatThrownBy(() -> Node.of("..", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("node id: '..' must not be");
        assertThatThrownBy(() -> new Node("a", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3,
                java.util.Map.of(IperfKind.IPERF3, "iperf3\nid"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("node 'a' command for IPERF3: holds the control character U+000A");
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
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ssh user: '-oProxyCommand=x' must match");
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
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("test name: '../t' must match");
        assertThatThrownBy(() -> new Plan.Test("t_a-b\n", "a", "b", Plan.Direction.UP, TestSpec.tcp(1), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("test id: holds");
    }
}
