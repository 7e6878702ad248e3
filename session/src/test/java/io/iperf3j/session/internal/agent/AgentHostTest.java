package io.iperf3j.session.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.session.Plan;
import io.iperf3j.session.internal.plan.PlanFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which host of the plan an agent is: by --host-id, else by an address of its own; errors that say what it has. */
class AgentHostTest {
    private static Plan plan() throws Exception {
        return PlanFile.parse("""
                hosts:
                  - {id: a, address: 10.9.0.1, connection: local}
                  - {id: b, address: 10.9.0.2, connection: local}
                  - {id: c, address: 10.9.0.3, connection: local}
                tests:
                  - {name: m, mesh: [a, b, c]}
                """, Path.of("."));
    }

    @Test
    void hostIdNamesTheHostWhateverTheAddresses() throws Exception {
        assertThat(AgentHost.find(plan(), Optional.of("b"), List.of("10.9.0.1")).id()).isEqualTo("b");
    }

    @Test
    void anUnknownHostIdListsThePlansIds() {
        assertThatThrownBy(() -> AgentHost.find(plan(), Optional.of("z"), List.of()))
                .hasMessage("--host-id z is not a host of the plan (its hosts: a, b, c)");
    }

    @Test
    void withoutAnIdTheOneHostWithAnAddressOfThisMachineIsIt() throws Exception {
        assertThat(AgentHost.find(plan(), Optional.empty(), List.of("127.0.0.1", "10.9.0.3", "fe80:0:0:0:0:0:0:1")).id())
                .isEqualTo("c");
    }

    @Test
    void noMatchNamesThisMachinesAddressesAndThePlans() {
        assertThatThrownBy(() -> AgentHost.find(plan(), Optional.empty(), List.of("127.0.0.1", "192.0.2.7")))
                .hasMessage("no host of the plan has an address of this machine's (this machine: 127.0.0.1, 192.0.2.7;"
                        + " the plan: a 10.9.0.1, b 10.9.0.2, c 10.9.0.3); name this host with --host-id");
    }

    @Test
    void twoHostsOfThisMachineNeedAnId() {
        assertThatThrownBy(() -> AgentHost.find(plan(), Optional.empty(), List.of("10.9.0.1", "10.9.0.2")))
                .hasMessage("hosts a, b of the plan all have addresses of this machine's; name this host with --host-id");
    }
}
