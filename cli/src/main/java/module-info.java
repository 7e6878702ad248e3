/**
 * The {@code iperf3j} command ({@code io.iperf3j.cli.Main}): exports nothing. It reads core's
 * internals that iperf3's own command line needs and the export module's
 * {@code io.iperf3j.export.cli} through qualified exports (docs/design/package-map.md lists them).
 *
 * <p>The shipped command is a fat jar on the class path (the launcher, the runtime image, the
 * .deb); this descriptor is for compilation: it is what makes a new import of another
 * module's internal package fail the build.
 */
module io.iperf3j.cli {
    requires io.iperf3j.core;
    requires io.iperf3j.export;
    requires io.iperf3j.link;
    requires io.iperf3j.report;
    requires io.iperf3j.session;
    requires info.picocli; // the subcommands' CommandSpec, listed by the man page
    requires java.management;
    // sun.misc.Signal for the signal handlers (Main.installSignalHandlers)
    requires jdk.unsupported;
    // SignalDisposition: a signal inherited as ignored gets its handler too, as in iperf3
    requires io.iperf3j.sys;
}
