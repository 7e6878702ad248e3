package io.iperf3j.internal.options;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --} through core's scanner: it ends the options, as glibc's getopt_long, and the rest is not read. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DoubleDashTest {

    private static IperfOptions run(String... args) {
        ParseResult r = OptionParser.parse(args);
        assertThat(r).as("%s", String.join(" ", args)).isInstanceOf(ParseResult.Run.class);
        return ((ParseResult.Run) r).options();
    }

    @Test
    void anOptionAfterItIsNotAnOption() {
        IperfOptions o = run("-c", "h", "--", "-s");
        assertThat(o.isClient()).isTrue();
        assertThat(o.isServer()).isFalse();
    }

    @Test
    void anUnknownOptionAfterItIsNotRefused() {
        assertThat(run("-c", "h", "--", "--foo", "-Q").host()).isEqualTo("h");
    }

    @Test
    void aBadValueAfterItIsNotRead() {
        assertThat(run("-c", "h", "-p", "5202", "--", "-p", "0").port()).isEqualTo(5202);
    }

    @Test
    void helpAfterItIsAWord() {
        assertThat(OptionParser.parse("-c", "h", "--", "-h")).isInstanceOf(ParseResult.Run.class);
    }

    @Test
    void theWordsBeforeItAreRead() {
        assertThat(OptionParser.parse("-p", "0", "--", "-c", "h")).isInstanceOf(ParseResult.Failure.class);
        assertThat(OptionParser.parse("--", "-c", "h")).isInstanceOf(ParseResult.Failure.class);
    }

    @Test
    void itIsNotTakenAsAValue() {
        // getopt gives a required argument the next word, whatever it is: -T's title is "--"
        IperfOptions o = run("-c", "h", "-T", "--", "-t", "3");
        assertThat(o.title()).isEqualTo("--");
        assertThat(o.durationSec()).isEqualTo(3);
    }
}
