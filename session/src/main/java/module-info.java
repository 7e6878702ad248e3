/**
 * Multi-node iperf sessions over local and SSH connections, and plans over many hosts
 * ({@code io.iperf3j.session}); {@code io.iperf3j.session.internal} is its machinery.
 *
 * <p>MINA SSHD is not required here: sshd-core and sshd-common (both automatic modules) hold
 * the same packages ({@code org.apache.sshd.common}, {@code org.apache.sshd.client.auth}, ...),
 * which the module system refuses, so they stay on the class path and this module reads them
 * there ({@code --add-reads io.iperf3j.session=ALL-UNNAMED} in session/pom.xml). No public type
 * of this module names an SSHD class.
 */
// "module": the qualified export names io.iperf3j.cli, which is built after this module
@SuppressWarnings("module")
module io.iperf3j.session {
    requires transitive io.iperf3j.core;
    requires io.iperf3j.export;
    requires io.iperf3j.report;
    requires transitive info.picocli; // the command's CommandSpec (spec()) names picocli's model
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires java.management; // the controller's old-generation watch (command.OldGenerationWatch)
    requires jdk.management; // the same watch sets MinHeapFreeRatio, a manageable flag (HotSpotDiagnosticMXBean)
    requires jdk.net; // the host-slots service knows its peers by SO_PEERCRED (internal.slots.SlotService)
    requires java.net.http; // an agent's --plan URL (internal.agent.PlanFetch)

    exports io.iperf3j.session;
    // the iperf3j session command, for the CLI only
    exports io.iperf3j.session.command to io.iperf3j.cli;

    // picocli reads the session command's annotated options reflectively
    opens io.iperf3j.session.command to info.picocli;

    // the API's faces reach the internal packages through this service, not by import
    uses io.iperf3j.session.Sessions.Provider;
    provides io.iperf3j.session.Sessions.Provider with io.iperf3j.session.internal.run.SessionsProvider;
}
