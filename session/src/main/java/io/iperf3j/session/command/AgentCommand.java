package io.iperf3j.session.command;

import io.iperf3j.internal.subcommand.Subcommands;
import io.iperf3j.session.Node;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.internal.agent.AgentHost;
import io.iperf3j.session.internal.agent.AgentLoop;
import io.iperf3j.session.internal.agent.AgentPlan;
import io.iperf3j.session.internal.agent.AgentTimetable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code iperf3j agent} (issue 69): one host of a fleet measuring by itself from the shared plan, with no controller and no
 * SSH ({@link AgentLoop}). Exit status as the session's: 0 when every test of its own ran ok (or a signal stopped it), 1 when
 * one failed or was skipped, 2 for a refused command line, a plan it cannot read or run, or no host of the plan that is this one.
 */
@Command(name = "iperf3j agent", sortOptions = false,
        description = "Run on one host of a plan: a server for its peers, and the plan's tests this host sends, on the plan's"
                + " schedule, at times every agent of the plan computes alike.")
public final class AgentCommand {
    private static final String NAME = "agent";

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this message and quit")
    boolean help;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "show version information and quit")
    boolean version;

    @Option(names = "--plan", paramLabel = "FILE|URL",
            description = "the plan (YAML, as iperf3j session reads it): a file, or an http:// or https:// URL; read again"
                    + " before each run, a new version taken from the next run when it checks")
    String plan;

    @Option(names = "--host-id", paramLabel = "ID",
            description = "which of the plan's hosts this is (default: the one whose address is this machine's)")
    String hostId;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
            description = "where tests.jsonl (the tests this host sent) and served.jsonl (the tests its server ran) go (default: .)")
    Path output = Path.of(".");

    private AgentCommand() {
    }

    /** The command's picocli model (the man page, {@code --help}). */
    public static CommandSpec spec() {
        return commandLine(new AgentCommand()).getCommandSpec();
    }

    private static CommandLine commandLine(AgentCommand c) {
        CommandLine cl = new CommandLine(c);
        cl.getCommandSpec().version(Subcommands.version());
        return cl;
    }

    /**
     * Runs the agent until its schedule ends, or a signal: {@code onSignal} is given the action that stops it.
     *
     * @return {@link SessionCommand#OK}, {@link SessionCommand#TEST_FAILED} or {@link SessionCommand#BAD_PLAN}
     */
    public static int run(List<String> args, PrintStream out, PrintStream err, Consumer<Runnable> onSignal) {
        AgentCommand c = new AgentCommand();
        CommandLine cl = commandLine(c);
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            err.print(Subcommands.refused(NAME, e.getMessage()));
            return SessionCommand.BAD_PLAN;
        }
        if (cl.isUsageHelpRequested()) {
            cl.usage(out);
            out.flush();
            return SessionCommand.OK;
        }
        if (cl.isVersionHelpRequested()) {
            out.println(Subcommands.version());
            out.flush();
            return SessionCommand.OK;
        }
        if (c.plan == null) {
            err.print(Subcommands.refused(NAME, "Missing required option: '--plan=FILE|URL'"));
            return SessionCommand.BAD_PLAN;
        }
        AgentPlan plans;
        try {
            plans = AgentPlan.open(c.plan, Optional.ofNullable(c.hostId), AgentHost.ownAddresses(), AgentTimetable.DEFAULT_MARGIN);
        } catch (IperfConfigurationError e) {
            err.println("iperf3j agent: " + e.getMessage());
            return SessionCommand.BAD_PLAN;
        } catch (IllegalArgumentException e) {
            err.println("iperf3j agent: error - " + e.getMessage());
            return SessionCommand.BAD_PLAN;
        }
        try (plans) {
            return run(c, plans, out, err, onSignal);
        }
    }

    private static int run(AgentCommand c, AgentPlan plans, PrintStream out, PrintStream err, Consumer<Runnable> onSignal) {
        AgentLoop loop;
        Node me = plans.current().me();
        try {
            Files.createDirectories(c.output);
            loop = AgentLoop.start(plans, c.output, out);
        } catch (IllegalArgumentException | IOException e) {
            err.println("iperf3j agent: error - " + e.getMessage());
            return SessionCommand.BAD_PLAN;
        }
        try (loop) {
            onSignal.accept(loop::stop);
            out.println("iperf3j agent " + me.id() + " (" + me.address() + "): serving its peers on port " + loop.port()
                    + ", its records in " + c.output + "; plan " + plans.name() + " version " + plans.current().id());
            out.flush();
            AgentLoop.Counts n = loop.run();
            out.println("iperf3j agent " + me.id() + ": " + n.ok() + " ok, " + n.failed() + " failed, " + n.skipped() + " skipped");
            out.flush();
            return n.failed() + n.skipped() == 0 ? SessionCommand.OK : SessionCommand.TEST_FAILED;
        } finally {
            onSignal.accept(null);
        }
    }

    /** Runs with no signal handling (tests). */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, action -> { });
    }
}
