/**
 * iperf3j's one native layer: glibc through the Foreign Function &amp; Memory API (socket
 * options, {@code TCP_INFO}, batched datagram I/O, kernel time stamps, CPU times, system
 * information). No other module binds a native function (docs/design/one-native-layer.md).
 *
 * <p>Its one package is exported to core and link only: it is machinery, not API.
 * {@code module} warnings are suppressed because both are built after this module, so javac
 * cannot find them here; a misspelt name still fails the build, in the module that then cannot
 * see the package.
 *
 * <p>On the class path (the fat jar, the tests) native access is granted with
 * {@code --enable-native-access=ALL-UNNAMED}; on the module path it takes
 * {@code --enable-native-access=io.iperf3j.sys}.
 */
@SuppressWarnings("module")
module io.iperf3j.sys {
    // ProcessCpu's fallback without FFM: the process CPU time from the platform MXBean
    requires java.management;
    requires jdk.management;

    exports io.iperf3j.sys to io.iperf3j.core, io.iperf3j.link, io.iperf3j.cli;
}
