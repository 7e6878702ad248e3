package io.iperf3j.session.command;

import io.iperf3j.export.cli.MetricsOption;
import io.iperf3j.export.cli.MetricsOptions;
import io.iperf3j.internal.subcommand.Subcommands;
import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.internal.agent.AgentArchives;
import io.iperf3j.session.internal.agent.AgentHost;
import io.iperf3j.session.internal.agent.AgentLoop;
import io.iperf3j.session.internal.agent.AgentPlan;
import io.iperf3j.session.internal.agent.AgentTimetable;
import io.iperf3j.session.internal.output.ResultArchives;
import io.iperf3j.session.internal.output.ResultRemoteWrite;
import io.iperf3j.session.internal.plan.PlanFile;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
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

    @Option(names = "--resend", paramLabel = "DIR",
            description = "send every result DIR/tests.jsonl holds to the archives (the plan's, or --remote-write.url,"
                    + " --push.url), run nothing: after an agent was killed, or a receiver was down past the end")
    Path resend;

    /** {@code --metrics.listen}: export's row, as the server spells it; added by {@link #commandLine}. */
    String metricsListen;

    /** {@code --push.url}, {@code --push.job}: added by {@link #commandLine}. */
    private final PushOptions push = new PushOptions();

    /** {@code --remote-write.*}: added by {@link #commandLine}. */
    private final RemoteWriteOptions remoteWrite = new RemoteWriteOptions();

    private AgentCommand() {
    }

    /** The command's picocli model (the man page, {@code --help}). */
    public static CommandSpec spec() {
        return commandLine(new AgentCommand()).getCommandSpec();
    }

    private static CommandLine commandLine(AgentCommand c) {
        CommandLine cl = new CommandLine(c);
        CommandSpec spec = cl.getCommandSpec();
        spec.version(Subcommands.version());
        TableOption.add(spec, MetricsOption.METRICS_LISTEN, "serve the last results of the tests this host sends, its run"
                + " counters and its heartbeat (" + AgentArchives.HEARTBEAT + ") on /metrics (and /health) at [HOST:]PORT (PORT"
                + " alone: 127.0.0.1; :PORT: every interface), as iperf3j session's option", v -> c.metricsListen = v);
        c.push.addTo(spec, false);
        c.remoteWrite.addTo(spec);
        return cl;
    }


    /**
     * {@code plan} with the command line's {@code --remote-write.*} and {@code --push.*} over its archives, as
     * {@code iperf3j session} puts them; a remote-write target that cannot be valid is refused here, before anything runs.
     */
    private Plan withArchives(Plan plan) {
        Plan p = plan.withRemoteWrite(remoteWrite.over(plan.remoteWrite()));
        p.remoteWrite().ifPresent(ResultRemoteWrite::config);
        return new Plan(p.hosts(), p.tests(), p.parallel(), p.filenameBase(), push.over(p.push()), p.schedule(), p.remoteWrite());
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
        if (c.resend != null) {
            return resend(c, out, err);
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

    /**
     * The agent from its first plan version: the archives and {@code /metrics} are the first version's with the command
     * line's over them, for the agent's life (a later version's {@code remote_write} or {@code push} is not taken).
     */
    private static int run(AgentCommand c, AgentPlan plans, PrintStream out, PrintStream err, Consumer<Runnable> onSignal) {
        AgentLoop loop;
        AgentArchives archives;
        Node me = plans.current().me();
        try {
            Plan p = c.withArchives(plans.current().plan());
            Optional<InetSocketAddress> listen = Optional.ofNullable(c.metricsListen)
                    .map(v -> MetricsOptions.listen(MetricsOption.METRICS_LISTEN.flag(), v));
            Files.createDirectories(c.output);
            loop = AgentLoop.start(plans, c.output, out);
            try {
                archives = AgentArchives.start(p, me, listen, w -> err.println("warning: " + w));
            } catch (IOException e) {
                loop.close();
                err.println("iperf3j agent: unable to listen on --metrics.listen " + c.metricsListen + ": " + e.getMessage());
                return SessionCommand.BAD_PLAN;
            }
        } catch (io.iperf3j.options.OptionError e) {
            err.println("iperf3j agent: " + e.getMessage());
            return SessionCommand.BAD_PLAN;
        } catch (IllegalArgumentException | IOException e) {
            err.println("iperf3j agent: error - " + e.getMessage());
            return SessionCommand.BAD_PLAN;
        }
        loop.reportTo(archives);
        try (loop; archives) {
            onSignal.accept(loop::stop);
            out.println("iperf3j agent " + me.id() + " (" + me.address() + "): serving its peers on port " + loop.port()
                    + ", its records in " + c.output + "; plan " + plans.name() + " version " + plans.current().id()
                    + archives.metricsAddress().map(a -> "; metrics on "
                    + io.iperf3j.export.server.ServerMetricsEndpoint.metricsUrl(a)).orElse(""));
            out.flush();
            AgentLoop.Counts n = loop.run();
            out.println("iperf3j agent " + me.id() + ": " + n.ok() + " ok, " + n.failed() + " failed, " + n.skipped() + " skipped");
            out.flush();
            // the results still on their way: sent within the archives' flush time, then the summary's lines
            archives.finish().forEach(out::println);
            out.flush();
            return n.failed() + n.skipped() == 0 ? SessionCommand.OK : SessionCommand.TEST_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SessionCommand.TEST_FAILED;
        } finally {
            onSignal.accept(null);
        }
    }

    /** {@code --resend DIR}: the folder's results to the archives of the plan (when given) and the command line. */
    private static int resend(AgentCommand c, PrintStream out, PrintStream err) {
        try {
            return Resend.run(NAME, c.resend, () -> {
                Plan p = c.plan == null ? new Plan(List.of(), List.of(), false, "", Optional.empty())
                        : AgentPlan.isUrl(c.plan) ? resendPlan(c) : PlanFile.read(Path.of(c.plan));
                return ResultArchives.of(c.withArchives(p), w -> err.println("warning: " + w));
            }, out, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SessionCommand.TEST_FAILED;
        }
    }

    /** A plan URL's version now, read as the agent reads it (this host must be in it), for {@code --resend}. */
    private static Plan resendPlan(AgentCommand c) throws IperfConfigurationError {
        try (AgentPlan plans = AgentPlan.open(c.plan, Optional.ofNullable(c.hostId), AgentHost.ownAddresses(),
                AgentTimetable.DEFAULT_MARGIN)) {
            return plans.current().plan();
        }
    }

    /** Runs with no signal handling (tests). */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, action -> { });
    }
}
