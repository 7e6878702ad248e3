package io.iperf3j.internal.options;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every prefix of every long name iperf3 has (3.12's {@code longopts}, and the 3.17-3.21 rows
 * iperf3j parses) resolves in iperf3j's table as it resolves among iperf3's names alone: the
 * same option, or the same "ambiguous" candidates. iperf3j's own rows ({@code --latency},
 * {@code --loopback}, {@code --max-concurrent}, {@code --server-log}, {@code --total-rate}, {@code --use-oaep-padding})
 * match their whole names only, so they take no iperf3 abbreviation away (plan bug 11), and no
 * prefix is allowed to differ.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AbbreviationTest {
    /**
     * 3.17-3.21's rows in the table (getopt places of 100 and more that iperf3 has): 3.21's
     * {@code longopts} has {@code --server-max-duration} and {@code --use-pkcs1-padding} as well.
     */
    private static final Set<String> NEWER_IPERF3 = Set.of("json-stream", "json-stream-full-output", "cntl-ka",
            "mptcp", "skip-rx-copy", "gsro", "server-max-duration", "use-pkcs1-padding");

    /** iperf3j's own long names: no iperf3 has them. */
    private static final Set<String> IPERF3J_ONLY = Set.of("latency", "loopback", "max-concurrent", "max-per-client",
            "allow", "deny", "queue", "queue-timeout", "server-log", "total-rate", "cool-down", "use-oaep-padding", "why");

    /** The names iperf3 has, in longopts order. */
    private static List<String> iperf3Names() {
        List<CommandLineOption> rows = new ArrayList<>();
        for (CommandLineOption o : CommandLineOption.values()) {
            if (o.getoptOrder < 100 || NEWER_IPERF3.contains(o.longNames.getFirst())) {
                rows.add(o);
            }
        }
        rows.sort((a, b) -> Integer.compare(a.getoptOrder, b.getoptOrder));
        List<String> names = new ArrayList<>();
        for (CommandLineOption o : rows) {
            names.addAll(o.longNames);
        }
        return names;
    }

    /** How getopt_long resolves {@code --prefix} among {@code names}: the option's first name, or "ambiguous: a b". */
    private static String resolveAmong(List<String> names, String prefix) {
        if (names.contains(prefix)) {
            return canonical(prefix);
        }
        Set<String> options = new LinkedHashSet<>();
        List<String> candidates = new ArrayList<>();
        for (String n : names) {
            // as glibc: the first match, then each match that is another option than the first
            if (n.startsWith(prefix) && (candidates.isEmpty() || !canonical(n).equals(canonical(candidates.getFirst())))) {
                candidates.add(n);
                options.add(canonical(n));
            }
        }
        return options.size() == 1 ? options.iterator().next() : "ambiguous: " + String.join(" ", candidates);
    }

    private static String canonical(String name) {
        for (CommandLineOption o : CommandLineOption.values()) {
            if (o.longNames.contains(name)) {
                return o.longNames.getFirst();
            }
        }
        throw new AssertionError(name);
    }

    /** How the table resolves {@code --prefix}, in the same terms. */
    private static String resolveInTable(String prefix) {
        String value = "v";
        GetoptScanner.Scan scan = new GetoptScanner("iperf3j").scan("--" + prefix, value);
        if (scan.error() != null) {
            String e = scan.error();
            assertThat(e).as(prefix).contains("is ambiguous; possibilities:");
            List<String> names = new ArrayList<>();
            for (String part : e.substring(e.indexOf(':', e.indexOf("possibilities")) + 1).trim().split(" ")) {
                names.add(part.substring(3, part.length() - 1));
            }
            // candidates only among iperf3's names: the others are what the allowlist names
            return "ambiguous: " + String.join(" ", names);
        }
        return scan.given().getFirst().option().longNames().getFirst();
    }

    @Test
    void iperf3AbbreviationsKeepTheirMeaning() {
        List<String> names = iperf3Names();
        Set<String> prefixes = new TreeSet<>();
        for (String n : names) {
            for (int len = 1; len <= n.length(); len++) {
                prefixes.add(n.substring(0, len));
            }
        }
        Set<String> differing = new TreeSet<>();
        for (String p : prefixes) {
            if (!resolveAmong(names, p).equals(resolveInTable(p))) {
                differing.add(p);
            }
        }
        assertThat(differing).as("prefixes iperf3j resolves unlike iperf3").isEmpty();
    }

    @Test
    void everyRowIsIperf3sOrIperf3jsOwn() {
        for (CommandLineOption o : CommandLineOption.values()) {
            String name = o.longNames.getFirst();
            boolean iperf3 = o.getoptOrder < 100 || NEWER_IPERF3.contains(name);
            assertThat(iperf3).as("--%s is iperf3's or iperf3j's, not both", name).isNotEqualTo(IPERF3J_ONLY.contains(name));
            assertThat(o.abbreviable()).as("--%s abbreviates only if iperf3 has it", name).isEqualTo(iperf3);
        }
    }

    /** The prefix's first option, or the scan's error. */
    private static String scanned(String... args) {
        GetoptScanner.Scan scan = new GetoptScanner("iperf3").scan(args);
        return scan.error() != null ? scan.error() : scan.given().getFirst().option().longNames().getFirst();
    }

    /**
     * What the real binaries print or take (run by hand: {@code iperf3 --lo x -c 127.0.0.1}, 3.12's
     * /usr/bin/iperf3 and 3.21): where they agree, iperf3j does the same; where 3.21 added a name
     * ({@code --mptcp}, {@code --server-max-duration}, {@code --use-pkcs1-padding}), as 3.21.
     */
    @Test
    void iperf3jsOwnNamesMatchWhole() {
        assertThat(scanned("--lo", "x")).as("3.12 and 3.21: --logfile").isEqualTo("logfile");
        assertThat(scanned("--l", "x")).isEqualTo(
                "iperf3: option '--l' is ambiguous; possibilities: '--length' '--linux-congestion' '--logfile'");
        assertThat(scanned("--m")).as("3.21: --mptcp").isEqualTo("mptcp");
        assertThat(scanned("--server-", "x")).as("3.21's message").isEqualTo(
                "iperf3: option '--server-' is ambiguous; possibilities: '--server-bitrate-limit' '--server-max-duration'");
        assertThat(scanned("--server-m", "5")).isEqualTo("server-max-duration");
        assertThat(scanned("--us", "x")).as("3.21's message").isEqualTo(
                "iperf3: option '--us' is ambiguous; possibilities: '--username' '--use-pkcs1-padding'");
        assertThat(scanned("--use-")).isEqualTo("use-pkcs1-padding");
        for (String prefix : List.of("lat", "loo", "loopbac", "max", "max-concurren", "server-l", "use-o")) {
            assertThat(scanned("--" + prefix, "x")).isEqualTo("iperf3: unrecognized option '--" + prefix + "'");
        }
        for (String name : IPERF3J_ONLY) {
            assertThat(scanned("--" + name, "2")).isEqualTo(name);
        }
    }
}
