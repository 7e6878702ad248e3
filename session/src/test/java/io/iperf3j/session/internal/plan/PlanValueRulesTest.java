package io.iperf3j.session.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.session.SessionException.IperfConfigurationError;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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
                "line 1, column 16: plan.filename_base: '../x' holds '/' at character 3: a name (a host id, a test name,"
                        + " filename_base) is 1 to 64 characters, each a letter (A-Z, a-z), a digit, '.', '_' or '-', and not . or ..");
        cases.put("filename_base: a/b\nhosts:\n  - {id: a, address: 127.0.0.1}\n" + hostB + TESTS,
                "line 1, column 16: plan.filename_base: 'a/b' holds '/' at character 2: a name ");
        cases.put("filename_base: ..\nhosts:\n  - {id: a, address: 127.0.0.1}\n" + hostB + TESTS,
                "line 1, column 16: plan.filename_base: '..' must not be . or .. (it is put in file names): a name ");
        cases.put("hosts:\n  - {id: a, address: 10.0.0.1 x}\n" + hostB + TESTS,
                "line 2, column 22: hosts[0] (a).address: '10.0.0.1 x' holds a space at character 9: an address is an IP address"
                        + " (IPv6 with its %zone) or a host name: 1 to 253 characters, each a letter, a digit, '.', ':', '%', '_' or"
                        + " '-', not starting with '-' (no space, '/' or port)");
        cases.put("hosts:\n  - {id: a, address: 10.0.0.0/8}\n" + hostB + TESTS,
                "line 2, column 22: hosts[0] (a).address: '10.0.0.0/8' holds '/' at character 9: an address is ");
        cases.put("hosts:\n  - {id: a, address: -oProxyCommand=x}\n" + hostB + TESTS,
                "line 2, column 22: hosts[0] (a).address: '-oProxyCommand=x' holds '=' at character 15: an address is ");
        cases.put("hosts:\n  - {id: .., address: 127.0.0.1}\n" + hostB + "tests:\n  - {name: t, pairs: [[.., b]]}\n",
                "line 2, column 10: hosts[0].id: '..' must not be . or ..");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1, connection: {type: ssh, host: \"h;id\"}}\n" + hostB + TESTS,
                "line 2, column 63: hosts[0] (a).connection.host: 'h;id' holds ';' at character 2: an address is ");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1, connection: {type: ssh, user: -oX}}\n" + hostB + TESTS,
                "line 2, column 63: hosts[0] (a).connection.user: '-oX' starts with '-': a login name is 1 to 256 characters with"
                        + " no white space or '/', not starting with '-'");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1, connection: {type: ssh, password_env: A-B}}\n" + hostB + TESTS,
                "line 2, column 71: hosts[0] (a).connection.password_env: 'A-B' holds '-' at character 2: an environment variable's"
                        + " name is 1 to 128 characters, each a letter (A-Z, a-z), a digit or '_', not starting with a digit");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1}\n" + hostB + "tests:\n  - {name: .., pairs: [[a, b]]}\n",
                "line 5, column 12: tests[0].name: '..' must not be . or ..");
        cases.put("hosts:\n  - {id: a, address: 127.0.0.1, connection: {type: ssh, password_env: 1A}}\n" + hostB + TESTS,
                "line 2, column 71: hosts[0] (a).connection.password_env: '1A' starts with '1': an environment variable's");
        cases.put("hosts:\n  - {id: " + "a".repeat(65) + ", address: 127.0.0.1}\n" + hostB + "tests:\n  - {name: t, pairs: [[" + "a".repeat(65) + ", b]]}\n",
                "line 2, column 10: hosts[0].id: '" + "a".repeat(65) + "' is 65 characters long: a name (a host id");
        cases.forEach((yaml, said) -> assertThat(mistake(yaml)).as(yaml).startsWith(said));
    }

    /** Issue 66: a plan's error says in words what is allowed, never a regular expression. */
    @Test
    void noMessageQuotesARegularExpression() {
        for (io.iperf3j.session.PlanValue kind : io.iperf3j.session.PlanValue.values()) {
            for (String bad : List.of("a/b", "-x", "a b", "a;b", "")) {
                kind.problem(bad).ifPresent(p -> {
                    assertThat(p).as(kind + " " + bad).doesNotContain("[A-Z", "{0,", "{1,", "[^", "must match");
                    if (kind != io.iperf3j.session.PlanValue.COMMAND_WORD) {
                        assertThat(p).as(kind + " " + bad).endsWith(": " + kind.rule());
                    }
                });
            }
        }
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

    /**
     * Issue 64 (finding 8): a host's {@code commands} are words, a program and its arguments, never a shell line. A value
     * or a word that holds a character only a shell reads is refused where it is, before anything runs (before, {@code
     * touch X; iperf3} ran {@code touch} on the host as the login), as is a command that is not a program, that sets
     * iperf's own variables, or whose arguments give iperf a file on the host.
     */
    @Test
    void aCommandThatIsAShellLineOrNotAProgramIsRefusedWhereItIs() {
        String hostB = "  - {id: b, address: 127.0.0.2}\n";
        String host = "hosts:\n  - {id: a, address: 127.0.0.1, commands: {%s}}\n" + hostB + TESTS;
        String shell = "', which only a shell reads, and no shell reads a command: give the program and its arguments as"
                + " words, such as [/opt/iperf3/bin/iperf3, --forceflush] or [LD_LIBRARY_PATH=/opt/lib, iperf3]";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("iperf3: \"touch /tmp/X; iperf3\"", "line 2, column 52: hosts[0] (a).commands.iperf3: 'touch /tmp/X; iperf3'"
                + " holds ';" + shell);
        cases.put("iperf3: [iperf3, \"$(id)\"]", "line 2, column 61: hosts[0] (a).commands.iperf3[1]: '$(id)' holds '$" + shell);
        cases.put("iperf3: ~/bin/iperf3", "line 2, column 52: hosts[0] (a).commands.iperf3: '~/bin/iperf3' holds '~" + shell);
        cases.put("iperf3: \"iperf3 2>/dev/null\"", "line 2, column 52: hosts[0] (a).commands.iperf3: 'iperf3 2>/dev/null' holds '>");
        cases.put("iperf2: \"iperf | tee x\"", "line 2, column 52: hosts[0] (a).commands.iperf2: 'iperf | tee x' holds '|");
        cases.put("iperf3: \"`id`\"", "line 2, column 52: hosts[0] (a).commands.iperf3: '`id`' holds '`");
        cases.put("iperf3: [/opt/iperf*/iperf3]", "line 2, column 53: hosts[0] (a).commands.iperf3[0]: '/opt/iperf*/iperf3' holds '*");
        cases.put("iperf3: [iperf3, \"a\\\\b\"]", "line 2, column 61: hosts[0] (a).commands.iperf3[1]: 'a\\b' holds '\\");
        cases.put("iperf3: [iperf3, \"it's\"]", "line 2, column 61: hosts[0] (a).commands.iperf3[1]: 'it's' holds \"'\", which");
        cases.put("iperf3: [iperf3, \"\"]", "line 2, column 61: hosts[0] (a).commands.iperf3[1]: an empty word");
        cases.put("iperf3: \" \"", "line 2, column 52: hosts[0] (a).commands.iperf3: expected a program and its arguments");
        cases.put("iperf3: []", "line 2, column 52: hosts[0] (a).commands.iperf3: expected a program and its arguments");
        cases.put("iperf3j: [IPERF3_METRICS_FILE=/root/.bashrc, iperf3j]", "line 2, column 54: hosts[0] (a).commands.iperf3j[0]:"
                + " 'IPERF3_METRICS_FILE=/root/.bashrc' sets IPERF3_METRICS_FILE: iperf reads variables named IPERF... as its options");
        cases.put("iperf3: LD_LIBRARY_PATH=/opt/lib", "line 2, column 52: hosts[0] (a).commands.iperf3: [LD_LIBRARY_PATH=/opt/lib]"
                + " gives variables (NAME=value) but no program after them");
        cases.put("iperf3: [-x, iperf3]", "line 2, column 53: hosts[0] (a).commands.iperf3[0]: '-x' is not a program (it starts with -)");
        cases.put("iperf3: [iperf3, --logfile, /root/.bashrc]", "line 2, column 61: hosts[0] (a).commands.iperf3[1]: '--logfile'"
                + " gives iperf3's --logfile, which names a file on the host for iperf to write or read there as the login; a plan"
                + " may not choose one (the session keeps each test's output itself)");
        cases.put("iperf2: iperf -o /etc/x", "line 2, column 52: hosts[0] (a).commands.iperf2: '-o' gives iperf2's -o (--output)");
        cases.forEach((command, said) -> assertThat(mistake(host.formatted(command))).as(command).startsWith(said));
    }

    @Test
    void aCommandOfWordsIsRead() throws Exception {
        var plan = PlanFile.parse("hosts:\n  - {id: a, address: 127.0.0.1, commands: {iperf3: [LD_LIBRARY_PATH=/opt/my lib,"
                + " /opt/my tools/iperf3, --forceflush], iperf2: /usr/bin/iperf -e, iperf3j: [/opt/iperf3j/bin/iperf3j]}}\n"
                + "  - {id: b, address: 127.0.0.2, commands: {iperf3j: java -Xshare:off -jar /opt/iperf3j.jar}}\n" + TESTS,
                Path.of("/plans"));
        var a = plan.hostsById().get("a");
        assertThat(a.commands().get(io.iperf3j.session.IperfKind.IPERF3).words())
                .containsExactly("LD_LIBRARY_PATH=/opt/my lib", "/opt/my tools/iperf3", "--forceflush");
        assertThat(a.commandLine(io.iperf3j.session.IperfKind.IPERF3))
                .isEqualTo("env 'LD_LIBRARY_PATH=/opt/my lib' '/opt/my tools/iperf3' --forceflush");
        assertThat(a.commandLine(io.iperf3j.session.IperfKind.IPERF2)).isEqualTo("/usr/bin/iperf -e");
        assertThat(plan.hostsById().get("b").commandLine(io.iperf3j.session.IperfKind.IPERF3J))
                .isEqualTo("java -Xshare:off -jar /opt/iperf3j.jar");
    }

    /**
     * Issue 64 (finding 8): a test's {@code args} cannot name a file on the host, which iperf would write or read there
     * as the login (root): iperf3's {@code --logfile}, {@code -I}, {@code -F}, the RSA and users' files, iperf 2's
     * {@code -o} and {@code -F}, iperf3j's {@code --metrics.file}, {@code --report} and {@code --allow @FILE}, in each
     * spelling their {@code getopt_long} reads; each refused at its word.
     */
    @Test
    void aTestArgumentThatNamesAFileOnTheHostIsRefusedAtItsWord() {
        String hosts = "hosts:\n  - {id: a, address: 127.0.0.1}\n  - {id: b, address: 127.0.0.2}\n";
        String test = "tests:\n  - {name: t, pairs: [[a, b]], args: %s}\n";
        String why = ", which names a file on the host for iperf to write or read there as the login; a plan may not choose one"
                + " (the session keeps each test's output itself)";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("[--logfile, /root/.bashrc]", "line 5, column 39: tests[0] (t).args[0]: '--logfile' gives iperf's --logfile" + why);
        cases.put("[-P, \"2\", \"--logfile=/x\"]", "line 5, column 48: tests[0] (t).args[2]: '--logfile=/x' gives iperf's --logfile");
        cases.put("\"-P 2 --logf /x\"", "line 5, column 38: tests[0] (t).args: '--logf' gives iperf's --logfile");
        cases.put("[-I/run/x.pid]", "line 5, column 39: tests[0] (t).args[0]: '-I/run/x.pid' gives iperf's -I (--pidfile)");
        cases.put("[--pid, /x]", "line 5, column 39: tests[0] (t).args[0]: '--pid' gives iperf's --pidfile");
        cases.put("[-VI, /x]", "line 5, column 39: tests[0] (t).args[0]: '-VI' gives iperf's -I (--pidfile)");
        cases.put("[-uVF/etc/shadow]", "line 5, column 39: tests[0] (t).args[0]: '-uVF/etc/shadow' gives iperf's -F (--file)");
        cases.put("[--file, /x]", "line 5, column 39: tests[0] (t).args[0]: '--file' gives iperf's --file");
        cases.put("[--rsa-public-key-path, k]", "line 5, column 39: tests[0] (t).args[0]: '--rsa-public-key-path' gives iperf's"
                + " --rsa-public-key-path");
        cases.put("[--rsa-private-key-path=k]", "line 5, column 39: tests[0] (t).args[0]: '--rsa-private-key-path=k' gives iperf's"
                + " --rsa-private-key-path");
        cases.put("[--authorized-users-path, u]", "line 5, column 39: tests[0] (t).args[0]: '--authorized-users-path' gives"
                + " iperf's --authorized-users-path");
        cases.put("[-o, /x]", "line 5, column 39: tests[0] (t).args[0]: '-o' gives iperf's -o (--output)");
        cases.put("[--output=/x]", "line 5, column 39: tests[0] (t).args[0]: '--output=/x' gives iperf's --output");
        cases.put("[--fileinput, /x]", "line 5, column 39: tests[0] (t).args[0]: '--fileinput' gives iperf's --fileinput");
        cases.put("[--file_input, /x]", "line 5, column 39: tests[0] (t).args[0]: '--file_input' gives iperf's --file_input");
        cases.put("[--metrics.file, /x]", "line 5, column 39: tests[0] (t).args[0]: '--metrics.file' gives iperf's --metrics.file");
        cases.put("[--report, /x.html]", "line 5, column 39: tests[0] (t).args[0]: '--report' gives iperf's --report");
        cases.put("[--allow, \"@/etc/x\"]", "line 5, column 39: tests[0] (t).args[0]: '--allow' gives iperf's --allow @FILE");
        cases.put("[\"--deny=@/x\"]", "line 5, column 39: tests[0] (t).args[0]: '--deny=@/x' gives iperf's --deny @FILE");
        cases.forEach((args, said) -> assertThat(mistake(hosts + test.formatted(args))).as(args).startsWith(said));
    }

    @Test
    void argumentsThatNameNoFileAreRead() throws Exception {
        var plan = PlanFile.parse("hosts:\n  - {id: a, address: 127.0.0.1}\n  - {id: b, address: 127.0.0.2}\n"
                + "tests:\n  - {name: t, pairs: [[a, b]], args: [-P, \"2\", -b, 50M, -T, Title, -TFIle, -P4I, -O, \"1\","
                + " --forceflush, --format, m, -C, bbr, --allow, 10.0.0.0/8, -J, --timestamps, -w, 1M, -Z, -4, --, \"-\"]}\n",
                Path.of("/plans"));
        assertThat(plan.tests().get(0).spec().extraArgs()).contains("-TFIle", "--allow", "10.0.0.0/8");
    }
}
