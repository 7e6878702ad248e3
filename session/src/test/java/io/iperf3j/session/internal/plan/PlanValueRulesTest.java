package io.iperf3j.session.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.session.SessionException.IperfConfigurationError;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A plan is data (issue 55): a control character in any of its values, or a value that cannot be valid for its
 * field (an address with a space or a {@code /}, a {@code filename_base} that is a path), is refused when the
 * plan is read, with its line and column and its key, before anything runs.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PlanValueRulesTest {
    private static final String TESTS = "tests:\n  - {name: t, pairs: [[a, b]]}\n";

    /** The one mistake of {@code yaml}, with its line and column (which it must have). */
    private static String mistake(String yaml) {
        try {
            PlanFile.parse(yaml, Path.of("/plans"));
        } catch (IperfConfigurationError e) {
            assertThat(e.getMessage()).as("one mistake, placed: %s", yaml).matches("line [0-9]+, column [0-9]+: [^\n]*");
            return e.getMessage();
        }
        throw new AssertionError("no error for:\n" + yaml);
    }

    @Test
    void aNewlineInAnAddressIsRefusedWithItsLineColumnAndKey() {
        assertThat(mistake("hosts:\n  - {id: a, address: \"127.0.0.1\\nid\"}\n  - {id: b, address: 127.0.0.2}\n" + TESTS))
                .isEqualTo("line 2, column 22: hosts[0] (a).address: holds the control character U+000A (line feed) at"
                        + " character 10; a plan value is one line of printable text");
    }

    @Test
    void aNewlineInAnArgumentIsRefusedWithItsLineColumnAndKey() {
        assertThat(mistake("hosts:\n  - {id: a, address: 127.0.0.1}\n  - {id: b, address: 127.0.0.2}\n"
                + "tests:\n  - {name: t, pairs: [[a, b]], args: [-P, \"2\\ntouch /tmp/owned\"]}\n"))
                .isEqualTo("line 5, column 43: tests[0] (t).args[1]: holds the control character U+000A (line feed) at"
                        + " character 2; a plan value is one line of printable text");
    }

    @Test
    void aControlCharacterInAnyValueOrKeyIsRefusedWhereItIs() {
        String hostB = "  - {id: b, address: 127.0.0.2}\n";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("hosts:\n  - {id: \"a\\tb\", address: 127.0.0.1}\n" + hostB + TESTS, "hosts[0].id: holds the control character U+0009 (tab)");
        cases.put("hosts:\n  - {id: a, address: \"127.0.0.1\\r\"}\n" + hostB + TESTS, "hosts[0] (a).address: holds the control character U+000D (carriage return)");
        cases.put("hosts:\n  - {id: a, address: \"127.0.0.1\\0\"}\n" + hostB + TESTS, "hosts[0] (a).address: holds the control character U+0000 (NUL)");
        cases.put("hosts:\n  - {id: a, address: \"127.0.0.1\\x7f\"}\n" + hostB + TESTS, "hosts[0] (a).address: holds the control character U+007F (DEL)");
        cases.put("hosts:\n  - {id: a, address: \"127.0.0.1\\x85\"}\n" + hostB + TESTS, "hosts[0] (a).address: holds the control character U+0085");
        cases.put("hosts:\n  - {id: a, address: \"127.0.0.1\\u2028\"}\n" + hostB + TESTS, "hosts[0] (a).address: holds the control character U+2028");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1, commands: {iperf3: \"iperf3\\nid\"}}\n" + hostB + TESTS,
                "hosts[0] (a).commands.iperf3: holds the control character U+000A");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1, connection: {type: local, prefix: [\"sudo\\n\"]}}\n" + hostB + TESTS,
                "hosts[0] (a).connection.prefix[0]: holds the control character U+000A");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1, connection: {type: ssh, user: \"root\\nx\"}}\n" + hostB + TESTS,
                "hosts[0] (a).connection.user: holds the control character U+000A");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1, connection: {type: ssh, identity: \"k\\ney\"}}\n" + hostB + TESTS,
                "hosts[0] (a).connection.identity: holds the control character U+000A");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1, connection: {type: ssh, known_hosts: \"k\\th\"}}\n" + hostB + TESTS,
                "hosts[0] (a).connection.known_hosts: holds the control character U+0009");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1, connection: {type: ssh, host: \"h\\n\"}}\n" + hostB + TESTS,
                "hosts[0] (a).connection.host: holds the control character U+000A");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1, install: {image: x.tar.gz, directory: \"/tmp/x\\ny\"}}\n" + hostB + TESTS,
                "hosts[0] (a).install.directory: holds the control character U+000A");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1, \"ad\\ndress\": x}\n" + hostB + TESTS,
                "hosts[0] (a): a key holds the control character U+000A");
        cases.put("filename_base: \"x\\ny\"\nhosts:\n  - {id: a, address: 127.0.0.1}\n" + hostB + TESTS,
                "plan.filename_base: holds the control character U+000A");
        cases.put("push: {endpoint: \"http://127.0.0.1:9091\\n\", job: j}\nhosts:\n  - {id: a, address: 127.0.0.1}\n" + hostB + TESTS,
                "push.endpoint: holds the control character U+000A");
        cases.put("push: {endpoint: \"http://127.0.0.1:9091\", job: \"j\\x1b[2J\"}\nhosts:\n  - {id: a, address: 127.0.0.1}\n" + hostB + TESTS,
                "push.job: holds the control character U+001B");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1}\n" + hostB + "tests:\n  - {name: \"t\\n\", pairs: [[a, b]]}\n",
                "tests[0].name: holds the control character U+000A");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1}\n" + hostB + "tests:\n  - {name: t, pairs: [[a, \"b\\n\"]]}\n",
                "tests[0] (t).pairs[0][1]: holds the control character U+000A");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1}\n" + hostB + "tests:\n  - {name: t, pairs: [[a, b]], direction: \"up\\n\"}\n",
                "tests[0] (t).direction: holds the control character U+000A");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1}\n" + hostB + TESTS + "schedule: {every: \"1h\\n\"}\n",
                "schedule.every: holds the control character U+000A");
        cases.forEach((yaml, said) -> assertThat(mistake(yaml)).as(yaml).contains(": " + said).contains(" at character "));
    }

    @Test
    void valuesThatCannotBeValidForTheirFieldAreRefusedWhereTheyAre() {
        String hostB = "  - {id: b, address: 127.0.0.2}\n";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("filename_base: ../x\nhosts:\n  - {id: a, address: 127.0.0.1}\n" + hostB + TESTS,
                "line 1, column 16: plan.filename_base: '../x' must match [A-Za-z0-9_.-]{1,64}");
        cases.put("filename_base: a/b\nhosts:\n  - {id: a, address: 127.0.0.1}\n" + hostB + TESTS,
                "line 1, column 16: plan.filename_base: 'a/b' must match [A-Za-z0-9_.-]{1,64}");
        cases.put("filename_base: ..\nhosts:\n  - {id: a, address: 127.0.0.1}\n" + hostB + TESTS,
                "line 1, column 16: plan.filename_base: '..' must not be . or .. (it is put in file names)");
        cases.put("hosts:\n  - {id: a, address: 10.0.0.1 x}\n" + hostB + TESTS,
                "line 2, column 22: hosts[0] (a).address: '10.0.0.1 x' must match [A-Za-z0-9_.:%][A-Za-z0-9_.:%-]{0,252}");
        cases.put("hosts:\n  - {id: a, address: 10.0.0.0/8}\n" + hostB + TESTS,
                "line 2, column 22: hosts[0] (a).address: '10.0.0.0/8' must match");
        cases.put("hosts:\n  - {id: a, address: -oProxyCommand=x}\n" + hostB + TESTS,
                "line 2, column 22: hosts[0] (a).address: '-oProxyCommand=x' must match");
        cases.put("hosts:\n  - {id: .., address: 127.0.0.1}\n" + hostB + "tests:\n  - {name: t, pairs: [[.., b]]}\n",
                "line 2, column 10: hosts[0].id: '..' must not be . or ..");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1, connection: {type: ssh, host: \"h;id\"}}\n" + hostB + TESTS,
                "line 2, column 63: hosts[0] (a).connection.host: 'h;id' must match");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1, connection: {type: ssh, user: -oX}}\n" + hostB + TESTS,
                "line 2, column 63: hosts[0] (a).connection.user: '-oX' must match");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1, connection: {type: ssh, password_env: A-B}}\n" + hostB + TESTS,
                "line 2, column 71: hosts[0] (a).connection.password_env: 'A-B' must match [A-Za-z_][A-Za-z0-9_]{0,127}");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1}\n" + hostB + "tests:\n  - {name: .., pairs: [[a, b]]}\n",
                "line 5, column 12: tests[0].name: '..' must not be . or ..");
        cases.forEach((yaml, said) -> assertThat(mistake(yaml)).as(yaml).startsWith(said));
    }

    @Test
    void aPlainFilenameBaseAndUsualAddressesAreRead() throws Exception {
        var plan = PlanFile.parse("filename_base: lab-1.run_2\nhosts:\n  - {id: a, address: fe80::1%eth0}\n"
                + "  - {id: b, address: host-b.example.org}\n" + TESTS, Path.of("/plans"));
        assertThat(plan.filenameBase()).isEqualTo("lab-1.run_2");
        assertThat(plan.hostsById().get("a").address()).isEqualTo("fe80::1%eth0");
    }

    @Test
    void onlyTheControlCharactersAreSaidWhenThereAreAny() {
        assertThatThrownBy(() -> PlanFile.parse("hosts:\n  - {id: a, address: \"x\\ny\", role: boss}\n  - {id: b, address: \"\\x1b\"}\n"
                + TESTS, Path.of("/"))).isInstanceOf(IperfConfigurationError.class)
                .hasMessageStartingWith("2 mistakes in the plan:\n  line 2, column 22: hosts[0] (a).address: holds")
                .hasMessageContaining("\n  line 3, column 22: hosts[1] (b).address: holds the control character U+001B")
                .hasMessageNotContaining("boss");
    }
}
