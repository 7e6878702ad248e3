package io.iperf3j.testing;

import java.util.stream.Stream;

/** Counting a server's log lines in tests. */
public final class LogLines {
    private LogLines() {
    }

    /** How many of {@code lines} hold every one of {@code fragments}. */
    public static long countWithAll(Stream<String> lines, String... fragments) {
        return lines.filter(l -> {
            for (String f : fragments) {
                if (!l.contains(f)) {
                    return false;
                }
            }
            return true;
        }).count();
    }
}
