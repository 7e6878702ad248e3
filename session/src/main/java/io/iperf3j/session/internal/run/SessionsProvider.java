package io.iperf3j.session.internal.run;

import io.iperf3j.session.Connection;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.IperfSession;
import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.PlanRunner;
import io.iperf3j.session.Sessions;
import io.iperf3j.session.SshSettings;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.internal.connect.LocalConnection;
import io.iperf3j.session.internal.connect.SshConnection;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/** The module's one {@link Sessions.Provider}: what the API's faces are made of. */
public final class SessionsProvider implements Sessions.Provider {
    /** For {@link java.util.ServiceLoader}. */
    public SessionsProvider() {
    }

    @Override
    public Connection local(Connection.Wrapper wrapper) {
        return new LocalConnection(wrapper);
    }

    @Override
    public Connection ssh(SshSettings settings) {
        return new SshConnection(settings);
    }

    @Override
    public IperfSession session(Map<String, Node> nodes, Node tpc, String filenameBase, Path rawDirectory) {
        return new PairSession(nodes, tpc, filenameBase, rawDirectory);
    }

    @Override
    public PlanRunner runner(Plan plan, Path rawDirectory, Consumer<TestResult> onResult, Consumer<String> notes)
            throws IperfConfigurationError {
        return new PlanExecution(plan, rawDirectory, onResult, notes);
    }
}
