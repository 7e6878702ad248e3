package io.iperf3j.session;

import io.iperf3j.session.SessionException.IperfConfigurationError;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * Where a session's objects are made: connections to hosts, a one-test {@link IperfSession} and a
 * {@link PlanRunner}. The API package holds values, errors and these faces only; the machinery behind them
 * (SSH, the host agent and scripts, dispatch, outputs) lives in the module's internal packages, which this
 * package does not import: it reaches them through {@link Provider}, which the module provides to itself
 * ({@code provides} in module-info, {@code META-INF/services} on a class path), as {@code java.sql} reaches
 * its drivers.
 */
public final class Sessions {
    private Sessions() {
    }

    /**
     * A connection that runs commands on this machine ({@code sh -c}), for the caller's own commands. A
     * {@link Node} is not given a connection but says how it is reached ({@link Node.Access#local()}): a run
     * makes its connection.
     */
    public static Connection local() {
        return provider().local(Connection.Wrapper.NONE);
    }

    /** A connection that runs commands on this machine through a wrapper (a prefix, PATH additions). */
    public static Connection local(Connection.Wrapper wrapper) {
        return provider().local(wrapper);
    }

    /**
     * A connection over SSH, for the caller's own commands; it logs in on first use (MINA SSHD, with OpenSSH's
     * defaults and files). A {@link Node} reached over SSH takes {@link Node.Access#ssh} instead.
     */
    public static Connection ssh(SshSettings settings) {
        return provider().ssh(settings);
    }

    /**
     * The seed's session: nodes by id and a traffic PC.
     *
     * @param nodes the devices under test (and any other hosts), by id
     * @param tpc the traffic PC, or null when there is none
     * @param filenameBase a base name put in every output file name ("" for none)
     * @param rawDirectory where raw outputs are written
     */
    public static IperfSession session(Map<String, Node> nodes, Node tpc, String filenameBase, Path rawDirectory) {
        return provider().session(nodes, tpc, filenameBase, rawDirectory);
    }

    /**
     * A runner of a plan.
     *
     * @param rawDirectory where raw outputs go
     * @param onResult called with each result as it comes, on the thread that calls {@link PlanRunner#run()}
     * @param notes told a line per host when its iperf3j image is copied or found there, and a connection's
     *        notices (a host without SFTP)
     * @throws IperfConfigurationError if a test names a host that is not in the plan or cannot run
     */
    public static PlanRunner runner(Plan plan, Path rawDirectory, Consumer<TestResult> onResult, Consumer<String> notes)
            throws IperfConfigurationError {
        return provider().runner(plan, rawDirectory, onResult, notes);
    }

    /** A runner of a plan, without notes. */
    public static PlanRunner runner(Plan plan, Path rawDirectory, Consumer<TestResult> onResult)
            throws IperfConfigurationError {
        return runner(plan, rawDirectory, onResult, note -> { });
    }

    private static Provider provider() {
        return Loaded.PROVIDER;
    }

    /** Loaded once, on first use; immutable after. */
    private static final class Loaded {
        static final Provider PROVIDER = ServiceLoader.load(Provider.class, Sessions.class.getClassLoader())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("io.iperf3j.session is incomplete: no Sessions.Provider"));
    }

    /** The module's machinery, as the API reaches it. Implemented by this module only; not for users. */
    public interface Provider {
        /** A local connection. */
        Connection local(Connection.Wrapper wrapper);

        /** An SSH connection, not yet logged in. */
        Connection ssh(SshSettings settings);

        /** A one-test session. */
        IperfSession session(Map<String, Node> nodes, Node tpc, String filenameBase, Path rawDirectory);

        /** A plan's runner. */
        PlanRunner runner(Plan plan, Path rawDirectory, Consumer<TestResult> onResult, Consumer<String> notes)
                throws IperfConfigurationError;
    }
}
