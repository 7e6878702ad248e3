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
 * same option, or the same "ambiguous" candidates. iperf3j's own rows must not take an iperf3
 * abbreviation away. The allowlist is today's shadowing, each prefix named.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AbbreviationTest {
    /** 3.17-3.21's rows in the table (getopt places of 100 and more that iperf3 has). */
    private static final Set<String> NEWER_IPERF3 = Set.of("json-stream", "json-stream-full-output", "cntl-ka",
            "mptcp", "skip-rx-copy", "gsro");

    /**
     * Prefixes iperf3j's own rows shadow today (plan bug 11): {@code --l}, {@code --lo} gain
     * {@code --latency}/{@code --loopback} as candidates (3.12: {@code --lo} is {@code --logfile});
     * {@code --m} is ambiguous with {@code --max-concurrent} (3.21: {@code --mptcp}); {@code --s} to
     * {@code --server-} gain {@code --server-max-duration}/{@code --server-log} (3.12: {@code --server-}
     * is {@code --server-bitrate-limit}); {@code --u} to {@code --use} gain {@code --use-pkcs1-padding}
     * and {@code --use-oaep-padding} (3.12: {@code --us} is {@code --username}).
     */
    private static final Set<String> SHADOWED = Set.of("l", "lo", "m", "s", "se", "ser", "serv", "serve",
            "server-", "u", "us", "use");

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
        assertThat(differing).as("prefixes iperf3j resolves unlike iperf3").isEqualTo(new TreeSet<>(SHADOWED));
    }
}
