package io.iperf3j.session.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.SessionException;
import io.iperf3j.session.SessionException.IperfCommandError;
import io.iperf3j.session.SessionException.IperfError;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The verdict on what an iperf printed: its text lines, or its {@code -J} document's error. */
class OutputCheckTest {
    private static List<String> lines(String text) {
        return List.of(text.split("\n", -1));
    }

    @Test
    void aTextLineSaysWhatWentWrong() {
        Optional<SessionException> e = OutputCheck.finished("iperf3 -c h", "a", List.of(),
                List.of("iperf3: error - unable to connect to server: Connection refused"), OptionalInt.of(1));
        assertThat(e).get().isInstanceOf(IperfError.class).extracting(Throwable::getMessage).asString()
                .startsWith("Iperf server not running on remote host:");
        assertThat(OutputCheck.finished("iperf3 -c h", "a", lines("iperf3: unrecognized option '--nope'\nUsage: iperf3"), List.of(),
                OptionalInt.of(1))).get().isInstanceOf(IperfCommandError.class);
        assertThat(OutputCheck.finished("iperf3", "a", List.of(), List.of("sh: iperf3: not found"), OptionalInt.of(127)))
                .get().isInstanceOf(IperfCommandError.class).extracting(Throwable::getMessage).asString()
                .isEqualTo("'iperf3' not found on a (exit status 127: sh: iperf3: not found)");
    }

    /** A -J document: its error is read (and sorted as a line is), its other members never, whatever words they hold. */
    @Test
    void aJsonDocumentSpeaksThroughItsErrorOnly() {
        String withError = "{\n\t\"start\":\t{\n\t\t\"connected\":\t[]\n\t},\n\t\"intervals\":\t[],\n\t\"end\":\t{},\n"
                + "\t\"error\":\t\"unable to connect to server - server may have stopped running or use a different port, "
                + "firewall issue, etc.: Connection refused\"\n}";
        Optional<SessionException> e = OutputCheck.finished("iperf3 -c h -J", "a", lines(withError), List.of(), OptionalInt.of(1));
        assertThat(e).get().isInstanceOf(IperfError.class).extracting(Throwable::getMessage).asString()
                .startsWith("Iperf server not running on remote host: unable to connect to server");
        // a title (any member but error) with the words of an error is not one, on a clean exit or a failed one
        String clean = "{\n\t\"title\":\t\"connection refused\",\n\t\"start\":\t{\"x\": [1, {\"error\": \"no route to host\"}]},\n"
                + "\t\"end\":\t{}\n}";
        assertThat(OutputCheck.finished("iperf3 -c h -J", "a", lines(clean), List.of(), OptionalInt.of(0))).isEmpty();
        assertThat(OutputCheck.finished("iperf3 -c h -J", "a", lines(clean), List.of("boom"), OptionalInt.of(2))).get()
                .extracting(Throwable::getMessage).asString().isEqualTo("'iperf3 -c h -J' on a exited with status 2: boom");
        // a failed exit with an error that is no known problem: the error is the reason
        String other = "{\"start\": {}, \"error\": \"  the test ended early  \"}";
        assertThat(OutputCheck.finished("iperf3 -J", "a", lines(other), List.of(), OptionalInt.of(1))).get()
                .extracting(Throwable::getMessage).asString().isEqualTo("'iperf3 -J' on a exited with status 1: the test ended early");
    }

    /** A document cut short, or text that starts with a brace, is no document: its lines speak, as text's do. */
    @Test
    void aDocumentCutShortIsReadAsLines() {
        List<String> cut = lines("{\n\t\"start\":\t{\n\t\t\"cookie\":\t\"x\",\n iperf3: error - unable to connect to server: No route to host");
        assertThat(OutputCheck.documentError(cut)).isNull();
        assertThat(OutputCheck.finished("iperf3 -c h -J", "a", cut, List.of(), OptionalInt.of(1))).get()
                .extracting(Throwable::getMessage).asString().startsWith("Unable to connect to host:");
    }

    @Test
    void aDocumentsErrorAsATreeReadIt() {
        assertThat(OutputCheck.documentError(List.of("", "  ", "{\"error\": \" a \"}"))).isEqualTo("a");
        assertThat(OutputCheck.documentError(lines("{\"error\": \"first\", \"end\": {}, \"error\": \"last\"}"))).isEqualTo("last");
        assertThat(OutputCheck.documentError(lines("{\"error\": {\"not\": \"text\"}}"))).isEmpty();
        assertThat(OutputCheck.documentError(lines("{\"error\": \"   \"}"))).isEmpty();
        assertThat(OutputCheck.documentError(lines("{\"end\": {}}\ntrailing words"))).isEmpty();
        assertThat(OutputCheck.documentError(lines("Connecting to host h, port 5201"))).isNull();
        assertThat(OutputCheck.documentError(List.of())).isNull();
        assertThat(OutputCheck.documentError(lines("{\"error\": \"x\"}"))).isEqualTo("x");
        assertThat(OutputCheck.documentError(lines("{\"end\": {}}"))).isEmpty();
    }
}
