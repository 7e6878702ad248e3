package io.iperf3j.session.command;

import io.iperf3j.internal.subcommand.Subcommands;
import io.iperf3j.session.internal.slots.SlotService;
import io.iperf3j.session.internal.slots.SlotTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code iperf3j host-slots}: the host-slots service, the one arbiter through which the sessions of every account on a
 * host take turns ({@link SlotService}). systemd runs it from the .deb's {@code iperf3j-host-slots.socket} (the socket
 * on its standard input); by hand it makes its socket ({@code --socket}). It runs until SIGINT or SIGTERM, and then
 * exits 0. Exit status 1 for a refused command line or a socket it cannot listen on.
 */
@Command(name = "iperf3j host-slots", sortOptions = false,
        description = "The host's slot service: the sessions of every account on this host take turns through it"
                + " (systemd runs it from iperf3j-host-slots.socket).")
public final class HostSlotsCommand {
    private static final String NAME = "host-slots";

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this message and quit")
    boolean help;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "show version information and quit")
    boolean version;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "the UNIX socket to make and listen on, when not given one by systemd (default: /run/iperf3j/host-slots.sock;"
                    + " its folder must be root's or this user's, writable by no one else)")
    Path socket;

    @Option(names = "--max-per-user", paramLabel = "N", description = "connections one account may hold at once (default: 64)")
    int maxPerUser = SlotService.DEFAULT_MAX_PER_ACCOUNT;

    @Option(names = "--max-connections", paramLabel = "N", description = "connections at once (default: 1024)")
    int maxConnections = SlotService.DEFAULT_MAX_CONNECTIONS;

    private HostSlotsCommand() {
    }

    /** The command's picocli model (the man page, {@code --help}). */
    public static CommandSpec spec() {
        return commandLine(new HostSlotsCommand()).getCommandSpec();
    }

    private static CommandLine commandLine(HostSlotsCommand c) {
        CommandLine cl = new CommandLine(c);
        cl.getCommandSpec().version(Subcommands.version());
        return cl;
    }

    /**
     * Runs the service until a signal: {@code onSignal} is given the action that stops it.
     *
     * @return 0 after a signal; 1 for a refused command line or a socket it cannot listen on
     */
    public static int run(List<String> args, PrintStream out, PrintStream err, Consumer<Runnable> onSignal) {
        HostSlotsCommand c = new HostSlotsCommand();
        CommandLine cl = commandLine(c);
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            err.print(Subcommands.refused(NAME, e.getMessage()));
            return 1;
        }
        if (cl.isUsageHelpRequested()) {
            cl.usage(out);
            out.flush();
            return 0;
        }
        if (cl.isVersionHelpRequested()) {
            out.println(Subcommands.version());
            out.flush();
            return 0;
        }
        if (c.maxPerUser < 1 || c.maxConnections < 1) {
            err.print(Subcommands.refused(NAME, "parameter error - --max-per-user and --max-connections must be at least 1"));
            return 1;
        }
        Consumer<String> log = m -> err.println("iperf3j host-slots: " + m);
        SlotService service;
        Optional<SlotService> given;
        try {
            given = c.socket == null ? SlotService.inherited(c.maxPerUser, c.maxConnections, log) : Optional.empty();
            service = given.isPresent() ? given.get() : SlotService.bind(c.socket == null ? SlotService.SOCKET : c.socket,
                    c.maxPerUser, c.maxConnections, log, System::nanoTime);
        } catch (IOException e) {
            err.println("iperf3j host-slots: error - unable to listen on " + (c.socket == null ? SlotService.SOCKET : c.socket) + ": "
                    + e.getMessage());
            return 1;
        }
        onSignal.accept(service::close);
        // given the socket as its standard input and output (inetd's way, and systemd's StandardInput=socket unless the unit
        // says StandardOutput=journal), the start line goes to stderr: stdout is the listening socket
        PrintStream said = given.isPresent() ? err : out;
        said.println("iperf3j host-slots listening on " + service.address() + " (at most " + c.maxPerUser + " connections an account, "
                + c.maxConnections + " in all, " + SlotTable.MAX_SLOTS_PER_PEER + " slots a connection)");
        said.flush();
        try {
            service.serve();
        } catch (IOException e) {
            err.println("iperf3j host-slots: error - " + e.getMessage());
            return 1;
        } finally {
            // on this thread too: the signal's close may still be on its way when serve() returns
            service.close();
        }
        return 0;
    }
}
