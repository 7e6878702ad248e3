package io.iperf3j.session.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.Connection;
import io.iperf3j.session.SessionException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ServerCheck}: which failed server starts count as a taken port, and what they say. */
class ServerCheckTest {
    private static final List<String> IN_USE = List.of("{", "\t\"error\":\t\"error - unable to start listener for connections: "
            + "Address already in use\"", "}");

    private static SessionException failure(int status, String stdout, List<String> out) {
        return ServerCheck.failure("iperf3 -s -p 6763 -1 -J", "r4", 6763, Duration.ofSeconds(5), Duration.ofSeconds(30),
                new Connection.CommandResult(status, stdout, ""), out);
    }

    /**
     * A server still running at the check's deadline that said "address already in use" once stopped: its bind came
     * after the deadline on a busy host, and the port was taken (CI, 2026-12-02), so the test moves on.
     */
    @Test
    void aServerThatSaidAddressInUseAfterTheDeadlineFoundThePortTaken() {
        Connection.CommandResult check = new Connection.CommandResult(RemoteScripts.NOT_LISTENING, "@@pid 9\n", "");
        assertThat(ServerCheck.portTaken(check, IN_USE)).isTrue();
        assertThat(failure(RemoteScripts.NOT_LISTENING, "@@pid 9\n", IN_USE).getMessage())
                .isEqualTo("port 6763 on r4 is taken by another process: the server 'iperf3 -s -p 6763 -1 -J' could not listen: "
                        + "\"error\":\t\"error - unable to start listener for connections: Address already in use\"");
    }

    /** A server that neither listened nor said why by the deadline did not find the port taken: it was not listening. */
    @Test
    void aServerSilentAtTheDeadlineWasNotListening() {
        List<String> out = List.of("-----------------------------------------------------------");
        Connection.CommandResult check = new Connection.CommandResult(RemoteScripts.NOT_LISTENING, "@@pid 9\n", "");
        assertThat(ServerCheck.portTaken(check, out)).isFalse();
        assertThat(failure(RemoteScripts.NOT_LISTENING, "@@pid 9\n", out).getMessage())
                .isEqualTo("server 'iperf3 -s -p 6763 -1 -J' on r4 was not listening on port 6763 after 30 s: "
                        + "-----------------------------------------------------------");
    }

    /** The check's own verdicts: a foreign listener, and a server that ended saying the address was in use. */
    @Test
    void takenAndEndedWithAddressInUseAreTaken() {
        assertThat(ServerCheck.portTaken(new Connection.CommandResult(RemoteScripts.TAKEN, "@@holder 77 x\n", ""), List.of()))
                .isTrue();
        assertThat(ServerCheck.portTaken(new Connection.CommandResult(RemoteScripts.EXITED, "@@exited 1\n", ""), IN_USE)).isTrue();
        assertThat(ServerCheck.portTaken(new Connection.CommandResult(RemoteScripts.EXITED, "@@exited 1\n", ""),
                List.of("iperf3: parameter error"))).isFalse();
        assertThat(failure(RemoteScripts.TAKEN, "@@holder 77 x\n", List.of()).getMessage())
                .startsWith("port 6763 on r4 is taken by another process (PID 77 x)");
    }
}
