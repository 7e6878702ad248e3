package io.iperf3j.session.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The one reader of the host scripts' {@code @@} lines, on what the scripts print (a listen check that found the
 * port taken, a start, a kill) and, as a Jazzer target, on any text a host could send back: no exception, and a
 * reply only from a line that starts with {@code @@}. Seeds: {@code HostReplyTestInputs/anyOutput/}.
 */
class HostReplyTest {
    private static final String TAKEN = """
            @@pid 812
            iperf3: error - unable to start listener for connections: Address already in use
            @@exited 1
            @@holder 77 iperf3
            @@holder 78 java
            """;

    @Test
    void aListenCheckThatFoundThePortTakenReadsAsItsParts() {
        assertThat(HostReply.all(TAKEN)).extracting(HostReply::word).containsExactly("pid", "exited", "holder", "holder");
        assertThat(HostReply.pid("@@pid 812")).isEqualTo(OptionalLong.of(812));
        assertThat(HostReply.exited(TAKEN)).isEqualTo(OptionalInt.of(1));
        assertThat(HostReply.values(TAKEN, "holder")).containsExactly("77 iperf3", "78 java");
        assertThat(ServerCheck.holders(TAKEN)).containsExactly("PID 77 iperf3", "PID 78 java");
        assertThat(HostReply.isReply("iperf3: error - unable to start listener")).isFalse();
    }

    @Test
    void wordsAloneAndValuesThatAreNotNumbers() {
        assertThat(HostReply.of("@@gone")).contains(new HostReply("gone", ""));
        assertThat(HostReply.says("x\n@@alive\n", "alive")).isTrue();
        assertThat(HostReply.pid("@@pid 12x")).isEmpty();
        assertThat(HostReply.pid("@@pid 99999999999999999999")).isEmpty();
        assertThat(HostReply.pid("@@killed 12")).isEmpty();
        assertThat(HostReply.exited("@@exited\n")).isEmpty();
        assertThat(HostReply.of("@@")).isEmpty();
        assertThat(HostReply.of(" @@pid 1")).as("a reply starts its line").isEmpty();
    }

    @FuzzTest(maxDuration = "30s")
    void anyOutput(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        for (HostReply r : HostReply.all(text)) {
            if (r.word().isEmpty() && r.value().isEmpty()) {
                throw new IllegalStateException("an empty reply from " + text);
            }
        }
        for (String line : text.split("\n")) {
            if (HostReply.isReply(line) && !line.startsWith("@@")) {
                throw new IllegalStateException("a reply from a line without @@: " + line);
            }
            HostReply.pid(line).ifPresent(p -> {
                if (p < 0) {
                    throw new IllegalStateException("a negative PID from " + line);
                }
            });
        }
        HostReply.exited(text);
    }
}
