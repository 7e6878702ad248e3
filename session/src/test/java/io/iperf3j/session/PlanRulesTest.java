package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.session.SessionException.IperfConfigurationError;
import java.util.Optional;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A plan's rules, each in one place: the direction words ({@link Plan.Direction}) and no host sending to itself. */
class PlanRulesTest {
    private static List<Node> hosts() {
        return List.of(Node.of("a", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3J),
                Node.of("b", "127.0.0.2", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3J));
    }

    @Test
    void theDirectionWordsAreTheEnumsAndNothingElse() {
        assertThat(Plan.Direction.words()).isEqualTo("up, down, both, bidir");
        for (Plan.Direction d : Plan.Direction.values()) {
            assertThat(Plan.Direction.of(d.word())).contains(d);
        }
        assertThat(Plan.Direction.of("UP")).isEmpty();
        assertThat(Plan.Direction.of("sideways")).isEmpty();
        assertThat(Plan.Direction.unknown("sideways")).isEqualTo("unknown direction 'sideways' (up, down, both, bidir)");
    }

    @Test
    void aHostCannotSendToItselfWhereverTheTestComesFrom() throws Exception {
        assertThatThrownBy(() -> Plan.builder(hosts()).test("t", "a", "a", Plan.Direction.UP, TestSpec.tcp(1), 1))
                .isInstanceOf(IperfConfigurationError.class).hasMessage("test 't': a host cannot send to itself (a)");
        Plan plan = Plan.builder(hosts()).test("t", "a", "b", Plan.Direction.UP, TestSpec.tcp(1), 1).build();
        Plan self = plan.withTests(List.of(new Plan.Test("t_a-a", "a", "a", Plan.Direction.UP, TestSpec.tcp(1), 1)));
        assertThatThrownBy(() -> Sessions.runner(self, java.nio.file.Path.of("raw"), r -> { }))
                .isInstanceOf(IperfConfigurationError.class).hasMessage("test 't_a-a': a host cannot send to itself (a)");
        Node a = hosts().get(0);
        assertThatThrownBy(() -> new IperfSession.SenderReceiver(a, a)).hasMessage("a host cannot send to itself (a)");
        assertThat(Plan.Test.sendsToItself("a", "b")).isEqualTo(Optional.empty());
    }
}
