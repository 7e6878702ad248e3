package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Issue 57, "numbers that disagree": the README said the quick tier ran 1331 tests, docs/testing.md 1436, and it ran
 * 1450. The count is now in one place, docs/testing.md's "The quick tier" ("It runs N tests (module n, ...)", its
 * modules adding up to N, measured from {@code ./run-tests --quick -o}'s summaries); the README and the table of
 * phases point there and give no count of their own.
 */
class QuickTierCountDocsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern COUNT = Pattern.compile("It runs (\\d+) tests \\(([^)]*)\\)");
    private static final Pattern MODULE = Pattern.compile("([a-z]+) (\\d+)");

    @Test
    void theQuickTiersCountIsStatedOnceAndItsModulesAddUp() throws Exception {
        String testing = Files.readString(ROOT.resolve("docs/testing.md"));
        Matcher m = COUNT.matcher(testing);
        assertThat(m.find()).as("docs/testing.md: \"It runs N tests (module n, ...)\"").isTrue();
        int total = Integer.parseInt(m.group(1));
        int sum = 0;
        Matcher module = MODULE.matcher(m.group(2).split(";")[0]); // "native 55, core 1061, ...; what else"
        while (module.find()) {
            sum += Integer.parseInt(module.group(2));
        }
        assertThat(sum).as("the modules of \"%s\"", m.group()).isEqualTo(total);
        assertThat(m.find()).as("a second count in docs/testing.md").isFalse();
        String row = testing.lines().filter(l -> l.startsWith("| quick tier |")).findFirst().orElseThrow();
        assertThat(row).as("the phases table's row").doesNotContainPattern("\\d+ (unit )?tests");

        String readme = Files.readString(ROOT.resolve("README.md"));
        int at = readme.indexOf("For a quick check as any user, `./run-tests --quick`");
        assertThat(at).isNotNegative();
        String paragraph = readme.substring(at, readme.indexOf("\n\n", at));
        assertThat(paragraph).doesNotContainPattern("\\d+ tests").contains("docs/testing.md#the-quick-tier");
    }
}
