package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code iperf3j --help} and the man page, byte for byte, against files kept beside the tests,
 * so that every change of the help or the page shows in review as a change of a golden file.
 * The data path section depends on the machine (UDP offloads, buffer sizes): it is masked.
 * To refresh a golden after a deliberate change, run the test with {@code -Dgolden.write=DIR}:
 * it writes the files to DIR (copy them into src/test/resources/io/iperf3j/cli) and fails.
 */
class HelpGoldenTest {
    static final String DATA_PATH = "Data path (iperf3j):";

    /** The help with its machine-dependent tail (the data path section) cut to its heading. */
    static String masked(String text) {
        int at = text.indexOf(DATA_PATH);
        return at < 0 ? text : text.substring(0, at + DATA_PATH.length()) + "\n(masked)\n";
    }

    static String golden(String name) throws IOException {
        try (InputStream in = HelpGoldenTest.class.getResourceAsStream(name)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void assertGolden(String name, String actual) throws IOException {
        String dir = System.getProperty("golden.write");
        if (dir != null) {
            Files.writeString(Path.of(dir, name), actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).as("golden %s (see HelpGoldenTest's javadoc to refresh it)", name).isEqualTo(golden(name));
    }

    @Test
    void helpIsTheGolden() throws IOException {
        assertGolden("help.txt", masked(Main.helpText()));
    }

    @Test
    void manPageIsTheGolden() throws IOException {
        String page = ManPage.render(Main.helpText(), "9.9.9");
        int at = page.indexOf(".SS Data path");
        int end = at < 0 ? -1 : page.indexOf(".SH ", at);
        String masked = at < 0 || end < 0 ? page : page.substring(0, at) + ".SS Data path (masked)\n" + page.substring(end);
        assertGolden("iperf3j.1", masked);
    }
}
