/**
 * The UDP message link: endpoints, messages, reliability, link metrics and the latency probe
 * ({@code io.iperf3j.link}); {@code io.iperf3j.link.internal} is its machinery.
 *
 * <p>HdrHistogram is not required here: its jar has no module name of its own (no descriptor,
 * no Automatic-Module-Name), so it stays on the class path and this module reads it there
 * ({@code --add-reads io.iperf3j.link=ALL-UNNAMED} in link/pom.xml). No public type of this
 * module names a HdrHistogram class.
 */
module io.iperf3j.link {
    requires transitive io.iperf3j.core;
    // the one native layer: the time-stamping socket under NativeUdpPort
    requires io.iperf3j.sys;
    requires transitive info.picocli; // the command's CommandSpec (spec()) names picocli's model
    requires com.fasterxml.jackson.core;

    exports io.iperf3j.link;

    // picocli reads the link command's annotated options reflectively
    opens io.iperf3j.link to info.picocli;
}
