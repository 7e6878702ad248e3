package io.iperf3j.export.exporter;

import io.iperf3j.export.Durations;
import io.iperf3j.internal.subcommand.Subcommands;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iperf3j exporter [--listen [HOST]:PORT] [--timeout DURATION]}: serves
 * {@link ExporterServer} until a signal. {@code --listen} defaults to {@code 127.0.0.1:9579}
 * (iperf3_exporter's port, on loopback only: see {@link #DEFAULT_LISTEN}; {@code --web.listen-address}
 * is an alias), {@code --timeout} to 30s ({@code --iperf3.timeout} is an alias). Failed probes
 * are logged on stderr with their reason.
 */
public final class ExporterCommand {
    /**
     * The default listen address: iperf3_exporter's port on loopback. iperf3_exporter listens on
     * every interface ({@code :9579}), but a probe makes this host run a test against any target
     * it is asked to, so reaching it from the network is opted into with {@code --listen :9579}.
     */
    public static final String DEFAULT_LISTEN = "127.0.0.1:9579";

    /** The subcommand's name: {@code iperf3j exporter}. */
    public static final String NAME = "exporter";

    /** The command line, parsed by picocli, which also prints its usage. */
    @Command(name = "iperf3j exporter", sortOptions = false, usageHelpWidth = 100,
            description = "Prometheus exporter: /metrics, and /probe runs a test per scrape (as iperf3_exporter).",
            footer = {"Endpoints: /probe?target=HOST[:PORT]&port=&reverse_mode=&udp_mode=&bitrate=&period=&bind=",
                    "           /metrics (exporter health and last results), /health"})
    static final class Options {
        @Option(names = "--listen", paramLabel = "[HOST]:PORT",
                description = "address to serve on (default 127.0.0.1:9579; :9579 = every interface;"
                        + " iperf3_exporter's --web.listen-address too)")
        String listen = DEFAULT_LISTEN;

        @Option(names = "--timeout", paramLabel = "DURATION",
                description = "longest probe, also capped by the scrape timeout (default 30s;"
                        + " iperf3_exporter's --iperf3.timeout too)")
        String timeout = ExporterServer.DEFAULT_TIMEOUT.toSeconds() + "s";

        // iperf3_exporter's names, as options of their own (not listed, as iperf3's --bandwidth):
        // as a second name of one option picocli called it by its longest name, so a missing
        // --timeout value was reported as '--iperf3.timeout' (plan bug 9)

        @Option(names = "--web.listen-address", paramLabel = "[HOST]:PORT", hidden = true)
        void webListenAddress(String value) {
            listen = value;
        }

        @Option(names = "--iperf3.timeout", paramLabel = "DURATION", hidden = true)
        void iperf3Timeout(String value) {
            timeout = value;
        }

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this message and quit")
        boolean help;

        @Option(names = {"-v", "--version"}, versionHelp = true, description = "show version information and quit")
        boolean version;
    }

    /** The command's picocli model: its options, for the man page. */
    public static CommandLine.Model.CommandSpec spec() {
        return commandLine(new Options()).getCommandSpec();
    }

    private static CommandLine commandLine(Options options) {
        CommandLine cl = new CommandLine(options).setCaseInsensitiveEnumValuesAllowed(false);
        cl.getCommandSpec().version(Subcommands.version());
        return cl;
    }

    private ExporterCommand() {
    }

    /**
     * Runs the exporter until {@code onSignal}'s runnable is called.
     *
     * @param args the arguments after {@code exporter}
     * @param onSignal receives the action that stops the exporter (the command's signal handler)
     * @return the exit status: 0 after a stop, 1 for bad arguments or an address that cannot be bound
     */
    public static int run(List<String> args, PrintStream out, PrintStream err, Consumer<Runnable> onSignal) {
        Options options = new Options();
        Duration timeout;
        CommandLine cl = commandLine(options);
        InetSocketAddress address;
        try {
            cl.parseArgs(args.toArray(String[]::new));
            if (cl.isUsageHelpRequested() || cl.isVersionHelpRequested()) {
                out.print(cl.isUsageHelpRequested() ? usage() : Subcommands.version() + "\n");
                out.flush();
                return 0;
            }
        } catch (CommandLine.ParameterException e) {
            err.print(Subcommands.refused(NAME, e.getMessage()));
            return 1;
        }
        String listen = options.listen;
        try {
            timeout = Durations.parse("--timeout", options.timeout);
            address = address(listen);
        } catch (IllegalArgumentException e) {
            err.print(Subcommands.refused(NAME, "parameter error - " + e.getMessage()));
            return 1;
        }
        ExporterServer server;
        try {
            server = ExporterServer.start(address, timeout, m -> err.println("iperf3j exporter: " + m));
        } catch (IOException e) {
            err.println("iperf3j exporter: error - unable to listen on " + listen + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        onSignal.accept(stop::countDown);
        out.println("iperf3j exporter listening on " + server.address().getHostString() + ":" + server.port()
                + " (/metrics, /probe?target=HOST[:PORT])"
                + (server.address().getAddress().isLoopbackAddress()
                        ? "; loopback only: --listen :" + server.port() + " serves every interface" : ""));
        out.flush();
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.close();
        }
        return 0;
    }

    /** Parses {@code [HOST]:PORT} ({@code [v6]:PORT} for IPv6); no host = all interfaces. */
    public static InetSocketAddress address(String listen) {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--listen must be [HOST]:PORT, got '" + listen + "'");
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port in --listen '" + listen + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid port in --listen '" + listen + "'");
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /** The usage text ({@code iperf3j exporter --help}). */
    public static String usage() {
        return commandLine(new Options()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }
}
