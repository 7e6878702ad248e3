package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole {@code iperf3j} line is one option table: {@code --report}, {@code --push.*} and
 * {@code --metrics.*} are read by the same scan as iperf3's options (bugs 1-6 of
 * docs/design/one-option-table.md, one case each).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OneLineTest {
    @TempDir
    Path dir;
    private final MainRun main = new MainRun();

    private int run(String... args) {
        return main.run(args);
    }

    private String out() {
        return main.out.toString();
    }

    private String err() {
        return main.err.toString();
    }

    /** Bug 1: {@code --} ends the options for {@code --report} too. */
    @Test
    void reportAfterDoubleDashIsNotAnOption() {
        Path html = dir.resolve("r.html");
        assertThat(run("--loopback", "-t", "1", "--", "--report", html.toString())).as(err()).isZero();
        assertThat(html).doesNotExist();
    }

    /** Bug 2: a required value is the next word, whatever it is: {@code -T --report} titles the run "--report". */
    @Test
    void aValueIsNotTakenAsReport() {
        Path html = dir.resolve("-t");
        assertThat(run("--loopback", "-T", "--report", "-t", "1")).as(err()).isZero();
        assertThat(html).doesNotExist();
        assertThat(Files.exists(Path.of("-t"))).isFalse();
        assertThat(out()).contains("--report:  [");
    }

    /** Bug 2: {@code --extra-data --push.url u}: the extra data is "--push.url", as in 3.12. */
    @Test
    void aValueIsNotTakenAsAPushOption() {
        assertThat(run("--loopback", "-t", "1", "-J", "--extra-data", "--push.url", "u")).as(err()).isZero();
        assertThat(out()).contains("\"extra_data\":\t\"--push.url\"");
    }

    /** Bug 3: help stands where it is: {@code -T -h} titles the run "-h"; {@code -p 0 -h} is refused, as 3.12. */
    @Test
    void helpOnlyWhereCoreSeesIt() {
        assertThat(run("-p", "0", "-h")).isEqualTo(1);
        assertThat(err()).startsWith("iperf3j: parameter error - ");
        assertThat(out()).doesNotContain("Usage:");
        main.err.reset();
        assertThat(run("--foo", "-h")).isEqualTo(1);
        assertThat(err()).startsWith("iperf3j: unrecognized option '--foo'");
        main.err.reset();
        assertThat(run("--loopback", "-t", "1", "-T", "-h")).as(err()).isZero();
        assertThat(out()).contains("-h:  [").doesNotContain("Usage:");
    }

    /** Bug 4: {@code --report} is in the help and in the page. */
    @Test
    void reportIsDocumented() {
        String help = Main.helpText();
        assertThat(help).contains("\n  --report FILE             write an HTML report");
        assertThat(help.indexOf("--report FILE")).isGreaterThan(help.indexOf("Client specific:"));
        assertThat(ManPage.render(help, "9.9.9")).contains("\n.B \\-\\-report FILE\n");
    }

    /** Bug 5: {@code --report} is client only. */
    @Test
    void reportOnAServerIsRefused() {
        assertThat(run("-s", "--report", dir.resolve("r.html").toString())).isEqualTo(1);
        assertThat(err()).startsWith("iperf3j: parameter error - some option you are trying to set is client only\n");
    }

    /** Bug 6: one error style: a metrics or report error under {@code -J} is JSON on stdout, like iperf3's own. */
    @Test
    void metricsAndReportErrorsAreJsonUnderJ() {
        assertThat(run("-c", "h", "-J", "--push.url", "h:1", "--push.retries", "11")).isEqualTo(1);
        assertThat(err()).isEmpty();
        assertThat(out()).startsWith("{").contains("\"error\":\t\"parameter error - --push.retries must be at most 10\"");
        main.out.reset();
        assertThat(run("-c", "h", "--report=", "-J")).isEqualTo(1);
        assertThat(out()).contains("\"error\":\t\"parameter error - --report needs the HTML file to write\"");
    }

    /** Bug 6: in text mode the same errors get the short usage, as iperf3's own. */
    @Test
    void metricsErrorsGetTheShortUsage() {
        assertThat(run("-c", "h", "--push.url", "h:1", "--push.retries", "11")).isEqualTo(1);
        assertThat(err()).isEqualTo("iperf3j: parameter error - --push.retries must be at most 10\n\n"
                + "Usage: iperf3j [-s|-c host] [options]\nTry `iperf3j --help' for more information.\n");
    }
}
