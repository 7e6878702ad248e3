/**
 * iperf3j's engine as a library. Programs use {@code io.iperf3j} only; the packages under
 * {@code io.iperf3j.internal} are the implementation.
 *
 * <p>The qualified exports below are the internals the {@code iperf3j} command itself drives:
 * iperf3's own command line (parse, run a client or a server, print iperf3's text and
 * {@code -J}), and the subcommands' shared style ({@code internal.subcommand}, to the
 * modules that have a subcommand). docs/design/package-map.md lists each with its reason; a
 * new one is a design change. {@code module} warnings are suppressed because the modules
 * named are built after this one, so javac cannot find them here; a misspelt name still
 * fails the build, in the module that then cannot see the package.
 */
@SuppressWarnings("module")
module io.iperf3j.core {
    requires com.fasterxml.jackson.core;
    requires java.management;
    requires jdk.management;
    requires jdk.net;
    requires io.iperf3j.sys;

    exports io.iperf3j;
    exports io.iperf3j.options;

    exports io.iperf3j.internal.engine to io.iperf3j.cli;
    exports io.iperf3j.internal.files to io.iperf3j.export, io.iperf3j.report, io.iperf3j.session;
    exports io.iperf3j.internal.engine.server to io.iperf3j.cli;
    exports io.iperf3j.internal.json to io.iperf3j.cli;
    exports io.iperf3j.internal.options to io.iperf3j.cli;
    exports io.iperf3j.internal.output to io.iperf3j.cli;
    exports io.iperf3j.internal.protocol to io.iperf3j.cli;
    exports io.iperf3j.internal.stats to io.iperf3j.cli;
    exports io.iperf3j.internal.subcommand to io.iperf3j.export, io.iperf3j.link, io.iperf3j.report,
            io.iperf3j.session;
}
